"""Score dialogues that share their beginning with one pass over that beginning.

Several dialogues about one video -- the options of a multiple-choice question, the questions of
a QA set -- begin with the same tokens: system prompt, user header, hundreds or
thousands of video tokens, often the question. The language model runs that prefix once per
distinct (prefix, video), keeps its keys and values, copies them to every dialogue of the group,
and runs only each dialogue's own tail. Results equal separate scoring up to float rounding.

LLaVA-OneVision only (its positions are plain 1-D); other models take the ordinary path. TPL,
which also scores each dialogue after the key frame alone, uses `videoutr.models.branched`.

    result = assistant_nll(model, batch)   # uses `plan_sharing` / `shared_prefix_nll` itself
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from videoutr.models.inputs import IGNORE_INDEX, EncodedSample, collate, to_model
from videoutr.models.nll import NllResult, nll_from_hidden, summarise


def shared_prefix_nll(
    model,
    encs: list[EncodedSample],
    split: int,
    groups: list,
    embed_prefix: Callable[[list[int]], torch.Tensor],
    pad_id: int,
) -> NllResult:
    """NLL of each dialogue's labelled tokens; tokens [0, split) are shared within a group.

    `groups[i]` identifies row i's prefix (equal keys = identical prefix tokens and video);
    `embed_prefix(rows)` returns the (len(rows), split, D) input embeddings of those rows' prefixes.
    No labelled token may lie at or before `split`.
    """
    unique = list(dict.fromkeys(groups))
    group_of = [unique.index(g) for g in groups]
    first = [group_of.index(u) for u in range(len(unique))]
    lm = model.model.language_model
    prefix = embed_prefix(first)
    device = prefix.device
    mask = torch.ones(prefix.shape[:2], dtype=torch.long, device=device)
    cache = lm(inputs_embeds=prefix, attention_mask=mask, use_cache=True).cache
    cache.batch_select_indices(torch.tensor(group_of, device=device))
    tails = [
        EncodedSample(
            id=e.id, input_ids=e.input_ids[split:], labels=e.labels[split:], turn_ids=e.turn_ids[split:], turn_spans=[]
        )
        for e in encs
    ]
    batch = collate(tails, pad_id)
    full_mask = torch.cat([torch.ones(len(encs), split, dtype=torch.long), batch["attention_mask"]], dim=1)
    hidden = lm(
        inputs_embeds=model.get_input_embeddings()(batch["input_ids"].to(device)),
        attention_mask=full_mask.to(device),
        cache=cache,
        use_cache=True,
    ).last_hidden_state
    nll = nll_from_hidden(model.get_output_embeddings(), hidden, batch["labels"].to(device))
    return summarise(nll.cpu(), batch["labels"], batch["turn_ids"])


def _rows(batch: dict) -> list[EncodedSample]:
    """Un-pad a right-padded `collate` batch back into its rows."""
    rows = []
    for i, n in enumerate(batch["attention_mask"].sum(dim=1).tolist()):
        rows.append(
            EncodedSample(
                id=str(i),
                input_ids=batch["input_ids"][i, :n],
                labels=batch["labels"][i, :n],
                turn_ids=batch["turn_ids"][i, :n],
                turn_spans=[],
            )
        )
    return rows


def plan_sharing(model, batch: dict) -> tuple[int, list] | None:
    """(split, groups) when some rows of a right-padded batch share a prefix, else None."""
    if getattr(model.config, "model_type", "") != "llava_onevision" or "pixel_values" in batch:
        return None
    if "turn_ids" not in batch or not bool(batch["attention_mask"][:, 0].all()):
        return None  # left padding: positions differ per row
    labelled = batch["labels"] != IGNORE_INDEX
    if not bool(labelled.any(dim=1).all()):
        return None
    split = int(labelled.float().argmax(dim=1).min()) - 1  # the token before the first answer token
    video = batch["input_ids"] == model.config.video_token_id
    if split < 1 or bool(video[:, split:].any()):
        return None
    pixels = batch.get("pixel_values_videos")
    groups, representatives = [], []
    for i in range(batch["input_ids"].shape[0]):
        key = tuple(batch["input_ids"][i, :split].tolist())
        same = next(
            (g for g, r in representatives if g[0] == key and (pixels is None or torch.equal(pixels[i], pixels[r]))),
            None,
        )
        if same is None:
            same = (key, len(representatives))
            representatives.append((same, i))
        groups.append(same)
    return (split, groups) if len(representatives) < len(groups) else None


def assistant_nll_shared(model, batch: dict, split: int, groups: list) -> NllResult:
    """`assistant_nll` for a batch `plan_sharing` accepted: video and prefix once per group."""
    encs = _rows(batch)
    device = next(model.parameters()).device

    def embed_prefix(rows: list[int]) -> torch.Tensor:
        ids = batch["input_ids"][rows, :split].to(device)
        embeds = model.get_input_embeddings()(ids)
        if "pixel_values_videos" in batch:
            pixels = to_model({"p": batch["pixel_values_videos"][rows]}, model)["p"]
            feats = model.model.get_video_features(pixel_values_videos=pixels).pooler_output
            mask = (ids == model.config.video_token_id).unsqueeze(-1).expand_as(embeds)
            embeds = embeds.masked_scatter(mask, feats.to(embeds.dtype))
        return embeds

    return shared_prefix_nll(model, encs, split, groups, embed_prefix, pad_id=0)  # tail padding is masked
