"""Read videos with PyAV: metadata, streaming decode, and frame sampling.

Sampling follows LLaVA-NeXT: either N frames spread uniformly over the video
(`numpy.linspace(0, total - 1, N)`), or one frame every `round(video_fps / fps)` frames, uniformly
thinned to `max_frames` when that gives more (LLaVA-NeXT's `frames_upbound`). Decoding streams:
only the sampled frames are kept, so memory is bounded by the sample, not the video.

    clip = sample_frames("videos/w0001.mp4", num_frames=8)

Every failure (missing, corrupt, truncated, zero-frame, a still image or no video at all) raises `VideoReadError`
naming the file and the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from videoutr.errors import VideoReadError
from videoutr.video.halve import halve, halved_size, halvings

THREAD_PIXELS = 1280 * 720  # frame threading helps from 720p up; below it, decoding is single-threaded
# PyAV 16+ lets a conversion run in one thread (`threads=1`); PyAV 15 (what lmms-eval pins) has no
# such argument and converts with libswscale's default: empty there
ONE_THREAD_CONVERT = {"threads": 1} if int(av.__version__.split(".")[0]) >= 16 else {}


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
    """Frames sampled from a video: `frames` is (T, H, W, 3) uint8 RGB; `scale`: their size over
    the video's (0.5 ** halvings when decoded for a `max_side`: pixel (x, y) covers (x, y) / scale)."""

    frames: np.ndarray
    frame_idx: list[int]
    timestamps_s: list[float]
    info: VideoInfo
    scale: float = 1.0

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
    if _is_still_image(container):
        name = container.format.name
        container.close()
        raise VideoReadError(path, f"a still image ({name}), not a video")
    return container


def _is_still_image(container: av.container.InputContainer) -> bool:
    """FFmpeg opens a PNG or JPEG (whatever its file name) with an image demuxer (`png_pipe`,
    `jpeg_pipe`, `image2`...) as a one-frame "video"; an animated GIF has a demuxer of its own."""
    name = container.format.name
    return name == "image2" or name.endswith("_pipe")


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _stream_fps(stream: av.video.stream.VideoStream) -> float:
    rate = stream.average_rate or stream.base_rate or stream.guessed_rate
    return float(rate) if rate else 0.0


