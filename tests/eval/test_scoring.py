"""MCQ scoring sign (higher log-likelihood wins), on crafted scores and through the model path."""

from __future__ import annotations

import math

import pytest

from videoutr.eval.benchmarks import BenchItem
from videoutr.eval.scoring import option_dialogues, pick_by_loglik


@pytest.mark.parametrize(
    "logliks, expected",
    [
        ([-10.0, -2.0, -5.0], 1),  # log-likelihoods: the least negative is the most probable
        ([-0.1, -30.0], 0),
        ([2.5, 1.0, 3.0], 2),
        ([-3.0, math.nan, -4.0], 0),  # NaN never wins
        ([-1.0, -1.0], 0),  # ties: the first
        ([math.nan], None),
        ([], None),
    ],
)
def test_pick_by_loglik_takes_the_highest(logliks, expected):
    assert pick_by_loglik(logliks) == expected


ITEM = BenchItem(id="i", video="v", question="Where?", kind="mcq", candidates=["left", "right", "up"], answer_index=1)


def test_option_dialogues_text_and_letter():
    text = option_dialogues(ITEM, "text")
    assert [d.assistant_turns[0] for d in text] == ["left", "right", "up"]
    letters = option_dialogues(ITEM, "letter")
    assert [d.assistant_turns[0] for d in letters] == ["A", "B", "C"]
    assert "A. left\nB. right\nC. up" in letters[0].conversations[0].value


def test_scorer_picks_lowest_nll_option(monkeypatch):
    """The NLL from the model layer is turned into log-likelihood with the right sign."""
    from videoutr.eval import runner
    from videoutr.eval.runner import EvalConfig, score_mcq
    from videoutr.models.nll import NllResult

    def fake_logliks(model, processor, dialogues, frames, norm="sum", system=None):
        nll = NllResult(nll_sum=[9.0, 1.5, 4.0], n_tokens=[3, 3, 3], turn_nll=[[]] * 3, turn_tokens=[[]] * 3)
        return [-s for s in nll.nll_sum], nll.n_tokens

    monkeypatch.setattr(runner, "dialogue_logliks", fake_logliks)
    rec = score_mcq(None, None, ITEM, None, EvalConfig(model="m", bench="b", out="o"))
    assert rec["pred_loglik"] == 1 and rec["correct_loglik"] == 1 and rec["answer_logprob"] == -1.5


def test_dialogue_logliks_is_minus_assistant_nll(eval_world):
    """End to end on the tiny model: log-likelihoods equal -assistant_nll of the same batch."""
    from videoutr.eval.scoring import dialogue_logliks
    from videoutr.models.inputs import collate, encode_sample
    from videoutr.models.likelihood import assistant_nll
    from videoutr.models.load import load_video_model

    from ..conftest import moving_square

    model, processor = load_video_model(eval_world / "model")
    frames = moving_square("left")
    dialogues = option_dialogues(ITEM)
    lls, counts = dialogue_logliks(model, processor, dialogues, frames)
    batch = collate([encode_sample(processor, d, frames) for d in dialogues], processor.tokenizer.pad_token_id)
    ref = assistant_nll(model, batch)
    assert lls == pytest.approx([-s for s in ref.nll_sum], abs=1e-4) and counts == ref.n_tokens
    assert all(v < 0 for v in lls)
