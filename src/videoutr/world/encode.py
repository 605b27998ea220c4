"""Reproducible H.264 encoding of world videos.

The bundled libx264, as `videoutr.video.write_video` drives it, does not always give the same
bitstream for the same frames: in one process, re-encoding a 16-frame 64x64 clip 30 times gave
2-7 different files whose decoded frames differed by up to 17 levels over whole frames, the
pattern depending on the process's memory history (so: CPU-specific code paths, plus threads).
libx264's `cpu-independent` option ("exact reproducibility across different CPUs") with one
encoder thread made every encode identical in every such trial, at ~20% more encoding time.
The world promises that a seed gives videos decoding to identical frames, so it encodes here;
otherwise the conventions are `write_video`'s: yuv420p, `crf`, preset veryfast, written to a
temporary file and renamed.

    >>> encode_video("videos/v00000.mp4", frames, fps=8.0, crf=12)
    32
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import av
import numpy as np

from videoutr.errors import VideoutrError
from videoutr.video.read import fps_fraction


def encode_video(path: str | Path, frames: np.ndarray, fps: float, crf: int = 12) -> int:
    """Encode (T, H, W, 3) uint8 RGB frames (even H and W) to an mp4, reproducibly and atomically."""
    path = Path(path)
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8 or len(frames) == 0:
        raise VideoutrError(f"{path}: frames must be a non-empty (T, H, W, 3) uint8 array, got {frames.shape} {frames.dtype}")
    height, width = frames.shape[1:3]
    if height % 2 or width % 2:
        raise VideoutrError(f"{path}: H.264 needs even height and width, got {(height, width)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        with av.open(tmp, mode="w") as container:
            stream = container.add_stream("h264", rate=fps_fraction(fps))
            stream.pix_fmt, stream.height, stream.width = "yuv420p", height, width
            stream.options = {"crf": str(crf), "preset": "veryfast", "x264-params": "cpu-independent=1"}
            stream.codec_context.thread_count = 1
            for index, frame in enumerate(frames):
                picture = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
                picture = picture.reformat(format="yuv420p")
                picture.pts = index
                container.mux(stream.encode(picture))
            container.mux(stream.encode())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; videos are data to share
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(frames)
