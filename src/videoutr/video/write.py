"""Write frames to an mp4 (H.264) with PyAV, atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import av
import numpy as np

from videoutr.errors import VideoutrError
from videoutr.video.read import fps_fraction


def write_video(
    path: str | Path,
    frames: Iterable[np.ndarray],
    fps: float,
    codec: str = "h264",
    crf: int = 12,
) -> int:
    """Encode RGB uint8 frames (H, W, 3), even H and W, to `path`; returns the frame count.

    Written to a temporary file and renamed, so a killed writer leaves no half video. `crf` is
    libx264's quality (lower is better; 12 keeps flat synthetic colours within a few levels).

        >>> write_video("out.mp4", np.zeros((8, 64, 64, 3), np.uint8), fps=8)
        8
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    count = 0
    try:
        with av.open(tmp, mode="w") as container:
            stream = container.add_stream(codec, rate=fps_fraction(fps))
            stream.pix_fmt = "yuv420p"
            if codec in ("h264", "libx264"):
                stream.options = {"crf": str(crf), "preset": "veryfast"}
            for frame in frames:
                frame = np.ascontiguousarray(frame, dtype=np.uint8)
                if frame.ndim != 3 or frame.shape[2] != 3:
                    raise VideoutrError(f"{path}: frames must be (H, W, 3) uint8, got {frame.shape}")
                if count == 0:
                    stream.height, stream.width = frame.shape[:2]
                    if stream.height % 2 or stream.width % 2:
                        raise VideoutrError(f"{path}: H.264 needs even height and width, got {frame.shape[:2]}")
                for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                    container.mux(packet)
                count += 1
            if count == 0:
                raise VideoutrError(f"{path}: no frames to write")
            for packet in stream.encode():
                container.mux(packet)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
