"""The engine's decode step against `videoutr.video.sample_frames`."""

import numpy as np
import pytest

from videoutr.engine.decode import read_clip
from videoutr.errors import VideoReadError
from videoutr.video import sample_frames


@pytest.mark.parametrize("kwargs", [{}, {"fps": 2.0}, {"num_frames": 5}, {"max_frames": 7}])
def test_read_clip_matches_sample_frames(scene_dir, kwargs):
    path = scene_dir / "videos" / "s001.mp4"
    fast, ref = read_clip(path, **kwargs), sample_frames(path, **kwargs)
    assert fast.frame_idx == ref.frame_idx and fast.timestamps_s == ref.timestamps_s and fast.info == ref.info
    assert fast.frames.shape == ref.frames.shape and fast.frames.dtype == np.uint8
    assert np.abs(fast.frames.astype(int) - ref.frames).max() <= 3


def test_read_clip_errors_name_the_file(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "text.mp4").write_text("not a video")
    for name in ("empty.mp4", "text.mp4", "missing.mp4"):
        with pytest.raises(VideoReadError, match=name):
            read_clip(tmp_path / name)



def test_to_rgb_uses_libswscale_where_opencv_does_not_apply():
    from av import VideoFrame

    from videoutr.engine.decode import to_rgb

    rgb = np.random.default_rng(0).integers(0, 255, (33, 47, 3), dtype=np.uint8)
    fallbacks = [VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p"),  # odd size
                 VideoFrame.from_ndarray(rgb[:32, :46], format="rgb24").reformat(format="yuv444p"),
                 VideoFrame.from_ndarray(rgb, format="rgb24")]
    for frame in fallbacks:
        assert np.array_equal(to_rgb(frame), frame.to_ndarray(format="rgb24"))
    even = VideoFrame.from_ndarray(rgb[:32, :46], format="rgb24").reformat(format="yuv420p")
    assert np.abs(to_rgb(even).astype(int) - even.to_ndarray(format="rgb24")).max() <= 3
