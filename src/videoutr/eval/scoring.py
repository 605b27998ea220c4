"""Scoring one benchmark item with a model: option log-likelihood, generation, answer likelihood.

Encoding and NLL come from the model layer (`videoutr.models.inputs.encode_sample`,
`videoutr.models.likelihood.assistant_nll`); this file only builds the dialogues and reads scores.

Option log-likelihood: each candidate becomes the assistant turn after the question, and
log p(candidate | video, question) = -NLL summed over its tokens (`norm="mean"` divides by the
token count). **Higher log-likelihood wins** — `pick_by_loglik` is the only place that decides.

    lls = option_logliks(model, processor, item, frames)      # one forward for all options
    pick_by_loglik(lls)
"""

from __future__ import annotations

import math

from videoutr.data.llava import Sample
from videoutr.eval.benchmarks import BenchItem
from videoutr.eval.lmms_rules import prompt_for
from videoutr.eval.options import letter, mcq_prompt

OPEN_INSTRUCTION = "Answer the question using a single word or phrase."
LL_TARGETS = ("text", "letter")


def pick_by_loglik(logliks: list[float]) -> int | None:
    """Index of the HIGHEST log-likelihood (the most probable option); None if none is finite."""
    finite = [(v, -i) for i, v in enumerate(logliks) if v is not None and math.isfinite(v)]
    return -max(finite)[1] if finite else None


def _dialogue(item_id: str, prompt: str, answer: str | None) -> Sample:
    return Sample.from_qa(item_id, [(prompt, answer)], video="<in memory>")


def option_dialogues(item: BenchItem, target: str = "text") -> list[Sample]:
    """One dialogue per candidate: `text` scores the option text after the bare question;
    `letter` lists the options and scores the letter (lmms-eval's MCQ form)."""
    if target == "letter":
        prompt = mcq_prompt(item.question, item.candidates)
        return [_dialogue(f"{item.id}/{i}", prompt, letter(i)) for i in range(len(item.candidates))]
    return [_dialogue(f"{item.id}/{i}", item.question, c) for i, c in enumerate(item.candidates)]


def dialogue_logliks(
    model, processor, dialogues: list[Sample], frames, norm: str = "sum", system: str | None = None
) -> tuple[list[float], list[int]]:
    """Log-likelihood of each dialogue's assistant turn (one batch), and its token counts.

    `frames`: (T, H, W, 3) uint8, a `ModelVideo`, or None (no video); `system` replaces the
    chat template's system prompt.
    """
    from videoutr.models.inputs import collate, encode_sample, encode_video
    from videoutr.models.likelihood import assistant_nll

    video = encode_video(processor, frames) if frames is not None else None  # once for all
    encoded = [
        encode_sample(processor, d, frames, with_video=frames is not None, video=video, system=system)
        for d in dialogues
    ]
    result = assistant_nll(model, collate(encoded, pad_id=processor.tokenizer.pad_token_id))
    lls = [-s / n if norm == "mean" else -s for s, n in zip(result.nll_sum, result.n_tokens)]
    return lls, list(result.n_tokens)


def option_logliks(
    model, processor, item: BenchItem, frames, target: str = "text", norm: str = "sum", system: str | None = None
) -> list[float]:
    """Log-likelihood of every candidate of an MCQ item (higher = more probable)."""
    return dialogue_logliks(model, processor, option_dialogues(item, target), frames, norm, system)[0]


def generation_prompt(item: BenchItem) -> str:
    """The prompt of generation scoring: a public benchmark's as lmms-eval builds it
    (`videoutr.eval.lmms_rules.prompt_for`), else options + letter instruction (MCQ) or a
    short-answer hint."""
    own = prompt_for(item.extra.get("benchmark"), item.question, item.candidates, item.extra)
    if own is not None:
        return own
    if item.kind == "mcq":
        return mcq_prompt(item.question, item.candidates)
    return f"{item.question.strip()}\n{OPEN_INSTRUCTION}"


def generate_answer(model, processor, prompt: str, frames, max_new_tokens: int = 32, system: str | None = None) -> str:
    """Greedy answer of the model to `prompt` about `frames` (None: no video)."""
    import torch

    from videoutr.models.inputs import collate, encode_sample, model_inputs, to_model

    enc = encode_sample(
        processor,
        _dialogue("gen", prompt, None),
        frames,
        with_video=frames is not None,
        prompt_only=True,
        system=system,
    )
    batch = model_inputs(collate([enc], pad_id=processor.tokenizer.pad_token_id))
    batch = to_model(batch, model)
    tok = processor.tokenizer
    with torch.no_grad():
        out = model.generate(
            **batch,
            max_new_tokens=max_new_tokens,
            do_sample=False,
            pad_token_id=tok.pad_token_id,
            eos_token_id=tok.eos_token_id,
        )
    new = out[0, batch["input_ids"].shape[1] :]
    return tok.decode(new, skip_special_tokens=True).strip()
