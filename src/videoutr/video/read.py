"""Read videos with PyAV: metadata, streaming decode, and frame sampling.

Sampling follows LLaVA-NeXT: either N frames spread uniformly over the video
(`numpy.linspace(0, total - 1, N)`), or one frame every `round(video_fps / fps)` frames, uniformly
thinned to `max_frames` when that gives more (LLaVA-NeXT's `frames_upbound`). Decoding streams:
only the sampled frames are kept, so memory is bounded by the sample, not the video.

    >>> clip = sample_frames("videos/w0001.mp4", num_frames=8)
    >>> clip.frames.shape, clip.frame_idx[:2], clip.timestamps_s[:2]
    ((8, 128, 128, 3), [0, 4], [0.0, 0.5])

Every failure (missing, corrupt, truncated, zero-frame, not a video) raises `VideoReadError`
naming the file and the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from videoutr.errors import VideoReadError


@dataclass(frozen=True)
class VideoInfo:
    """Metadata of a video file; `num_frames` is counted by decoding when the header lacks it."""

    path: str
    num_frames: int
    fps: float
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        return self.num_frames / self.fps if self.fps > 0 else 0.0


@dataclass
class SampledFrames:
    """Frames sampled from a video: `frames` is (T, H, W, 3) uint8 RGB."""

    frames: np.ndarray
    frame_idx: list[int]
    timestamps_s: list[float]
    info: VideoInfo

    @property
    def num_frames(self) -> int:
        return len(self.frame_idx)


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise VideoReadError(path, "file not found")
    if not path.is_file():
        raise VideoReadError(path, "not a regular file")
    if path.stat().st_size == 0:
        raise VideoReadError(path, "empty file (0 bytes)")
    try:
        container = av.open(str(path), mode="r", timeout=10.0)
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise VideoReadError(path, f"not a readable video ({_reason(exc)})") from None
    if not container.streams.video:
        container.close()
        raise VideoReadError(path, "no video stream")
    return container


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _stream_fps(stream: av.video.stream.VideoStream) -> float:
    rate = stream.average_rate or stream.base_rate or stream.guessed_rate
    return float(rate) if rate else 0.0


def iter_frames(path: str | Path, keep: set[int] | None = None) -> Iterator[tuple[int, float, np.ndarray | None]]:
    """Decode `path` frame by frame, yielding `(frame_idx, time_s, rgb or None)`.

    Only frames whose index is in `keep` (all when `keep` is None) are converted to arrays; the
    others yield None so that a caller can count frames without holding them.
    """
    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        fps = _stream_fps(stream)
        index = -1
        try:
            for index, frame in enumerate(container.decode(stream)):
                if frame.time is not None:
                    time_s = float(frame.time)
                else:
                    time_s = index / fps if fps else 0.0
                wanted = keep is None or index in keep
                yield index, time_s, frame.to_ndarray(format="rgb24") if wanted else None
        except av.error.FFmpegError as exc:
            raise VideoReadError(path, f"corrupt or truncated: decoding frame {index + 1} failed ({_reason(exc)})") from None
        if index < 0:
            raise VideoReadError(path, "zero frames decoded")
    finally:
        container.close()


def probe_video(path: str | Path) -> VideoInfo:
    """Read metadata; counts frames by decoding when the container does not record them."""
    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        num_frames = int(stream.frames or 0)
        fps = _stream_fps(stream)
        width, height = int(stream.codec_context.width), int(stream.codec_context.height)
    finally:
        container.close()
    if num_frames <= 0:
        num_frames = sum(1 for _ in iter_frames(path, keep=set()))
    if num_frames <= 0:
        raise VideoReadError(path, "zero frames")
    return VideoInfo(str(path), num_frames, fps, width, height)


def uniform_indices(total_frames: int, num_frames: int) -> list[int]:
    """`num_frames` indices spread evenly over `[0, total_frames)`; all frames when fewer exist."""
    if total_frames <= 0 or num_frames <= 0:
        return []
    if num_frames >= total_frames:
        return list(range(total_frames))
    return [int(i) for i in np.linspace(0, total_frames - 1, num_frames).round().astype(int)]


def fps_indices(total_frames: int, video_fps: float, fps: float, max_frames: int | None = None) -> list[int]:
    """One frame per `1 / fps` seconds; thinned uniformly to `max_frames` when more (frames_upbound)."""
    step = max(1, round(video_fps / fps)) if fps > 0 and video_fps > 0 else 1
    indices = list(range(0, total_frames, step))
    if max_frames is not None and len(indices) > max_frames:
        return uniform_indices(total_frames, max_frames)
    return indices


def sample_frames(
    path: str | Path,
    num_frames: int | None = None,
    fps: float | None = None,
    max_frames: int | None = None,
) -> SampledFrames:
    """Sample frames uniformly (`num_frames`) or at `fps` capped by `max_frames`; all frames if neither.

    A video with fewer frames than requested returns the frames that exist (`num_frames` on the
    result tells how many). A video that decodes fewer frames than its header promises raises
    `VideoReadError` (truncated) instead of silently returning fewer.
    """
    info = probe_video(path)
    if num_frames is not None:
        wanted = uniform_indices(info.num_frames, num_frames)
    elif fps is not None:
        wanted = fps_indices(info.num_frames, info.fps, fps, max_frames)
    else:
        wanted = uniform_indices(info.num_frames, max_frames or info.num_frames)
    keep = set(wanted)
    picked: dict[int, tuple[float, np.ndarray]] = {}
    last = max(wanted)
    for index, time_s, rgb in iter_frames(path, keep=keep):
        if rgb is not None:
            picked[index] = (time_s, rgb)
        if index >= last:
            break
    missing = [i for i in wanted if i not in picked]
    if missing:
        raise VideoReadError(path, f"truncated: header says {info.num_frames} frames, frame {missing[0]} missing")
    return SampledFrames(
        frames=np.stack([picked[i][1] for i in wanted]),
        frame_idx=wanted,
        timestamps_s=[picked[i][0] for i in wanted],
        info=info,
    )


def fps_fraction(fps: float) -> Fraction:
    """A rational frame rate for encoders (e.g. 29.97 -> 2997/100)."""
    return Fraction(fps).limit_denominator(1001)
