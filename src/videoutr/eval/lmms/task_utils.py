"""Document functions behind the videoutr lmms-eval tasks (MCQ and open QA on local files).

Each generated task folder has a `utils.py` that imports these (`__all__`) and binds its video root
(`visuals_under`), so the scoring is exactly `videoutr eval run`'s: option extraction for MCQ
generation, log-likelihood for multiple_choice, normalised exact match and token F1 for open QA.
"""

from __future__ import annotations

from collections.abc import Callable

from videoutr.eval.benchmarks import answer_index as _answer_index
from videoutr.eval.benchmarks import resolve_video
from videoutr.eval.metrics import exact_match, token_f1
from videoutr.eval.options import extract_option, mcq_prompt
from videoutr.eval.scoring import OPEN_INSTRUCTION

__all__ = [
    "answer_index",
    "mcq_doc_to_text",
    "mcq_process_results",
    "ll_doc_to_text",
    "ll_doc_to_choice",
    "open_doc_to_text",
    "open_process_results",
]


def _video_name(doc: dict) -> str:
    return str(doc.get("video") or doc.get("video_name") or doc.get("video_id"))


def doc_to_visual(doc: dict, video_root: str) -> list[str]:
    """The video path (under `video_root`, trying common suffixes) as lmms-eval's visual list."""
    path = resolve_video(_video_name(doc), [video_root])
    if path is None:
        raise FileNotFoundError(f"{_video_name(doc)}: video not found under {video_root}")
    return [str(path)]


def visuals_under(video_root: str) -> Callable[[dict], list[str]]:
    """A task's `doc_to_visual`: `doc_to_visual` with its video root fixed."""

    def doc_to_visual_under_root(doc: dict) -> list[str]:
        return doc_to_visual(doc, video_root)

    return doc_to_visual_under_root


def answer_index(doc: dict) -> int:
    return _answer_index(doc["answer"], [str(c) for c in doc["candidates"]], f"doc {doc.get('id')}")


def mcq_doc_to_text(doc: dict, lmms_eval_specific_kwargs: dict | None = None) -> str:
    return mcq_prompt(doc["question"], [str(c) for c in doc["candidates"]])


def mcq_process_results(doc: dict, results: list[str]) -> dict:
    pred = extract_option(results[0], [str(c) for c in doc["candidates"]])
    return {"accuracy": float(pred == answer_index(doc))}


def ll_doc_to_text(doc: dict, lmms_eval_specific_kwargs: dict | None = None) -> str:
    return str(doc["question"])


def ll_doc_to_choice(doc: dict) -> list[str]:
    return [str(c) for c in doc["candidates"]]


def open_doc_to_text(doc: dict, lmms_eval_specific_kwargs: dict | None = None) -> str:
    return f"{str(doc['question']).strip()}\n{OPEN_INSTRUCTION}"


def open_references(doc: dict) -> list[str]:
    answer = doc["answer"]
    return [str(a) for a in answer] if isinstance(answer, list) else [str(answer)]


def open_process_results(doc: dict, results: list[str]) -> dict:
    refs = open_references(doc)
    return {"exact_match": exact_match(results[0], refs), "token_f1": token_f1(results[0], refs)}
