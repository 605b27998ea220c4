"""The multiple-choice temporal benchmark (MVBench-like), derived from ground truth by code.

Each task is a function `(annotation) -> list[(question, answer, preferred distractors, pool)]`
registered by short name in `TASKS`; a question is asked only where its answer is well defined
(e.g. "which object stops?" needs exactly one object that stops). Candidates: the answer, the
preferred distractors (the answer of the time-reversed question where there is one, so a model
that ignores order is caught), then seeded picks from the pool; shuffled with a seed.

| task | asks | reversed twin's answer |
|---|---|---|
| direction | where an object moves | the opposite direction |
| location_start / location_end | 3x3 place at frame 0 / the last frame | swapped |
| colour_before / colour_after | colour before / after its change | swapped |
| location_change | 3x3 place where its colour changes (the same either side of the change) | the same |
| location_middle | 3x3 place half-way through (the same at both middle frames) | the same |
| count_enter / count_exit | how many objects enter / leave | swapped |
| which_stops / which_starts | the one object that stops / starts again | swapped |
| appears_last / disappears_first | the last object to appear / the first to leave | swapped |
| count_turns | how often an object changes direction | the same |
| shape, colour, count (controls, not temporal) | shape; colour of a one-colour object; object count | the same |

    items = bench_questions(ann, seed=0)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from videoutr.errors import DataFormatError
from videoutr.grid import GRID_PLACES
from videoutr.jsonio import read_json
from videoutr.video.keyframe import middle_frames
from videoutr.world.annotation import ObjectTrack, VideoAnnotation
from videoutr.world.captions import stable_rng
from videoutr.world.palette import COLOURS, DIRECTIONS, OPPOSITE, SHAPES, box_place, direction_name

NUM_CANDIDATES = 4
MAX_PER_TASK = 2  # questions per task and video (objects taken in id order, so twins match)
PLACE_MIN_VISIBLE = 0.5

# One entry per question: (question, answer, preferred distractors, distractor pool).
Raw = tuple[str, str, list[str], list[str]]


@dataclass
class BenchQuestion:
    """One multiple-choice question; `video` is relative to the world folder."""

    id: str
    video: str
    question: str
    candidates: list[str]
    answer: str
    task: str
    temporal: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BenchQuestion:
        return cls(**{k: data[k] for k in ("id", "video", "question", "candidates", "answer", "task", "temporal")})


def load_bench(path: str | Path) -> list[BenchQuestion]:
    """Load `bench.json` (or the world folder that holds it)."""
    path = Path(path)
    if path.is_dir():
        path = path / "bench.json"
    data = read_json(path)
    if not isinstance(data, list):
        raise DataFormatError(path, "expected a JSON list of questions")
    try:
        return [BenchQuestion.from_json(item) for item in data]
    except (KeyError, TypeError) as exc:
        raise DataFormatError(path, f"bad question record: {exc!r}") from None


def _unique_shape(ann: VideoAnnotation, obj: ObjectTrack) -> bool:
    """Whether no other object of the video has `obj`'s shape (so "the star" names it)."""
    return sum(o.shape == obj.shape for o in ann.objects) == 1


def object_names(ann: VideoAnnotation) -> dict[int, str]:
    """Unambiguous names: "the red circle" for a one-colour object, "the star" for one that
    changes colour (its shape is its own). Objects without a unique name are left out."""
    names = {}
    for obj in ann.objects:
        colours = set(obj.colour)
        if len(colours) == 1:
            names[obj.id] = f"the {obj.colour[0]} {obj.shape}"
        elif _unique_shape(ann, obj):
            names[obj.id] = f"the {obj.shape}"
    counts = {n: list(names.values()).count(n) for n in names.values()}
    return {i: n for i, n in names.items() if counts[n] == 1}


def _absent_names(ann: VideoAnnotation) -> list[str]:
    used = {c for o in ann.objects for c in o.colour}
    return [f"the {c} {s}" for c in COLOURS if c not in used for s in SHAPES]


def _named(ann: VideoAnnotation) -> list[tuple[ObjectTrack, str]]:
    names = object_names(ann)
    return [(o, names[o.id]) for o in ann.objects if o.id in names]


def task_direction(ann: VideoAnnotation, directions: tuple[str, ...] = tuple(DIRECTIONS)) -> list[Raw]:
    out = []
    for obj, name in _named(ann):
        dirs = set()
        for t in range(ann.num_frames - 1):
            (x0, y0), (x1, y1) = obj.center_xy[t], obj.center_xy[t + 1]
            if (obj.in_frame(t) or obj.in_frame(t + 1)) and abs(x1 - x0) + abs(y1 - y0) > 0.05:
                dirs.add(direction_name(x1 - x0, y1 - y0))
        if len(dirs) == 1:
            answer = dirs.pop()
            out.append((f"In which direction does {name} move?", answer, [OPPOSITE[answer]], list(directions)))
    return out


def _place(ann: VideoAnnotation, obj: ObjectTrack, t: int) -> str | None:
    if obj.visible_fraction[t] < PLACE_MIN_VISIBLE:
        return None
    return box_place(obj.box_xyxy[t], ann.width, ann.height)


