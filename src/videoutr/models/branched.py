"""Score sequences that begin with a few shared beginnings ("trunks"), running each trunk once.

TPL scores every dialogue twice -- after the whole video and after its key frame alone -- and
often several dialogues per video. All of them begin with the same system prompt and user
header; the dialogues of one video share the whole video, and the key-frame sequence shares the
key frame's tokens too when the key frame is the first frame. The language model runs each
distinct trunk once, causally and without padding where the trunks have one length (the fast
causal attention kernel), and keeps its keys and values. Every sequence then runs only its own
remainder (its "branch"), attending to the part of the trunk it shares and to itself. The
branches that hang from one trunk are packed into one row -- a block mask keeps them apart and
each starts at its own position -- so they waste no padding against each other and the trunk's
cache is never copied.

Where a sequence leaves its trunk is found by comparing input embeddings (and positions) exactly,
and no labelled token lies before that point, so sharing never changes what a token sees: results
equal separate scoring up to float rounding. Positions are plain token indices unless given:
Qwen2-VL and Qwen2.5-VL pass their (3, L) M-RoPE positions.

    seq = Sequence(trunk=0, embeds=embed_tokens(model, input_ids, video_features), labels=..., turn_ids=...)
    result = branched_nll(model, trunks, sequences)     # NllResult, one row per sequence
    result = branched_nll(model, trunks, sequences, trunk_positions)   # M-RoPE models
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from videoutr.models.inputs import IGNORE_INDEX
from videoutr.models.nll import NllResult, nll_from_hidden, summarise


@dataclass
class Sequence:
    """One sequence to score: its input embeddings, labels (-100: not scored), turn ids, trunk."""

    trunk: int  # index into the trunks it may share a beginning with
    embeds: torch.Tensor  # (L, D)
    labels: torch.Tensor  # (L,)
    turn_ids: torch.Tensor  # (L,)
    positions: torch.Tensor | None = None  # (L,) or (3, L) for M-RoPE; None: 0 .. L-1


def embed_tokens(model, input_ids: torch.Tensor, video: torch.Tensor | None = None) -> torch.Tensor:
    """Input embeddings (L, D) of `input_ids`, the video tokens replaced by `video` (N, D) in order."""
    device = next(model.parameters()).device
    input_ids = input_ids.to(device)
    embeds = model.get_input_embeddings()(input_ids)
    if video is None:
        return embeds
    slots = (input_ids == model.config.video_token_id).unsqueeze(-1).expand_as(embeds)
    return embeds.masked_scatter(slots, video.to(device, embeds.dtype))


def attach_point(seq: Sequence, trunk: torch.Tensor, trunk_positions: torch.Tensor | None = None) -> int:
    """Where `seq` leaves `trunk`: the tokens before it equal the trunk's and none is labelled.

    Equal means equal embeddings and, where positions are given, equal positions. At most
    len(seq) - 1: every branch has a token. 0 where the first tokens differ already (the
    sequence shares nothing and runs whole).
    """
    n = min(len(seq.embeds), len(trunk))
    differs = (seq.embeds[:n] != trunk[:n].to(seq.embeds.device)).any(dim=-1)
    if seq.positions is not None and trunk_positions is not None:
        seq_pos, trunk_pos = seq.positions[..., :n], trunk_positions[..., :n].to(seq.positions.device)
        differs |= (seq_pos != trunk_pos).reshape(-1, n).any(dim=0).to(differs.device)
    first_diff = differs.nonzero()
    common = int(first_diff[0]) if len(first_diff) else n
    labelled = (seq.labels != IGNORE_INDEX).nonzero()
    first_labelled = int(labelled[0]) if len(labelled) else len(seq.labels)
    return min(common, first_labelled, len(seq.embeds) - 1)


def _positions(seq: Sequence, start: int, stop: int, device) -> torch.Tensor:
    """Positions of `seq`'s tokens [start, stop): its own, or their indices."""
    if seq.positions is None:
        return torch.arange(start, stop, device=device)
    return seq.positions[..., start:stop].to(device)


def _pad_rows(rows: list[torch.Tensor], value, width: int) -> torch.Tensor:
    out = torch.full((len(rows), width, *rows[0].shape[1:]), value, dtype=rows[0].dtype, device=rows[0].device)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


