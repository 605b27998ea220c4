"""Benchmark loaders: one `BenchItem` type for multiple-choice and open-ended video QA.

Formats read (auto-detected, or forced with `fmt`):
- `world` / `mcq`: the synthetic world's `bench.json` and MVBench-style lists —
  `[{id, video, question, candidates, answer, task?, temporal?}]`; `answer` is the option text, its
  letter, or its 0-based index. A mapping `{task: [items]}` (MVBench's per-task files merged) works too.
- `tempcompass`: `{video_id: {dimension: [{question: "...\\nA. x\\nB. y", answer: "A. x"}]}}`.
- `openqa`: MSVD-QA / MSRVTT-QA / TGIF-QA / ActivityNet-QA (Video-ChatGPT eval form) —
  `[{video_name|video_id|video, question, answer, question_id?, type?}]`.

    >>> items = load_benchmark("world/bench.json")
    >>> items[0].kind, items[0].candidates[items[0].answer_index]
    ('mcq', 'left')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from videoutr.errors import DataFormatError
from videoutr.eval.options import LETTERS
from videoutr.jsonio import iter_jsonl, read_json

FORMATS = ("auto", "world", "mcq", "tempcompass", "openqa")
VIDEO_SUFFIXES = ("", ".mp4", ".avi", ".webm", ".mkv", ".mov", ".gif")
_OPTION_LINE = re.compile(r"^\s*\(?([A-Z])[\.\):]\s*(.+?)\s*$")


@dataclass
class BenchItem:
    """One benchmark question about one video; `kind` is "mcq" or "open"."""

    id: str
    video: str
    question: str
    kind: str
    candidates: list[str] = field(default_factory=list)
    answer_index: int | None = None
    references: list[str] = field(default_factory=list)  # open QA reference answers
    task: str = "all"
    temporal: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def answer_text(self) -> str:
        if self.kind == "mcq" and self.answer_index is not None:
            return self.candidates[self.answer_index]
        return self.references[0] if self.references else ""


def resolve_video(video: str, roots: list[str | Path]) -> Path | None:
    """The existing file for `video` under the first root that has it (trying common suffixes)."""
    for root in [*roots, ""]:
        for suffix in VIDEO_SUFFIXES:
            path = Path(root) / f"{video}{suffix}"
            if path.is_file():
                return path
    return None


def _answer_index(answer: Any, candidates: list[str], where: str) -> int:
    if isinstance(answer, int) and not isinstance(answer, bool) and 0 <= answer < len(candidates):
        return answer
    text = str(answer).strip()
    if text in candidates:
        return candidates.index(text)
    match = re.match(r"^\(?([A-Z])[\.\):]?(?:\s+(.*))?$", text)
    if match and LETTERS.index(match.group(1)) < len(candidates):
        return LETTERS.index(match.group(1))
    low = [c.strip().lower() for c in candidates]
    if text.lower() in low:
        return low.index(text.lower())
    raise DataFormatError(where, f"answer {answer!r} is not one of the candidates {candidates}")


def _mcq_item(raw: dict, where: str, task: str | None, index: int) -> BenchItem:
    if not isinstance(raw, dict):
        raise DataFormatError(where, "expected a JSON object per question")
    for key in ("question", "candidates", "answer"):
        if key not in raw:
            raise DataFormatError(where, f"missing {key!r}")
    video = raw.get("video") or raw.get("video_name") or raw.get("video_id")
    if not video:
        raise DataFormatError(where, "missing 'video'")
    if not isinstance(raw["candidates"], list):
        raise DataFormatError(where, f"'candidates' must be a list of options, got {raw['candidates']!r}")
    candidates = [str(c) for c in raw["candidates"]]
    if len(candidates) < 2:
        raise DataFormatError(where, "a multiple-choice item needs at least 2 candidates")
    known = {"id", "video", "question", "candidates", "answer", "task", "temporal"}
    return BenchItem(
        id=str(raw.get("id", raw.get("question_id", f"{task or 'item'}_{index}"))),
        video=str(video),
        question=str(raw["question"]),
        kind="mcq",
        candidates=candidates,
        answer_index=_answer_index(raw["answer"], candidates, where),
        task=str(raw.get("task", task or "all")),
        temporal=raw.get("temporal"),
        extra={k: v for k, v in raw.items() if k not in known},
    )


def _open_item(raw: dict, where: str, index: int) -> BenchItem:
    if not isinstance(raw, dict):
        raise DataFormatError(where, "expected a JSON object per question")
    video = raw.get("video") or raw.get("video_name") or raw.get("video_id")
    if not video or "question" not in raw or "answer" not in raw:
        raise DataFormatError(where, "an open-QA item needs video(_name|_id), 'question' and 'answer'")
    answers = raw["answer"] if isinstance(raw["answer"], list) else [raw["answer"]]
    return BenchItem(
        id=str(raw.get("id", raw.get("question_id", index))),
        video=str(video),
        question=str(raw["question"]),
        kind="open",
        references=[str(a) for a in answers],
        task=str(raw.get("task", raw.get("type", "all"))),
        temporal=raw.get("temporal"),
    )


def split_options(question: str) -> tuple[str, list[str]]:
    """Split "Q?\\nA. x\\nB. y" into ("Q?", ["x", "y"]) (TempCompass / Video-MME style)."""
    stem, options = [], []
    for line in question.splitlines():
        match = _OPTION_LINE.match(line)
        if match and match.group(1) == LETTERS[len(options)]:
            options.append(match.group(2))
        elif not options:
            stem.append(line)
    return "\n".join(stem).strip(), options


def _tempcompass(raw: dict, path: Path, build=None) -> list[BenchItem]:
    build = build or _guarded(None)
    items = []
    for video_id, dims in raw.items():
        if not isinstance(dims, dict):
            raise DataFormatError(path, f"{video_id}: expected a mapping of dimension -> questions")
        for dim, questions in dims.items():
            for i, q in enumerate(questions):
                items.append(build(_tempcompass_item, q, f"{path} {video_id}/{dim}[{i}]", video_id, dim, i))
    return items


def _tempcompass_item(q: Any, where: str, video_id: str, dim: str, i: int) -> BenchItem:
    if not isinstance(q, dict):
        raise DataFormatError(where, "expected a JSON object per question")
    stem, options = split_options(str(q.get("question", "")))
    return _mcq_item({"id": f"{video_id}_{dim}_{i}", "video": video_id, "question": stem,
                      "candidates": options, "answer": q.get("answer", "")}, where, dim, i)


def _guarded(report: Callable[[str, str], None] | None):
    """`build(fn, raw, where, ...)`: the item `fn` makes, or, with `report`, None for a malformed one
    (reported as (where, reason)) so that the other items are still scored."""
    def build(fn, raw, where, *args):
        if isinstance(raw, dict) and isinstance(raw.get("id", raw.get("question_id")), (str, int)):
            where = f"{where} (id {raw.get('id', raw.get('question_id'))})"
        if report is None:
            return fn(raw, where, *args)
        try:
            return fn(raw, where, *args)
        except DataFormatError as exc:
            report(exc.where, exc.reason)
            return None
    return build


def _detect(raw: Any) -> str:
    if isinstance(raw, dict):
        first = next(iter(raw.values()), None)
        if isinstance(first, dict):
            return "tempcompass"
        return "mcq"
    first = raw[0] if raw else {}
    return "mcq" if isinstance(first, dict) and "candidates" in first else "openqa"


def load_benchmark(path: str | Path, fmt: str = "auto",
                   report: Callable[[str, str], None] | None = None) -> list[BenchItem]:
    """Load a benchmark file (JSON list/mapping or JSONL) into `BenchItem`s; ids are made unique.

    A malformed item raises `DataFormatError`; with `report`, it is reported and skipped instead.
    """
    path = Path(path)
    if fmt not in FORMATS:
        raise DataFormatError(path, f"unknown benchmark format {fmt!r} (known: {', '.join(FORMATS)})")
    raw = list(iter_jsonl(path, report=report)) if path.suffix == ".jsonl" else read_json(path)
    if not isinstance(raw, (list, dict)):
        raise DataFormatError(path, "expected a JSON list or mapping of questions")
    fmt = _detect(raw) if fmt == "auto" else fmt
    build = _guarded(report)
    if fmt == "tempcompass":
        items = _tempcompass(raw, path, build)
    elif isinstance(raw, dict):
        for task, rs in raw.items():
            if not isinstance(rs, list):
                raise DataFormatError(f"{path} {task}", "expected a list of questions")
        items = [build(_mcq_item, r, f"{path} {task}[{i}]", task, i) for task, rs in raw.items() for i, r in enumerate(rs)]
    elif fmt == "openqa":
        items = [build(_open_item, r, f"{path}[{i}]", i) for i, r in enumerate(raw)]
    else:
        items = [build(_mcq_item, r, f"{path}[{i}]", None, i) for i, r in enumerate(raw)]
    items = [item for item in items if item is not None]
    seen: dict[str, int] = {}
    for item in items:
        if item.id in seen:
            seen[item.id] += 1
            item.id = f"{item.id}#{seen[item.id]}"
        else:
            seen[item.id] = 0
    return items
