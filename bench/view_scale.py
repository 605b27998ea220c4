"""How `videoutr view` copes with 10,000 samples: site build time and size, and in headless
Chromium the time to first table, to sort, to filter and to open a sample in the last page chunk.

The 10,000 TPL records are copies of a real TPL run's records (ids, TPL values and subsets varied),
all pointing at that run's videos, so frame sheets are made once per video as in a real run.

    python bench/view_scale.py runs/demo/tpl/utr.jsonl --samples 10000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

from videoutr.jsonio import iter_jsonl, read_json, write_json, write_jsonl
from videoutr.view import build_site
from videoutr.view.browser import chromium


def scaled_run(scores: Path, n: int, out: Path) -> Path:
    """A copy of the TPL run at `scores` grown to `n` records (and its data file to `n` samples)."""
    config = read_json(scores.with_name(scores.name + ".config.json"))
    samples = {s["id"]: s for s in read_json(config["data"])}
    records = list(iter_jsonl(scores))
    rng = random.Random(0)
    new_records, new_samples = [], []
    for i in range(n):
        r = dict(records[i % len(records)])
        s = dict(samples[r["id"]])
        r["id"] = s["id"] = f"{r['id']}-{i:05d}"
        r["tpl"] = rng.gauss(0, 5)
        r["subset"] = f"subset{i % 7}"
        new_records.append(r)
        new_samples.append(s)
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "data.json", new_samples)
    write_jsonl(out / "scores.jsonl", new_records)
    write_json(out / "scores.jsonl.config.json", {**config, "data": str(out / "data.json")})
    return out / "scores.jsonl"


def timed(browser, script: str) -> float:
    """Milliseconds the page takes to run `script` and redraw the table (measured inside the page)."""
    return browser.execute_script(f"const t = performance.now(); {script}; return performance.now() - t;")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scores", type=Path)
    parser.add_argument("--samples", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    try:
        scores = scaled_run(args.scores, args.samples, work / "run")
        start = time.perf_counter()
        index = build_site(scores, work / "site").index
        build_s = time.perf_counter() - start
        size_mb = sum(p.stat().st_size for p in (work / "site").rglob("*") if p.is_file()) / 1e6
        with chromium(work / "profile") as browser:
            start = time.perf_counter()
            browser.get(index.as_uri())
            while not browser.execute_script("return document.querySelectorAll('#rows tbody tr').length"):
                time.sleep(0.01)
            load_ms = (time.perf_counter() - start) * 1000
            sort_ms = timed(browser, "V.sort = {key: 'tpl', dir: 1}; applyFilters()")
            filter_ms = timed(browser, "V.filters.subset = 'subset3'; applyFilters()")
            start = time.perf_counter()
            last = args.samples - 1
            browser.execute_script(f"select({last})")
            while browser.execute_script("return document.getElementById('detail').dataset.loaded") != str(last):
                time.sleep(0.01)
            open_ms = (time.perf_counter() - start) * 1000
        print(
            json.dumps(
                {
                    "samples": args.samples,
                    "build_s": round(build_s, 2),
                    "site_mb": round(size_mb, 1),
                    "load_to_table_ms": round(load_ms),
                    "sort_ms": round(sort_ms, 1),
                    "filter_ms": round(filter_ms, 1),
                    "open_last_sample_ms": round(open_ms),
                }
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
