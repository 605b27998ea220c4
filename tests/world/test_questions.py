"""The benchmark: every answer re-derived here by independent code, and reversed twins' answers
are the reverse of the originals'."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from videoutr.world import TASKS, bench_questions, load_annotations, load_bench
from videoutr.world.questions import answer_frames

SIGN_TO_DIRECTION = {
    (1, 0): "right",
    (-1, 0): "left",
    (0, -1): "up",
    (0, 1): "down",
    (1, -1): "up-right",
    (-1, -1): "up-left",
    (-1, 1): "down-left",
    (1, 1): "down-right",
}
# task -> (task asked of the reversed twin, how the answer transforms)
OPPOSITE = {
    "left": "right",
    "right": "left",
    "up": "down",
    "down": "up",
    "up-left": "down-right",
    "down-right": "up-left",
    "up-right": "down-left",
    "down-left": "up-right",
}
REVERSED = {
    "direction": ("direction", OPPOSITE.get),
    "location_start": ("location_end", str),
    "location_end": ("location_start", str),
    "colour_before": ("colour_after", str),
    "colour_after": ("colour_before", str),
    "location_change": ("location_change", str),
    "location_middle": ("location_middle", str),
    "count_enter": ("count_exit", str),
    "count_exit": ("count_enter", str),
    "which_stops": ("which_starts", str),
    "which_starts": ("which_stops", str),
    "appears_last": ("disappears_first", str),
    "disappears_first": ("appears_last", str),
    "count_turns": ("count_turns", str),
    "shape": ("shape", str),
    "colour": ("colour", str),
    "count": ("count", str),
}


def _names(ann) -> dict:
    named = {}
    for obj in ann.objects:
        key = f"the {obj.colour[0]} {obj.shape}" if len(set(obj.colour)) == 1 else f"the {obj.shape}"
        named[key] = obj
    return named


def _referent(ann, question: str):
    hits = [(len(n), o) for n, o in _names(ann).items() if n in question]
    return max(hits, key=lambda h: h[0])[1] if hits else None


def _signs(obj) -> list:
    out = []
    for (x0, y0), (x1, y1) in zip(obj.center_xy, obj.center_xy[1:]):
        sx = 0 if abs(x1 - x0) < 0.05 else int(np.sign(x1 - x0))
        sy = 0 if abs(y1 - y0) < 0.05 else int(np.sign(y1 - y0))
        out.append(None if (sx, sy) == (0, 0) else (sx, sy))
    return out


def _shown(obj) -> list[int]:
    return [t for t, box in enumerate(obj.box_xyxy) if box is not None]


def _place(ann, obj, t: int) -> str:
    x1, y1, x2, y2 = obj.box_xyxy[t]
    col = int(np.digitize((x1 + x2) / 2, [ann.width / 3, 2 * ann.width / 3]))
    row = int(np.digitize((y1 + y2) / 2, [ann.height / 3, 2 * ann.height / 3]))
    return [
        ["top left", "top center", "top right"],
        ["middle left", "center", "middle right"],
        ["bottom left", "bottom center", "bottom right"],
    ][row][col]


def _one(objects: list, names: dict) -> str:
    assert len(objects) == 1
    return next(n for n, o in names.items() if o is objects[0])


def rederive(ann, q) -> str:
    """The answer to `q`, computed here from the annotation without the library's task code."""
    obj, names = _referent(ann, q.question), _names(ann)
    T = ann.num_frames
    if q.task == "direction":
        signs = _signs(obj)
        seen = {signs[t] for t in range(T - 1) if signs[t] and (obj.box_xyxy[t] or obj.box_xyxy[t + 1])}
        assert len(seen) == 1
        return SIGN_TO_DIRECTION[seen.pop()]
    if q.task in ("location_start", "location_end"):
        return _place(ann, obj, 0 if q.task == "location_start" else T - 1)
    if q.task in ("colour_before", "colour_after"):
        order = list(dict.fromkeys(obj.colour))
        return order[0] if q.task == "colour_before" else order[1]
    if q.task == "location_change":
        t = next(t for t in range(1, T) if obj.colour[t] != obj.colour[0])
        assert _place(ann, obj, t - 1) == _place(ann, obj, t)
        return _place(ann, obj, t)
    if q.task == "location_middle":  # the frames at most half a frame from the video's centre
        (place,) = {_place(ann, obj, t) for t in _middle(T)}
        return place
    if q.task in ("count_enter", "count_exit"):
        frame = 0 if q.task == "count_enter" else T - 1
        return str(sum(o.box_xyxy[frame] is None and bool(_shown(o)) for o in ann.objects))
    if q.task in ("which_stops", "which_starts"):

        def does(o) -> bool:
            s = _signs(o)
            pairs = [(s[t - 1], s[t]) for t in range(1, T - 1) if o.box_xyxy[t]]
            return any((a and not b) if q.task == "which_stops" else (b and not a) for a, b in pairs)

        return _one([o for o in ann.objects if does(o)], names)
    if q.task == "appears_last":
        firsts = {o.id: _shown(o)[0] for o in ann.objects}
        return _one([o for o in ann.objects if firsts[o.id] == max(firsts.values())], names)
    if q.task == "disappears_first":
        lasts = {o.id: _shown(o)[-1] for o in ann.objects}
        return _one([o for o in ann.objects if lasts[o.id] == min(lasts.values())], names)
    if q.task == "count_turns":
        s = _signs(obj)
        return str(sum(bool(s[t - 1] and s[t] and s[t - 1] != s[t] and obj.box_xyxy[t]) for t in range(1, T - 1)))
    if q.task == "count":
        assert all(o.box_xyxy[t] is not None for o in ann.objects for t in range(T))
        return str(len(ann.objects))
    if q.task == "shape":
        colour = q.question.split("the ")[1].split(" object")[0]
        return next(o.shape for o in ann.objects if o.colour == [colour] * T)
    if q.task == "colour":
        shape = q.question.removeprefix("What is the colour of the ").removesuffix("?")
        (obj,) = [o for o in ann.objects if o.shape == shape]
        assert len(set(obj.colour)) == 1
        return obj.colour[0]
    raise AssertionError(f"no independent derivation for task {q.task}")


