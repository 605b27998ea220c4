"""TPL arithmetic, key frames, equality with the naive scorer, and the sign on a learned model."""

import math

import numpy as np
import pytest
import torch

from videoutr.data.llava import Sample, Turn
from videoutr.errors import ConfigError
from videoutr.models.inputs import encode_sample
from videoutr.models.nll import NllResult
from videoutr.tpl.naive import naive_tpl
from videoutr.tpl.score import TplScorer, _record, perplexity, tpl_value
from videoutr.video.keyframe import key_frame_index

from ..conftest import moving_square


def test_tpl_arithmetic_by_hand():
    # answer of 2 tokens + 1 token: per-token probabilities 1/2, 1/2 | 1/4 with all frames,
    # 1/4, 1/4 | 1/4 with one frame.
    full = NllResult([2 * math.log(2) + math.log(4)], [3], [[2 * math.log(2), math.log(4)]], [[2, 1]])
    single = NllResult([3 * math.log(4)], [3], [[2 * math.log(4), math.log(4)]], [[2, 1]])
    sample = Sample(id="x", conversations=[], source="src", extra={"subset": "sub"})
    diff = _record(sample, full, single, 0, "diff", {})
    ppl_full = 2 ** (4 / 3)  # exp((2 ln2 + 2 ln2) / 3)
    assert diff["ppl_full"] == pytest.approx(ppl_full) and diff["ppl_single"] == pytest.approx(4.0)
    assert diff["tpl"] == pytest.approx(4.0 - ppl_full)
    assert [t["tpl"] for t in diff["turns"]] == pytest.approx([4.0 - 2.0, 0.0])
    assert (diff["source"], diff["subset"], diff["n_tokens"]) == ("src", "sub", 3)
    ratio = _record(sample, full, single, 0, "ratio", {})
    assert ratio["tpl"] == pytest.approx(4.0 / ppl_full) and ratio["turns"][1]["tpl"] == pytest.approx(1.0)
    assert perplexity(math.log(3) * 5, 5) == pytest.approx(3.0) and math.isnan(perplexity(0.0, 0))
    with pytest.raises(ConfigError, match="diff, ratio"):
        tpl_value(1.0, 1.0, "log")


def test_key_frame_choices():
    assert key_frame_index(32, "first") == 0 and key_frame_index(32, "last") == 31
    picks = [key_frame_index(32, "random", f"id{i}", seed=0) for i in range(50)]
    assert all(0 <= k < 32 for k in picks) and len(set(picks)) > 10
    assert picks == [key_frame_index(32, "random", f"id{i}", seed=0) for i in range(50)]
    assert picks != [key_frame_index(32, "random", f"id{i}", seed=1) for i in range(50)]
    assert key_frame_index(32, "middle") == 16
    with pytest.raises(ConfigError, match="first, middle, last, random"):
        key_frame_index(8, "best")


