"""Which frames a model sees, at what size, and what the processor is told about them.

Each family as its reference pipeline does it:

- LLaVA-OneVision (LLaVA-NeXT's `load_video`): `num_frames` frames spread uniformly
  (`linspace(0, total - 1, N)`, default 32), resized by the processor to its square size; or,
  with `fps`, one frame every round(video fps / fps) frames thinned to `max_frames`.
- Qwen2-VL / Qwen2.5-VL (qwen-vl-utils `fetch_video`): `fps` frames per second (default 2),
  clamped to [`min_frames`, `max_frames`] and to the video's frames, rounded down to a multiple
  of the temporal patch (2), spread by `linspace`; each frame is resized to multiples of 28 with
  at least `min_pixels` and at most min(`max_pixels`, `total_pixels` / frames x 2) pixels. The
  sampled fps (frames sampled / frames in the video x video fps) and the frame indices go to the
  processor as video metadata, so Qwen2.5-VL's `second_per_grid_ts` (temporal patch / sampled fps)
  puts M-RoPE time where the frames really are.

Frames are decoded to RGB by libswscale, as those pipelines decode them.

    policy = FramePolicy(fps=2.0)                            # the Qwen default
    clip = read_model_video("v.mp4", policy)
    clip.frame_idx, clip.timestamps_s, clip.metadata()["fps"], clip.videos_kwargs
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import numpy as np

from videoutr.video.read import fps_indices

# qwen-vl-utils' defaults (vision_process.py)
QWEN_FPS, QWEN_MIN_FRAMES, QWEN_MAX_FRAMES, FRAME_FACTOR = 2.0, 4, 768, 2
QWEN_MIN_PIXELS, QWEN_MAX_PIXELS = 128 * 28 * 28, 768 * 28 * 28
QWEN_TOTAL_PIXELS = int(128000 * 28 * 28 * 0.9)
QWEN_FAMILIES = ("qwen2_vl", "qwen2_5_vl")


@dataclass(frozen=True)
class FrameBounds:
    """The fps policy (`fps`, clamped to [`min_frames`, `max_frames`]) and the pixel bounds (`min_pixels`,
    `max_pixels`, `total_pixels`; Qwen families only); None leaves the defaults (qwen-vl-utils')."""

    fps: float | None = None
    min_frames: int | None = None
    max_frames: int | None = None
    min_pixels: int | None = None
    max_pixels: int | None = None
    total_pixels: int | None = None

    def bounds(self) -> dict[str, float | int | None]:
        """These settings alone (of a subclass too), by name."""
        return {f.name: getattr(self, f.name) for f in fields(FrameBounds)}


@dataclass(frozen=True)
class FramePolicy(FrameBounds):
    """How a video becomes model frames: `num_frames` uniformly, else the fps policy of its bounds."""

    num_frames: int | None = None
    family: str = "llava_onevision"


def _floor(x: float, factor: int) -> int:
    return int(math.floor(x / factor) * factor)


def _ceil(x: float, factor: int) -> int:
    return int(math.ceil(x / factor) * factor)


def qwen_frame_count(total_frames: int, video_fps: float, policy: FramePolicy) -> int:
    """qwen-vl-utils' `smart_nframes`: frames for `total_frames` at `video_fps` under `policy`."""
    if policy.num_frames is not None:
        count = max(FRAME_FACTOR, round(policy.num_frames / FRAME_FACTOR) * FRAME_FACTOR)
        return min(count, _floor(total_frames, FRAME_FACTOR)) or total_frames
    fps = policy.fps if policy.fps is not None else QWEN_FPS
    min_frames = _ceil(policy.min_frames or QWEN_MIN_FRAMES, FRAME_FACTOR)
    max_frames = _floor(policy.max_frames or min(QWEN_MAX_FRAMES, total_frames), FRAME_FACTOR)
    count = total_frames / video_fps * fps if video_fps > 0 else total_frames
    count = _floor(min(max(count, min_frames), max_frames, total_frames), FRAME_FACTOR)
    return count if count >= FRAME_FACTOR else total_frames  # a 1-frame video stays one frame


def qwen_max_pixels(num_frames: int, policy: FramePolicy) -> int:
    """Per-frame pixel cap: min(max_pixels, total_pixels / frames x 2), at least 1.05 min_pixels."""
    min_pixels = policy.min_pixels or QWEN_MIN_PIXELS
    total = policy.total_pixels or QWEN_TOTAL_PIXELS
    cap = max(min(QWEN_MAX_PIXELS, total / max(num_frames, 1) * FRAME_FACTOR), int(min_pixels * 1.05))
    return int(min(policy.max_pixels, cap) if policy.max_pixels else cap)


def frame_indices(total_frames: int, video_fps: float, policy: FramePolicy) -> list[int]:
    """The frame indices `policy` samples from a video of `total_frames` frames at `video_fps`."""
    if total_frames <= 0:
        return []
    if policy.family in QWEN_FAMILIES:
        count = qwen_frame_count(total_frames, video_fps, policy)
    elif policy.num_frames is None:  # LLaVA-NeXT's fps sampling with its frames_upbound
        return fps_indices(total_frames, video_fps, policy.fps or 1.0, policy.max_frames)
    else:
        count = min(policy.num_frames, total_frames)
    return [int(i) for i in np.linspace(0, total_frames - 1, count).round().astype(int)]


@dataclass
class ModelVideo:
    """Frames ready for a processor, with where they came from.

    `frames` (T, H, W, 3) uint8 RGB; `frame_idx` and `timestamps_s` per frame; `total_frames` and
    `video_fps` of the source; `videos_kwargs` for the video processor (Qwen pixel bounds).
    """

    frames: np.ndarray
    frame_idx: list[int]
    timestamps_s: list[float]
    total_frames: int
    video_fps: float
    videos_kwargs: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def sampled_fps(self) -> float:
        """Frames sampled / frames in the video x video fps (what qwen-vl-utils reports)."""
        return len(self.frame_idx) / max(self.total_frames, 1e-6) * self.video_fps

    def metadata(self) -> dict:
        """transformers' `VideoMetadata` fields for these frames."""
        height, width = self.frames.shape[1:3]
        return {
            "total_num_frames": self.total_frames,
            "fps": self.video_fps,
            "frames_indices": list(self.frame_idx),
            "height": int(height),
            "width": int(width),
            "duration": self.total_frames / self.video_fps if self.video_fps else None,
        }

    def select(self, positions: list[int]) -> ModelVideo:
        """The same video with only the frames at `positions` (e.g. TPL's key frame)."""
        return replace(
            self,
            frames=self.frames[positions],
            frame_idx=[self.frame_idx[p] for p in positions],
            timestamps_s=[self.timestamps_s[p] for p in positions],
        )

    def record(self) -> dict:
        """What every output records about the frames a model saw."""
        return {
            "frame_idx": [int(i) for i in self.frame_idx],
            "timestamps_s": [round(float(t), 4) for t in self.timestamps_s],
            "sampled_fps": round(self.sampled_fps, 6),
        }


def videos_kwargs_for(policy: FramePolicy, num_frames: int) -> dict:
    """Processor kwargs of `policy` for a video of `num_frames` frames (Qwen: its pixel bounds)."""
    if policy.family not in QWEN_FAMILIES:
        return {}
    min_pixels = policy.min_pixels or QWEN_MIN_PIXELS
    return {
        "size": {"shortest_edge": min_pixels, "longest_edge": qwen_max_pixels(num_frames, policy)},
        "cap_pixels_per_frame": False,
    }


def clip_indices(
    total_frames: int, video_fps: float, policy: FramePolicy, clip_s: tuple[float, float] | None = None
) -> list[int]:
    """`frame_indices` within the [start, end] seconds of `clip_s` (MVBench's bounds), else the whole video."""
    if clip_s is None or video_fps <= 0:
        return frame_indices(total_frames, video_fps, policy)
    first = min(max(0, round(clip_s[0] * video_fps)), total_frames - 1)
    last = max(first, min(round(clip_s[1] * video_fps), total_frames - 1))
    return [first + i for i in frame_indices(last - first + 1, video_fps, policy)]


def read_model_video(path: str | Path, policy: FramePolicy, clip_s: tuple[float, float] | None = None) -> ModelVideo:
    """Decode the frames `policy` samples from `path` (within `clip_s` seconds when given),
    converted to RGB by libswscale, as a `ModelVideo`."""
    from videoutr.video import sample_frames

    clip = sample_frames(path, exact=True, indices=lambda info: clip_indices(info.num_frames, info.fps, policy, clip_s))
    return ModelVideo(
        frames=clip.frames,
        frame_idx=list(clip.frame_idx),
        timestamps_s=list(clip.timestamps_s),
        total_frames=clip.info.num_frames,
        video_fps=clip.info.fps,
        videos_kwargs=videos_kwargs_for(policy, len(clip.frame_idx)),
    )
