"""Open-ended QA metrics without any external API: normalised exact match and token F1.

Normalisation follows SQuAD: lower case, drop punctuation and the articles a/an/the, collapse
white space. Several reference answers may be given; the best score over them counts.

    >>> exact_match("The dog.", ["dog"])
    1.0
    >>> round(token_f1("a red ball", ["red ball rolling"]), 3)
    0.8
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans({c: " " for c in string.punctuation})


def normalize_answer(text: str) -> str:
    """Lower case, punctuation and articles removed, white space collapsed."""
    text = str(text).lower().translate(_PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def _refs(references: str | Iterable[str]) -> list[str]:
    return [references] if isinstance(references, str) else list(references)


def exact_match(prediction: str, references: str | Iterable[str]) -> float:
    """1.0 when the normalised prediction equals a normalised reference, else 0.0."""
    pred = normalize_answer(prediction)
    return float(any(pred == normalize_answer(r) for r in _refs(references)))


def _f1(pred_tokens: list[str], ref_tokens: list[str]) -> float:
    if not pred_tokens or not ref_tokens:
        return float(pred_tokens == ref_tokens)
    common = Counter(pred_tokens) & Counter(ref_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred_tokens), same / len(ref_tokens)
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str, references: str | Iterable[str]) -> float:
    """Token-overlap F1 of normalised texts, best over the references."""
    pred = normalize_answer(prediction).split()
    return max((_f1(pred, normalize_answer(r).split()) for r in _refs(references)), default=0.0)


def contains_answer(prediction: str, references: str | Iterable[str]) -> float:
    """1.0 when a normalised reference occurs as whole words inside the prediction (lenient EM)."""
    pred = f" {normalize_answer(prediction)} "
    return float(any(normalize_answer(r) and f" {normalize_answer(r)} " in pred for r in _refs(references)))


def open_qa_scores(prediction: str, references: str | Iterable[str]) -> dict[str, float]:
    """All API-free open-QA metrics of one answer."""
    return {
        "exact_match": exact_match(prediction, references),
        "contains": contains_answer(prediction, references),
        "token_f1": token_f1(prediction, references),
    }