@torch.no_grad()
def branched_nll(
    model,
    trunks: list[torch.Tensor],
    sequences: list[Sequence],
    trunk_positions: list[torch.Tensor] | None = None,
) -> NllResult:
    """Summed NLL of each sequence's labelled tokens (one `NllResult` row per sequence).

    `trunks` are (L_t, D) input embeddings; each sequence shares with `trunks[seq.trunk]` as
    long a beginning as their embeddings agree (see `attach_point`). `trunk_positions` are the
    trunks' (L_t,) or (3, L_t) positions, given exactly when every sequence has `positions`.
    `model` is a LLaVA- or Qwen-VL-style model whose `model.language_model` takes
    `inputs_embeds` and `position_ids` and returns a cache.
    """
    lm = model.model.language_model
    device = trunks[0].device
    lengths = [len(t) for t in trunks]
    width = max(lengths)
    trunk_mask = None  # equal lengths: no mask, so the causal kernel runs
    if len(set(lengths)) > 1:
        trunk_mask = _pad_rows([torch.ones(n, dtype=torch.long, device=device) for n in lengths], 0, width)
    lead = () if trunk_positions is None else trunk_positions[0].shape[:-1]  # (3,) for M-RoPE
    trunk_pos = None
    if trunk_positions is not None:
        trunk_pos = torch.zeros(*lead, len(trunks), width, dtype=torch.long, device=device)
        for row, pos in enumerate(trunk_positions):
            trunk_pos[..., row, : pos.shape[-1]] = pos.to(device)
    out = lm(
        inputs_embeds=_pad_rows(trunks, 0.0, width), attention_mask=trunk_mask, position_ids=trunk_pos, use_cache=True
    )
    trunk_hidden, cache = out.last_hidden_state, out.cache

    given = trunk_positions or [None] * len(trunks)
    attach = [attach_point(s, trunks[s.trunk], given[s.trunk]) for s in sequences]
    slots: list[tuple[int, int]] = []  # (row, start) of each sequence's branch
    fill = [0] * len(trunks)
    for s, a in zip(sequences, attach):
        slots.append((s.trunk, fill[s.trunk]))
        fill[s.trunk] += len(s.embeds) - a
    q_len = max(fill)
    embeds = torch.zeros(len(trunks), q_len, trunks[0].shape[-1], dtype=trunks[0].dtype, device=device)
    positions = torch.zeros(*lead, len(trunks), q_len, dtype=torch.long, device=device)
    mask = torch.zeros(len(trunks), 1, q_len, width + q_len, dtype=torch.bool, device=device)
    causal = torch.ones(q_len, q_len, dtype=torch.bool, device=device).tril()  # a branch sees itself causally
    for s, a, (row, start) in zip(sequences, attach, slots):
        n = len(s.embeds) - a
        embeds[row, start : start + n] = s.embeds[a:]
        positions[..., row, start : start + n] = _positions(s, a, a + n, device)
        mask[row, 0, start : start + n, :a] = True
        mask[row, 0, start : start + n, width + start : width + start + n] = causal[:n, :n]
    for row, used in enumerate(fill):
        mask[row, 0, used:, 0] = True  # padding slots attend to something (their output is never read)
    branch_hidden = lm(
        inputs_embeds=embeds, attention_mask=mask, position_ids=positions, cache=cache, use_cache=True
    ).last_hidden_state

    # predictor[i, j]: the hidden state that predicts token j of branch i -- for j = 0 the trunk's
    # state just before the attach point (none at position 0), kept as row i of `before`; labels
    # and turn ids are shifted by one as nll_from_hidden expects
    before = trunk_hidden[[s.trunk for s in sequences], [max(a - 1, 0) for a in attach]]
    flat = torch.cat([before, branch_hidden.flatten(0, 1)])
    index, labels, turn_ids = [], [], []
    for i, (s, a, (row, start)) in enumerate(zip(sequences, attach, slots)):
        n = len(s.embeds) - a
        rest = len(sequences) + row * q_len + start + torch.arange(n - 1, device=device)
        index.append(torch.cat([torch.tensor([i], device=device), rest, rest.new_zeros(1)]))
        branch_labels = s.labels[a:].to(device, copy=True)
        if a == 0:  # the first token of a sequence is never predicted
            branch_labels[0] = IGNORE_INDEX
        labels.append(torch.cat([branch_labels.new_full((1,), IGNORE_INDEX), branch_labels]))
        branch_turns = torch.where(branch_labels == IGNORE_INDEX, -1, s.turn_ids[a:].to(device))
        turn_ids.append(torch.cat([branch_turns.new_full((1,), -1), branch_turns]))
    longest = max(len(i) for i in index)
    labels_b = _pad_rows(labels, IGNORE_INDEX, longest)
    hidden = flat[_pad_rows(index, 0, longest)]
    nll = nll_from_hidden(model.get_output_embeddings(), hidden, labels_b)
    return summarise(nll.cpu(), labels_b.cpu(), _pad_rows(turn_ids, -1, longest).cpu())
