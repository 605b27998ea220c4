"""Short-answer temporal questions: one fact of one subject's trajectory, answered in a word or two.

The long-form tasks (`tasks.py`) answer with whole trajectories, which a 7B model learns to read;
these ask the same trajectories for the single facts a benchmark asks about - where a subject is
when the video starts and when it ends, which way it moves, its colour before and after a change,
where it is when that change happens (a moment anywhere in the video) and half-way through it,
how many subjects the video shows - so that small models and short-answer benchmarks can be served
from the same engine output. Subjects are named as a benchmark names them (`short_names`), and a
fact is asked only where the trajectory states it reliably:

| task | asked when | answer |
|---|---|---|
| `place_at_start` / `place_at_end` | the track holds a reliable point at the clip's first / last frame | 3x3 place |
| `move_direction` | every moving segment has one direction | compass direction |
| `colour_before` / `colour_after` | the track shows exactly two colours | colour name |
| `place_at_change` | two colours; reliable points either side of the change, in one place | 3x3 place |
| `place_at_middle` | reliable points at the clip's middle frame(s), in one place | 3x3 place |
| `subject_count` | every subject is seen from the first to the last frame, nothing unexplained | number |

Each generator picks one eligible subject with the sample's seeded RNG; the question's wording is
drawn from `phrasing.SHORT_QUESTIONS`.

    qa = TASKS["place_at_start"](clip, random.Random(0), QueryConfig())
"""

from __future__ import annotations

import random

from videoutr.engine.config import QueryConfig
from videoutr.engine.detect.attributes import location_phrase
from videoutr.engine.query.phrasing import SHORT_QUESTIONS
from videoutr.engine.query.subjects import is_reliable, named_colour, short_names
from videoutr.engine.query.tasks import QA, register_task
from videoutr.engine.types import ClipTrajectories, Trajectory
from videoutr.video.keyframe import middle_frames

SHORT_TASKS = (
    "place_at_start",
    "place_at_end",
    "move_direction",
    "colour_before",
    "colour_after",
    "place_at_change",
    "place_at_middle",
    "subject_count",
)


def _ask(task: str, rng: random.Random, name: str, answer: str, subject: Trajectory, **claims) -> QA:
    """The QA of one subject's fact, worded by one of the task's phrasings. Its claims include what
    the name asserts: the subject's shape and, where the name gives one, its colour (`short_names`)."""
    question = rng.choice(SHORT_QUESTIONS[task]).format(name=name)
    named = {"shape": subject.category, "colour": named_colour(subject)}
    return QA(task, question, answer, {"subject_id": subject.track_id, **named, **claims})


def _pick(
    clip: ClipTrajectories, rng: random.Random, facts: dict[int, object]
) -> tuple[Trajectory, str, object] | None:
    """A random named subject among those with a fact: (track, its name, the fact)."""
    names = short_names(clip)
    options = [
        (t, names[t.track_id], facts[t.track_id])
        for t in clip.tracks
        if t.track_id in names and facts.get(t.track_id) is not None
    ]
    return rng.choice(options) if options else None


def _place_at(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig, task: str, frames: list[int]) -> QA | None:
    """A subject's 3x3 place at `frames`, asked where its points there are reliable (detected, not
    interpolated) and in one place. The claims name the frame (`frame`), or `frames` when several."""
    facts = {}
    for traj in clip.tracks:
        points = [traj.point_at(f) for f in frames]
        if all(p is not None and is_reliable(clip, traj, f, cfg) for p, f in zip(points, frames)):
            places = {location_phrase(p.box_norm) for p in points}
            facts[traj.track_id] = places.pop() if len(places) == 1 else None
    picked = _pick(clip, rng, facts)
    if picked is None:
        return None
    traj, name, place = picked
    at = {"frame": frames[0]} if len(frames) == 1 else {"frames": frames}
    return _ask(task, rng, name, str(place), traj, **at, location=place)


@register_task("place_at_start")
def place_at_start(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    return _place_at(clip, rng, cfg, "place_at_start", clip.frame_idx[:1]) if clip.frame_idx else None


@register_task("place_at_end")
def place_at_end(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    return _place_at(clip, rng, cfg, "place_at_end", clip.frame_idx[-1:]) if clip.frame_idx else None


def _single_direction(traj: Trajectory, cfg: QueryConfig) -> str | None:
    moving = [s for s in traj.segments if s.state == "moving"]
    directions = {s.direction for s in moving}
    if not moving or len(directions) != 1 or None in directions or any(s.observed < cfg.min_observed for s in moving):
        return None
    return directions.pop()


@register_task("move_direction")
def move_direction(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    picked = _pick(clip, rng, {t.track_id: _single_direction(t, cfg) for t in clip.tracks})
    if picked is None:
        return None
    traj, name, direction = picked
    return _ask("move_direction", rng, name, str(direction), traj, direction=direction)


def _colour_change(clip: ClipTrajectories, rng: random.Random, task: str, after: bool) -> QA | None:
    facts = {t.track_id: t.colours() for t in clip.tracks if len(t.colours()) == 2}
    picked = _pick(clip, rng, facts)
    if picked is None:
        return None
    traj, name, (before, later) = picked
    answer = later if after else before
    return _ask(task, rng, name, answer, traj, colours=[before, later])


@register_task("colour_before")
def colour_before(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    return _colour_change(clip, rng, "colour_before", after=False)


@register_task("colour_after")
def colour_after(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    return _colour_change(clip, rng, "colour_after", after=True)


def _change_place(clip: ClipTrajectories, traj: Trajectory, cfg: QueryConfig) -> tuple[int, int, str] | None:
    """(last frame in the old colour, first in the new, the place at both) of a two-colour track,
    where both points are reliable and in one 3x3 place; else None."""
    if len(traj.colours()) != 2:
        return None
    coloured = [p for p in traj.points if p.colour]
    turn = next(i for i in range(1, len(coloured)) if coloured[i].colour != coloured[0].colour)
    before, after = coloured[turn - 1], coloured[turn]
    if not (is_reliable(clip, traj, before.frame_idx, cfg) and is_reliable(clip, traj, after.frame_idx, cfg)):
        return None
    place = location_phrase(after.box_norm)
    return (before.frame_idx, after.frame_idx, place) if location_phrase(before.box_norm) == place else None


@register_task("place_at_change")
def place_at_change(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    picked = _pick(clip, rng, {t.track_id: _change_place(clip, t, cfg) for t in clip.tracks})
    if picked is None:
        return None
    traj, name, (before, after, place) = picked
    claims = {"frame_before": before, "frame": after, "location": place, "colours": traj.colours()}
    return _ask("place_at_change", rng, name, place, traj, **claims)


@register_task("place_at_middle")
def place_at_middle(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    if not clip.frame_idx:
        return None
    frames = [clip.frame_idx[i] for i in middle_frames(len(clip.frame_idx))]
    return _place_at(clip, rng, cfg, "place_at_middle", frames)


@register_task("subject_count")
def subject_count(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    if not clip.tracks or clip.uncertain_frames or not clip.frame_idx:
        return None
    first, last = clip.frame_idx[0], clip.frame_idx[-1]
    if any(t.first_frame != first or t.last_frame != last for t in clip.tracks):
        return None
    count = len(clip.tracks)
    question = rng.choice(SHORT_QUESTIONS["subject_count"])
    return QA("subject_count", question, str(count), {"count": count})
