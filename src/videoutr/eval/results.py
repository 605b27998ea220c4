"""Summaries, report and bar chart of an evaluation's per-sample records.

Records (one per item and condition, from `samples.jsonl`) carry `condition`, `task`, `kind`,
`correct` (MCQ, 0/1 or None on error), open-QA metrics, `answer_logprob`, and `error` when the
item could not be scored (counted, never in the accuracy).

    summary = summarise(records, meta={"model": "runs/tiny"})
    write_outputs(out_dir, summary)        # summary.json, report.md, accuracy.png
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from pathlib import Path

from videoutr.eval.probes import time_verdict
from videoutr.jsonio import atomic_write_text, write_json

_OPEN_METRICS = ("exact_match", "contains", "token_f1", "judge_correct", "judge_score")
# item fields scored group by group as lmms-eval reports them (Video-MME: per duration, domain, sub-category)
GROUP_KEYS = ("duration", "domain", "sub_category")


def _mean(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def _group_scores(records: list[dict]) -> dict:
    ok = [r for r in records if not r.get("error")]
    out = {"n": len(ok), "errors": len(records) - len(ok)}
    mcq = [r for r in ok if r.get("kind") == "mcq"]
    if mcq:
        for method in ("loglik", "generate"):
            vals = [r[f"correct_{method}"] for r in mcq if r.get(f"correct_{method}") is not None]
            if vals:
                out[f"accuracy_{method}"] = _mean(vals)
        answered = [
            r
            for r in mcq
            if r.get("correct_generate") is not None and r.get("answered_generate", r.get("pred_generate") is not None)
        ]
        if "accuracy_generate" in out:  # over all items and over the answered ones (MVBench's lmms-eval score)
            out["answered_generate"] = len(answered)
            out["accuracy_generate_answered"] = _mean([r["correct_generate"] for r in answered])
        out["accuracy"] = out.get("accuracy_loglik", out.get("accuracy_generate"))
    opens = [r for r in ok if r.get("kind") == "open"]
    for metric in _OPEN_METRICS:
        vals = [r.get(metric) for r in opens if r.get(metric) is not None]
        if vals:
            out[metric] = _mean(vals)
    if opens and "accuracy" not in out:
        out["accuracy"] = out.get("judge_correct", out.get("exact_match"))
    out["answer_logprob"] = _mean([r.get("answer_logprob") for r in ok])
    out["answer_logprob_per_token"] = _mean([r.get("answer_logprob_per_token") for r in ok])
    return out


def summarise(records: list[dict], meta: dict | None = None) -> dict:
    """Per condition: overall, per task, per group of `GROUP_KEYS` (where items have one),
    temporal-only scores; plus the time-use verdict."""
    by_cond: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_cond[record["condition"]].append(record)
    conditions = {}
    for cond, recs in by_cond.items():
        tasks: dict[str, list[dict]] = defaultdict(list)
        for r in recs:
            tasks[r.get("task", "all")].append(r)
        entry = {"overall": _group_scores(recs), "tasks": {t: _group_scores(rs) for t, rs in sorted(tasks.items())}}
        for key in GROUP_KEYS:
            groups: dict[str, list[dict]] = defaultdict(list)
            for r in recs:
                if r.get(key) is not None:
                    groups[str(r[key])].append(r)
            if groups:
                entry[f"by_{key}"] = {g: _group_scores(rs) for g, rs in sorted(groups.items())}
        temporal = [r for r in recs if r.get("temporal") is True]
        if temporal:
            entry["temporal_only"] = _group_scores(temporal)
        conditions[cond] = entry
    summary = {**(meta or {}), "conditions": conditions}
    if len(conditions) > 1:
        summary["verdict"] = time_verdict({c: v["overall"] for c, v in conditions.items()})
        temporal = {c: v["temporal_only"] for c, v in conditions.items() if "temporal_only" in v}
        if len(temporal) > 1:
            summary["verdict_temporal_only"] = time_verdict(temporal)
    if any(r.get("judge_model") for r in records):
        summary["judge"] = {
            "model": next(r["judge_model"] for r in records if r.get("judge_model")),
            "note": "judge_correct / judge_score depend on the judge model; EM/F1 do not",
        }
    return summary


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def report_markdown(summary: dict) -> str:
    """A short markdown report: a table of conditions x tasks (and groups), then the verdict."""
    conds = list(summary["conditions"])
    tasks = sorted({t for c in conds for t in summary["conditions"][c]["tasks"]})
    lines = [
        f"# Evaluation of {summary.get('model', '?')} on {summary.get('bench', '?')}",
        "",
        "| task | " + " | ".join(conds) + " |",
        "|---|" + "---|" * len(conds),
    ]
    for task in tasks:
        cells = [_fmt(summary["conditions"][c]["tasks"].get(task, {}).get("accuracy")) for c in conds]
        lines.append(f"| {task} | " + " | ".join(cells) + " |")
    lines.append(
        "| **all** | " + " | ".join(_fmt(summary["conditions"][c]["overall"].get("accuracy")) for c in conds) + " |"
    )
    for key in GROUP_KEYS:
        names = sorted({g for c in conds for g in summary["conditions"][c].get(f"by_{key}", {})})
        for name in names:
            cells = [_fmt(summary["conditions"][c].get(f"by_{key}", {}).get(name, {}).get("accuracy")) for c in conds]
            lines.append(f"| {key}: {name} | " + " | ".join(cells) + " |")
    for key in ("verdict", "verdict_temporal_only"):
        if key in summary:
            lines += ["", f"**{key.replace('_', ' ')}**: {summary[key]['statement']}"]
    if "judge" in summary:
        lines += ["", f"Judge-dependent scores from {summary['judge']['model']}."]
    return "\n".join(lines) + "\n"


def bar_chart(summary: dict, path: str | Path) -> None:
    """Grouped bars: accuracy per task (x) and condition (colour); matplotlib Agg."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    conds = list(summary["conditions"])
    tasks = sorted({t for c in conds for t in summary["conditions"][c]["tasks"]}) + ["all"]
    width = 0.8 / max(len(conds), 1)
    fig, ax = plt.subplots(figsize=(max(5.0, 1.2 * len(tasks) + 2), 3.6))
    for j, cond in enumerate(conds):
        entry = summary["conditions"][cond]
        vals = [(entry["tasks"].get(t, {}) if t != "all" else entry["overall"]).get("accuracy") or 0.0 for t in tasks]
        ax.bar([i + j * width for i in range(len(tasks))], vals, width, label=cond)
    ax.set_xticks([i + width * (len(conds) - 1) / 2 for i in range(len(tasks))], tasks, rotation=30, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy")
    ax.set_title(str(summary.get("model", "")))
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_outputs(out_dir: str | Path, summary: dict) -> None:
    """summary.json, report.md and accuracy.png in `out_dir` (all written atomically)."""
    out = Path(out_dir)
    write_json(out / "summary.json", summary)
    atomic_write_text(out / "report.md", report_markdown(summary))
    tmp = out / ".accuracy.tmp.png"
    bar_chart(summary, tmp)
    tmp.replace(out / "accuracy.png")
