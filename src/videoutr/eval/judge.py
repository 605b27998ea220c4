"""Optional open-QA judge with any local HF chat model (Video-ChatGPT's yes/no + 0-5 protocol).

The judge's verdicts are model-dependent: results carry `judge_model`, and the summary labels
`judge_correct` / `judge_score` as judge-dependent, next to the API-free EM / F1.

    >>> parse_judgement("{'pred': 'yes', 'score': 4}")
    (1, 4.0)
"""

from __future__ import annotations

import re
from pathlib import Path

from videoutr.errors import ConfigError
from videoutr.jsonio import write_jsonl

JUDGE_SYSTEM = (
    "You are an intelligent chatbot designed for evaluating the correctness of generative outputs for "
    "question-answer pairs. Compare the predicted answer with the correct answer and determine if they "
    "match meaningfully. Focus on meaningful matches, not exact wording; synonyms and paraphrases are valid."
)


def judge_prompt(question: str, answer: str, prediction: str) -> str:
    """The user message asking for a yes/no verdict and a 0-5 score as a Python dict."""
    return (
        "Please evaluate the following video-based question-answer pair:\n\n"
        f"Question: {question}\nCorrect Answer: {answer}\nPredicted Answer: {prediction}\n\n"
        "Provide your evaluation only as a yes/no and score where the score is an integer value between "
        "0 and 5, with 5 indicating the highest meaningful match. Generate the response in the form of a "
        "Python dictionary string with keys 'pred' and 'score', e.g. {'pred': 'yes', 'score': 4}."
    )


def parse_judgement(text: str) -> tuple[int | None, float | None]:
    """(1/0 for yes/no, score 0-5) from a judge's reply; None where it cannot be read."""
    pred = re.search(r"['\"]?pred['\"]?\s*:\s*['\"]?(yes|no)", text, re.IGNORECASE)
    score = re.search(r"['\"]?score['\"]?\s*:\s*['\"]?(\d+(?:\.\d+)?)", text, re.IGNORECASE)
    correct = None if pred is None else int(pred.group(1).lower() == "yes")
    value = None if score is None else min(max(float(score.group(1)), 0.0), 5.0)
    return correct, value


class HFJudge:
    """A local causal-LM chat model used as the judge (greedy, short replies)."""

    def __init__(self, path: str, device: str = "cpu", max_new_tokens: int = 32) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path)
            self.model = AutoModelForCausalLM.from_pretrained(path, use_safetensors=True).to(device).eval()
        except (OSError, ValueError) as exc:
            raise ConfigError(f"--judge {path}: cannot load a causal-LM chat model ({exc})") from None
        self.path, self.device, self.max_new_tokens = path, device, max_new_tokens

    def __call__(self, question: str, answer: str, prediction: str) -> str:
        import torch

        messages = [
            {"role": "system", "content": JUDGE_SYSTEM},
            {"role": "user", "content": judge_prompt(question, answer, prediction)},
        ]
        ids = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        ids = {k: v.to(self.device) for k, v in ids.items()}
        with torch.no_grad():
            out = self.model.generate(
                **ids, max_new_tokens=self.max_new_tokens, do_sample=False, pad_token_id=self.tokenizer.pad_token_id
            )
        return self.tokenizer.decode(out[0, ids["input_ids"].shape[1] :], skip_special_tokens=True)


def judge_records(
    judge_path: str, items, records: list[dict], out_path: str | Path, device: str = "cpu", judge=None
) -> list[dict]:
    """Add judge verdicts to open-QA records not judged yet; rewrite `out_path` atomically."""
    by_id = {item.id: item for item in items}
    todo = [
        r
        for r in records
        if r.get("kind") == "open" and not r.get("error") and "judge_reply" not in r and by_id[r["id"]].references
    ]  # judge-only items without a reference need their own judge
    if todo and judge is None:
        judge = HFJudge(judge_path, device=device)
    for record in todo:
        item = by_id[record["id"]]
        reply = judge(item.question, item.references[0], record.get("generation", ""))
        correct, score = parse_judgement(reply)
        record.update(judge_model=str(judge_path), judge_reply=reply, judge_correct=correct, judge_score=score)
    write_jsonl(out_path, records)
    return records
