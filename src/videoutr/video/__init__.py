"""Video I/O with PyAV: probe metadata, stream-decode and sample frames, write mp4."""

from videoutr.video.read import (
    SampledFrames,
    VideoInfo,
    fps_indices,
    iter_frames,
    probe_video,
    sample_frames,
    uniform_indices,
)
from videoutr.video.write import write_video

__all__ = [
    "SampledFrames",
    "VideoInfo",
    "fps_indices",
    "iter_frames",
    "probe_video",
    "sample_frames",
    "uniform_indices",
    "write_video",
]
