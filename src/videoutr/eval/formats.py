"""Public video benchmarks in the formats their authors publish, read into `BenchItem`s.

- Video-MME (`videomme`): the parquet (one row per question: video_id, duration, domain,
  sub_category, url, videoID, question_id, task_type, question, options, answer) or the JSON (one
  object per video with those fields and its `questions`). The video file is `{videoID}.mp4`;
  options "A. ..." become candidates, the answer letter the answer; task = task_type, and
  duration and domain are kept for per-group scores.
- MVBench (`mvbench`): its per-subtask JSON files (`json/<subtask>.json`, a list of
  {video, question, candidates, answer, start?, end?}); the subtask is the file's name, `start` /
  `end` (seconds) bound the frames sampled.
- TempCompass (`tempcompass`, the `questions/<task>.json` files, {video_id: {dimension: [...]}}):
  multi-choice ("Q\\nA. x\\nB. y", answer "A. x"), yes_no (answer "yes" / "no": options yes, no),
  caption_matching ("Caption A: ..." lines, answer "Caption A: ..."); captioning has no answer
  options and is judge-only: its items are open questions marked `judge_only`.

Each item's `extra["benchmark"]` names its benchmark, so that it is prompted and its generated
answer read as lmms-eval does (`videoutr.eval.lmms_rules`); what those rules need of the
original record (Video-MME's option strings, TempCompass's question and answer) is kept there too.
A record that cannot be mapped raises `DataFormatError` naming the file and the record.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from videoutr.errors import DataFormatError
from videoutr.eval.benchmarks import BenchItem, answer_index, split_options
from videoutr.eval.options import LETTERS

VIDEOMME_KEYS = ("videoID", "question_id", "task_type", "question", "options", "answer")
_LETTERED = re.compile(r"^\s*\(?([A-Z])[\.\):]\s*(.*?)\s*$", re.S)
_CAPTION = re.compile(r"^\s*Caption ([A-Z])\s*:\s*(.+?)\s*$")


def _options(options: Any, where: str) -> list[str]:
    """ "A. text" options in order -> their texts; anything else is an error naming `where`."""
    if not isinstance(options, (list, tuple)) or len(options) < 2:
        raise DataFormatError(where, f"'options' must list at least 2 options, got {options!r}")
    texts = []
    for i, option in enumerate(options):
        match = _LETTERED.match(str(option))
        if match is None or match.group(1) != LETTERS[i]:
            raise DataFormatError(where, f"option {i + 1} {option!r} is not '{LETTERS[i]}. ...'")
        texts.append(match.group(2))
    return texts


def _letter_index(answer: Any, n: int, where: str) -> int:
    text = str(answer).strip()
    match = re.match(r"^\(?([A-Z])\)?\.?$", text)
    if match is None or LETTERS.index(match.group(1)) >= n:
        raise DataFormatError(where, f"answer {answer!r} is not one of the letters {LETTERS[:n]}")
    return LETTERS.index(match.group(1))


def videomme_rows(raw: Any, path: Path) -> list[dict]:
    """Video-MME's JSON (per video, with `questions`) or its parquet rows, as one dict per question."""
    if isinstance(raw, list) and raw and isinstance(raw[0], dict) and "questions" in raw[0]:
        rows = []
        for video in raw:
            for question in video.get("questions") or []:
                rows.append(
                    {
                        **{
                            k: video.get(k)
                            for k in ("video_id", "duration", "domain", "sub_category", "url", "videoID")
                        },
                        **question,
                    }
                )
        return rows
    return raw


def read_videomme(rows: list[dict], path: Path):
    items = []
    for i, row in enumerate(rows):
        where = f"{path} record {i} (question_id {row.get('question_id', '?')})"
        missing = [k for k in VIDEOMME_KEYS if row.get(k) in (None, "")]
        if missing:
            raise DataFormatError(where, f"not a Video-MME record: missing {', '.join(missing)}")
        candidates = _options(list(row["options"]), where)
        items.append(
            BenchItem(
                id=str(row["question_id"]),
                video=str(row["videoID"]),
                question=str(row["question"]),
                kind="mcq",
                candidates=candidates,
                answer_index=_letter_index(row["answer"], len(candidates), where),
                task=str(row["task_type"]),
                extra={
                    "benchmark": "videomme",
                    "options": [str(o) for o in row["options"]],
                    **{
                        k: row.get(k)
                        for k in ("video_id", "duration", "domain", "sub_category")
                        if row.get(k) is not None
                    },
                },
            )
        )
    return items


