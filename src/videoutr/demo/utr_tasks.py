"""UTR questions in the benchmark's phrasing, built from the data engine's TRACKER output.

The engine's own dialogues (box/location/appearance -> whole trajectory, span/time/action ->
subjects, summary) teach a 7B model; a 0.8 M-parameter model cannot carry their long box lists
over to differently worded questions in minutes. So the demo adds the same bidirectional queries
in the benchmark's short form - subject + time -> place / direction / colour, time -> subject,
video -> event counts - answered from the engine's trajectories (`trajectories.jsonl`), never from
the world's ground truth: tracker mistakes stay in the data, as in the paper's pipeline. As in the
engine's own dialogues, what the engine cannot say is not asked: a subject whose shape the engine
did not name (an "object") is not named, and a subject's turns are counted only when the engine
marks the count sure (`Trajectory.turns_sure`: seen for the whole clip, and the same count under a
3x cheaper and 3x dearer cut of its path). `answer_agreement` measures every kind against the
world's truth.

    >>> qa = trajectory_questions(clip)
    >>> qa[0]
    ('Where is the red circle at the start of the video?', 'top left')
"""

from __future__ import annotations

from pathlib import Path

from videoutr.engine.types import ClipTrajectories, Trajectory
from videoutr.world.annotation import VideoAnnotation
from videoutr.world.questions import bench_questions

QA = tuple[str, str]
UNNAMED = "object"  # the engine's category for a subject whose shape it could not name


def track_names(clip: ClipTrajectories) -> dict[int, str]:
    """Unambiguous names as the benchmark words them: "the red circle", or "the star" for a
    subject whose colour changes (when its shape is unique). Ambiguous names are left out."""
    names = {}
    for tr in clip.tracks:
        if tr.category == UNNAMED:
            continue
        colours = tr.colours()
        if len(colours) == 1:
            names[tr.track_id] = f"the {colours[0]} {tr.category}"
        elif sum(o.category == tr.category for o in clip.tracks) == 1:
            names[tr.track_id] = f"the {tr.category}"
    values = list(names.values())
    return {i: n for i, n in names.items() if values.count(n) == 1}


def _last_frame(clip: ClipTrajectories) -> int:
    return clip.frame_idx[-1] if clip.frame_idx else clip.num_frames - 1


def _places(clip: ClipTrajectories, tr: Trajectory, name: str) -> list[QA]:
    out = []
    first, last = tr.points[0], tr.points[-1]
    if first.frame_idx == clip.frame_idx[0] and first.location:
        out.append((f"Where is {name} at the start of the video?", first.location))
    if last.frame_idx == _last_frame(clip) and last.location:
        out.append((f"Where is {name} at the end of the video?", last.location))
    return out


def _motion(tr: Trajectory, name: str) -> list[QA]:
    out = []
    if tr.turns_sure:
        turns = sum(e.type == "turn" for e in tr.events)
        out.append((f"How many times does {name} change direction?", str(turns)))
    moving = [s for s in tr.segments if s.state == "moving" and s.direction]
    if moving and len({s.direction for s in moving}) == 1:
        out.append((f"In which direction does {name} move?", moving[0].direction))
    colours = tr.colours()
    if len(colours) == 2:
        out.append((f"What colour is {name} before it changes colour?", colours[0]))
        out.append((f"What colour does {name} change to?", colours[1]))
    return out


def _who(clip: ClipTrajectories, names: dict[int, str]) -> list[QA]:
    out = []
    for kind, question in (("stop", "Which object stops moving?"),
                           ("start", "Which object starts moving again after standing still?")):
        doers = [t for t in clip.tracks if any(e.type == kind for e in t.events)]
        if len(doers) == 1 and doers[0].track_id in names:
            out.append((question, names[doers[0].track_id]))
    firsts = {t.track_id: t.first_frame for t in clip.tracks}
    lasts = {t.track_id: t.last_frame for t in clip.tracks}
    if firsts:
        late = max(firsts.values())
        winners = [i for i, f in firsts.items() if f == late]
        if len(winners) == 1 and late != clip.frame_idx[0] and winners[0] in names:
            out.append(("Which object is the last to appear?", names[winners[0]]))
        early = min(lasts.values())
        winners = [i for i, f in lasts.items() if f == early]
        if len(winners) == 1 and early != _last_frame(clip) and winners[0] in names:
            out.append(("Which object is the first to leave the scene?", names[winners[0]]))
    enters = sum(any(e.type == "enter" for e in t.events) for t in clip.tracks)
    exits = sum(any(e.type == "exit" for e in t.events) for t in clip.tracks)
    if enters + exits:
        out.append(("How many objects enter the scene?", str(enters)))
        out.append(("How many objects leave the scene?", str(exits)))
    return out


def trajectory_questions(clip: ClipTrajectories) -> list[QA]:
    """Every question the tracker's trajectories of one clip answer, in a fixed order."""
    names = track_names(clip)
    out: list[QA] = []
    for tr in clip.tracks:
        if tr.track_id in names and tr.points:
            out += _places(clip, tr, names[tr.track_id]) + _motion(tr, names[tr.track_id])
    return out + _who(clip, names)


def answer_agreement(clips: list[ClipTrajectories], annotations: dict[str, VideoAnnotation]) -> dict[str, dict[str, int]]:
    """How often the tracker's short-form answers agree with the world's truth, per benchmark task:
    each question the world also asks about that video (`bench_questions`) is compared; the rest
    (e.g. about a subject the world leaves unnamed) are counted as `unchecked`."""
    counts: dict[str, dict[str, int]] = {}
    for clip in clips:
        truth = {q.question: q for q in bench_questions(annotations[Path(clip.video).stem], seed=0)}
        for question, answer in trajectory_questions(clip):
            known = truth.get(question)
            row = counts.setdefault(known.task if known else "unchecked", {"asked": 0, "agree": 0})
            row["asked"] += 1
            row["agree"] += bool(known and known.answer == answer)
    return dict(sorted(counts.items()))
