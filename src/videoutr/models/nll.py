"""Per-token NLL of labelled tokens from final hidden states, and its sums per sample and per turn.

The building blocks that `likelihood` (one pass per row) and `branched` (shared beginnings run
once) both use.

    nll = nll_from_hidden(model.get_output_embeddings(), hidden, labels)   # (B, L), nats
    result = summarise(nll, labels, turn_ids)
    result.nll_sum[0], result.n_tokens[0], result.ppl[0], result.turn_nll[0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from videoutr.models.inputs import IGNORE_INDEX


@dataclass
class NllResult:
    """Per-sample and per-assistant-turn summed NLL (nats) and labelled-token counts."""

    nll_sum: list[float]
    n_tokens: list[int]
    turn_nll: list[list[float]]
    turn_tokens: list[list[int]]

    @property
    def ppl(self) -> list[float]:
        """Perplexity per sample: exp(mean NLL over its labelled tokens); nan with no tokens."""
        return [math.exp(s / n) if n else float("nan") for s, n in zip(self.nll_sum, self.n_tokens)]

    @property
    def turn_ppl(self) -> list[list[float]]:
        return [
            [math.exp(s / n) if n else float("nan") for s, n in zip(ss, nn)]
            for ss, nn in zip(self.turn_nll, self.turn_tokens)
        ]


def nll_from_hidden(head, hidden: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Per-token NLL (B, L) in float32 from final hidden states: position t predicts token t + 1.

    The LM `head` runs only on the positions whose next token is labelled; 0 where `labels` is -100.
    """
    target = labels[:, 1:]
    keep = target != IGNORE_INDEX
    out = torch.zeros(labels.shape, dtype=torch.float32, device=labels.device)
    logits = head(hidden[:, :-1][keep]).float()
    out[:, 1:][keep] = torch.nn.functional.cross_entropy(logits, target[keep], reduction="none")
    return out


def summarise(nll: torch.Tensor, labels: torch.Tensor, turn_ids: torch.Tensor) -> NllResult:
    """Sum per-token NLL per sample and per assistant turn."""
    mask = labels != IGNORE_INDEX
    result = NllResult([], [], [], [])
    for row in range(nll.shape[0]):
        row_turns = turn_ids[row]
        n_turns = int(row_turns.max().item()) + 1 if mask[row].any() else 0
        sums = [float(nll[row][row_turns == t].double().sum()) for t in range(n_turns)]
        counts = [int((row_turns == t).sum()) for t in range(n_turns)]
        result.nll_sum.append(float(nll[row][mask[row]].double().sum()))
        result.n_tokens.append(int(mask[row].sum()))
        result.turn_nll.append(sums)
        result.turn_tokens.append(counts)
    return result
