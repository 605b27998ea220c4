"""assistant_nll: equals the model's own answer-only loss, per-turn sums, padding invariance."""

import math

import pytest
import torch

from videoutr.data.llava import Sample, Turn
from videoutr.models.inputs import collate, encode_sample, model_inputs
from videoutr.models.likelihood import assistant_nll


def test_matches_transformers_loss_and_turns_add_up(tiny, dialogue, frames):
    model, processor = tiny
    batch = collate([encode_sample(processor, dialogue, frames)], pad_id=processor.tokenizer.pad_token_id)
    result = assistant_nll(model, batch)
    with torch.no_grad():
        loss = model(**model_inputs(batch, with_labels=True)).loss.item()
    assert math.isclose(result.nll_sum[0] / result.n_tokens[0], loss, rel_tol=1e-5)
    assert result.n_tokens[0] == sum(result.turn_tokens[0]) == int((batch["labels"] != -100).sum())
    assert math.isclose(sum(result.turn_nll[0]), result.nll_sum[0], rel_tol=1e-9)
    assert math.isclose(result.ppl[0], math.exp(loss), rel_tol=1e-5)


def test_batching_and_padding_do_not_change_scores(tiny, dialogue, frames):
    model, processor = tiny
    pad = processor.tokenizer.pad_token_id
    short = Sample(id="s", video="s.mp4", conversations=[Turn("human", "<video>\nColour?"), Turn("gpt", "red")])
    alone = [assistant_nll(model, collate([encode_sample(processor, s, frames)], pad)) for s in (dialogue, short)]
    encs = [encode_sample(processor, s, frames) for s in (dialogue, short)]
    for side in ("right", "left"):
        both = assistant_nll(model, collate(encs, pad, padding_side=side))
        for row, single in enumerate(alone):
            assert math.isclose(both.nll_sum[row], single.nll_sum[0], rel_tol=1e-4)
            assert both.n_tokens[row] == single.n_tokens[0]


def test_options_share_one_video_pass_and_score_as_row_by_row(tiny, frames, monkeypatch):
    """Rows on one video run the vision tower once and score as `share_prefix=False`; rows that all
    show different videos take the one-forward path."""
    from videoutr.models import likelihood
    from videoutr.models.branched import branched_nll

    model, processor = tiny
    pad = processor.tokenizer.pad_token_id
    options = ["red", "a green circle", "blue", "the yellow star moves left"]  # 1 to 5 words
    dialogues = [Sample.from_qa(f"o{i}", [("Which colour?", o)]) for i, o in enumerate(options)]
    dialogues.append(Sample.from_qa("x", [("Which shape?", "circle")]))
    encs = [encode_sample(processor, d, frames) for d in dialogues[:-1]]
    encs.append(encode_sample(processor, dialogues[-1], frames[::-1].copy()))  # another video: shares nothing
    branched, videos = [], []  # calls of branched_nll; videos through the vision tower
    monkeypatch.setattr(likelihood, "branched_nll", lambda *args: branched.append(1) or branched_nll(*args))
    tower = model.model.get_video_features

    def counting_tower(pixel_values_videos, **kwargs):
        videos.append(len(pixel_values_videos))
        return tower(pixel_values_videos, **kwargs)

    monkeypatch.setattr(model.model, "get_video_features", counting_tower)
    for batch in (collate(encs, pad), collate(encs, pad, padding_side="left"), collate(encs[-2:], pad)):
        branched.clear(), videos.clear()
        shared = assistant_nll(model, batch)
        assert videos == [2]  # the first four rows show one video
        assert len(branched) == (1 if len(batch["input_ids"]) > 2 else 0)  # two rows, two videos: one forward
        plain = assistant_nll(model, batch, share_prefix=False)
        assert shared.n_tokens == plain.n_tokens and shared.turn_tokens == plain.turn_tokens
        assert shared.nll_sum == pytest.approx(plain.nll_sum, rel=1e-5)
