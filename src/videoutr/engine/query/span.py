"""`box_to_path`: one subject over a short span where everything said about it is sure.

The whole-trajectory and who-is-there questions (`tasks.py`) need the whole clip accounted for:
every track begins and ends where its subject truly comes and goes, no two subjects met. Real
footage often denies that (two subjects merge early, a track is lost mid-frame), and then those
questions have nothing to ask. This one needs only a run of consecutive engine frames where one
track is reliable (`reliable_points`: detected, confident, its usual size, touching nobody) and
no other track's box overlaps it: the question points at its box
at the run's first frame, and the answer gives its colour (only when the track is seen whole in
`min_observed` of its points: a textured subject's colour is voted over the whole track, and a
track seen whole less often may hold another subject's views, such as a blob of two), its
place, its boxes over the run and, when one sure motion segment (`min_observed`) covers the
run, its motion there. Whether the
box at that frame shows the subject the track followed elsewhere in the clip (two subjects may
have met before, `merges`) does not matter: the answer names no track and says nothing beyond
the run, within which the box never met another nor changed size, so it cannot have changed
subject. Detections no track explains (`uncertain_frames`) do not matter either: were one a
piece of this subject, its box would be cut short, and so not reliable.

It is a fallback (`QueryConfig.fallback_tasks`): asked in a sample only when none of
`QueryConfig.tasks` has anything sure, so that every video whose tracks hold some sure span
gets dialogues.

    qa = TASKS["box_to_path"](clip, random.Random(0), QueryConfig())
"""

from __future__ import annotations

import random

from videoutr.engine.config import QueryConfig
from videoutr.engine.detect.attributes import location_phrase
from videoutr.engine.query.memo import memoized
from videoutr.engine.query.phrasing import QUESTIONS, box_text, round_box
from videoutr.engine.query.subjects import name_of, reliable_points, splits, unambiguous
from videoutr.engine.query.tasks import QA, register_task
from videoutr.engine.types import ClipTrajectories, Trajectory

SPAN_FRAMES = (6, 16)  # a span holds at least / at most this many engine frames
SPAN_CONF = 0.5  # a span's points need this much more confidence, towards 1, than `min_claim_conf`


def sure_runs(clip: ClipTrajectories, cfg: QueryConfig) -> list[tuple[Trajectory, list[int]]]:
    """Each track's maximal runs of consecutive engine frames (at least `SPAN_FRAMES[0]`) where
    it is reliable, clearly detected (`SPAN_CONF`), alone, and not a blob holding another
    subject that a track born out of it later follows (`splits`)."""
    least = cfg.min_claim_conf + SPAN_CONF * (1.0 - cfg.min_claim_conf)
    blobs = [(parent, range(since, born)) for parent, _, since, born in splits(clip)]
    runs = []
    for traj in clip.tracks:
        held = {f for parent, frames in blobs if parent == traj.track_id for f in frames}  # with another inside
        reliable = {p.frame_idx for p in reliable_points(clip, traj, cfg) if p.confidence >= least} - held
        run: list[int] = []
        for f in [*clip.frame_idx, None]:
            if f is not None and f in reliable and unambiguous(clip, traj, f, 0.0):
                run.append(f)
                continue
            if len(run) >= SPAN_FRAMES[0]:
                runs.append((traj, run))
            run = []
    return runs


def _motion(traj: Trajectory, start: int, end: int, cfg: QueryConfig) -> tuple[str, list] | None:
    """The sure motion segment covering frames `start`-`end`: its text and its claim, else None."""
    for seg in traj.segments:
        if seg.start_frame <= start and end <= seg.end_frame and seg.observed >= cfg.min_observed:
            text = f"moves {seg.direction}" if seg.state == "moving" else "stays still"
            return f"{text} from frame {start} to {end}", [seg.state, start, end, seg.direction]
    return None


@register_task("box_to_path")
def box_to_path(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig) -> QA | None:
    runs = memoized(("sure_runs", id(clip), id(cfg)), lambda: sure_runs(clip, cfg))
    if not runs:
        return None
    traj, run = rng.choice(runs)
    length = min(len(run), SPAN_FRAMES[1])
    first = rng.randrange(len(run) - length + 1)
    frames = run[first : first + length]
    start, end = frames[0], frames[-1]
    shown = frames[:: max(1, cfg.box_stride)]
    if shown[-1] != end:
        shown.append(end)
    boxes = [(f, round_box(traj.point_at(f).box_norm)) for f in shown]
    box = traj.point_at(start).box_norm
    point = traj.point_at(start)
    question = rng.choice(QUESTIONS["box_to_path"]).format(frame=start, box=box_text(box), end=end)
    path = "; ".join(f"frame {f}: {box_text(b)}" for f, b in boxes)
    colour = (point.colour or traj.colour) if traj.observed >= cfg.min_observed else None
    name = name_of(traj, start) if colour else f"a{'n' if traj.category[0] in 'aeiou' else ''} {traj.category}"
    answer = f"It is {name}, in the {location_phrase(box)}. From frame {start} to {end}: {path}."
    motion = _motion(traj, start, end, cfg)
    if motion is not None:
        answer += f" It {motion[0]}."
    claims = {
        "track_id": traj.track_id,
        "query_frame": start,
        "query_box": round_box(box),
        "shape": traj.category,
        "colour": colour,
        "boxes": boxes,
        "segments": [motion[1]] if motion else [],
    }
    return QA("box_to_path", question, answer, claims)
