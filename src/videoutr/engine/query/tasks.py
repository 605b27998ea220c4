"""Question generators, registered by task name. Each returns a `QA` or None (nothing it may ask).

spatial -> temporal: `box_to_track`, `location_to_track`, `appearance_to_track` name a subject by
part of its attributes at one moment; the answer gives its identity, whole trajectory, visibility
and actions. temporal -> spatial: `span_to_subjects`, `time_to_subjects`, `action_to_subjects`
give a span, a time or an action; the answer says who is there and where. `summary` tells the
whole video's events in order. Every QA carries `claims`: what the answer asserts, in a form
`videoutr.engine.quality.metrics` checks against ground truth.

    qa = TASKS["box_to_track"](clip, random.Random(0), QueryConfig())
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from videoutr.engine.config import QueryConfig
from videoutr.engine.detect.attributes import location_phrase
from videoutr.engine.query.memo import memoized
from videoutr.engine.query.phrasing import QUESTIONS, VERBS, box_text, join_phrases, round_box, seconds
from videoutr.engine.query.subjects import (
    actions_text,
    appearance,
    ends_explained,
    fully_explained,
    merges,
    name_of,
    reliable_points,
    seen_span,
    trajectory_text,
    unambiguous,
    unseen_frames,
    visibility_text,
    well_observed,
)
from videoutr.engine.types import ClipTrajectories, Trajectory


@dataclass
class QA:
    """One question-answer pair and what its answer claims."""

    task: str
    question: str
    answer: str
    claims: dict[str, Any] = field(default_factory=dict)


Generator = Callable[[ClipTrajectories, random.Random, QueryConfig], "QA | None"]
TASKS: dict[str, Generator] = {}


def register_task(name: str) -> Callable[[Generator], Generator]:
    def wrap(fn: Generator) -> Generator:
        TASKS[name] = fn
        return fn

    return wrap


def _track_answer(clip: ClipTrajectories, traj: Trajectory, frame: int | None, cfg: QueryConfig) -> tuple[str, dict]:
    boxes_text, boxes = trajectory_text(clip, traj, cfg)
    answer = (
        f"It is {name_of(traj, frame)} (object {traj.track_id}). {visibility_text(traj, clip)}. "
        f"Its trajectory: {boxes_text}. It {actions_text(traj, clip, cfg)}."
    )
    point = traj.point_at(frame) if frame is not None else None
    came, went = seen_span(traj, clip)
    claims = {
        "track_id": traj.track_id,
        "query_frame": frame,
        "shape": traj.category,
        "colour": (point.colour if point and point.colour else traj.colour),
        "first_frame": came,
        "last_frame": went,
        "boxes": boxes,
        "segments": [
            [s.state if s.observed >= cfg.min_observed else "unclear", s.start_frame, s.end_frame, s.direction]
            for s in traj.segments
        ],
        "colour_changes": [[e.frame_idx, e.detail["to"]] for e in traj.events if e.type == "colour_change"],
    }
    return answer, claims


def _askable(traj: Trajectory, clip: ClipTrajectories, cfg: QueryConfig) -> bool:
    """A whole-trajectory answer's subject: seen whole often enough, first and last seen where it
    truly comes and goes."""
    return well_observed(clip, traj, cfg) and all(ends_explained(traj, clip, cfg)) and traj.track_id not in merges(clip)


def _pick_moment(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> tuple[Trajectory, int] | None:
    """A random (track, frame) where the track is reliable, alone, and nothing is unaccounted for."""
    options = memoized(("moments", id(clip), id(cfg)), lambda: _moments(clip, cfg))
    return rng.choice(options) if options else None


def _moments(clip: ClipTrajectories, cfg: QueryConfig) -> list[tuple[Trajectory, int]]:
    uncertain = set(clip.uncertain_frames)
    return [
        (t, p.frame_idx)
        for t in clip.tracks
        if _askable(t, clip, cfg)
        for p in reliable_points(clip, t, cfg)
        if p.frame_idx not in uncertain and unambiguous(clip, t, p.frame_idx)
    ]


@register_task("box_to_track")
def box_to_track(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    moment = _pick_moment(clip, rng, cfg)
    if moment is None:
        return None
    traj, frame = moment
    box = traj.point_at(frame).box_norm
    question = rng.choice(QUESTIONS["box_to_track"]).format(frame=frame, box=box_text(box))
    answer, claims = _track_answer(clip, traj, frame, cfg)
    return QA("box_to_track", question, answer, {**claims, "query_box": round_box(box)})


@register_task("location_to_track")
def location_to_track(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    for _ in range(8):
        moment = _pick_moment(clip, rng, cfg)
        if moment is None:
            return None
        traj, frame = moment
        place = location_phrase(traj.point_at(frame).box_norm)
        others = [
            t
            for t in clip.tracks
            if t is not traj and t.point_at(frame) and location_phrase(t.point_at(frame).box_norm) == place
        ]
        if not others:
            question = rng.choice(QUESTIONS["location_to_track"]).format(frame=frame, location=place)
            answer, claims = _track_answer(clip, traj, frame, cfg)
            return QA("location_to_track", question, answer, {**claims, "location": place})
    return None


@register_task("appearance_to_track")
def appearance_to_track(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    names = [appearance(t) for t in clip.tracks]
    options = [
        t
        for t, n in zip(clip.tracks, names)
        if names.count(n) == 1 and len(t.colours()) == 1 and _askable(t, clip, cfg)
    ]
    if not options:
        return None
    traj = rng.choice(options)
    question = rng.choice(QUESTIONS["appearance_to_track"]).format(appearance=appearance(traj))
    answer, claims = _track_answer(clip, traj, None, cfg)
    return QA("appearance_to_track", question, answer, claims)


def _who_is_there(clip: ClipTrajectories, frames: list[int], cfg: QueryConfig) -> tuple[list[str], list[dict]] | None:
    """Per present track: its boxes at `frames`; None if anything there is unsure."""
    if set(frames) & memoized(("unseen", id(clip), id(cfg)), lambda: unseen_frames(clip, cfg)):
        return None
    texts, subjects = [], []
    for traj in clip.tracks:
        present = [f for f in frames if traj.point_at(f) is not None]
        if len(present) < sum(traj.first_frame <= f <= traj.last_frame for f in frames):
            return None  # lost for a while within its track: there, but where is unknown
        if not present:
            continue
        reliable = {p.frame_idx for p in reliable_points(clip, traj, cfg)}
        if any(f not in reliable for f in present):
            return None
        shown = sorted({present[0], present[-1]})
        boxes = [(f, round_box(traj.point_at(f).box_norm)) for f in shown]
        place = location_phrase(traj.point_at(shown[0]).box_norm)
        where = "; ".join(f"frame {f}: {box_text(b)}" for f, b in boxes)
        texts.append(f"{name_of(traj, shown[0])} (object {traj.track_id}) in the {place} ({where})")
        subjects.append(
            {
                "track_id": traj.track_id,
                "colour": traj.point_at(shown[0]).colour,
                "shape": traj.category,
                "boxes": boxes,
                "location": place,
            }
        )
    return texts, subjects


def _answerable(clip: ClipTrajectories, spans: list[list[int]], cfg: QueryConfig) -> list[tuple[list[int], tuple]]:
    """The spans (lists of frames) whose who-is-there is sure, each with its `_who_is_there`."""
    found = [(frames, _who_is_there(clip, frames, cfg)) for frames in spans]
    return [(frames, there) for frames, there in found if there is not None]


@register_task("span_to_subjects")
def span_to_subjects(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    n = len(clip.frame_idx)
    length = max(2, n // 4)
    spans = [clip.frame_idx[a : a + length] for a in range(max(1, n - length))]
    options = memoized(("spans", id(clip), id(cfg)), lambda: _answerable(clip, spans, cfg))
    if not options:
        return None
    frames, (texts, subjects) = rng.choice(options)
    start, end = frames[0], frames[-1]
    question = rng.choice(QUESTIONS["span_to_subjects"]).format(
        start=start, end=end, start_s=seconds(clip.time_of(start)), end_s=seconds(clip.time_of(end))
    )
    body = f"{len(texts)} object{'s' if len(texts) != 1 else ''}: " + join_phrases(texts) if texts else "no object"
    answer = f"From frame {start} to frame {end} there {'is' if len(texts) == 1 else 'are'} {body}."
    return QA("span_to_subjects", question, answer, {"start": start, "end": end, "subjects": subjects})


@register_task("time_to_subjects")
def time_to_subjects(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    options = memoized(("times", id(clip), id(cfg)), lambda: _answerable(clip, [[f] for f in clip.frame_idx], cfg))
    if not options:
        return None
    [frame], (texts, subjects) = rng.choice(options)
    question = rng.choice(QUESTIONS["time_to_subjects"]).format(frame=frame, time_s=seconds(clip.time_of(frame)))
    listing = join_phrases(texts) if texts else "nothing"
    answer = f"At frame {frame} ({seconds(clip.time_of(frame))} s) the video shows {listing}."
    return QA("time_to_subjects", question, answer, {"frame": frame, "subjects": subjects})


@register_task("action_to_subjects")
def action_to_subjects(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    if not fully_explained(clip, cfg) or any(t.observed < cfg.min_observed / 4 for t in clip.tracks):
        # "which object does X" needs every subject accounted for, and seen whole often enough to know it did not
        return None
    every = [e for t in clip.tracks for e in t.events]
    kinds = sorted({e.type for e in every} - {e.type for e in every if not e.detail.get("sure", True)})
    if not kinds:  # no action whose every occurrence the engine is sure of
        return None
    kind = rng.choice(kinds)
    texts, subjects = [], []
    for traj in clip.tracks:
        for event in (e for e in traj.events if e.type == kind):
            point = traj.point_at(event.frame_idx)
            reliable = point is not None and point in reliable_points(clip, traj, cfg)
            where = f" at {box_text(point.box_norm)}" if reliable else ""
            if kind == "colour_change":  # named by its colour before the change
                who, verb = f"the {event.detail['from']} {traj.category}", f"turns {event.detail['to']}"
            else:
                who, verb = name_of(traj, event.frame_idx if point else None), VERBS[kind][2]
            texts.append(
                f"{who} (object {traj.track_id}) {verb} at frame {event.frame_idx} ({seconds(event.time_s)} s){where}"
            )
            subjects.append(
                {
                    "track_id": traj.track_id,
                    "frame": event.frame_idx,
                    "box": round_box(point.box_norm) if reliable else None,
                }
            )
    verb_present, verb_base, _ = VERBS[kind]
    question = rng.choice(QUESTIONS["action_to_subjects"]).format(verb_present=verb_present, verb_base=verb_base)
    return QA(
        "action_to_subjects",
        question,
        join_phrases(texts)[0].upper() + join_phrases(texts)[1:] + ".",
        {"event": kind, "subjects": subjects},
    )


def _event_line(traj: Trajectory, kind: str, frame: int, event) -> str:
    if kind == "colour_change":
        return f"at frame {frame} the {event.detail['from']} {traj.category} turns {event.detail['to']}"
    if kind in ("start", "turn") and event.detail.get("direction"):
        verb = "starts moving" if kind == "start" else "turns"
        return f"at frame {frame} {name_of(traj, frame)} {verb} {event.detail['direction']}"
    return f"at frame {frame} {name_of(traj, frame)} {VERBS[kind][2]}"


@register_task("summary")
def summary(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    if not clip.tracks or not fully_explained(clip, cfg) or any(t.observed == 0 for t in clip.tracks):
        return None  # something unaccounted for, or a subject never seen whole: who is who is unsure
    names = [f"{name_of(t)} (object {t.track_id})" for t in clip.tracks]
    events = sorted(
        ((e.frame_idx, t.track_id, e.type, e) for t in clip.tracks for e in t.events if e.detail.get("sure", True)),
        key=lambda x: x[:2],
    )
    unsure = any(not e.detail.get("sure", True) for t in clip.tracks for e in t.events)
    track = {t.track_id: t for t in clip.tracks}
    lines = [_event_line(track[tid], kind, f, e) for f, tid, kind, e in events]
    count = len(clip.tracks)
    text = f"The video shows {count} object{'s' if count != 1 else ''}: {join_phrases(names)}. "
    text += ("In order: " + "; ".join(lines) + ".") if lines else "Nothing else happens: each keeps its course."
    if unsure:
        text += " Some of the motion is hidden from view."
    question = rng.choice(QUESTIONS["summary"])
    claims = {
        "count": count,
        "subjects": [{"track_id": t.track_id, "colour": t.colour, "shape": t.category} for t in clip.tracks],
        "events": [[tid, kind, f] for f, tid, kind, _ in events],
    }
    return QA("summary", question, text, claims)
