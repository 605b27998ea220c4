"""Simple actions of one person from pose landmarks over frames: `raising a hand`, `walking`,
`standing`.

Landmarks follow MediaPipe Pose's 33-point layout, one (33, 3) array per frame of pixel `x`, `y`
(y grows downwards) and `visibility` in [0, 1]; a frame without a pose is all NaN. A landmark
counts where its visibility is at least `min_visibility` (0.5). The rules, first match wins:

1. `raising a hand`: a wrist is above its own shoulder (smaller y), both seen.
2. `walking`: the body centre (mid-hip, or mid-shoulder while a hip is unseen) moves, between
   the first and last posed frame within `window` frames on either side, at least `min_speed`
   (0.1) shoulder widths per frame (the shoulder width is the clip's median, so the rule does
   not depend on the image scale). It sees motion in the image: a still person under a panning
   camera, or a photo slid across a frame, reads as walking too.
3. `standing`: a pose and neither of the above (a seated person at rest is `standing` as well).

    >>> import numpy as np
    >>> pose = np.zeros((33, 3))  # every landmark unseen but the shoulders and the left wrist
    >>> pose[LEFT_SHOULDER], pose[RIGHT_SHOULDER], pose[LEFT_WRIST] = (120, 50, 1), (80, 50, 1), (125, 20, 1)
    >>> pose_actions(np.stack([pose, pose, np.full((33, 3), np.nan)]))  # (T, 33, 3) -> one per frame
    ['raising a hand', 'raising a hand', None]
"""

from __future__ import annotations

import numpy as np

LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_WRIST, RIGHT_WRIST, LEFT_HIP, RIGHT_HIP = 11, 12, 15, 16, 23, 24
RAISING, WALKING, STANDING = "raising a hand", "walking", "standing"


def raising_hand(pose: np.ndarray, min_visibility: float = 0.5) -> bool:
    """Whether a wrist of one frame's (33, 3) pose is above its own shoulder."""
    for wrist, shoulder in ((LEFT_WRIST, LEFT_SHOULDER), (RIGHT_WRIST, RIGHT_SHOULDER)):
        if min(pose[wrist, 2], pose[shoulder, 2]) >= min_visibility and pose[wrist, 1] < pose[shoulder, 1]:
            return True
    return False


def body_centre(pose: np.ndarray, min_visibility: float = 0.5) -> np.ndarray | None:
    """The mid-hip point, or the mid-shoulder point while a hip is unseen; None when neither is seen."""
    for a, b in ((LEFT_HIP, RIGHT_HIP), (LEFT_SHOULDER, RIGHT_SHOULDER)):
        if min(pose[a, 2], pose[b, 2]) >= min_visibility:
            return (pose[a, :2] + pose[b, :2]) / 2.0
    return None


def shoulder_width(landmarks: np.ndarray, min_visibility: float = 0.5) -> float | None:
    """The median distance between the shoulders over the frames where both are seen."""
    seen = (landmarks[:, LEFT_SHOULDER, 2] >= min_visibility) & (landmarks[:, RIGHT_SHOULDER, 2] >= min_visibility)
    if not seen.any():
        return None
    widths = np.linalg.norm(landmarks[seen, LEFT_SHOULDER, :2] - landmarks[seen, RIGHT_SHOULDER, :2], axis=1)
    return float(np.median(widths))


def pose_actions(
    landmarks: np.ndarray, window: int = 4, min_speed: float = 0.1, min_visibility: float = 0.5
) -> list[str | None]:
    """The action of each frame of a (T, 33, 3) landmark sequence (None where there is no pose)."""
    centres = [body_centre(pose, min_visibility) for pose in landmarks]
    width = shoulder_width(landmarks, min_visibility)
    actions: list[str | None] = []
    for t, pose in enumerate(landmarks):
        if np.isnan(pose).all():
            actions.append(None)
        elif raising_hand(pose, min_visibility):
            actions.append(RAISING)
        elif width and _speed(centres, t, window) >= min_speed * width:
            actions.append(WALKING)
        else:
            actions.append(STANDING)
    return actions


def _speed(centres: list[np.ndarray | None], t: int, window: int) -> float:
    """Pixels per frame of the body centre between the first and last frame that has one within
    `window` frames of `t` (0 where fewer than two have one)."""
    seen = [k for k in range(max(0, t - window), min(len(centres), t + window + 1)) if centres[k] is not None]
    if len(seen) < 2:
        return 0.0
    first, last = seen[0], seen[-1]
    return float(np.linalg.norm(centres[last] - centres[first]) / (last - first))
