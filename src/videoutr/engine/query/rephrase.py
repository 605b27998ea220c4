"""Optional step: rephrase the engine's questions with any HF chat model (LLM-free by default).

Only the human turns are rewritten; answers stay as the engine wrote them. A rewrite is kept
only when it preserves every fact of the question: the same numbers (frames, seconds, box
coordinates) and every colour, shape, place and direction word, and is not absurdly long;
otherwise the original question stays. Results are resumable (`OUT/rephrase.jsonl`).

    videoutr engine rephrase --out runs/utr --model Qwen/Qwen2.5-0.5B-Instruct
    # -> runs/utr/utr_rephrased.json (same samples, reworded questions) + data_rephrased.yaml

    >>> keeps_facts("At frame 4, what is in the top left?", "What is in the top left at frame 4?")
    True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml

from videoutr.data.llava import HUMAN, VIDEO_TOKEN, Sample, load_samples, save_samples
from videoutr.errors import ConfigError
from videoutr.jsonio import atomic_write_text
from videoutr.resume import ResumableJsonl

SYSTEM = (
    "Rewrite the user's question in different words. Keep every number, colour, shape, place "
    "and direction exactly. Reply with the question only."
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_KEY_WORDS = re.compile(
    r"\b(red|orange|yellow|green|cyan|blue|purple|magenta|circle|square|triangle|star|diamond|"
    r"top|middle|bottom|left|right|center|up|down|enter\w*|leav\w*|stop\w*|start\w*|turn\w*|"
    r"colour|object|objects)\b",
    re.IGNORECASE,
)


def keeps_facts(original: str, candidate: str) -> bool:
    """Whether `candidate` keeps all numbers and key words of `original` (and is a sane length)."""
    if not candidate.strip() or len(candidate) > 3 * len(original) + 40 or VIDEO_TOKEN in candidate:
        return False
    if sorted(_NUMBER.findall(original)) != sorted(_NUMBER.findall(candidate)):
        return False
    wanted = {w.lower() for w in _KEY_WORDS.findall(original)}
    return wanted <= {w.lower() for w in _KEY_WORDS.findall(candidate)}


class HFRephraser:
    """Greedy rewrites from a local or hub chat model through `AutoModelForCausalLM`."""

    def __init__(self, model: str, max_new_tokens: int = 80, device: str = "cpu") -> None:
        try:
            import torch  # noqa: F401
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError:
            raise ConfigError("rephrasing needs torch and transformers: pip install torch transformers") from None
        from videoutr.checks import Checks

        checks = Checks("engine rephrase")
        checks.model("--model", model)
        checks.device("--device", device)
        checks.at_least("--max-new-tokens", max_new_tokens, 1)
        checks.done()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model)
            self.model = AutoModelForCausalLM.from_pretrained(model, use_safetensors=True).to(device).eval()
        except (OSError, ValueError) as exc:
            raise ConfigError(f"--model {model}: cannot load a chat model ({exc})") from None
        if not getattr(self.tokenizer, "chat_template", None):
            raise ConfigError(f"--model {model}: its tokenizer has no chat template")
        self.max_new_tokens, self.device = int(max_new_tokens), device

    def __call__(self, question: str) -> str:
        import torch

        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}]
        ids = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        ids = {k: v.to(self.device) for k, v in ids.items()}
        with torch.inference_mode():
            out = self.model.generate(
                **ids,
                max_new_tokens=self.max_new_tokens,
                do_sample=False,
                pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
            )
        return self.tokenizer.decode(out[0, ids["input_ids"].shape[1] :], skip_special_tokens=True).strip()


def rephrase_sample(sample: Sample, rewrite: Callable[[str], str]) -> tuple[Sample, int]:
    """A copy of `sample` with its questions rewritten where the rewrite keeps the facts."""
    qa, placeholder = sample.qa()
    rewritten, changed = [], 0
    for question, answer in qa:
        candidate = rewrite(question)
        if keeps_facts(question, candidate):
            question, changed = candidate, changed + 1
        rewritten.append((question, answer))
    new = Sample.from_qa(
        sample.id,
        rewritten,
        video=sample.video,
        image=sample.image,
        source=sample.source,
        extra=sample.extra,
        placeholder=placeholder,
    )
    return new, changed


def rephrase_run(out_dir: str | Path, rewrite: Callable[[str], str], progress: bool = True) -> dict[str, int]:
    """Rewrite `OUT/utr.json` into `OUT/utr_rephrased.json` (+ `data_rephrased.yaml`), resumably."""
    from tqdm import tqdm

    out = Path(out_dir)
    samples = load_samples(out / "utr.json")
    store = ResumableJsonl(out / "rephrase.jsonl", key="id")
    changed = 0
    for sample in tqdm(samples, desc="rephrase", unit="sample", disable=not progress):
        if sample.id in store.done:
            continue
        new, n = rephrase_sample(sample, rewrite)
        store.append({**new.to_llava(), "rephrased_turns": n})
    records = store.finalize(order=[s.id for s in samples])
    changed = sum(r.pop("rephrased_turns", 0) for r in records)
    save_samples(out / "utr_rephrased.json", [Sample.from_llava(r) for r in records])
    mixture = {"datasets": [{"json_path": "utr_rephrased.json", "sampling_strategy": "all"}]}  # relative to OUT
    atomic_write_text(out / "data_rephrased.yaml", yaml.safe_dump(mixture, sort_keys=False))
    questions = sum(1 for s in samples for t in s.conversations if t.role == HUMAN)
    return {"samples": len(samples), "questions": questions, "rephrased": changed}
