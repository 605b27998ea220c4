"""Frame-addressing data for the base: place / colour questions about single frames of moving videos."""

import random

from videoutr.base.frames import (
    MAX_FRAME_QUESTIONS,
    MAX_MOTION_QUESTIONS,
    MAX_OBJECTS,
    VIDEO_COUNT_PHRASINGS,
    build_frame_data,
    count_question,
    frame_phrase,
    frame_questions,
    motion_questions,
)
from videoutr.base.probe import frame_probe_questions
from videoutr.data.llava import load_samples
from videoutr.demo.config import demo_world
from videoutr.world.captions import stable_rng
from videoutr.world.palette import box_place
from videoutr.world.questions import object_names
from videoutr.world.simulate import sample_scene


def _scenes(n=40, seed=3, video_id="v{}"):
    """The scenes `build_frame_data` draws for ids `video_id.format(i)` (its own: "f{:05d}", "m{:05d}")."""
    cfg = demo_world(n, seed=seed, test_fraction=0.0, max_objects=MAX_OBJECTS)
    ids = [video_id.format(i) for i in range(n)]
    return [sample_scene(cfg, i, "train", stable_rng(seed, "scene", i)) for i in ids]


def _frame_of(question: str) -> int:
    """The 0-based frame a question asks about ("in frame 3?", "in the first / last frame?")."""
    ordinals = {"first": 0, "last": 7}
    word = question.rstrip("?").split(" ")[-2 if question.endswith(" frame?") else -1]
    return ordinals[word] if word in ordinals else int(word) - 1


def test_every_answer_is_the_world_truth_at_the_asked_frame():
    asked = 0
    for ann in _scenes():
        by_name = {name: obj for obj in ann.objects if (name := object_names(ann).get(obj.id))}
        qa = frame_questions(ann, random.Random(0))
        assert len(qa) <= MAX_FRAME_QUESTIONS
        for question, answer in qa:
            t = _frame_of(question)
            name = next(n for n in by_name if f" {n} " in question)
            obj = by_name[name]
            if question.startswith("Where"):
                assert box_place(obj.box_xyxy[t], ann.width, ann.height) == answer, question
            else:
                assert obj.colour[t] == answer, question
            assert "start" not in question and "end" not in question  # never the benchmark's phrasing
            asked += 1
    assert asked > 50


def test_questions_whose_answer_changes_come_first():
    for ann in _scenes():
        qa = frame_questions(ann, random.Random(1))
        names = object_names(ann)
        moving = {
            names[o.id]
            for o in ann.objects
            if o.id in names
            and len({box_place(b, ann.width, ann.height) for b in o.box_xyxy if b is not None} - {None}) > 1
        }
        changing = {names[o.id] for o in ann.objects if o.id in names and len(set(o.colour)) > 1}
        if moving | changing and qa:
            assert any(name in qa[0][0] for name in moving | changing)


def test_first_and_last_frames_are_also_asked_by_ordinal():
    phrases = {frame_phrase(k, random.Random(i)) for k in (1, 8) for i in range(20)}
    assert phrases == {"in frame 1", "in the first frame", "in frame 8", "in the last frame"}
    assert {frame_phrase(4, random.Random(i)) for i in range(10)} == {"in frame 4"}


def test_build_frame_data_writes_moving_videos_and_dialogues(tmp_path):
    from videoutr.video import sample_frames

    out = build_frame_data(tmp_path, num_videos=4, seed=5)
    samples = load_samples(out / "still.json")
    assert samples and all(s.source == "frames" and s.video for s in samples)
    for sample in samples:
        assert sample.conversations[0].value.startswith("<video>\n")
        frames = sample_frames(out / sample.video, num_frames=8).frames
        assert frames.shape[0] == 8 and (frames[0] != frames[-1]).any()  # objects move


def test_probe_asks_first_and_last_frame_with_the_truth():
    for ann in _scenes(10):
        for t in (0, 7):
            for kind, question, answer in frame_probe_questions(ann, t):
                assert kind.endswith("first" if t == 0 else "last") and f"in frame {t + 1}?" in question
                if kind.startswith("colour"):
                    assert answer in {o.colour[t] for o in ann.objects}


