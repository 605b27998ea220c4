"""The pose action rules on synthetic landmark sequences (MediaPipe Pose's 33-point layout)."""

import numpy as np
import pytest

from videoutr.engine.detect.pose_actions import (
    LEFT_HIP,
    LEFT_SHOULDER,
    LEFT_WRIST,
    RAISING,
    RIGHT_HIP,
    RIGHT_SHOULDER,
    RIGHT_WRIST,
    STANDING,
    WALKING,
    body_centre,
    pose_actions,
    raising_hand,
)


def _person(x: float = 100.0, y: float = 100.0, wrist_dy: float = 60.0, hips_seen: bool = True) -> np.ndarray:
    """A (33, 3) pose: shoulders 40 px apart at (x +- 20, y), hips 80 px below, wrists `wrist_dy`
    below the shoulders; every other landmark unseen."""
    pose = np.zeros((33, 3), np.float32)
    pose[LEFT_SHOULDER] = (x + 20, y, 0.99)
    pose[RIGHT_SHOULDER] = (x - 20, y, 0.99)
    pose[LEFT_HIP] = (x + 15, y + 80, 0.9 if hips_seen else 0.1)
    pose[RIGHT_HIP] = (x - 15, y + 80, 0.9 if hips_seen else 0.1)
    pose[LEFT_WRIST] = (x + 25, y + wrist_dy, 0.9)
    pose[RIGHT_WRIST] = (x - 25, y + 60, 0.9)
    return pose


def test_a_wrist_above_its_shoulder_is_raising_a_hand_only_when_both_are_seen():
    assert raising_hand(_person(wrist_dy=-30))
    assert not raising_hand(_person(wrist_dy=30))
    unseen = _person(wrist_dy=-30)
    unseen[LEFT_WRIST, 2] = 0.2
    assert not raising_hand(unseen)


def test_the_body_centre_is_mid_hip_or_mid_shoulder_while_a_hip_is_unseen():
    assert np.allclose(body_centre(_person()), (100, 180))
    assert np.allclose(body_centre(_person(hips_seen=False)), (100, 100))
    nobody = _person()
    nobody[[LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP], 2] = 0.0
    assert body_centre(nobody) is None


@pytest.mark.parametrize(
    ("step_px", "expected"),
    [(0.0, STANDING), (1.0, STANDING), (3.0, STANDING), (5.0, WALKING), (12.0, WALKING)],
)
def test_walking_is_the_body_centre_moving_at_least_a_tenth_of_a_shoulder_width_a_frame(step_px, expected):
    """Shoulders 40 px apart: walking from 4 px a frame on, whatever the direction."""
    clip = np.stack([_person(x=100 + step_px * t, y=100 + step_px * t / 2) for t in range(12)])
    assert pose_actions(clip) == [expected] * 12


def test_the_walking_threshold_follows_the_persons_size_in_the_image():
    """The same 5 px a frame is walking for a person 40 px wide and standing for one 4 times larger."""
    small = np.stack([_person(x=100 + 5 * t) for t in range(10)])
    large = small.copy()
    large[..., :2] *= 4
    large[:, :, 0] -= np.arange(10)[:, None] * 15  # back to 5 px a frame after scaling
    assert set(pose_actions(small)) == {WALKING} and set(pose_actions(large)) == {STANDING}


def test_a_sequence_stands_walks_raises_a_hand_and_is_lost():
    x = [100.0] * 6 + [100.0 + 8 * k for k in range(1, 7)] + [148.0] * 6
    clip = np.stack(
        [_person(x=v, wrist_dy=-30 if 14 <= t < 18 else 40) for t, v in enumerate(x)] + [np.full((33, 3), np.nan)]
    )
    actions = pose_actions(clip, window=2)
    assert actions[:4] == [STANDING] * 4
    assert actions[6:12] == [WALKING] * 6
    assert actions[14:18] == [RAISING] * 4  # the first rule wins
    assert actions[18] is None


def test_a_single_frame_cannot_walk():
    assert pose_actions(_person()[None]) == [STANDING]
    assert pose_actions(np.full((1, 33, 3), np.nan)) == [None]
