"""Per-sample results as Parquet, for pandas / polars / DuckDB.

- TPL: one row per scored sample, the scores file's fields as columns (`turns` a list of structs);
- eval / probe: one row per question and condition (`samples.jsonl`), plus `outcome`
  ("right" / "wrong" / "error") and, when the benchmark is readable, `question`, `options`, `video`.

    write_parquet(tpl_rows(Path("runs/tpl/scores.jsonl")), Path("runs/tpl/scores.parquet"))
    pandas.read_parquet("runs/tpl/scores.parquet").sort_values("tpl").tail()
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from videoutr.jsonio import iter_jsonl, read_json


def tpl_rows(scores: Path) -> list[dict[str, Any]]:
    return list(iter_jsonl(scores))


def eval_rows(run_dir: Path) -> list[dict[str, Any]]:
    from videoutr.view.evals import load_questions, outcome

    items, _ = load_questions(read_json(run_dir / "config.json"))
    rows = []
    for record in iter_jsonl(run_dir / "samples.jsonl"):
        item = items.get(record["id"])
        extra = {"question": item.question, "options": item.candidates, "video": item.video} if item else {}
        rows.append({**record, "outcome": outcome(record), **extra})
    return rows


def write_parquet(rows: list[dict[str, Any]], out: Path) -> Path:
    """One column per key found in any row (missing values null); written atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    table = pa.table({k: pa.array([row.get(k) for row in rows]) for k in keys})
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, out)
    return out
