"""The engine's short-answer tasks: one fact of one subject, asked only where the trajectory states it."""

import random

from videoutr.engine.config import QueryConfig
from videoutr.engine.quality.correctness import Check, check_qa
from videoutr.engine.query import TASKS, build_samples
from videoutr.engine.query.phrasing import SHORT_QUESTIONS
from videoutr.engine.query.short import SHORT_TASKS as SHORT
from videoutr.engine.query.subjects import short_names
from videoutr.engine.types import ClipTrajectories, Segment, TrackPoint, Trajectory
from videoutr.world.questions import bench_questions


def _track(track_id: int, category: str, colours: list[str], x0: float, y: float, dx: float) -> Trajectory:
    points = [
        TrackPoint(
            f,
            f / 4,
            (x0 + dx * f, y, x0 + dx * f + 0.2, y + 0.2),
            0.9,
            colour=colours[f * len(colours) // 8],
            shape=category,
        )
        for f in range(8)
    ]
    return Trajectory(
        track_id,
        category,
        points,
        colour=colours[0],
        segments=[Segment("moving", 0, 7, "right" if dx > 0 else "left", 0.1)],
        mean_confidence=0.9,
    )


def _clip() -> ClipTrajectories:
    red = _track(1, "circle", ["red"], 0.02, 0.05, 0.1)  # top left -> top right
    star = _track(2, "star", ["green", "blue"], 0.75, 0.7, -0.1)  # bottom right -> bottom left, turns blue
    return ClipTrajectories("v1", "v1.mp4", 4.0, 8, 64, 64, list(range(8)), [red, star])


def _ask(task: str, seed: int = 0):
    return TASKS[task](_clip(), random.Random(seed), QueryConfig())


def test_subjects_are_named_as_benchmarks_name_them():
    assert short_names(_clip()) == {1: "the red circle", 2: "the star"}
    unnamed = _clip()
    unnamed.tracks[0].category = "object"
    assert 1 not in short_names(unnamed)


def test_each_fact_is_read_off_the_trajectory():
    answers = {(task, seed): _ask(task, seed) for task in SHORT for seed in range(6)}
    for (task, _), qa in answers.items():
        assert qa.question in [q.format(name=n) for q in SHORT_QUESTIONS[task] for n in ("the red circle", "the star")]
    by_subject = {(t, qa.claims.get("subject_id")): qa.answer for (t, _), qa in answers.items()}
    assert by_subject[("place_at_start", 1)] == "top left" and by_subject[("place_at_end", 1)] == "top right"
    assert by_subject[("move_direction", 2)] == "left"
    assert by_subject[("colour_before", 2)] == "green" and by_subject[("colour_after", 2)] == "blue"
    # the star turns blue at frame 4, bottom center at frames 3 and 4; the red circle never changes
    assert by_subject[("place_at_change", 2)] == "bottom center" and ("place_at_change", 1) not in by_subject
    assert {k: v for k, v in answers[("place_at_change", 0)].claims.items() if k.startswith("frame")} == {
        "frame_before": 3,
        "frame": 4,
    }
    # half-way through (frames 3 and 4 of 8) the circle is top center, the star bottom center
    assert by_subject[("place_at_middle", 1)] == "top center" and by_subject[("place_at_middle", 2)] == "bottom center"
    assert answers[("place_at_middle", 0)].claims["frames"] == [3, 4]
    assert answers[("subject_count", 0)].answer == "2"


def test_nothing_is_asked_where_the_trajectory_is_unsure():
    clip = _clip()
    clip.tracks[0].points[0] = TrackPoint(
        0, 0.0, clip.tracks[0].points[0].box_norm, 0.2, shape="circle"
    )  # unsure start
    clip.tracks[1].points = clip.tracks[1].points[1:]  # the star is first seen at frame 1
    for seed in range(10):
        assert TASKS["place_at_start"](clip, random.Random(seed), QueryConfig()) is None
    assert TASKS["subject_count"](clip, random.Random(0), QueryConfig()) is None
    unsure_change = _clip()
    star = unsure_change.tracks[1]
    star.points[4] = TrackPoint(4, 1.0, star.points[4].box_norm, 0.2, colour="blue", shape="star")
    assert TASKS["place_at_change"](unsure_change, random.Random(0), QueryConfig()) is None
    unsure_middle = _clip()
    for track in unsure_middle.tracks:  # both subjects' points at frame 3 unsure: nothing half-way is sure
        p = track.points[3]
        track.points[3] = TrackPoint(3, p.time_s, p.box_norm, 0.2, colour=p.colour, shape=p.shape)
    assert all(TASKS["place_at_middle"](unsure_middle, random.Random(s), QueryConfig()) is None for s in range(10))


def test_a_dialogue_packs_one_question_per_task():
    cfg = QueryConfig(tasks=SHORT, turns_per_sample=len(SHORT), summary=False, samples_per_video=1)
    [sample], _ = build_samples(_clip(), cfg, video="v1.mp4")
    tasks = [qa["task"] for qa in sample.extra["utr"]]
    assert sorted(tasks) == sorted(SHORT)


def test_no_engine_phrasing_is_a_benchmark_question(tmp_path):
    from videoutr.demo.config import demo_world
    from videoutr.world.captions import stable_rng
    from videoutr.world.simulate import sample_scene

    cfg = demo_world(40, seed=3)
    bench = {
        q.question
        for i in range(40)
        for q in bench_questions(
            sample_scene(cfg, f"v{i}", "test", stable_rng(3, "scene", f"v{i}")),
            3,
            list(cfg.bench_tasks),
            cfg.directions,
        )
    }
    engine = {
        q.format(name=name)
        for qs in SHORT_QUESTIONS.values()
        for q in qs
        for name in ("the red circle", "the star", "the blue square")
    }
    assert bench and not bench & engine


# the words (stems) that say which moment a temporal question means: every wording of a task names
# its own moment, and none names the other
TIME_WORDS = {
    "place_at_start": (
        ("start", "first", "beginning", "begins", "opens", "opening"),
        ("end", "last", "final", "closes"),
    ),
    "place_at_end": (("end", "last", "final", "finally", "closes"), ("start", "first", "beginning", "opens")),
    "colour_before": (("before", "first", "original", "start"), ("after", "new", "become", "end", "last")),
    "colour_after": (
        ("after", "changed", "new", "become", "turn", "end", "last"),
        ("before", "first", "original", "start"),
    ),
    "place_at_change": (
        ("change", "switch", "new", "turn"),
        ("start", "first", "beginning", "end", "last", "final", "before", "after"),
    ),
    "place_at_middle": (
        ("middle", "midway", "half", "midpoint"),
        ("start", "first", "beginning", "end", "last", "final", "before", "after", "change"),
    ),
}


def test_each_temporal_wording_names_its_moment_and_not_the_other():
    for task, (own, other) in TIME_WORDS.items():
        assert len(SHORT_QUESTIONS[task]) >= 8, task
        for question in SHORT_QUESTIONS[task]:
            words = question.lower().replace("?", " ").replace(",", " ").split()
            assert any(w.startswith(own) for w in words), (task, question)
            assert not any(w.startswith(other) for w in words), (task, question)


def test_short_claims_are_checked_against_the_truth():
    clip = _clip()
    obj = lambda i, xs, colours: {  # noqa: E731
        "id": i,
        "shape": ("circle", "star")[i],
        "colour": colours,
        "events": [],
        "visible_fraction": [1.0] * 8,
        "center_xy": [[x * 64, 0] for x in xs],
        "box_xyxy": [[x * 64 - 6, 0, x * 64 + 6, 12] for x in xs],
    }
    truth = {
        "width": 64,
        "height": 64,
        "objects": [
            obj(0, [0.12 + 0.1 * f for f in range(8)], ["red"] * 8),
            obj(1, [0.85 - 0.1 * f for f in range(8)], ["green"] * 4 + ["blue"] * 4),
        ],
    }
    truth["objects"][0]["center_xy"] = [[(0.12 + 0.1 * f) * 64, 0.15 * 64] for f in range(8)]
    truth["objects"][1]["center_xy"] = [[(0.85 - 0.1 * f) * 64, 0.8 * 64] for f in range(8)]
    check = Check(clip, truth, tol=1)
    check.match = {1: 0, 2: 1}
    red = {"subject_id": 1, "shape": "circle", "colour": "red"}
    star = {"subject_id": 2, "shape": "star", "colour": None}
    assert check_qa(check, "place_at_start", {**red, "frame": 0, "location": "top left"})
    assert not check_qa(check, "place_at_start", {**red, "frame": 0, "location": "center"})
    assert check_qa(check, "move_direction", {**star, "direction": "left"})
    assert not check_qa(check, "move_direction", {**star, "direction": "right"})
    assert check_qa(check, "colour_after", {**star, "colours": ["green", "blue"]})
    assert not check_qa(check, "colour_before", {**star, "colours": ["blue", "green"]})
    change = {**star, "colours": ["green", "blue"], "frame_before": 3, "frame": 4, "location": "bottom center"}
    assert check_qa(check, "place_at_change", change)
    assert not check_qa(check, "place_at_change", {**change, "location": "bottom left"})
    before = len(check.failures)
    assert not check_qa(check, "place_at_change", {**change, "frame_before": 2, "frame": 3})  # frame 3 is green
    assert check.failures[before:] == ["colour"]
    middle = {**red, "frames": [3, 4], "location": "top center"}
    assert check_qa(check, "place_at_middle", middle)
    assert not check_qa(check, "place_at_middle", {**middle, "location": "top right"})
    assert not check_qa(check, "place_at_middle", {**middle, "frames": [5, 6]})  # frame 6: top right
    # the name is part of the question: a right fact about a misnamed subject is a wrong answer
    for misnamed, reason in (({**red, "shape": "diamond"}, "shape"), ({**red, "colour": "blue"}, "colour")):
        before = len(check.failures)
        assert not check_qa(check, "place_at_start", {**misnamed, "frame": 0, "location": "top left"})
        assert check.failures[before:] == [reason]


def test_short_claims_carry_what_the_name_asserts():
    claims = {task: _ask(task).claims for task in SHORT if task != "subject_count"}
    expected = {1: ("circle", "red"), 2: ("star", None)}
    for claim in claims.values():
        assert (claim["shape"], claim["colour"]) == expected[claim["subject_id"]]
