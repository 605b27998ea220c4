import random

import pytest

from videoutr.base.build import build_base
from videoutr.base.still import build_base_data, still_questions, still_samples
from videoutr.data.llava import load_samples
from videoutr.errors import ConfigError
from videoutr.grid import GRID_PLACES
from videoutr.world import world_tiny
from videoutr.world.captions import stable_rng
from videoutr.world.palette import SHAPES
from videoutr.world.simulate import sample_scene


def _ann():
    cfg = world_tiny(seed=2)
    return sample_scene(cfg, "v00000", "train", stable_rng(cfg.seed, "scene", "v00000"))


def test_still_questions_are_answered_from_that_frame():
    ann = _ann()
    for t in (0, ann.num_frames - 1):
        qa = still_questions(ann, t, random.Random(0))
        seen = [o for o in ann.objects if o.visible_fraction[t] >= 0.5]
        assert ("How many objects are there?", str(len(seen))) in qa
        for question, answer in qa:
            if question.startswith("Where"):
                assert answer in GRID_PLACES
            if question.startswith("What shape"):
                assert answer in SHAPES


def test_still_sample_puts_the_caption_last_and_the_video_first():
    sample = still_samples(_ann(), 3, random.Random(1), image="frames/x.png")[0]
    assert sample.conversations[0].value.startswith("<video>\n")
    assert sample.image == "frames/x.png"
    assert sample.conversations[-1].role == "gpt" and "background" in sample.conversations[-1].value


def test_build_base_data_writes_frames_and_samples(tmp_path):
    out = build_base_data(tmp_path, num_videos=3, frames_per_video=2)
    samples = load_samples(out / "still.json")
    assert len(samples) == 6
    assert all((out / s.image).is_file() for s in samples)


def test_still_questions_of_one_kind_only():
    ann = _ann()
    asked = [(t, still_questions(ann, t, random.Random(0), ("place",))) for t in range(ann.num_frames)]
    assert any(places for _, places in asked)
    for t, places in asked:
        assert all(q.startswith("Where") and a in GRID_PLACES for q, a in places)
        assert set(places) == {qa for qa in still_questions(ann, t, random.Random(0)) if qa[0].startswith("Where")}


def test_place_only_samples_have_one_place_question_and_no_caption(tmp_path):
    out = build_base_data(tmp_path, num_videos=4, frames_per_video=2, caption=False, max_questions=1, kinds=("place",))
    for sample in load_samples(out / "still.json"):
        assert len(sample.conversations) == 2
        assert "Where is" in sample.conversations[0].value
        assert sample.conversations[1].value in GRID_PLACES


def test_build_base_runs_the_chosen_phases_and_skips_finished_ones(tmp_path, random_base):
    overrides = ["run.max_steps=2", "run.batch_size=2", "run.save_steps=2", "run.eval_steps=2", "run.logging_steps=1"]
    first = build_base(tmp_path / "out", tmp_path / "work", overrides, ("place", "mix"), random_base, num_videos=3)
    assert [s["steps"] for s in first] == [2, 2]
    assert (tmp_path / "out" / "model.safetensors").is_file()
    assert (tmp_path / "work" / "mix" / "train_summary.json").is_file()
    weights = (tmp_path / "out" / "model.safetensors").read_bytes()
    assert (
        build_base(tmp_path / "out", tmp_path / "work", overrides, ("place", "mix"), random_base, num_videos=3) == first
    )
    assert (tmp_path / "out" / "model.safetensors").read_bytes() == weights


def test_build_base_names_an_unknown_phase(tmp_path):
    with pytest.raises(ConfigError, match="pretrain"):
        build_base(tmp_path / "out", tmp_path / "work", phases=("pretrain",))