@pytest.mark.parametrize("key_frame", ["first", "last", "random"])
def test_equals_naive_scorer(tiny, key_frame):
    model, processor = tiny
    items = []
    for i in range(3):
        turns = [Turn("human", "<video>\nWhat moves?"), Turn("gpt", "A red square moves right." * (i + 1))]
        if i == 1:
            turns += [Turn("human", "Where at the end?"), Turn("gpt", "bottom right")]
        items.append((Sample(id=f"s{i}", conversations=turns), moving_square(), ("clip.mp4", i // 2)))
    scorer = TplScorer(model, processor, key_frame=key_frame, seed=3)
    records = scorer.score(items)  # s0 and s1 share a video: one vision pass, one shared prefix pass
    assert scorer.vision_frames == 16
    for record, (sample, frames, _) in zip(records, items):
        ref = naive_tpl(model, processor, sample, frames, record["key_frame"])
        assert record["n_tokens"] == ref["n_tokens"]
        scale = max(ref["ppl_full"], ref["ppl_single"])  # tpl is a difference of two perplexities
        for key in ("ppl_full", "ppl_single", "tpl"):
            assert record[key] == pytest.approx(ref[key], rel=1e-5, abs=1e-5 * scale)
    assert [r["key_frame"] for r in records] == [key_frame_index(8, key_frame, f"s{i}", 3) for i in range(3)]


def test_vision_reuse_equals_separate_single_frame_pass(tiny):
    model, processor = tiny
    items = [
        (
            Sample(id=f"s{i}", conversations=[Turn("human", "<video>\nColour?"), Turn("gpt", "red")]),
            moving_square(colour=(40 * i, 90, 200)),
        )
        for i in range(3)
    ]
    fast = TplScorer(model, processor, key_frame="last")
    slow = TplScorer(model, processor, key_frame="last")
    slow.reuse_vision = False
    for a, b in zip(fast.score(items), slow.score(items)):
        assert a["tpl"] == pytest.approx(b["tpl"], rel=1e-5, abs=1e-5)


def test_motion_text_gets_higher_tpl_than_static_text_under_a_learned_model():
    from tpl_helpers import random_item, train_micro_model

    from videoutr.models.tiny import TinyConfig, build_tiny

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: one thread is several times faster on shared cores
    try:
        cfg = TinyConfig(image_size=32, vision_hidden=32, text_hidden=64, text_heads=2, text_kv_heads=1)
        model, processor, _ = build_tiny(cfg, seed=0)
        train_micro_model(model, processor, steps=150, seed=0)
        rng = np.random.default_rng(123)
        records = TplScorer(model, processor, key_frame="first").score([random_item(rng, i) for i in range(40)])
    finally:
        torch.set_num_threads(threads)
    by = {sub: [r for r in records if r["subset"] == sub] for sub in ("static", "motion")}
    assert np.mean([r["ppl_full"] for r in records]) < 1.3  # it has learned the world
    static_tpl = np.median([r["tpl"] for r in by["static"]])
    motion_tpl = np.median([r["tpl"] for r in by["motion"]])
    assert abs(static_tpl) < 0.1  # the top colour is visible in the key frame alone
    assert motion_tpl > 1.0  # "from red to blue" needs frame 2


def test_samples_of_one_video_share_one_vision_pass(tiny):
    model, processor = tiny
    frames = moving_square()
    samples = [
        Sample(id=f"q{i}", conversations=[Turn("human", "<video>\nWhat moves?"), Turn("gpt", "x" * (i + 1))])
        for i in range(3)
    ]
    scorer = TplScorer(model, processor, key_frame="last")
    shared = scorer.score([(s, frames, ("clip.mp4", (0, 1))) for s in samples[:2]])
    shared += scorer.score([(samples[2], frames, ("clip.mp4", (0, 1)))])  # cached from the first call
    assert scorer.vision_frames == 8
    alone = TplScorer(model, processor, key_frame="last")
    separate = [alone.score([(s, frames.copy())])[0] for s in samples]
    assert alone.vision_frames == 24
    for a, b in zip(shared, separate):  # PPLs of an untrained model are ~600: compare relatively
        assert a["ppl_full"] == pytest.approx(b["ppl_full"], rel=1e-5)
        assert a["tpl"] == pytest.approx(b["tpl"], rel=1e-4)


def test_the_language_model_runs_each_video_once(tiny):
    """Dialogues about one video run its header + video through the LM once; with the first frame
    as key frame, the key-frame dialogues share that frame too and add only their own text."""
    model, processor = tiny
    frames = moving_square()
    samples = [
        Sample(id=f"q{i}", conversations=[Turn("human", "<video>\nWhat moves?"), Turn("gpt", "x" * (i + 1))])
        for i in range(4)
    ]
    tokens = []
    hook = model.model.language_model.register_forward_pre_hook(
        lambda _, args, kwargs: tokens.append(kwargs["inputs_embeds"].shape[:2]), with_kwargs=True
    )
    try:
        records = TplScorer(model, processor, key_frame="first").score(
            [(s, frames, ("clip.mp4", (0, 1))) for s in samples]
        )
    finally:
        hook.remove()
    enc = [encode_sample(processor, s, frames) for s in samples]
    start, end = enc[0].video_span
    tails = sum(len(e) - end for e in enc)
    assert tokens == [(1, end), (1, 2 * tails + 4)]  # the trunk; 4 tails and 4 (newline + tail)
    alone = TplScorer(model, processor, key_frame="first")
    for record, sample in zip(records, samples):
        assert record["tpl"] == pytest.approx(alone.score([(sample, frames.copy())])[0]["tpl"], rel=1e-4)


def test_still_key_view_is_the_key_frame_repeated(tiny):
    """key_view="still" scores the key frame shown T times: on a video whose frames are all equal
    it sees exactly the full video (TPL 0), and on a moving one it equals a full pass over the
    repeated frame, with or without the vision-tower reuse."""
    model, processor = tiny
    sample = Sample(id="s", conversations=[Turn("human", "<video>\nWhere is it?"), Turn("gpt", "left")])
    still = np.repeat(moving_square("right", frames=4)[:1], 4, axis=0)
    scorer = TplScorer(model, processor, key_frame="first", key_view="still")
    assert scorer.score([(sample, still)])[0]["tpl"] == pytest.approx(0.0, abs=1e-4)
    moving = moving_square("right", frames=4)
    got = scorer.score([(sample, moving)])[0]["ppl_single"]
    reference = TplScorer(model, processor, key_frame="first").score([(sample, np.repeat(moving[:1], 4, axis=0))])[0]
    assert got == pytest.approx(reference["ppl_full"], rel=1e-4)
    scorer.reuse_vision = False
    assert scorer.score([(sample, moving)])[0]["ppl_single"] == pytest.approx(got, rel=1e-4)
    with pytest.raises(ConfigError, match="key view"):
        TplScorer(model, processor, key_view="nope")
