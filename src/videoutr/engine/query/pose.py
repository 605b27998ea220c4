"""`pose_action`: what a person does, from the action spans a pose detector gives a track.

`mp-pose` names one action per frame (`standing`, `walking`, `raising a hand`:
`detect/pose_actions.py`); tracking keeps it in each point and cuts the track into spans of one
action (`track/actions.py`, `Trajectory.actions`). This task asks one of three questions about
such a track, picked with the sample's seeded RNG among those it may ask:

- `start`, "what is the person doing when the video starts?": asked when the track's first point
  is the clip's first frame, and its first span begins there and holds `MIN_ACTION_FRAMES`;
- `end`, "... when the video ends?": the same at the clip's last frame;
- `hand`, "does the person raise a hand, and when?": every frame from the track's first to its
  last has an action, detected with at least `min_claim_conf`, the track begins and ends where
  the person truly comes and goes (`ends_explained`), and every `raising a hand` span holds
  `MIN_ACTION_FRAMES`.

Always: the track is named by an appearance no other track shares, it never met another
subject (`merges`), and the points the answer rests on are detected with at least
`min_claim_conf`. A span shorter than `MIN_ACTION_FRAMES` is a flicker of the rules between two
frames' landmarks, never asserted: a track with one in the way is not asked about.

    qa = TASKS["pose_action"](clip, random.Random(0), QueryConfig(tasks=("pose_action",)))
"""

from __future__ import annotations

import random

from videoutr.engine.config import QueryConfig
from videoutr.engine.detect.pose_actions import RAISING
from videoutr.engine.query.phrasing import POSE_QUESTIONS, join_phrases
from videoutr.engine.query.subjects import appearance, ends_explained, merges, name_of
from videoutr.engine.query.tasks import QA, register_task
from videoutr.engine.types import ActionSpan, ClipTrajectories, Trajectory

MIN_ACTION_FRAMES = 3  # engine frames an action must hold to be asserted


def askable_kinds(traj: Trajectory, clip: ClipTrajectories, cfg: QueryConfig) -> list[str]:
    """Which of `start`, `end`, `hand` may be asked about this track (see the module doc)."""
    spans = traj.actions
    if not spans or traj.track_id in merges(clip):
        return []
    names = [appearance(t) for t in clip.tracks]
    if names.count(appearance(traj)) != 1:
        return []
    kinds = []
    first, last = clip.frame_idx[0], clip.frame_idx[-1]
    if spans[0].start_frame == first and _sure(spans[0], traj, cfg):
        kinds.append("start")
    if spans[-1].end_frame == last and _sure(spans[-1], traj, cfg):
        kinds.append("end")
    confident = all(p.confidence >= cfg.min_claim_conf for p in traj.points)
    raises = [s for s in spans if s.action == RAISING]
    if (
        confident
        and _whole(traj, clip)
        and all(ends_explained(traj, clip, cfg))
        and all(s.frames >= MIN_ACTION_FRAMES for s in raises)
    ):
        kinds.append("hand")
    return kinds


def _sure(span: ActionSpan, traj: Trajectory, cfg: QueryConfig) -> bool:
    """Held for `MIN_ACTION_FRAMES`, its points detected with at least `min_claim_conf`."""
    points = [traj.point_at(f) for f in range(span.start_frame, span.end_frame + 1)]
    held = [p for p in points if p is not None]
    return span.frames >= MIN_ACTION_FRAMES and all(p.confidence >= cfg.min_claim_conf for p in held)


def _whole(traj: Trajectory, clip: ClipTrajectories) -> bool:
    """Every engine frame from the track's first to its last lies in one of its action spans."""
    frames = [f for f in clip.frame_idx if traj.first_frame <= f <= traj.last_frame]
    covered = sum(s.frames for s in traj.actions)
    return covered == len(frames)


def _spans_claim(spans: list[ActionSpan]) -> list[list]:
    return [[s.action, s.start_frame, s.end_frame] for s in spans]


@register_task("pose_action")
def pose_action(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    options = [(t, kind) for t in clip.tracks for kind in askable_kinds(t, clip, cfg)]
    if not options:
        return None
    traj, kind = rng.choice(options)
    name = name_of(traj)
    who = f"{name} (object {traj.track_id})"
    question = rng.choice(POSE_QUESTIONS[kind]).format(name=name)
    claims = {"track_id": traj.track_id, "kind": kind}
    if kind == "start":
        span = traj.actions[0]
        answer = f"When the video starts, {who} is {span.action}, until frame {span.end_frame}."
        return QA("pose_action", question, answer, {**claims, "spans": _spans_claim([span])})
    if kind == "end":
        span = traj.actions[-1]
        answer = f"When the video ends, {who} is {span.action}, since frame {span.start_frame}."
        return QA("pose_action", question, answer, {**claims, "spans": _spans_claim([span])})
    raises = [s for s in traj.actions if s.action == RAISING]
    seen = f"frames {traj.first_frame} to {traj.last_frame}"
    if raises:
        when = join_phrases([f"from frame {s.start_frame} to {s.end_frame}" for s in raises])
        answer = f"Yes: {who} raises a hand {when}, in view over {seen}."
    else:
        answer = f"No: {who} does not raise a hand while in view ({seen})."
    claims.update(spans=_spans_claim(raises), first_frame=traj.first_frame, last_frame=traj.last_frame)
    return QA("pose_action", question, answer, claims)