def _middle(T: int) -> list[int]:
    return [t for t in range(T) if abs(2 * t - (T - 1)) <= 1]


@pytest.fixture(scope="module")
def asked(scenes):
    return [(ann, bench_questions(ann, seed=0, tasks=list(TASKS))) for pair in scenes for ann in pair]


def test_every_answer_is_rederived_independently(asked):
    tasks = Counter()
    for ann, questions in asked:
        for q in questions:
            assert rederive(ann, q) == q.answer, (ann.id, q.question, q.answer)
            tasks[q.task] += 1
    assert set(tasks) == set(TASKS), tasks


def test_answer_frames_are_the_frames_whose_truth_is_the_answer(asked):
    anchors = {
        "location_start": 0,
        "location_end": -1,
        "colour_before": 0,
        "colour_after": -1,
        "location_change": None,
        "location_middle": None,
    }
    checked = Counter()
    for ann, questions in asked:
        T = ann.num_frames
        for q in questions:
            frames = answer_frames(ann, q)
            if q.task not in anchors:
                assert frames is None, q.id
                continue
            obj = _referent(ann, q.question)
            shown = [t for t in range(T) if obj.box_xyxy[t] is not None]
            if q.task.startswith("colour"):
                assert frames == [t for t in shown if obj.colour[t] == q.answer], q.id
            else:  # the library leaves out frames where the place is unclear (a grid line, half out of view)
                assert set(frames) <= {t for t in shown if _place(ann, obj, t) == q.answer}, q.id
            about = shown if q.task.startswith("colour") else range(T)  # a colour: the first / last frame it shows
            if q.task == "location_change":  # the frame of the change, and the one before it
                change = next(t for t in range(1, T) if obj.colour[t] != obj.colour[0])
                assert {change - 1, change} <= set(frames), q.id
            elif q.task == "location_middle":
                assert set(_middle(T)) <= set(frames), q.id
            else:  # the frame the question is about shows its answer
                assert about[anchors[q.task]] in frames, q.id
            checked[q.task] += 1
    assert set(checked) == set(anchors), checked


