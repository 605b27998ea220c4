"""Frame use by masking: a frame counts as used when blanking it costs the right answer."""

import numpy as np
import pytest

from videoutr.eval.frame_use import answer_share, blank_like, frames_used, masked_views


def test_blanking_removes_the_object_and_keeps_the_background():
    frame = np.full((16, 16, 3), 100, np.uint8)
    frame[2:6, 2:6] = (255, 0, 0)
    blank = blank_like(frame)
    assert (blank == 100).all() and blank.shape == frame.shape


def test_each_view_blanks_exactly_one_frame():
    frames = np.stack([np.full((8, 8, 3), 10 * t, np.uint8) for t in range(4)])
    frames[:, 0, 0] = 255  # a speck, so that the median is the frame's own grey
    views = masked_views(frames)
    assert len(views) == 4
    for i, view in enumerate(views):
        changed = [t for t in range(4) if not np.array_equal(view[t], frames[t])]
        assert changed == [i]


def test_frames_used_counts_drops_above_the_threshold():
    assert frames_used([0.5, 0.0, -0.2, 0.1, 0.09]) == 2


def test_answer_share_is_the_share_of_the_positive_cost_on_the_answer_frames():
    assert answer_share([0.6, 0.0, -0.5, 0.2, 0.2], [0]) == pytest.approx(0.6)
    assert answer_share([0.25] * 8, [6, 7]) == pytest.approx(2 / 8)  # an even spread: the frames' share
    assert answer_share([0.0, -0.3, 0.0], [1]) is None  # blanking no frame costs anything


def test_masking_scores_come_from_the_model(tiny):
    """On a random tiny model the drops are whatever they are; the masked log-probabilities must be
    the model's own: blanking a frame the video does not have changes nothing."""
    from videoutr.eval.benchmarks import BenchItem
    from videoutr.eval.frame_use import masking_drops, right_option_logprob

    model, processor = tiny
    frames = np.zeros((4, 32, 32, 3), np.uint8)
    item = BenchItem(
        id="q", video="v", question="Where is it?", kind="mcq", candidates=["left", "right"], answer_index=0
    )
    full, drops = masking_drops(model, processor, item, frames)
    assert full == pytest.approx(right_option_logprob(model, processor, item, frames))
    assert len(drops) == 4 and np.allclose(drops, 0.0, atol=1e-5)  # blank frames of a blank video: no change
    assert right_option_logprob(model, processor, item, frames) <= 0.0
    from ..conftest import moving_square

    square = moving_square("right", frames=4)
    full, drops = masking_drops(model, processor, item, square)
    first_blanked = square.copy()
    first_blanked[0] = 128  # the square's grey background
    assert drops[0] == pytest.approx(full - right_option_logprob(model, processor, item, first_blanked), abs=1e-5)
    assert any(abs(d) > 1e-6 for d in drops)  # the pixels reach the answer
