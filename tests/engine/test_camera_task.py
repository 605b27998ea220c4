"""`camera_motion` (`engine/query/camera.py`): the camera's runs from the clip's camera maps, asked
only when every step is clearly a pan or a standstill, and checked against the truth's offsets."""

import random

import numpy as np

from videoutr.engine.config import QueryConfig
from videoutr.engine.quality.correctness import Check, check_camera
from videoutr.engine.query import TASKS, build_samples
from videoutr.engine.query.camera import camera_runs
from videoutr.engine.types import ClipTrajectories


def _clip(offsets: np.ndarray) -> ClipTrajectories:
    """A 320 x 240 clip whose frame t sees the scene shifted by `offsets[t]` (no subjects)."""
    maps = [[1.0, 0.0, float(x), 0.0, 1.0, float(y)] for x, y in offsets]
    frames = list(range(len(offsets)))
    return ClipTrajectories("v", "v.mp4", 8.0, len(frames), 320, 240, frames, [], camera=maps)


def _pan_then_hold(dx: float, dy: float, pan: int = 20, hold: int = 12) -> np.ndarray:
    steps = np.array([[dx, dy]] * pan + [[0.0, 0.0]] * hold)
    return np.concatenate([[[0.0, 0.0]], np.cumsum(steps, axis=0)])


def _truth(offsets: np.ndarray) -> dict:
    return {"width": 320, "height": 240, "objects": [], "background_params": {"camera_xy": offsets.tolist()}}


def test_a_pan_then_a_standstill_is_told_in_order_and_checked_against_the_truth():
    offsets = _pan_then_hold(3.0, 0.4)  # the view moves right (and a little down) over the scene
    clip = _clip(offsets)
    qa = TASKS["camera_motion"](clip, random.Random(0), QueryConfig())
    assert qa.claims["segments"] == [["moving", 0, 20, "right"], ["stationary", 20, 32, None]]
    assert qa.answer == "The camera pans right from frame 0 to 20, then holds still from frame 20 to 32."
    assert check_camera(Check(clip, _truth(offsets), tol=2), qa.claims)
    wrong = Check(clip, _truth(_pan_then_hold(-3.0, 0.0)), tol=2)  # the truth pans left
    assert not check_camera(wrong, qa.claims) and "direction" in wrong.failures
    held = Check(clip, _truth(np.zeros_like(offsets)), tol=2)  # the truth holds still throughout
    assert not check_camera(held, qa.claims) and "moving" in held.failures


def test_nothing_is_said_of_an_unmeasured_or_unclear_camera():
    assert camera_runs(ClipTrajectories("v", "v.mp4", 8.0, 8, 320, 240, list(range(8)), [])) is None
    assert camera_runs(_clip(_pan_then_hold(0.7, 0.0))) is None  # between a standstill and a pan
    assert camera_runs(_clip(_pan_then_hold(3.0, 0.0, pan=2))) is None  # a pan of 2 steps
    zigzag = _pan_then_hold(3.0, 0.0)
    zigzag[6:] += [0.0, 40.0]  # a 40-px jump down in one step, off the pan's direction
    assert camera_runs(_clip(zigzag)) is None


def test_a_video_with_nothing_else_sure_gets_its_dialogues_from_the_camera():
    clip = _clip(_pan_then_hold(0.0, -2.5))
    clip.uncertain_frames = list(clip.frame_idx)  # detections no track explains: who is there is unsure
    samples, _ = build_samples(clip, QueryConfig(samples_per_video=6), video="v.mp4")
    assert len(samples) == 6
    assert all([qa["task"] for qa in s.extra["utr"]] == ["camera_motion"] for s in samples)
    assert "pans up from frame 0 to 20" in samples[0].conversations[1].value
