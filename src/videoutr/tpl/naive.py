"""A naive TPL scorer: two independent `model(**processor(...))` calls per sample.

The reference for `bench/bench_tpl.py` and the tests. It shares nothing with `TplScorer` but the
ChatML rendering of the chat template: it renders the dialogue with the tokenizer's chat template,
lets the processor expand and tokenise it, finds the answer tokens by character offsets, and
reads their log-probabilities from the full logits -- once with all frames, once with the key
frame alone (which re-runs the vision tower on that frame).

    record = naive_tpl(model, processor, sample, frames, key=0, mode="diff")
"""

from __future__ import annotations

import torch

from videoutr.data.llava import ASSISTANT, Sample
from videoutr.tpl.score import perplexity, tpl_value


def _render(processor, sample: Sample) -> tuple[str, list[tuple[int, int]]]:
    """Chat-template text of the dialogue and the character spans of each answer + <|im_end|>."""
    tok = processor.tokenizer
    messages = [
        {"role": "assistant" if t.role == ASSISTANT else "user", "content": t.value} for t in sample.conversations
    ]
    if "<video>" not in messages[0]["content"]:
        messages[0]["content"] = "<video>\n" + messages[0]["content"]
    spans, text = [], ""
    for i, message in enumerate(messages):
        prefix = tok.apply_chat_template(messages[:i], tokenize=False) if i else ""
        if message["role"] == "assistant":
            start = len(prefix) + len("<|im_start|>assistant\n")
            spans.append((start, start + len(message["content"]) + len("<|im_end|>")))
        text = tok.apply_chat_template(messages[: i + 1], tokenize=False)
    return text, spans


def _ppl(model, processor, text: str, spans, frames) -> tuple[float, int]:
    inputs = processor(text=[text], videos=[frames], return_tensors="pt", return_offsets_mapping=True)
    offsets = inputs.pop("offset_mapping")[0]
    expanded = processor.video_token * int((inputs["input_ids"] == processor.video_token_id).sum())
    shift = len(expanded) - len(processor.video_token)  # answers come after the expanded video
    in_answer = torch.zeros(offsets.shape[0], dtype=torch.bool)
    for start, end in spans:
        inside = (offsets[:, 0] >= start + shift) & (offsets[:, 1] <= end + shift)
        in_answer |= inside & (offsets[:, 1] > offsets[:, 0])
    logits = model(**inputs).logits[0].float()
    logp = torch.log_softmax(logits[:-1], dim=-1)
    targets = inputs["input_ids"][0, 1:]
    picked = logp.gather(1, targets[:, None])[:, 0][in_answer[1:]]
    return perplexity(float(-picked.double().sum()), int(in_answer.sum())), int(in_answer.sum())


@torch.no_grad()
def naive_tpl(model, processor, sample: Sample, frames, key: int, mode: str = "diff") -> dict:
    """TPL of one sample by two independent forwards (all frames; frame `key` alone)."""
    text, spans = _render(processor, sample)
    ppl_full, n_tokens = _ppl(model, processor, text, spans, frames)
    ppl_single, _ = _ppl(model, processor, text, spans, frames[key : key + 1])
    return {
        "id": sample.id,
        "n_tokens": n_tokens,
        "ppl_full": ppl_full,
        "ppl_single": ppl_single,
        "tpl": tpl_value(ppl_single, ppl_full, mode),
    }
