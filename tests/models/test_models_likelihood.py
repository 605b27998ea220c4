"""assistant_nll: equals the model's own answer-only loss, per-turn sums, padding invariance."""

import math

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


def test_options_of_one_question_share_one_prefix_pass(tiny, frames):
    from videoutr.models.shared import plan_sharing

    model, processor = tiny
    pad = processor.tokenizer.pad_token_id
    options = ["red", "a green circle", "blue", "the yellow star moves left"]
    dialogues = [
        Sample(id=f"o{i}", conversations=[Turn("human", "<video>\nWhich colour?"), Turn("gpt", o)])
        for i, o in enumerate(options)
    ]
    other = Sample(id="x", conversations=[Turn("human", "<video>\nWhich shape?"), Turn("gpt", "circle")])
    encs = [encode_sample(processor, d, frames) for d in dialogues]
    encs.append(encode_sample(processor, other, frames[::-1].copy()))  # another video: its own group
    batch = collate(encs, pad)
    split, groups = plan_sharing(model, batch)
    assert len(set(groups)) == 2 and groups[:4] == [groups[0]] * 4
    shared = assistant_nll(model, batch)
    plain = assistant_nll(model, batch, share_prefix=False)
    assert shared.n_tokens == plain.n_tokens and shared.turn_tokens == plain.turn_tokens
    for a, b in zip(shared.nll_sum, plain.nll_sum):
        assert math.isclose(a, b, rel_tol=1e-5)
    assert plan_sharing(model, collate(encs, pad, padding_side="left")) is None
    assert plan_sharing(model, collate(encs[-1:], pad)) is None  # nothing to share
