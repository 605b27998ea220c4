"""UTR questions in the benchmark's phrasing, built from the data engine's TRACKER output.

The engine's own dialogues (box/location/appearance -> whole trajectory, span/time/action ->
subjects, summary) teach a 7B model; a 0.8 M-parameter model cannot carry their long box lists
over to differently worded questions in minutes. So the demo adds the same bidirectional queries
in the benchmark's short form - subject + time -> place / direction / colour, time -> subject,
video -> event counts - answered from the engine's trajectories (`trajectories.jsonl`), never from
the world's ground truth: tracker mistakes stay in the data, as in the paper's pipeline.

    >>> qa = trajectory_questions(clip)
    >>> qa[0]
    ('Where is the red circle at the start of the video?', 'top left')
"""

from __future__ import annotations

from videoutr.engine.types import ClipTrajectories, Trajectory

QA = tuple[str, str]


def track_names(clip: ClipTrajectories) -> dict[int, str]:
    """Unambiguous names as the benchmark words them: "the red circle", or "the star" for a
    subject whose colour changes (when its shape is unique). Ambiguous names are left out."""
    names = {}
    for tr in clip.tracks:
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
    moving = [s for s in tr.segments if s.state == "moving" and s.direction]
    if moving and len({s.direction for s in moving}) == 1:
        out.append((f"In which direction does {name} move?", moving[0].direction))
    if moving:
        turns = sum(e.type == "turn" for e in tr.events)
        out.append((f"How many times does {name} change direction?", str(turns)))
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
