"""Summed negative log-likelihood of the labelled (assistant) tokens, per sample and per turn.

The LM head runs only on the positions that predict a labelled token, so scoring a long video
dialogue with a 152k-word vocabulary does not materialise (tokens x vocab) logits. Log-softmax is
taken in float32.

    >>> batch = collate([encode_sample(processor, s, frames)], pad_id=tok.pad_token_id)
    >>> result = assistant_nll(model, batch)
    >>> result.nll_sum[0], result.n_tokens[0], result.ppl[0], result.turn_nll[0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from videoutr.models.inputs import IGNORE_INDEX, model_inputs, to_model


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
        return [[math.exp(s / n) if n else float("nan") for s, n in zip(ss, nn)]
                for ss, nn in zip(self.turn_nll, self.turn_tokens)]


def _backbone_and_head(model):
    """(backbone returning hidden states, LM head) when the model exposes them, else None."""
    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    backbone = getattr(model, "model", None)
    if head is None or backbone is None:
        return None
    return backbone, head


def nll_from_hidden(head, hidden: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Per-token NLL (B, L) from final hidden states: position t predicts token t + 1.

    The LM `head` runs only on the positions whose next token is labelled.
    """
    target = labels[:, 1:]
    keep = target != IGNORE_INDEX
    out = torch.zeros(labels.shape, dtype=torch.float32, device=labels.device)
    logits = head(hidden[:, :-1][keep]).float()
    out[:, 1:][keep] = torch.nn.functional.cross_entropy(logits, target[keep], reduction="none")
    return out


def token_nll(model, inputs: dict, labels: torch.Tensor) -> torch.Tensor:
    """NLL (float32, nats) of each labelled token, shape (B, L); 0 where `labels` is -100.

    `inputs` are the model's forward kwargs (input_ids or inputs_embeds, attention_mask, vision).
    Position t's logits predict token t + 1, as in causal-LM training.
    """
    parts = _backbone_and_head(model)
    if parts is not None:
        backbone, head = parts
        return nll_from_hidden(head, backbone(**inputs, use_cache=False).last_hidden_state, labels)
    target = labels[:, 1:]
    keep = target != IGNORE_INDEX
    out = torch.zeros(labels.shape, dtype=torch.float32, device=labels.device)
    logits = model(**inputs, use_cache=False).logits[:, :-1][keep].float()
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


@torch.no_grad()
def assistant_nll(model, batch: dict, share_prefix: bool = True) -> NllResult:
    """Score a `collate` batch: summed NLL and token counts of its labelled tokens.

    Used by TPL (answers of every turn, one forward) and by evaluation (option log-likelihood:
    encode the question with each option as the assistant turn; log p(option) = -nll_sum).
    Rows that begin with the same tokens and video (e.g. the options of one question) share one
    pass over that beginning (`videoutr.models.shared`); `share_prefix=False` scores row by row.
    """
    from videoutr.models.shared import assistant_nll_shared, plan_sharing

    plan = plan_sharing(model, batch) if share_prefix else None
    if plan is not None:
        return assistant_nll_shared(model, batch, *plan)
    inputs = to_model(model_inputs(batch), model)
    labels = batch["labels"].to(inputs["input_ids"].device)
    nll = token_nll(model, inputs, labels)
    return summarise(nll.cpu(), batch["labels"], batch["turn_ids"])
