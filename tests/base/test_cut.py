"""Cut videos for the base: place questions by frame, answered from the moment each frame shows."""

import random

import numpy as np

from videoutr.base.cut import CUT_FRAMES, FRAME_PHRASES, build_cut_data, cut_questions
from videoutr.data.llava import load_samples
from videoutr.world.captions import stable_rng
from videoutr.world.config import WorldConfig
from videoutr.world.palette import box_place
from videoutr.world.simulate import sample_scene


def _moving_scene():
    cfg = WorldConfig(
        num_videos=1, frames=16, height=64, width=64, min_objects=1, max_objects=1, sizes=("medium",)
    ).validate()
    for seed in range(100):
        ann = sample_scene(cfg, "v", "train", stable_rng(seed, "scene", "v"))
        obj = ann.objects[0]
        if len(set(obj.colour)) == 1 and all(b is not None for b in (obj.box_xyxy[0], obj.box_xyxy[15])):
            first, last = box_place(obj.box_xyxy[0], 64, 64), box_place(obj.box_xyxy[15], 64, 64)
            if first and last and first != last:
                return ann, first, last
    raise AssertionError("no scene whose object changes place")


def test_questions_ask_each_frame_for_its_own_moment():
    ann, first, last = _moving_scene()
    name = f"the {ann.objects[0].colour[0]} {ann.objects[0].shape}"
    qa = dict(cut_questions(ann, 0, 15, random.Random(0)))
    assert qa == {f"Where is {name} {FRAME_PHRASES[0]}?": first, f"Where is {name} {FRAME_PHRASES[1]}?": last}
    # shown in the other order, the answers swap
    qa = dict(cut_questions(ann, 15, 0, random.Random(0)))
    assert qa[f"Where is {name} {FRAME_PHRASES[0]}?"] == last and qa[f"Where is {name} {FRAME_PHRASES[1]}?"] == first


def test_build_cut_data_writes_two_moment_videos(tmp_path):
    from videoutr.video import sample_frames

    out = build_cut_data(tmp_path, num_videos=4, seed=5, per_video=1)
    samples = load_samples(out / "still.json")
    assert samples and all(s.source == "cut" and s.video for s in samples)
    for sample in samples:
        assert sample.conversations[0].value.startswith("<video>\n")
        assert sum("<video>" in t.value for t in sample.conversations) == 1
        assert all(any(p in t.value for p in FRAME_PHRASES) for t in sample.conversations if t.role == "human")
        frames = sample_frames(out / sample.video, num_frames=CUT_FRAMES).frames
        change = [
            float(np.abs(frames[i + 1].astype(int) - frames[i].astype(int)).mean()) for i in range(CUT_FRAMES - 1)
        ]
        assert sum(c > 1.0 for c in change) <= 1  # one cut at most (two moments may look alike)
