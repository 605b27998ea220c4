"""TPL-based data selection (the paper's VideoChat2-PPL idea): keep the high-TPL samples.

The LLaVA records are copied unchanged (same keys, same order), streamed: the data is read twice,
one record at a time (ids and subsets to rank, then the records to copy); each dropped sample is listed
with its reason ("tpl below 0.05", "not in top 30%", "not scored") in `<out>.dropped.jsonl`.

    result = filter_by_tpl("scores.jsonl", "data.json", "kept.json", top_fraction=0.3)
    result.kept, result.reasons
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from videoutr.checks import Checks
from videoutr.data.stream import iter_records
from videoutr.errors import ConfigError, DataFormatError
from videoutr.jsonio import atomic_writer, iter_jsonl, jsonl_line, write_jsonl


@dataclass
class FilterResult:
    kept: int = 0
    dropped: int = 0
    reasons: Counter = field(default_factory=Counter)


def _light(record) -> dict | None:
    """What the selection needs of a record (its id and group), not its dialogue."""
    if not isinstance(record, dict):
        return None
    return {k: record[k] for k in ("id", "subset", "source") if k in record}


def _write_kept(data: Path, reasons: list[str | None], out: Path) -> None:
    """Stream `data` again and write the kept records to `out` (the bytes `write_json(l)` writes)."""
    with atomic_writer(out) as handle:
        if out.suffix == ".jsonl":
            for (_, record), why in zip(iter_records(data), reasons):
                if why is None:
                    handle.write(jsonl_line(record))
            return
        first = True
        for (_, record), why in zip(iter_records(data), reasons):
            if why is None:
                handle.write(
                    ("[\n  " if first else ",\n  ")
                    + json.dumps(record, indent=2, ensure_ascii=False).replace("\n", "\n  ")
                )
                first = False
        handle.write("[]\n" if first else "\n]\n")


def _scores(path: Path) -> dict[str, float]:
    scores = {}
    for record in iter_jsonl(path):
        if "id" not in record or "tpl" not in record:
            raise DataFormatError(path, f"score record without 'id'/'tpl': {json.dumps(record)[:80]}")
        if record["tpl"] is not None and not isinstance(record["tpl"], (int, float)):
            raise DataFormatError(path, f"score record {record['id']!r}: 'tpl' must be a number, got {record['tpl']!r}")
        if record["tpl"] is not None and math.isfinite(record["tpl"]):
            scores[str(record["id"])] = float(record["tpl"])
    return scores


def _decide(
    records: list, scores: dict, min_tpl: float | None, top_fraction: float | None, per_subset: bool
) -> list[str | None]:
    """A drop reason per record (None = keep)."""
    ids = [str(r.get("id")) if isinstance(r, dict) else None for r in records]
    first = {}
    for row, i in enumerate(ids):
        first.setdefault(i, row)
    duplicate = [first[i] != row for row, i in enumerate(ids)]  # the scorer scored the first only
    reasons = _decide_unique(records, ids, scores, min_tpl, top_fraction, per_subset, duplicate)
    return ["duplicate id (not scored)" if dup else why for dup, why in zip(duplicate, reasons)]


def _decide_unique(records, ids, scores, min_tpl, top_fraction, per_subset, duplicate):
    if min_tpl is not None:
        return [
            ("not scored" if i not in scores else None if scores[i] >= min_tpl else f"tpl below {min_tpl:g}")
            for i in ids
        ]
    groups: dict[str, list[int]] = {}
    for row, (i, record) in enumerate(zip(ids, records)):
        if i in scores and not duplicate[row]:
            key = str(record.get("subset", record.get("source", ""))) if per_subset else ""
            groups.setdefault(key, []).append(row)
    keep = set()
    for rows in groups.values():
        ranked = sorted(rows, key=lambda r: -scores[ids[r]])  # stable: ties keep input order
        keep.update(ranked[: math.ceil(top_fraction * len(ranked))])
    label = f"not in top {top_fraction:.0%}" + (" of its subset" if per_subset else "")
    return [None if row in keep else ("not scored" if i not in scores else label) for row, i in enumerate(ids)]


def filter_by_tpl(
    scores: str | Path,
    data: str | Path,
    out: str | Path,
    min_tpl: float | None = None,
    top_fraction: float | None = None,
    per_subset: bool = False,
) -> FilterResult:
    """Keep samples with TPL >= `min_tpl`, or the `top_fraction` highest (per subset if asked).

    Refused before anything is written: both or neither criterion, a non-finite threshold, an
    output that is one of the inputs, and scores of which no id is in `data` (scores of other data).
    """
    checks = Checks("tpl filter")
    checks.need(
        (min_tpl is None) != (top_fraction is None),
        "--min-tpl/--top-fraction",
        "exactly one of them",
        (min_tpl, top_fraction),
    )
    checks.need(min_tpl is None or math.isfinite(min_tpl), "--min-tpl", "a finite number", min_tpl)
    checks.in_range("--top-fraction", top_fraction, 0, 1, low_open=True)
    checks.input_file("--scores", scores)
    checks.input_file("--data", data)
    checks.output("--out", out, inputs={"--data": data, "--scores": scores})
    checks.done()
    records = [_light(record) for _, record in iter_records(data)]  # streamed; kept light
    score_of = _scores(Path(scores))
    ids = {str(r.get("id")) for r in records if isinstance(r, dict)}
    if not score_of:
        raise ConfigError(f"tpl filter: --scores {scores} holds no finite TPL score")
    if not ids & set(score_of):
        raise ConfigError(
            f"tpl filter: none of the {len(score_of)} scored ids of --scores {scores} is in --data {data} "
            "(scores of other data?)"
        )
    reasons = _decide(records, score_of, min_tpl, top_fraction, per_subset)
    dropped = [
        {"id": r.get("id") if isinstance(r, dict) else None, "reason": why}
        for r, why in zip(records, reasons)
        if why is not None
    ]
    out = Path(out)
    _write_kept(Path(data), reasons, out)
    write_jsonl(out.with_name(out.name + ".dropped.jsonl"), dropped)
    return FilterResult(
        kept=len(records) - len(dropped), dropped=len(dropped), reasons=Counter(d["reason"] for d in dropped)
    )
