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