def test_a_question_about_no_object_of_the_video_has_no_answer_frames(asked):
    ann, questions = next((ann, qs) for ann, qs in asked if any(q.task == "location_start" for q in qs))
    q = next(q for q in questions if q.task == "location_start")
    q.question = "Where is the purple hexagon at the start of the video?"
    assert answer_frames(ann, q) is None


def test_candidates_are_well_formed(asked):
    for _, questions in asked:
        for q in questions:
            assert 3 <= len(q.candidates) <= 5 and len(set(q.candidates)) == len(q.candidates)
            assert q.answer in q.candidates
            assert q.temporal == (q.task not in ("shape", "colour", "count"))
            if q.task == "direction":
                assert OPPOSITE[q.answer] in q.candidates


def test_reversed_twins_have_the_reversed_answers(asked):
    by_id = {q.id: q for _, qs in asked for q in qs}
    originals = [(ann, qs) for ann, qs in asked if ann.reversed_of is None]
    differ: Counter = Counter()
    for ann, questions in originals:
        for q in questions:
            task, transform = REVERSED[q.task]
            twin_q = by_id[q.id.replace(f"{ann.id}_{q.task}_", f"{ann.id}_rev_{task}_")]
            assert twin_q.answer == transform(q.answer), (q.id, twin_q.id)
            if q.task in ("direction", "colour_before", "colour_after"):  # the same question, reversed
                same = by_id[q.id.replace(f"{ann.id}_", f"{ann.id}_rev_", 1)]
                assert same.question == q.question and same.answer != q.answer
                differ[q.task] += 1
    assert min(differ[t] for t in ("direction", "colour_before", "colour_after")) > 0


def test_answers_are_spread_over_candidates(asked):
    positions = Counter(q.candidates.index(q.answer) for _, qs in asked for q in qs)
    assert min(positions.values()) > 0.1 * sum(positions.values())


def test_bench_file_matches_the_annotations(tiny_world):
    anns = {a.id: a for a in load_annotations(tiny_world)}
    bench = load_bench(tiny_world)
    assert bench, "the tiny world must have benchmark questions"
    for q in bench:
        ann = anns[q.video.removeprefix("videos/").removesuffix(".mp4")]
        assert ann.split == "test" and rederive(ann, q) == q.answer
    assert {q.video for q in bench} == {a.video for a in anns.values() if a.split == "test"}


def test_a_world_can_restrict_headings_and_benchmark_tasks():
    from videoutr.world.captions import stable_rng
    from videoutr.world.config import WorldConfig
    from videoutr.world.questions import bench_questions
    from videoutr.world.simulate import sample_scene

    axis = ("right", "up", "left", "down")
    still_paths = dict.fromkeys(("p_turn", "p_enter", "p_exit", "p_stop"), 0.0)  # each object keeps its heading
    shape = dict(num_videos=30, frames=8, height=64, width=64, max_objects=2)
    cfg = WorldConfig(**shape, **still_paths, directions=axis, bench_tasks=("direction", "count"))
    questions = []
    for i in range(30):
        ann = sample_scene(cfg, f"v{i}", "test", stable_rng(0, "scene", f"v{i}"))
        questions += bench_questions(ann, 0, list(cfg.bench_tasks), cfg.directions)
    assert {q.task for q in questions} == {"direction", "count"}
    for q in questions:
        if q.task == "direction":
            assert set(q.candidates) <= set(axis) and q.answer in axis
        else:
            assert not q.temporal and q.question == "How many objects are in the video?"


def test_the_controls_colour_and_count_are_asked_only_when_listed(asked):
    from videoutr.world.questions import DEFAULT_TASKS

    ann = next(a for a, qs in asked if any(q.task == "colour" for q in qs))
    assert {q.task for q in bench_questions(ann, seed=0)} <= set(DEFAULT_TASKS)
    assert not {"colour", "count"} & set(DEFAULT_TASKS)
