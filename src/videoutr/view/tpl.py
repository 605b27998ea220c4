"""The TPL run's view: every scored sample with its TPL, perplexities, source and subset; per
sample the key frame beside the frames the model saw, and each assistant turn's perplexities.

Reads `<scores>.jsonl` and what `videoutr tpl score` wrote beside it (`.config.json` for the data file,
video root and key frame; `.summary.json`; `.errors.jsonl`; the two PNG plots).

    run, details = tpl_view(Path("runs/tpl/scores.jsonl"), site)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from videoutr.jsonio import iter_jsonl, read_json
from videoutr.video.keyframe import key_frame_index
from videoutr.view.site import Site, column

COLUMNS = [
    column("id", "sample", kind="text"),
    column("source", kind="text"),
    column("subset", kind="text"),
    column("tpl", "TPL"),
    column("ppl_full", "PPL all frames"),
    column("ppl_single", "PPL key frame"),
    column("n_tokens", "answer tokens"),
    column("frames"),
]


def beside(scores: Path, suffix: str) -> Path:
    """A file `videoutr tpl score` wrote beside its scores: `<scores><suffix>`."""
    return scores.with_name(scores.name + suffix)


def _resolve(path: str, scores: Path) -> Path:
    """A path recorded in the run's config: as written, else relative to the scores' folder."""
    p = Path(path)
    return p if p.is_absolute() or p.exists() else scores.parent / p


def _dialogues(config: dict[str, Any], scores: Path, site: Site) -> dict[str, dict]:
    """Samples of the scored data file by id ({} with a warning when it is gone)."""
    from videoutr.tpl.run import read_samples_lenient

    data = _resolve(str(config.get("data", "")), scores)
    if not data.is_file():
        site.warn(f"{data}: the scored data file is not there; samples shown without their text")
        return {}
    return {s.id: s for s in read_samples_lenient(data, lambda where, reason: None)}


def turn_pairs(sample, turns: list[dict]) -> list[dict]:
    """Each scored assistant turn with the human turn before it and its perplexities."""
    out, question = [], ""
    scored = iter(turns)
    for turn in sample.conversations if sample is not None else []:
        if turn.role == "human":
            question = turn.value
            continue
        score = next(scored, {})
        out.append({"human": question, "gpt": turn.value, **score})
        question = ""
    return out or [{"human": "", "gpt": "", **t} for t in turns]


def media_order(records: list[dict]) -> list[int]:
    """Row indices by how much a reader wants to see them: highest and lowest TPL alternately."""
    finite = sorted((i for i, r in enumerate(records) if _finite(r.get("tpl"))), key=lambda i: -records[i]["tpl"])
    order = []
    lo, hi = 0, len(finite) - 1
    while lo <= hi:
        order.append(finite[lo])
        if hi != lo:
            order.append(finite[hi])
        lo, hi = lo + 1, hi - 1
    return order + [i for i, r in enumerate(records) if not _finite(r.get("tpl"))]


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def tpl_view(scores: Path, site: Site) -> tuple[dict[str, Any], list[dict]]:
    """The run summary and table (one row per scored sample), and one detail per row."""
    config = read_json(beside(scores, ".config.json"))
    records = list(iter_jsonl(scores))
    samples = _dialogues(config, scores, site)
    root = _resolve(str(config.get("video_root", ".")), scores)
    media: dict[int, dict | None] = {}
    for i in media_order(records):
        sample = samples.get(records[i]["id"])
        if sample is not None and sample.video:
            media[i] = site.sheet(root / sample.video, records[i].get("frame_idx", []))
    rows, details = [], []
    for i, r in enumerate(records):
        sample = samples.get(r["id"])
        frames = r.get("frame_idx", [])
        rows.append(
            [
                r["id"],
                r.get("source"),
                r.get("subset"),
                r.get("tpl"),
                r.get("ppl_full"),
                r.get("ppl_single"),
                r.get("n_tokens"),
                len(frames),
            ]
        )
        key = (
            key_frame_index(len(frames), config.get("key_frame", "first"), r["id"], config.get("seed", 0))
            if frames
            else None
        )
        details.append(
            {
                "id": r["id"],
                "video": sample.video if sample else None,
                "frame_idx": frames,
                "key_frame": frames[key] if key is not None else None,
                "media": media.get(i),
                "turns": turn_pairs(sample, r.get("turns", [])),
            }
        )
    summary = read_json(beside(scores, ".summary.json")) if beside(scores, ".summary.json").is_file() else {}
    errors = list(iter_jsonl(beside(scores, ".errors.jsonl"))) if beside(scores, ".errors.jsonl").is_file() else []
    plots = [site.image(p) for p in (beside(scores, ".hist.png"), beside(scores, ".subsets.png")) if p.is_file()]
    run = {
        "kind": "tpl",
        "title": f"TPL scores {scores.name}",
        "settings": config,
        "summary": summary,
        "errors": errors,
        "plots": plots,
        "table": {
            "columns": COLUMNS,
            "rows": rows,
            "filters": ["source", "subset"],
            "ranges": ["tpl"],
            "sort": ["tpl", -1],
        },
    }
    return run, details
