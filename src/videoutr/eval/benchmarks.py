"""Benchmark loaders: one `BenchItem` type for multiple-choice and open-ended video QA.

Formats read (auto-detected, or forced with `fmt`); the public benchmarks' own files are read by
`videoutr.eval.formats` (Video-MME parquet / JSON, MVBench subtask files or their folder,
TempCompass's four tasks):
- `world` / `mcq`: the synthetic world's `bench.json` and MVBench-style lists —
  `[{id, video, question, candidates, answer, task?, temporal?}]`; `answer` is the option text, its
  letter, or its 0-based index. A mapping `{task: [items]}` (MVBench's per-task files merged) works too.
- `tempcompass`: `{video_id: {dimension: [{question, answer}]}}` (multi-choice, yes_no,
  caption_matching; captioning is judge-only).
- `videomme`: Video-MME's parquet or JSON (`videoID`, options "A. ...", answer letter).
- `mvbench`: one MVBench subtask file (the subtask is its name) or the folder of all 20.
- `nextqa`: NExT-QA's multiple-choice CSV; `perceptiontest`: PerceptionTest's mc_question JSON.
- `openqa`: MSVD-QA / MSRVTT-QA / TGIF-QA / ActivityNet-QA (Video-ChatGPT eval form) —
  `[{video_name|video_id|video, question, answer, question_id?, type?}]`.

    items = load_benchmark("world/bench.json")
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

FORMATS = ("auto", "world", "mcq", "tempcompass", "openqa", "videomme", "mvbench", "nextqa", "perceptiontest")
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


def _msvd_mapping(root: Path) -> dict[str, str]:
    """MSVD's `youtube_mapping.txt` ("<clip> vid<N>" per line) as {"<N>": "<clip>"}."""
    path = root / "youtube_mapping.txt"
    if not path.is_file():
        return {}
    pairs = (line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {vid.removeprefix("vid"): clip for clip, vid in (p for p in pairs if len(p) == 2)}


def _nextqa_path(root: Path, video: str) -> list[str]:
    """NExT-QA's `map_vid_vidorID.json` ({"<video>": "<folder>/<vidorID>"}) entry for `video`."""
    path = root / "map_vid_vidorID.json"
    if not path.is_file():
        return []
    found = read_json(path).get(video)
    return [str(found)] if found else []


def video_names(video: str, root: Path) -> list[str]:
    """The file names a benchmark's video id may have: as given; NExT-QA's through its map; MSRVTT-QA's integer N is
    `videoN`; MSVD-QA's integer N maps to its YouTube clip through `youtube_mapping.txt`;
    ActivityNet-QA's names may lack the `v_` prefix of the files."""
    names = [video, *_nextqa_path(root, video)]
    if video.isdigit():
        names.append(f"video{video}")
        clip = _msvd_mapping(root).get(video)
        if clip:
            names.append(clip)
    elif not video.startswith("v_"):
        names.append(f"v_{video}")
    return names


def resolve_video(video: str, roots: list[str | Path]) -> Path | None:
    """The existing file for `video` under the first root that has it (trying common suffixes
    and the benchmarks' id schemes, see `video_names`)."""
    for root in [*map(Path, roots), Path("")]:
        for name in video_names(video, root):
            for suffix in VIDEO_SUFFIXES:
                path = root / f"{name}{suffix}"
                if path.is_file():
                    return path
    return None


def answer_index(answer: Any, candidates: list[str], where: str) -> int:
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
        answer_index=answer_index(raw["answer"], candidates, where),
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
    from videoutr.eval.formats import tempcompass_item

    build = build or _guarded(None)
    items = []
    for video_id, dims in raw.items():
        if not isinstance(dims, dict):
            raise DataFormatError(path, f"{video_id}: expected a mapping of dimension -> questions")
        for dim, questions in dims.items():
            for i, q in enumerate(questions):
                items.append(
                    build(
                        lambda record, _where, v=video_id, d=dim, k=i: tempcompass_item(v, d, k, record, path),
                        q,
                        f"{path} {video_id}/{dim}[{i}]",
                    )
                )
    return items


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

    build.report = report
    return build


def _detect(raw: Any) -> str:
    if isinstance(raw, dict):
        first = next(iter(raw.values()), None)
        if isinstance(first, dict) and "mc_question" in first:
            return "perceptiontest"
        if isinstance(first, dict):
            return "tempcompass"
        return "mcq"
    first = raw[0] if raw else {}
    if isinstance(first, dict) and ("questions" in first or "options" in first) and "videoID" in first:
        return "videomme"
    return "mcq" if isinstance(first, dict) and "candidates" in first else "openqa"


def _read(path: Path, fmt: str, build) -> list[BenchItem | None]:
    """Items of one benchmark file (or an MVBench folder of subtask files) in format `fmt`; `build`
    makes each generic item (see `_guarded`)."""
    from videoutr.eval import formats

    if path.is_dir():  # MVBench: json/<subtask>.json
        files = sorted(path.glob("*.json"))
        if not files:
            raise DataFormatError(path, "a benchmark folder must hold MVBench subtask .json files")
        return [item for f in files for item in formats.read_mvbench(read_json(f), f, f.stem)]
    if path.suffix == ".parquet":
        return formats.read_videomme(formats.read_parquet(path), path)
    if path.suffix == ".csv":
        return formats.read_nextqa(path)
    raw = list(iter_jsonl(path, report=build.report)) if path.suffix == ".jsonl" else read_json(path)
    if not isinstance(raw, (list, dict)):
        raise DataFormatError(path, "expected a JSON list or mapping of questions")
    fmt = _detect(raw) if fmt == "auto" else fmt
    if fmt == "videomme":
        return formats.read_videomme(formats.videomme_rows(raw, path), path)
    if fmt == "mvbench":
        return formats.read_mvbench(raw, path, path.stem)
    if fmt == "perceptiontest":
        return formats.read_perceptiontest(raw, path)
    if fmt == "tempcompass":
        return _tempcompass(raw, path, build)
    if isinstance(raw, dict):
        for task, rs in raw.items():
            if not isinstance(rs, list):
                raise DataFormatError(f"{path} {task}", "expected a list of questions")
        return [
            build(_mcq_item, r, f"{path} {task}[{i}]", task, i) for task, rs in raw.items() for i, r in enumerate(rs)
        ]
    if fmt == "openqa":
        return [build(_open_item, r, f"{path}[{i}]", i) for i, r in enumerate(raw)]
    return [build(_mcq_item, r, f"{path}[{i}]", None, i) for i, r in enumerate(raw)]


def load_benchmark(
    path: str | Path, fmt: str = "auto", report: Callable[[str, str], None] | None = None
) -> list[BenchItem]:
    """Load a benchmark file (JSON list/mapping or JSONL) into `BenchItem`s; ids are made unique.

    A malformed item raises `DataFormatError`; with `report`, it is reported and skipped instead.
    """
    path = Path(path)
    if fmt not in FORMATS:
        raise DataFormatError(path, f"unknown benchmark format {fmt!r} (known: {', '.join(FORMATS)})")
    items = [item for item in _read(path, fmt, _guarded(report)) if item is not None]
    seen: dict[str, int] = {}
    for item in items:
        if item.id in seen:
            seen[item.id] += 1
            item.id = f"{item.id}#{seen[item.id]}"
        else:
            seen[item.id] = 0
    return items
