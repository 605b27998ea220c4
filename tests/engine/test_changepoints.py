"""Change points of a track's path: optimal pieces, turns next to the ends, sure turn counts."""

import numpy as np
import pytest

from videoutr.engine.config import TrackConfig
from videoutr.engine.track.changepoints import line_costs, linear_pieces
from videoutr.engine.track.kinematics import describe_track
from videoutr.engine.types import TrackPoint, Trajectory

SIDE = 64


def test_line_costs_are_least_squares_residuals():
    rng = np.random.default_rng(0)
    t = np.arange(10.0)
    xy = np.c_[3 * t + 1, -2 * t] + rng.normal(0, 0.5, (10, 2))
    costs = line_costs(t, xy)
    for i, j in ((0, 9), (2, 6), (4, 5)):
        expected = sum(
            np.sum((np.polyval(np.polyfit(t[i : j + 1], xy[i : j + 1, k], 1), t[i : j + 1]) - xy[i : j + 1, k]) ** 2)
            for k in range(2)
        )
        assert costs[i, j] == pytest.approx(expected, abs=1e-9)
    assert np.isinf(costs[5, 2])


def test_noise_alone_rarely_cuts_a_straight_path():
    """At the engine's default price of a cut (20 squared noise units) Gaussian noise cuts about 1.5%
    of straight 16-point paths (3 of 200 here; 22 at 12 units)."""
    t = np.arange(16.0)
    paths = [np.c_[2.5 * t, 10 + 0 * t] + np.random.default_rng(seed).normal(0, 0.5, (16, 2)) for seed in range(200)]
    cut = sum(len(linear_pieces(line_costs(t, xy), penalty=TrackConfig().split_penalty * 0.5**2)) > 1 for xy in paths)
    assert cut <= 4


def test_a_turn_one_step_from_the_start_is_found():
    t = np.arange(16.0)
    x = np.where(t < 1, 30 + 3 * t, 33 - 3 * (t - 1))  # right for one step, then left
    pieces = linear_pieces(line_costs(t, np.c_[x, 20 + 0 * t]), penalty=3.0)
    assert len(pieces) == 2 and pieces[0][0] == 0 and pieces[1][1] == 15


def _track(centres, frames=None, side=10.0):
    frames = list(range(len(centres))) if frames is None else frames
    points = [
        TrackPoint(
            f,
            f / 8,
            ((x - side / 2) / SIDE, (y - side / 2) / SIDE, (x + side / 2) / SIDE, (y + side / 2) / SIDE),
            0.9,
            colour="red",
            shape="square",
        )
        for f, (x, y) in zip(frames, centres)
    ]
    return Trajectory(1, "square", points, colour="red")


def _bounce_path(frames=16, speed=3.0, wall=58.0, start=30.0):
    xs, x, v = [], start, speed
    for _ in range(frames):
        xs.append(x)
        x += v
        if x > wall:  # reflect off the wall within the step, as the world does
            x, v = 2 * wall - x, -v
    return [(x, 30.0) for x in xs]


def test_a_bounce_is_one_turn_and_sure():
    rng = np.random.default_rng(1)
    centres = [(x + rng.normal(0, 0.4), y + rng.normal(0, 0.4)) for x, y in _bounce_path()]
    traj = _track(centres)
    describe_track(traj, list(range(16)), 8.0, TrackConfig(), (SIDE, SIDE))
    turns = [e for e in traj.events if e.type == "turn"]
    assert len(turns) == 1 and turns[0].detail["direction"] == "left"
    assert [s.direction for s in traj.segments] == ["right", "left"]
    assert traj.turns_sure


def test_a_stop_is_no_turn():
    centres = [(10 + 3 * min(t, 6), 30.0) for t in range(16)]
    traj = _track(centres)
    describe_track(traj, list(range(16)), 8.0, TrackConfig(), (SIDE, SIDE))
    assert [e.type for e in traj.events] == ["stop"] and traj.events[0].frame_idx == 6
    assert traj.turns_sure


def test_a_track_that_misses_part_of_the_clip_has_no_sure_turn_count():
    traj = _track(_bounce_path()[4:], frames=list(range(4, 16)))
    describe_track(traj, list(range(16)), 8.0, TrackConfig(), (SIDE, SIDE))
    assert not traj.turns_sure


def _labels(steps):
    from videoutr.engine.track.kinematics import step_labels

    path = np.vstack([[10.0, 30.0], [10.0, 30.0] + np.cumsum(steps, axis=0)]) / SIDE
    labels, _ = step_labels(path, np.arange(len(path)) / 8.0, TrackConfig().still_speed)
    return [d if s == "moving" else "still" for s, d in labels]


def test_a_lone_step_one_point_off_its_run_is_noise_but_a_quarter_turn_is_not():
    right, nudge, up, still = [3.0, 0.0], [3.0, -1.5], [0.0, -3.0], [0.0, 0.0]
    assert _labels([right] * 4 + [nudge] + [right] * 4) == ["right"] * 9
    assert _labels([right] * 4 + [nudge] + [still] * 4) == ["right"] * 5 + ["still"] * 4
    assert _labels([right] * 4 + [up] + [right] * 4) == ["right"] * 4 + ["up"] + ["right"] * 4


def test_boxes_grown_along_one_side_do_not_bend_the_path():
    """A subject 60 x 52 px crossing a 320 x 240 frame leftwards at 6 px a frame, whose last boxes
    take in background beside it as a real foreground track's did: first on the left (1.3x its
    width), then above (1.17x, then 1.35x its height). Their centres move; the subject does not turn."""
    points = []
    for t in range(28):
        x1, y1, x2, y2 = 300 - 6 * t - 60, 37, 300 - 6 * t, 89
        if 21 <= t <= 23:
            x1 -= 18
        elif t >= 24:
            y1 -= 9 if t <= 25 else 18
        points.append(TrackPoint(t, t / 8, (x1 / 320, y1 / 240, x2 / 320, y2 / 240), 0.9))
    traj = Trajectory(1, "object", points)
    describe_track(traj, list(range(28)), 8.0, TrackConfig(centre_noise_px=2.0), (320, 240))
    assert [(s.state, s.direction) for s in traj.segments] == [("moving", "left")]
