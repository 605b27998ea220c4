"""Summed negative log-likelihood of the labelled (assistant) tokens, per sample and per turn.

Rows of a batch that show the same video (or none) -- the options of a multiple-choice question,
the questions of a QA set -- begin alike: system prompt, user header, hundreds or thousands of
video tokens, often the question. They are scored on `videoutr.models.branched`: the vision
tower runs once per distinct video, the language model once over each video's first row up to
its answer (the trunk), and every row runs only from where it leaves that trunk. Other batches
run one forward. `share_prefix=False` always runs one forward: the independent reference path.

The LM head runs only on the positions that predict a labelled token, so scoring a long video
dialogue with a 152k-word vocabulary does not materialise (tokens x vocab) logits. Log-softmax is
taken in float32.

    batch = collate([encode_sample(processor, s, frames)], pad_id=tok.pad_token_id)
    result = assistant_nll(model, batch)
    result.nll_sum[0], result.n_tokens[0], result.ppl[0], result.turn_nll[0]
"""

from __future__ import annotations

import torch

from videoutr.models.branched import Sequence, branched_nll, embed_tokens
from videoutr.models.inputs import IGNORE_INDEX, model_inputs, to_model
from videoutr.models.load import VIDEO_MODELS
from videoutr.models.nll import NllResult, nll_from_hidden, summarise

VIDEO_KEYS = ("pixel_values_videos", "video_grid_thw", "second_per_grid_ts")  # a row's video inputs in a batch


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


def _row_videos(batch: dict) -> list[dict]:
    """Each row's own video inputs (those of `VIDEO_KEYS` the batch has, batch dimension 1)."""
    rows = range(batch["input_ids"].shape[0])
    if "pixel_values_videos" not in batch:
        return [{} for _ in rows]
    if "video_grid_thw" not in batch:  # LLaVA-OneVision: (B, T, C, H, W)
        return [{"pixel_values_videos": batch["pixel_values_videos"][i : i + 1]} for i in rows]
    patches = batch["pixel_values_videos"].split(batch["video_grid_thw"].prod(dim=-1).tolist())  # Qwen: per row
    return [
        {"pixel_values_videos": patches[i], **{k: batch[k][i : i + 1] for k in VIDEO_KEYS[1:] if k in batch}}
        for i in rows
    ]


def _equal(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Same shape and values (faster than `torch.equal` on CPU for pixel tensors)."""
    return a.shape == b.shape and bool((a == b).all())


def _distinct_videos(batch: dict) -> tuple[list[int], list[dict]]:
    """Which distinct video each row shows (an index into the second list), and those videos."""
    distinct, video_of = [], []
    for video in _row_videos(batch):
        equal = (
            i
            for i, seen in enumerate(distinct)
            if seen.keys() == video.keys() and all(_equal(seen[k], video[k]) for k in seen)
        )
        index = next(equal, len(distinct))
        if index == len(distinct):
            distinct.append(video)
        video_of.append(index)
    return video_of, distinct


def _video_features(model, videos: list[dict]) -> list[torch.Tensor]:
    """(N, D) features of each video, all through the vision tower in one call."""
    keys = [k for k in ("pixel_values_videos", "video_grid_thw") if k in videos[0]]
    inputs = to_model({k: torch.cat([v[k] for v in videos]) for k in keys}, model)
    return list(model.model.get_video_features(**inputs).pooler_output)


def _positions(model, batch: dict) -> torch.Tensor | None:
    """(3, B, L) M-RoPE positions of a Qwen-VL batch with video, as its forward computes them; else None."""
    if "video_grid_thw" not in batch:
        return None  # LLaVA-OneVision, or text only: positions are token indices
    extras = {k: batch[k] for k in ("mm_token_type_ids", *VIDEO_KEYS[1:]) if k in batch}
    return model.model.get_rope_index(batch["input_ids"], attention_mask=batch["attention_mask"], **extras)[0]


def _shared_beginnings(model, batch: dict) -> tuple[list, list[Sequence], list | None] | None:
    """`branched_nll`'s (trunks, sequences, trunk positions) for a batch, or None where it does not apply.

    Rows that show the same video (or none) hang from one trunk: the first of them up to its
    first labelled token. None for models outside `VIDEO_MODELS`, batches with images, and
    batches whose rows all show different videos (nothing to share: one forward is cheaper).
    """
    if getattr(model.config, "model_type", "") not in VIDEO_MODELS or "turn_ids" not in batch:
        return None
    if any(k in batch for k in ("pixel_values", "image_sizes", "image_grid_thw")):
        return None
    video_of, distinct = _distinct_videos(batch)
    if len(distinct) == len(video_of):
        return None
    features = _video_features(model, distinct) if "pixel_values_videos" in batch else None
    positions = _positions(model, batch)
    trunks, trunk_positions, sequences = [], [], []
    trunk_of: dict[int, int] = {}  # distinct video -> its trunk
    for row, keep in enumerate(batch["attention_mask"].bool()):
        video = None if features is None else features[video_of[row]]
        row_embeds = embed_tokens(model, batch["input_ids"][row, keep], video)
        row_positions = None if positions is None else positions[:, row, keep]
        labels, turn_ids = batch["labels"][row, keep], batch["turn_ids"][row, keep]
        if video_of[row] not in trunk_of:
            labelled = (labels != IGNORE_INDEX).nonzero()
            end = max(int(labelled[0]), 1) if len(labelled) else len(labels)
            trunk_of[video_of[row]] = len(trunks)
            trunks.append(row_embeds[:end])
            trunk_positions.append(None if row_positions is None else row_positions[:, :end])
        sequences.append(Sequence(trunk_of[video_of[row]], row_embeds, labels, turn_ids, row_positions))
    return trunks, sequences, (None if positions is None else trunk_positions)


@torch.no_grad()
def assistant_nll(model, batch: dict, share_prefix: bool = True) -> NllResult:
    """Score a `collate` batch: summed NLL and token counts of its labelled tokens.

    Used by TPL (answers of every turn, one forward) and by evaluation (option log-likelihood:
    encode the question with each option as the assistant turn; log p(option) = -nll_sum).
    Rows that show the same video share one pass over their common beginning (see the module
    docstring); `share_prefix=False` scores row by row.
    """
    shared = _shared_beginnings(model, batch) if share_prefix else None
    if shared is not None:
        return branched_nll(model, *shared)
    inputs = to_model(model_inputs(batch), model)
    labels = batch["labels"].to(inputs["input_ids"].device)
    nll = token_nll(model, inputs, labels)
    return summarise(nll.cpu(), batch["labels"], batch["turn_ids"])
