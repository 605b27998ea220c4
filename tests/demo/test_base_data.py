import random

from videoutr.data.llava import load_samples
from videoutr.demo.base import build_base_data, still_questions, still_samples
from videoutr.world import world_tiny
from videoutr.world.captions import stable_rng
from videoutr.world.palette import GRID_PLACES, SHAPES
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
