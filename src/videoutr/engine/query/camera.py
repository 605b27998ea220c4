"""`camera_motion`: how the camera moves over the whole video, from the clip's camera maps.

A detector that measures the camera (`foreground`, see `track/camera.py`) leaves each engine
frame's map into the scene's pixels in `ClipTrajectories.camera` (None for a camera that stood
still, or where no detector measured it: then nothing is asked). The view's centre is mapped into
the scene at every frame; a step of it under `STILL_PX` pixels is the camera holding still, one
over `PAN_PX` a pan, towards the compass direction of the step ("pans right": the view moves
right over the scene, whose contents move left in the frame). The answer tells the runs of one
state in order, a moving run in the direction of its whole displacement; it is asked only when
every step is clearly one or the other, every run holds `MIN_STEPS` steps and every step of a
moving run lies within 45 degrees of its direction: the whole clip's camera motion is then sure,
whatever is known of its subjects. A fallback (`QueryConfig.fallback_tasks`), like `box_to_path`.

    qa = TASKS["camera_motion"](clip, random.Random(0), QueryConfig())
"""

from __future__ import annotations

import random

import numpy as np

from videoutr.engine.config import QueryConfig
from videoutr.engine.query.phrasing import QUESTIONS
from videoutr.engine.query.tasks import QA, register_task
from videoutr.engine.track.kinematics import direction_names
from videoutr.engine.types import ClipTrajectories

STILL_PX = 0.5  # a step of the view's centre under this many pixels a frame: the camera holds still
PAN_PX = 1.0  # over this: it pans (a step between the two is unsure)
MIN_STEPS = 4  # a run of fewer steps is too short to state


def camera_runs(clip: ClipTrajectories) -> list[list] | None:
    """[state, first frame, last frame, direction] runs of the camera, or None when unsure."""
    if clip.camera is None or len(clip.frame_idx) < 2:
        return None
    maps = np.asarray(clip.camera, dtype=np.float64).reshape(-1, 2, 3)
    centre = np.array([clip.width / 2, clip.height / 2, 1.0])
    steps = np.diff(maps @ centre, axis=0)  # the view centre's moves over the scene, pixels
    speeds = np.hypot(steps[:, 0], steps[:, 1])
    if ((speeds >= STILL_PX) & (speeds <= PAN_PX)).any():
        return None
    moving = speeds > PAN_PX
    runs, start = [], 0
    for k in range(1, len(steps) + 1):
        if k < len(steps) and moving[k] == moving[start]:
            continue
        if k - start < MIN_STEPS:
            return None
        direction = None
        if moving[start]:
            part = steps[start:k]
            [direction] = direction_names(part.sum(axis=0, keepdims=True))
            mean = np.arctan2(-part[:, 1].sum(), part[:, 0].sum())
            off = np.abs((np.arctan2(-part[:, 1], part[:, 0]) - mean + np.pi) % (2 * np.pi) - np.pi)
            if (off > np.pi / 4).any():
                return None
        runs.append(["moving" if moving[start] else "stationary", clip.frame_idx[start], clip.frame_idx[k], direction])
        start = k
    return runs


@register_task("camera_motion")
def camera_motion(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    runs = camera_runs(clip)
    if runs is None:
        return None
    parts = [
        f"{'pans ' + direction if state == 'moving' else 'holds still'} from frame {start} to {end}"
        for state, start, end, direction in runs
    ]
    answer = "The camera " + ", then ".join(parts) + "."
    return QA("camera_motion", rng.choice(QUESTIONS["camera_motion"]), answer, {"segments": runs})
