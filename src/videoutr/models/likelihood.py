"""Summed negative log-likelihood of the labelled (assistant) tokens, per sample and per turn.

A batch whose rows share their beginning goes to `shared` (one pass over that beginning); the
others run one forward. Both paths end in `nll`'s helpers.

The LM head runs only on the positions that predict a labelled token, so scoring a long video
dialogue with a 152k-word vocabulary does not materialise (tokens x vocab) logits. Log-softmax is
taken in float32.

    batch = collate([encode_sample(processor, s, frames)], pad_id=tok.pad_token_id)
    result = assistant_nll(model, batch)
    result.nll_sum[0], result.n_tokens[0], result.ppl[0], result.turn_nll[0]
"""

from __future__ import annotations

import torch

from videoutr.models.inputs import model_inputs, to_model
from videoutr.models.nll import NllResult, nll_from_hidden, summarise
from videoutr.models.shared import assistant_nll_shared, plan_sharing


def _backbone_and_head(model):
    """(backbone returning hidden states, LM head) when the model exposes them, else None."""
    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    backbone = getattr(model, "model", None)
    if head is None or backbone is None:
        return None
    return backbone, head


def token_nll(model, inputs: dict, labels: torch.Tensor) -> torch.Tensor:
    """NLL (float32, nats) of each labelled token, shape (B, L); 0 where `labels` is -100.

    `inputs` are the model's forward kwargs (input_ids or inputs_embeds, attention_mask, vision).
    Position t's logits predict token t + 1, as in causal-LM training.
    """
    parts = _backbone_and_head(model)
    if parts is not None:
        backbone, head = parts
        return nll_from_hidden(head, backbone(**inputs, use_cache=False).last_hidden_state, labels)
    return nll_from_hidden(torch.nn.Identity(), model(**inputs, use_cache=False).logits, labels)  # logits as is


@torch.no_grad()
def assistant_nll(model, batch: dict, share_prefix: bool = True) -> NllResult:
    """Score a `collate` batch: summed NLL and token counts of its labelled tokens.

    Used by TPL (answers of every turn, one forward) and by evaluation (option log-likelihood:
    encode the question with each option as the assistant turn; log p(option) = -nll_sum).
    Rows that begin with the same tokens and video (e.g. the options of one question) share one
    pass over that beginning (`videoutr.models.shared`); `share_prefix=False` scores row by row.
    """
    plan = plan_sharing(model, batch) if share_prefix else None
    if plan is not None:
        return assistant_nll_shared(model, batch, *plan)
    inputs = to_model(model_inputs(batch), model)
    labels = batch["labels"].to(inputs["input_ids"].device)
    nll = token_nll(model, inputs, labels)
    return summarise(nll.cpu(), batch["labels"], batch["turn_ids"])
