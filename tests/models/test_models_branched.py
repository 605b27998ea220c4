"""Trunk-and-branch scoring equals scoring each sequence alone, wherever the sequences branch off."""

from __future__ import annotations

import pytest
import torch

from videoutr.models.branched import Sequence, attach_point, branched_nll
from videoutr.models.inputs import IGNORE_INDEX
from videoutr.models.nll import nll_from_hidden, summarise


def _alone(model, seq: Sequence) -> tuple[float, list[float]]:
    """Summed NLL and per-turn NLL of one sequence in one plain forward."""
    hidden = model.model.language_model(inputs_embeds=seq.embeds[None], use_cache=False).last_hidden_state
    nll = nll_from_hidden(model.get_output_embeddings(), hidden, seq.labels[None])
    result = summarise(nll, seq.labels[None], seq.turn_ids[None])
    return result.nll_sum[0], result.turn_nll[0]


def _sequence(embeds: torch.Tensor, trunk: int, answers: list[tuple[int, int]]) -> Sequence:
    labels = torch.full((len(embeds),), IGNORE_INDEX)
    turn_ids = torch.full((len(embeds),), -1)
    for k, (a, b) in enumerate(answers):
        labels[a:b] = torch.arange(a, b) % 50
        turn_ids[a:b] = k
    return Sequence(trunk, embeds, labels, turn_ids)


@torch.no_grad()
def test_branches_score_as_if_alone(tiny):
    model, _ = tiny
    gen = torch.Generator().manual_seed(0)
    width = model.config.text_config.hidden_size
    trunk_a = torch.randn(30, width, generator=gen)  # e.g. header + a whole video
    trunk_b = torch.randn(22, width, generator=gen)  # another video: a shorter trunk (padded)
    tail = lambda n: torch.randn(n, width, generator=gen)  # noqa: E731
    sequences = [
        _sequence(torch.cat([trunk_a, tail(12)]), 0, [(33, 37), (39, 42)]),  # two turns after the trunk
        _sequence(torch.cat([trunk_a, tail(5)]), 0, [(30, 35)]),  # answer right at the attach point
        _sequence(torch.cat([trunk_a[:9], tail(14)]), 0, [(15, 23)]),  # leaves the trunk early (key frame)
        _sequence(torch.cat([trunk_a, tail(6)]), 0, [(20, 36)]),  # labels inside the shared part
        _sequence(torch.cat([trunk_b, tail(9)]), 1, [(24, 31)]),
        _sequence(tail(17), 1, [(3, 17)]),  # shares nothing: runs whole
    ]
    assert [attach_point(s, [trunk_a, trunk_b][s.trunk]) for s in sequences] == [30, 30, 9, 20, 22, 0]
    got = branched_nll(model, [trunk_a, trunk_b], sequences)
    for row, seq in enumerate(sequences):
        total, turns = _alone(model, seq)
        assert got.nll_sum[row] == pytest.approx(total, rel=1e-5)
        assert got.turn_nll[row] == pytest.approx(turns, rel=1e-5)
        assert got.n_tokens[row] == int((seq.labels != IGNORE_INDEX).sum())