def read_parquet(path: Path) -> list[dict]:
    """Rows of a parquet file (pyarrow) as dicts."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise DataFormatError(path, f"reading parquet needs pyarrow ({exc})") from None
    try:
        return pq.read_table(path).to_pylist()
    except Exception as exc:  # noqa: BLE001 -- pyarrow raises several types for a bad file
        raise DataFormatError(path, f"not a readable parquet file ({exc})") from None


def read_mvbench(raw: Any, path: Path, subtask: str):
    if not isinstance(raw, list):
        raise DataFormatError(path, "an MVBench subtask file is a JSON list of questions")
    items = []
    for i, record in enumerate(raw):
        where = f"{path}[{i}]"
        if not isinstance(record, dict) or any(k not in record for k in ("video", "question", "candidates", "answer")):
            raise DataFormatError(where, "an MVBench record needs video, question, candidates and answer")
        candidates = [str(c) for c in record["candidates"]]
        bound = None
        if "start" in record or "end" in record:
            try:
                bound = (float(record["start"]), float(record["end"]))
            except (KeyError, TypeError, ValueError):
                raise DataFormatError(
                    where, f"start/end must both be seconds, got {record.get('start')!r}, {record.get('end')!r}"
                ) from None
            if not bound[0] < bound[1]:
                raise DataFormatError(where, f"start {bound[0]} is not before end {bound[1]}")
        extra = {"benchmark": "mvbench", **({"clip_s": list(bound)} if bound else {})}
        items.append(
            BenchItem(
                id=f"{subtask}_{i}",
                video=str(record["video"]),
                question=str(record["question"]),
                kind="mcq",
                candidates=candidates,
                answer_index=answer_index(record["answer"], candidates, where),
                task=subtask,
                extra=extra,
            )
        )
    return items


def tempcompass_item(video_id: str, dimension: str, i: int, record: dict, path: Path):
    """One TempCompass question of any of its four tasks (told apart by their question form)."""
    where = f"{path} {video_id}/{dimension}[{i}]"
    if not isinstance(record, dict) or "question" not in record:
        raise DataFormatError(where, "a TempCompass record needs 'question'")
    question, answer = str(record["question"]), record.get("answer")
    base = {"id": f"{video_id}_{dimension}_{i}", "video": str(video_id), "task": dimension}
    raw = {"benchmark": "tempcompass", "raw_question": question, "raw_answer": None if answer is None else str(answer)}
    if answer is None:  # captioning: free text judged by a model
        return BenchItem(
            question=question,
            kind="open",
            references=[],
            extra={"judge_only": True, **raw, "tempcompass_task": "captioning"},
            **base,
        )
    captions = [m for m in map(_CAPTION.match, question.splitlines()) if m]
    if captions:  # caption_matching
        stem = "\n".join(line for line in question.splitlines() if not _CAPTION.match(line)).strip()
        found = _CAPTION.match(str(answer))
        if found is None or found.group(1) not in [m.group(1) for m in captions]:
            raise DataFormatError(where, f"answer {answer!r} is not one of the captions")
        return BenchItem(
            question=stem,
            kind="mcq",
            candidates=[m.group(2) for m in captions],
            answer_index=[m.group(1) for m in captions].index(found.group(1)),
            extra={**raw, "tempcompass_task": "caption_matching"},
            **base,
        )
    if str(answer).strip().lower() in ("yes", "no"):  # yes_no
        return BenchItem(
            question=question,
            kind="mcq",
            candidates=["yes", "no"],
            answer_index=0 if str(answer).strip().lower() == "yes" else 1,
            extra={**raw, "tempcompass_task": "yes_no"},
            **base,
        )
    stem, options = split_options(question)  # multi-choice
    if len(options) < 2:
        raise DataFormatError(where, "a multi-choice question needs 'A. ...' option lines")
    return BenchItem(
        question=stem,
        kind="mcq",
        candidates=options,
        answer_index=answer_index(answer, options, where),
        extra={**raw, "tempcompass_task": "multi-choice"},
        **base,
    )


NEXTQA_COLUMNS = ("video", "question", "answer", "qid", "type", "a0", "a1", "a2", "a3", "a4")


def read_nextqa(path: Path) -> list[BenchItem]:
    """NExT-QA's multiple-choice CSV (video, frame_count, width, height, question, answer, qid, type,
    a0..a4; `answer` is the 0-based option). Videos resolve through `map_vid_vidorID.json`."""
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    items = []
    for i, row in enumerate(rows):
        where = f"{path} row {i + 2}"
        missing = [c for c in NEXTQA_COLUMNS if not row.get(c)]
        if missing:
            raise DataFormatError(where, f"not a NExT-QA row: missing {', '.join(missing)}")
        candidates = [row[f"a{k}"] for k in range(5)]
        if not row["answer"].isdigit() or int(row["answer"]) >= len(candidates):
            raise DataFormatError(where, f"answer {row['answer']!r} is not an option index 0-4")
        items.append(
            BenchItem(
                id=f"{row['video']}_{row['qid']}",
                video=str(row["video"]),
                question=row["question"],
                kind="mcq",
                candidates=candidates,
                answer_index=int(row["answer"]),
                task=row["type"],
                extra={"benchmark": "nextqa", "nextqa_group": row["type"][:1]},
            )
        )  # Causal/Temporal/Descr.
    return items


def read_perceptiontest(raw: dict, path: Path) -> list[BenchItem]:
    """PerceptionTest's annotations ({video_id: {"mc_question": [{id, question, options,
    answer_id, area?, tag?}], ...}}): the multiple-choice questions; video `{video_id}.mp4`."""
    items = []
    for video_id, entry in raw.items():
        for i, q in enumerate(entry.get("mc_question") or []):
            where = f"{path} {video_id}/mc_question[{i}]"
            options = q.get("options") if isinstance(q, dict) else None
            if not isinstance(options, list) or len(options) < 2 or "question" not in q:
                raise DataFormatError(where, "a PerceptionTest mc_question needs 'question' and 'options'")
            answer = q.get("answer_id")
            if not isinstance(answer, int) or not 0 <= answer < len(options):
                raise DataFormatError(where, f"answer_id {answer!r} is not an option index")
            items.append(
                BenchItem(
                    id=f"{video_id}_{q.get('id', i)}",
                    video=str(video_id),
                    question=str(q["question"]),
                    kind="mcq",
                    candidates=[str(o) for o in options],
                    answer_index=answer,
                    task=str(q.get("area", "all")),
                    extra={"benchmark": "perceptiontest", "tags": q.get("tag", [])},
                )
            )
    return items
