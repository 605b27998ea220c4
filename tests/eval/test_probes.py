"""Frame-ablation conditions and the time-use verdict."""

from __future__ import annotations

import numpy as np
import pytest

from videoutr.errors import ConfigError
from videoutr.eval.probes import condition_indices, frames_for, parse_conditions, shuffle_order, time_verdict
from videoutr.video.keyframe import key_frame_index

FRAMES = np.arange(8)[:, None, None, None] * np.ones((8, 4, 4, 3), np.uint8)  # frame t is filled with t


def test_full_and_reversed():
    assert np.array_equal(frames_for(FRAMES, "full"), FRAMES)
    rev = frames_for(FRAMES, "reversed")
    assert [int(f[0, 0, 0]) for f in rev] == [7, 6, 5, 4, 3, 2, 1, 0]


@pytest.mark.parametrize("seed", [0, 1, "q7", "0:q1"])
def test_shuffled_is_a_seeded_non_identity_permutation(seed):
    order = shuffle_order(8, seed)
    assert sorted(order) == list(range(8)) and order != list(range(8))
    assert order == shuffle_order(8, seed)
    shown = frames_for(FRAMES, "shuffled", seed=seed)
    assert [int(f[0, 0, 0]) for f in shown] == order
    assert shuffle_order(1, seed) == [0]


@pytest.mark.parametrize("key, index", [("first", 0), ("middle", 4), ("last", 7)])
def test_single_is_the_key_frame_only(key, index):
    shown = frames_for(FRAMES, "single", key_frame=key)
    assert shown.shape == (1, 4, 4, 3) and int(shown[0, 0, 0, 0]) == index


def test_random_key_frame_is_seeded():
    picks = {key_frame_index(8, "random", seed=s) for s in range(30)}
    assert len(picks) > 1 and picks <= set(range(8))
    assert key_frame_index(8, "random", "x") == key_frame_index(8, "random", "x")


def test_none_has_no_video_and_bad_names_rejected():
    assert frames_for(FRAMES, "none") is None and condition_indices(8, "none") is None
    assert parse_conditions("full, shuffled,full") == ["full", "shuffled"]
    with pytest.raises(ConfigError, match="choose from"):
        parse_conditions("full,blurred")
    with pytest.raises(ConfigError):
        key_frame_index(8, "best")


def test_verdict_says_when_time_is_ignored():
    blind_to_time = {
        "full": {"accuracy": 0.60, "n": 200},
        "shuffled": {"accuracy": 0.59, "n": 200},
        "none": {"accuracy": 0.30, "n": 200},
    }
    v = time_verdict(blind_to_time)
    assert v["ignores_time"] is True and v["ignores_video"] is False and "IGNORES TIME" in v["statement"]
    uses_time = {"full": {"accuracy": 0.80, "n": 200}, "shuffled": {"accuracy": 0.45, "n": 200}}
    v = time_verdict(uses_time)
    assert v["ignores_time"] is False and "uses frame order" in v["statement"]
    assert v["drops"]["shuffled"]["accuracy_drop"] == pytest.approx(0.35)
    assert time_verdict({"full": {"accuracy": 0.5, "n": 3}, "shuffled": {"accuracy": 0.5, "n": 3}})[
        "statement"
    ].startswith("inconclusive")


def test_verdict_says_whether_the_middle_of_the_video_matters():
    two_ends_enough = {"full": {"accuracy": 0.80, "n": 300}, "ends": {"accuracy": 0.81, "n": 300}}
    assert "the two ends suffice" in time_verdict(two_ends_enough)["statement"]
    middle_needed = {"full": {"accuracy": 0.80, "n": 300}, "ends": {"accuracy": 0.55, "n": 300}}
    v = time_verdict(middle_needed)
    assert "the middle matters" in v["statement"] and v["drops"]["ends"]["accuracy_drop"] == pytest.approx(0.25)


def test_first_and_last_show_one_moment_for_the_whole_length():
    from videoutr.eval.probes import condition_indices

    assert condition_indices(4, "first") == [0, 0, 0, 0]
    assert condition_indices(4, "last") == [3, 3, 3, 3]


@pytest.mark.parametrize("frames, shown", [(8, [0, 0, 0, 0, 7, 7, 7, 7]), (5, [0, 0, 0, 4, 4]), (2, [0, 1]), (1, [0])])
def test_ends_keep_the_first_and_last_moments_in_order_for_the_whole_length(frames, shown):
    assert condition_indices(frames, "ends") == shown
    video = np.arange(frames)[:, None, None, None] * np.ones((frames, 2, 2, 3), dtype=np.uint8)
    assert frames_for(video, "ends")[:, 0, 0, 0].tolist() == shown