def to_rgb(frame: av.VideoFrame, out: np.ndarray | None = None, times: int = 0, exact: bool = False) -> np.ndarray:
    """(H, W, 3) uint8 RGB of a decoded frame (written into `out` when given), halved `times`
    times (see `halve.py`: cropped to `halved_size` first).

    `exact=True` converts with libswscale (`frame.to_ndarray(format="rgb24")`) as the reference
    model pipelines decode (transformers' `read_video_pyav`, qwen-vl-utils, decord): what a model
    is shown. The default fast path below is for the data engine.

    Even-sized 8-bit yuv420p frames in BT.601 limited range (what H.264 writers produce unless told
    otherwise) are converted by OpenCV from the decoder's planes, halved first but once: libswscale's
    per-frame set-up costs more than decoding a 128 px frame (OpenCV is ~14x faster there; the two
    differ by at most 3 levels). Anything else goes through libswscale, in one thread (PyAV's
    default starts a pool of threads for every frame; the pixels are the same), then is halved.
    """
    height, width = halved_size(frame.height, times) << times, halved_size(frame.width, times) << times  # cropped
    if exact and times == 0:
        rgb = frame.to_ndarray(format="rgb24")
    elif (
        not exact
        and frame.format.name == "yuv420p"
        and frame.width % 2 == 0
        and frame.height % 2 == 0
        and _is_bt601_limited(frame)
    ):
        if times == 0:
            return cv2.cvtColor(_i420(frame), cv2.COLOR_YUV2RGB_I420, dst=out)
        y, u, v = _planes(frame)
        yuv = _stacked(
            *(
                halve(p, times - 1)
                for p in (y[:height, :width], u[: height // 2, : width // 2], v[: height // 2, : width // 2])
            )
        )
        rgb = halve(cv2.cvtColor(yuv, cv2.COLOR_YUV2RGB_I420), 1)
    else:
        rgb = halve(frame.to_ndarray(format="rgb24", **ONE_THREAD_CONVERT)[:height, :width], times)
    if out is None:
        return rgb
    out[...] = rgb
    return out


def _planes(frame: av.VideoFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A yuv420p frame's Y, U and V planes as (H, W), (H / 2, W / 2), (H / 2, W / 2) views."""
    sizes = ((frame.height, frame.width), *2 * ((frame.height // 2, frame.width // 2),))
    y, u, v = (np.frombuffer(p, np.uint8).reshape(-1, p.line_size)[:h, :w] for p, (h, w) in zip(frame.planes, sizes))
    return y, u, v


def _i420(frame: av.VideoFrame) -> np.ndarray:
    """A yuv420p frame's planes one after the other, (H * 3 / 2, W) uint8 (as `to_ndarray()`):
    joined in one copy when no plane has padding (a third of `to_ndarray`'s time at 128 px)."""
    y, u, v = frame.planes
    if y.line_size == frame.width and u.line_size == v.line_size == frame.width // 2:
        return np.frombuffer(b"".join((y, u, v)), np.uint8).reshape(-1, frame.width)
    return _stacked(*_planes(frame))


def _stacked(y: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Y (H, W), U and V (H / 2, W / 2) planes one after the other: OpenCV's I420 layout, (H * 3 / 2, W)."""
    return np.concatenate([y.reshape(-1), u.reshape(-1), v.reshape(-1)]).reshape(-1, y.shape[1])


def _is_bt601_limited(frame: av.VideoFrame) -> bool:
    """FFmpeg's codes: colour space 2 unspecified, 5 BT.470BG, 6 SMPTE 170M (all BT.601);
    range 0 unspecified, 1 limited (2 is full range)."""
    return int(frame.colorspace) in (2, 5, 6) and int(frame.color_range) in (0, 1)


def _decode(path: Path, container, last: int | None = None) -> Iterator[tuple[int, float, av.VideoFrame]]:
    """Decode an open container's video stream, yielding `(frame_idx, time_s, frame)`."""
    stream = container.streams.video[0]
    # frame threads pay off only for large frames; PyAV's default (slice threads, as many as
    # cores) starts and joins threads for every video and slows small ones (128 px: by 30 %)
    large = stream.codec_context.width * stream.codec_context.height >= THREAD_PIXELS
    stream.thread_type = "AUTO" if large else "NONE"
    fps = _stream_fps(stream)
    index = -1
    try:
        for index, frame in enumerate(container.decode(stream)):
            yield index, float(frame.time) if frame.time is not None else (index / fps if fps else 0.0), frame
            if last is not None and index >= last:
                return
    except av.error.FFmpegError as exc:
        raise VideoReadError(
            path, f"corrupt or truncated: decoding frame {index + 1} failed ({_reason(exc)})"
        ) from None
    if index < 0:
        raise VideoReadError(path, "zero frames decoded")


def iter_frames(path: str | Path, keep: set[int] | None = None) -> Iterator[tuple[int, float, np.ndarray | None]]:
    """Decode `path` frame by frame, yielding `(frame_idx, time_s, rgb or None)`.

    Only frames whose index is in `keep` (all when `keep` is None) are converted to arrays; the
    others yield None so that a caller can count frames without holding them.
    """
    path = Path(path)
    container = _open(path)
    try:
        for index, time_s, frame in _decode(path, container):
            yield index, time_s, to_rgb(frame) if keep is None or index in keep else None
    finally:
        container.close()


def _header_info(path: Path, container) -> VideoInfo:
    """Metadata from the container header (`num_frames` is 0 when the header does not record it)."""
    stream = container.streams.video[0]
    return VideoInfo(
        str(path),
        int(stream.frames or 0),
        _stream_fps(stream),
        int(stream.codec_context.width),
        int(stream.codec_context.height),
    )


def probe_video(path: str | Path) -> VideoInfo:
    """Read metadata; counts frames by decoding when the container does not record them."""
    path = Path(path)
    container = _open(path)
    try:
        info = _header_info(path, container)
    finally:
        container.close()
    if info.num_frames <= 0:
        counted = sum(1 for _ in iter_frames(path, keep=set()))
        info = VideoInfo(info.path, counted, info.fps, info.width, info.height)
    if info.num_frames <= 0:
        raise VideoReadError(path, "zero frames")
    return info


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
    max_side: int | None = None,
    exact: bool = False,
    indices: Callable[[VideoInfo], list[int]] | None = None,
) -> SampledFrames:
    """Sample frames uniformly (`num_frames`) or at `fps` capped by `max_frames`; all frames if neither.
    With `max_side`, frames whose longer side exceeds it are halved until it does not (see
    `halve.py`; `scale` on the result says by how much), before their conversion to RGB.
    `exact=True` converts to RGB with libswscale, as reference model pipelines do (`to_rgb`).
    `indices` (a function of the video's frame count) overrides the sampling rule.

    A video with fewer frames than requested returns the frames that exist (`num_frames` on the
    result tells how many). A video that decodes fewer frames than its header promises raises
    `VideoReadError` (truncated) instead of silently returning fewer.
    """
    path = Path(path)
    container = _open(path)
    try:
        info = _header_info(path, container)
        if info.num_frames <= 0:  # no count in the header: count by decoding, then start over
            container.close()
            info = probe_video(path)
            container = _open(path)
        wanted = _wanted_indices(info, num_frames, fps, max_frames) if indices is None else list(indices(info))
        slot = {index: k for k, index in enumerate(wanted)}
        frames: np.ndarray | None = None
        timestamps, seen = [0.0] * len(wanted), [False] * len(wanted)
        size, times = (0, 0), 0
        for index, time_s, frame in _decode(path, container, max(wanted)):
            k = slot.get(index)
            if k is None:
                continue
            if frames is None:  # sized by the first frame: the header's size may be the coded one
                size, times = (frame.height, frame.width), halvings(frame.width, frame.height, max_side)
                frames = np.empty(
                    (len(wanted), halved_size(frame.height, times), halved_size(frame.width, times), 3), np.uint8
                )
            elif (frame.height, frame.width) != size:
                raise VideoReadError(path, f"frame size changes at frame {index}")
            to_rgb(frame, out=frames[k], times=times, exact=exact)
            timestamps[k], seen[k] = time_s, True
    finally:
        container.close()
    missing = [i for i, ok in zip(wanted, seen) if not ok]
    if missing:
        raise VideoReadError(path, f"truncated: header says {info.num_frames} frames, frame {missing[0]} missing")
    return SampledFrames(frames=frames, frame_idx=wanted, timestamps_s=timestamps, info=info, scale=0.5**times)


def _wanted_indices(info: VideoInfo, num_frames: int | None, fps: float | None, max_frames: int | None) -> list[int]:
    if num_frames is not None:
        return uniform_indices(info.num_frames, num_frames)
    if fps is not None:
        return fps_indices(info.num_frames, info.fps, fps, max_frames)
    return uniform_indices(info.num_frames, max_frames or info.num_frames)


def fps_fraction(fps: float) -> Fraction:
    """A rational frame rate for encoders (e.g. 29.97 -> 2997/100)."""
    return Fraction(fps).limit_denominator(1001)