def _task_location(ann: VideoAnnotation, at_end: bool) -> list[Raw]:
    first, last = 0, ann.num_frames - 1
    t, other = (last, first) if at_end else (first, last)
    when = "at the end of the video" if at_end else "at the start of the video"
    out = []
    for obj, name in _named(ann):
        answer, other_place = _place(ann, obj, t), _place(ann, obj, other)
        if answer is not None:
            preferred = [other_place] if other_place not in (None, answer) else []
            out.append((f"Where is {name} {when}?", answer, preferred, list(GRID_PLACES)))
    return out


def _task_colour(ann: VideoAnnotation, after: bool) -> list[Raw]:
    out = []
    for obj, name in _named(ann):
        changes = obj.events_of("colour_change")
        if len(changes) == 1:
            before, later = changes[0].details["from"], changes[0].details["to"]
            answer, other = (later, before) if after else (before, later)
            q = f"What colour does {name} change to?" if after else f"What colour is {name} before it changes colour?"
            out.append((q, answer, [other], list(COLOURS)))
    return out


def _moment_place(ann: VideoAnnotation, obj: ObjectTrack, frames: tuple[int, ...], question: str) -> Raw | None:
    """A question about `obj`'s place at a moment inside the video: asked only where every one of
    `frames` places it alike; its places at the start and the end are the preferred distractors."""
    places = {_place(ann, obj, t) for t in frames}
    if len(places) != 1 or None in places:
        return None
    place = places.pop()
    ends = [p for p in (_place(ann, obj, 0), _place(ann, obj, ann.num_frames - 1)) if p not in (None, place)]
    return question, place, ends, list(GRID_PLACES)


def task_location_change(ann: VideoAnnotation) -> list[Raw]:
    """Where an object is when its one colour change happens: asked only where the last frame in the
    old colour and the first in the new one place it alike, so the answer is in the middle of the
    video, wherever the change falls, and no end frame shows it by rule."""
    out = []
    for obj, name in _named(ann):
        changes = obj.events_of("colour_change")
        if len(changes) == 1:
            t = changes[0].frame
            out.append(_moment_place(ann, obj, (t - 1, t), f"Where is {name} when it changes colour?"))
    return [raw for raw in out if raw is not None]


def task_location_middle(ann: VideoAnnotation) -> list[Raw]:
    """Where an object is half-way through the video (`video.keyframe.middle_frames`), where the
    middle frames place it alike."""
    middle = middle_frames(ann.num_frames)
    out = [_moment_place(ann, obj, middle, f"Where is {name} halfway through the video?") for obj, name in _named(ann)]
    return [raw for raw in out if raw is not None]


def _count_candidates(answer: int) -> list[str]:
    return [str(v) for v in range(max(0, answer - 3), answer + 4)]


def _task_count_objects(ann: VideoAnnotation, kind: str) -> list[Raw]:
    enters = sum(bool(o.events_of("enter")) for o in ann.objects)
    exits = sum(bool(o.events_of("exit")) for o in ann.objects)
    if enters + exits == 0:
        return []
    answer, other = (enters, exits) if kind == "enter" else (exits, enters)
    verb = "enter the scene" if kind == "enter" else "leave the scene"
    preferred = [str(other)] if other != answer else []
    return [(f"How many objects {verb}?", str(answer), preferred, _count_candidates(answer))]


def _task_which(ann: VideoAnnotation, kind: str) -> list[Raw]:
    doers = [o for o in ann.objects if o.events_of(kind)]
    names = object_names(ann)
    if len(doers) != 1 or doers[0].id not in names:
        return []
    q = "Which object stops moving?" if kind == "stop" else "Which object starts moving again after standing still?"
    others = [n for i, n in sorted(names.items()) if i != doers[0].id]
    return [(q, names[doers[0].id], others, _absent_names(ann))]


def _task_order(ann: VideoAnnotation, appear_last: bool) -> list[Raw]:
    names = object_names(ann)
    frames = {}
    for obj in ann.objects:
        seen = [t for t in range(ann.num_frames) if obj.in_frame(t)]
        if seen:
            frames[obj.id] = seen[0] if appear_last else seen[-1]
    if not frames:
        return []
    best = max(frames.values()) if appear_last else min(frames.values())
    winners = [i for i, f in frames.items() if f == best]
    edge = 0 if appear_last else ann.num_frames - 1
    if len(winners) != 1 or best == edge or winners[0] not in names:
        return []
    q = "Which object is the last to appear?" if appear_last else "Which object is the first to leave the scene?"
    others = [n for i, n in sorted(names.items()) if i != winners[0]]
    return [(q, names[winners[0]], others, _absent_names(ann))]


def task_count_turns(ann: VideoAnnotation) -> list[Raw]:
    out = []
    for obj, name in _named(ann):
        moves = any(obj.center_xy[t] != obj.center_xy[t + 1] for t in range(ann.num_frames - 1))
        if moves:
            answer = len(obj.events_of("turn"))
            out.append((f"How many times does {name} change direction?", str(answer), [], _count_candidates(answer)))
    return out


