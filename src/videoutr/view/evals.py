"""The eval / probe run's view: per question, its options with their scores under each frame
condition, the right answer and each condition's pick marked; filters by task, kind and outcome.

Reads `samples.jsonl`, `config.json` (for the benchmark's questions and the video root),
`summary.json`, `report.md` and `accuracy.png` of a `videoutr eval run` or `videoutr eval probe` folder.

    run, details = eval_view(Path("runs/eval"), site)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from videoutr.errors import VideoReadError, VideoutrError
from videoutr.eval.benchmarks import load_benchmark, resolve_video
from videoutr.jsonio import iter_jsonl, read_json
from videoutr.view.markdown import render_markdown
from videoutr.view.media import uniform_frames
from videoutr.view.site import Site, column

MEDIA_FRAMES = 16  # frames shown of a question's video when the run used the model's own policy
_CORRECT_KEYS = ("correct_loglik", "correct_generate", "judge_correct", "exact_match")


def outcome(record: dict[str, Any]) -> str:
    """ "right", "wrong" or "error" for one question under one condition."""
    if record.get("error"):
        return "error"
    for key in _CORRECT_KEYS:
        if record.get(key) is not None:
            return "right" if record[key] else "wrong"
    return "error"


def _pick(record: dict[str, Any]) -> int | None:
    return record.get("pred_loglik", record.get("pred_generate"))


def load_questions(config: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The run's benchmark items by id, or ({}, why) when the benchmark cannot be read."""
    try:
        return {item.id: item for item in load_benchmark(config["bench"], config.get("fmt", "auto"))}, None
    except (VideoutrError, OSError, KeyError) as exc:
        return {}, f"benchmark {config.get('bench')}: {exc}"


def eval_view(run_dir: Path, site: Site) -> tuple[dict[str, Any], list[dict]]:
    """The run summary and table (one row per question), and one detail per row."""
    config = read_json(run_dir / "config.json")
    conditions = list(config.get("conditions", []))
    by_item: dict[str, dict[str, dict]] = {}
    for record in iter_jsonl(run_dir / "samples.jsonl"):
        by_item.setdefault(record["id"], {})[record["condition"]] = record
        if record["condition"] not in conditions:
            conditions.append(record["condition"])
    questions, problem = load_questions(config)
    if problem:
        site.warn(f"{problem}; questions shown without their text")
    rows, details = [], []
    for item_id, records in by_item.items():
        first = next(iter(records.values()))
        item = questions.get(item_id)
        rows.append(
            [
                item_id,
                first.get("task"),
                first.get("kind"),
                {True: "yes", False: "no"}.get(first.get("temporal"), "?"),
                *(outcome(records[c]) if c in records else "-" for c in conditions),
            ]
        )
        media = None
        path = resolve_video(item.video, config.get("video_root", [])) if item is not None else None
        if path is not None:
            try:
                media = site.sheet(path, uniform_frames(path, config.get("frames") or MEDIA_FRAMES))
            except VideoReadError as exc:
                site.warn(f"{exc.path}: {exc.reason}")
        details.append(
            {
                "id": item_id,
                "question": item.question if item else None,
                "kind": first.get("kind"),
                "options": item.candidates if item else [],
                "references": item.references if item else [],
                "answer_index": first.get("answer_index"),
                "video": item.video if item else None,
                "media": media,
                "conditions": {
                    c: {
                        "outcome": outcome(r),
                        "scores": r.get("logliks"),
                        "pick": _pick(r),
                        "generation": r.get("generation"),
                        "frames_shown": r.get("frames_shown"),
                        "error": r.get("error"),
                        "metrics": {k: r[k] for k in ("exact_match", "contains", "token_f1", "judge_score") if k in r},
                    }
                    for c, r in records.items()
                },
            }
        )
    summary = read_json(run_dir / "summary.json") if (run_dir / "summary.json").is_file() else {}
    report = (run_dir / "report.md").read_text(encoding="utf-8") if (run_dir / "report.md").is_file() else ""
    report_html = render_markdown(report, run_dir, site) if report else ""
    plots = [site.image(run_dir / "accuracy.png")] if (run_dir / "accuracy.png").is_file() else []
    columns = [
        column("id", "question", kind="text"),
        *(column(key, kind="text") for key in ("task", "kind", "temporal")),
        *(column(f"c:{c}", c, kind="outcome") for c in conditions),
    ]
    run = {
        "kind": "eval",
        "title": f"evaluation {run_dir.name}",
        "settings": config,
        "summary": summary,
        "report_html": report_html,
        "plots": plots,
        "conditions": conditions,
        "table": {
            "columns": columns,
            "rows": rows,
            "ranges": [],
            "filters": ["task", "kind", "temporal", *(f"c:{c}" for c in conditions)],
        },
    }
    return run, details