def test_motion_answers_are_the_way_the_centre_moves_between_the_two_frames():
    import re

    asked = 0
    for ann in _scenes():
        by_name = {name: obj for obj in ann.objects if (name := object_names(ann).get(obj.id))}
        qa = motion_questions(ann, random.Random(2))
        assert len(qa) <= MAX_MOTION_QUESTIONS
        for question, answer in qa:
            name, a, b = re.fullmatch(r"Which way does (.+) go from frame (\d) to frame (\d)\?", question).groups()
            box_a, box_b = by_name[name].box_xyxy[int(a) - 1], by_name[name].box_xyxy[int(b) - 1]
            dx = (box_b[0] + box_b[2] - box_a[0] - box_a[2]) / 2
            dy = (box_b[1] + box_b[3] - box_a[1] - box_a[3]) / 2
            expected = ("right" if dx > 0 else "left") if abs(dx) > abs(dy) else ("down" if dy > 0 else "up")
            assert answer == expected and int(b) - int(a) >= 2 and max(abs(dx), abs(dy)) >= 8
            asked += 1
    assert asked > 20


def test_motion_dialogues_mix_motion_and_frame_questions(tmp_path):
    samples = load_samples(build_frame_data(tmp_path, num_videos=6, seed=4, motion=True) / "still.json")
    questions = [t.value for s in samples for t in s.conversations if t.role == "human"]
    assert any("Which way" in q for q in questions) and any("Where is" in q or "What colour" in q for q in questions)
    assert all(s.id.startswith("m") for s in samples)


def test_caption_closes_each_dialogue_and_describes_its_middle_or_last_frame(tmp_path):
    from videoutr.world.captions import PROMPTS, describe_frame

    plain = load_samples(build_frame_data(tmp_path / "plain", num_videos=6, seed=4, motion=True) / "still.json")
    captioned = load_samples(
        build_frame_data(tmp_path / "cap", num_videos=6, seed=4, motion=True, caption=True) / "still.json"
    )
    anns = {ann.id: ann for ann in _scenes(6, seed=4, video_id="m{:05d}")}
    assert len(captioned) >= len(plain)
    assert plain and not any(p in PROMPTS for s in plain for p, _ in s.qa()[0])
    for sample in captioned:
        qa = sample.qa()[0]
        prompt, caption = qa[-1]
        assert prompt in PROMPTS and not any(p in PROMPTS for p, _ in qa[:-1])
        ann = anns[sample.id]
        assert caption in {describe_frame(ann, t, style) for t in (3, 7) for style in range(4)}
        assert all(q.startswith(("Which way", "Where is", "What colour")) for q, _ in qa[:-1])


def test_count_is_the_number_of_objects_in_view_at_the_asked_frame_or_in_every_frame():
    from videoutr.world.captions import visible_objects

    answers, video_level = set(), 0
    for ann in _scenes():
        rng = random.Random(ann.id)
        for _ in range(4):
            question, answer = count_question(ann, rng)
            if question in VIDEO_COUNT_PHRASINGS:
                video_level += 1
                in_view = [{o.id for o in visible_objects(ann, t)} for t in range(ann.num_frames)]
                assert all(ids == in_view[0] for ids in in_view), f"{ann.id}: the count changes over the video"
                assert answer == str(len(in_view[0]))
            else:
                assert question.startswith("How many objects are there in ")
                assert answer == str(len(visible_objects(ann, _frame_of(question))))
            answers.add(answer)
    assert len(answers) >= 2
    assert 0 < video_level < 160


def test_video_level_counts_are_worded_neither_like_the_benchmark_nor_like_the_engine():
    from videoutr.engine.query.phrasing import SHORT_QUESTIONS
    from videoutr.world.questions import task_count

    benchmark = {raw[0] for ann in _scenes() for raw in task_count(ann)}
    assert benchmark and not benchmark & set(VIDEO_COUNT_PHRASINGS)
    assert not set(SHORT_QUESTIONS["subject_count"]) & set(VIDEO_COUNT_PHRASINGS)


def test_count_questions_are_asked_only_when_wanted(tmp_path):
    counted = load_samples(build_frame_data(tmp_path, num_videos=5, seed=4, count=True) / "still.json")
    last_questions = [s.qa()[0][-1][0] for s in counted]
    assert counted and all(
        q.startswith("How many objects are there in ") or q in VIDEO_COUNT_PHRASINGS for q in last_questions
    )
    plain = load_samples(build_frame_data(tmp_path / "plain", num_videos=5, seed=4) / "still.json")
    asked = [q for s in plain for q, _ in s.qa()[0]]
    assert plain and not any(q.startswith("How many") or q in VIDEO_COUNT_PHRASINGS for q in asked)
