"""World videos encode reproducibly: the same frames always give the same file, whatever ran before."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from videoutr.errors import VideoutrError
from videoutr.video import sample_frames
from videoutr.video import write_video as encode_video


def test_repeated_encodes_are_identical_and_decode_close_to_the_input(scenes, tmp_path):
    from videoutr.world import render_frames

    frames = render_frames(scenes[3][0])
    digests = set()
    for i in range(12):  # fresh copies between encodes change the process's memory history
        source = frames if i % 2 else frames[::-1].copy()[::-1]
        encode_video(tmp_path / "clip.mp4", source, fps=8.0)
        digests.add(hashlib.sha256((tmp_path / "clip.mp4").read_bytes()).hexdigest())
    assert len(digests) == 1
    decoded = sample_frames(tmp_path / "clip.mp4").frames
    assert decoded.shape == frames.shape
    assert np.abs(decoded.astype(int) - frames).mean() < 4.0


@pytest.mark.parametrize(
    "frames",
    [
        np.zeros((0, 8, 8, 3), np.uint8),
        np.zeros((2, 7, 8, 3), np.uint8),
        np.zeros((2, 8, 8), np.uint8),
        np.zeros((2, 8, 8, 3), np.float32),
    ],
)
def test_bad_frames_raise_a_clear_error(frames, tmp_path):
    with pytest.raises(VideoutrError, match="clip.mp4"):
        encode_video(tmp_path / "clip.mp4", frames, fps=8.0)
    assert not list(tmp_path.iterdir())