def task_count(ann: VideoAnnotation) -> list[Raw]:
    """How many objects the video shows, when every object is in view all along (not temporal)."""
    if any(not all(o.in_frame(t) for t in range(ann.num_frames)) for o in ann.objects):
        return []
    answer = len(ann.objects)
    return [("How many objects are in the video?", str(answer), [], _count_candidates(answer))]


def task_shape(ann: VideoAnnotation) -> list[Raw]:
    out = []
    for obj in ann.objects:
        if len(set(obj.colour)) == 1:
            out.append((f"What shape is the {obj.colour[0]} object?", obj.shape, [], list(SHAPES)))
    return out


def task_colour(ann: VideoAnnotation) -> list[Raw]:
    """The colour of each object that keeps one colour and is the only one of its shape (not temporal:
    every frame shows it). It is named by shape alone, so the question never holds its answer."""
    out = []
    for obj in ann.objects:
        if len(set(obj.colour)) == 1 and _unique_shape(ann, obj):
            out.append((f"What is the colour of the {obj.shape}?", obj.colour[0], [], list(COLOURS)))
    return out


# name -> (generator, temporal)
TASKS: dict[str, tuple[Callable[[VideoAnnotation], list[Raw]], bool]] = {
    "direction": (task_direction, True),
    "location_start": (lambda a: _task_location(a, at_end=False), True),
    "location_end": (lambda a: _task_location(a, at_end=True), True),
    "colour_before": (lambda a: _task_colour(a, after=False), True),
    "colour_after": (lambda a: _task_colour(a, after=True), True),
    "location_change": (task_location_change, True),
    "location_middle": (task_location_middle, True),
    "count_enter": (lambda a: _task_count_objects(a, "enter"), True),
    "count_exit": (lambda a: _task_count_objects(a, "exit"), True),
    "which_stops": (lambda a: _task_which(a, "stop"), True),
    "which_starts": (lambda a: _task_which(a, "start"), True),
    "appears_last": (lambda a: _task_order(a, appear_last=True), True),
    "disappears_first": (lambda a: _task_order(a, appear_last=False), True),
    "count_turns": (task_count_turns, True),
    "shape": (task_shape, False),
    "colour": (task_colour, False),
    "count": (task_count, False),
}

# tasks whose answer is a state one frame can show: the named object's place or colour there
FRAME_STATE_TASKS = {
    "location_start": "place",
    "location_end": "place",
    "colour_before": "colour",
    "colour_after": "colour",
    "location_change": "place",
    "location_middle": "place",
}


def answer_frames(ann: VideoAnnotation, question: BenchQuestion) -> list[int] | None:
    """The frames (0-based) that show `question`'s answer by the world's truth: those where the object it
    names has the answer's place or colour. None for a task no single frame answers (direction, counts,
    order) or a question that names none of `ann`'s objects."""
    state = FRAME_STATE_TASKS.get(question.task)
    named = [obj for obj, name in _named(ann) if re.search(rf"\b{re.escape(name)}\b", question.question)]
    if state is None or len(named) != 1:
        return None
    obj = named[0]
    if state == "place":
        return [t for t in range(ann.num_frames) if _place(ann, obj, t) == question.answer]
    return [t for t in range(ann.num_frames) if obj.in_frame(t) and obj.colour[t] == question.answer]


OPT_IN_TASKS = (
    "colour",
    "count",
    "location_change",
    "location_middle",
)  # asked only when a world lists them (`WorldConfig.bench_tasks`)
DEFAULT_TASKS = tuple(t for t in TASKS if t not in OPT_IN_TASKS)  # what a world asks unless told


def _candidates(answer: str, preferred: list[str], pool: list[str], rng) -> list[str]:
    chosen = [answer] + [p for p in dict.fromkeys(preferred) if p != answer][: NUM_CANDIDATES - 1]
    rest = [p for p in dict.fromkeys(pool) if p not in chosen]
    picks = rng.permutation(len(rest))[: NUM_CANDIDATES - len(chosen)]
    chosen += [rest[int(i)] for i in picks]
    return [chosen[int(i)] for i in rng.permutation(len(chosen))]


def bench_questions(
    ann: VideoAnnotation, seed: int, tasks: list[str] | None = None, directions: tuple[str, ...] = tuple(DIRECTIONS)
) -> list[BenchQuestion]:
    """All well-defined questions about one video (at most `MAX_PER_TASK` per task); direction
    candidates come from the `directions` the world's objects may take."""
    out = []
    for task in tasks or DEFAULT_TASKS:
        generate, temporal = TASKS[task]
        raws = task_direction(ann, directions) if task == "direction" else generate(ann)
        for k, (question, answer, preferred, pool) in enumerate(raws[:MAX_PER_TASK]):
            rng = stable_rng(seed, "bench", ann.id, task, str(k))
            out.append(
                BenchQuestion(
                    id=f"{ann.id}_{task}_{k}",
                    video=ann.video,
                    question=question,
                    candidates=_candidates(answer, preferred, pool, rng),
                    answer=answer,
                    task=task,
                    temporal=temporal,
                )
            )
    return out
