"""Write DIR/results.json and DIR/report.md (+ PNGs) from a demo run's collected numbers.

The report is generated from `results` alone, so it can be re-rendered from a saved results.json:

    >>> write_report(read_json("runs/demo/results.json"), Path("runs/demo"))
"""

from __future__ import annotations

from pathlib import Path

from videoutr.demo.collect import collect_results
from videoutr.demo.findings import caveats
from videoutr.demo.plots import draw_all
from videoutr.jsonio import atomic_write_text, write_json

__all__ = ["collect_results", "render_markdown", "write_report"]


def pct(ci: dict | None) -> str:
    """'0.625 [0.51, 0.73]' from a mean_ci dict ('-' when missing)."""
    if not ci or ci.get("mean") is None:
        return "-"
    return f"{ci['mean']:.3f} [{ci['lo']:.2f}, {ci['hi']:.2f}]"


def _headline(results: dict) -> list[str]:
    conds = results["config"]["conditions"]
    lines = ["| arm | train samples | mean TPL of its data | " + " | ".join(f"temporal acc, {c}" for c in conds)
             + " | shape (control), full | twins both right |",
             "|---|---:|---:|" + "---:|" * len(conds) + "---:|---:|"]
    for arm, v in results["arms"].items():
        ev = v["eval"]
        cells = [pct(ev.get(c, {}).get("temporal")) for c in conds]
        shape = ev.get("full", {}).get("tasks", {}).get("shape")
        twins = v.get("twins", {}).get("both_right")
        tpl = v.get("tpl") or {}
        lines.append(f"| {arm} | {v.get('n_train_samples') or '-'} | {pct(tpl) if tpl else '-'} | " + " | ".join(cells)
                     + f" | {pct(shape)} | {'-' if twins is None else f'{twins:.3f}'} |")
    return lines


def _tasks(results: dict) -> list[str]:
    arms = list(results["arms"])
    tasks = sorted({t for a in arms for t in results["arms"][a]["eval"].get("full", {}).get("tasks", {})})
    lines = ["| task | n | " + " | ".join(arms) + " |", "|---|---:|" + "---:|" * len(arms)]
    for t in tasks:
        cells, n = [], 0
        for a in arms:
            ci = results["arms"][a]["eval"].get("full", {}).get("tasks", {}).get(t)
            n = max(n, (ci or {}).get("n", 0))
            cells.append("-" if not ci or ci.get("mean") is None else f"{ci['mean']:.2f}")
        lines.append(f"| {t} | {n} | " + " | ".join(cells) + " |")
    return lines


def _findings(results: dict) -> list[str]:
    lines = ["| claim (paper) | measure | result: difference [95% CI] | verdict |", "|---|---|---|---|"]
    for f in results["findings"]:
        lines.append(f"| {f['claim']} | {f['measure']} | {f['evidence']} | **{f['verdict']}** |")
    return lines


def _other(results: dict) -> list[str]:
    lines = []
    pools = results.get("tpl_pools", {})
    if pools:
        lines += ["| training pool | samples | mean TPL [95% CI] | median TPL |", "|---|---:|---:|---:|"]
        for name, p in pools.items():
            med = "-" if p.get("median") is None else f"{p['median']:.4f}"
            lines.append(f"| {name} | {p['n']} | {pct(p)} | {med} |")
        lines.append("")
    att = {k: v for k, v in results.get("attention", {}).items() if isinstance(v, dict) and "effective_frames" in v}
    if att:
        lines += ["| model | effective frames (exp entropy) | frames >= 1/T share | questions |", "|---|---:|---:|---:|"]
        for arm, v in att.items():
            lines.append(f"| {arm} | {pct(v['effective_frames'])} | {pct(v['active_frames'])} | {v['effective_frames']['n']} |")
    return lines


def _wall(results: dict) -> str:
    calls = [c for c in results.get("calls", []) if c.get("ran_stages")]
    stage_sum = sum(v or 0 for v in results.get("timings_s", {}).values())
    if not calls:
        return f"sum of stage times {stage_sum:.0f} s (stages run two at a time)"
    return (f"{sum(c['wall_s'] for c in calls):.0f} s over {len(calls)} call(s) that ran stages "
            f"(sum of stage times {stage_sum:.0f} s; arms train two at a time)")


def _agreement(results: dict) -> list[str]:
    rows = results.get("data", {}).get("utr_agreement")
    if not rows:
        return []
    checked = {task: r for task, r in rows.items() if task != "unchecked"}
    asked, agree = sum(r["asked"] for r in checked.values()), sum(r["agree"] for r in checked.values())
    per_task = ", ".join(f"{task} {r['agree']}/{r['asked']}" for task, r in checked.items())
    unchecked = rows.get("unchecked", {}).get("asked", 0)
    return [f"- The UTR short-form answers (from the tracker, not the truth) agree with the world's truth on "
            f"{agree} of {asked} questions the benchmark also asks ({per_task}); {unchecked} more have no "
            "benchmark counterpart.", ""]


def render_markdown(results: dict, images: list[str]) -> str:
    cfg = results["config"]
    verdicts = [f["verdict"] for f in results["findings"]]
    summary = (f"{verdicts.count('reproduced')} of {len(verdicts)} expected effects reproduced, "
               f"{verdicts.count('inconclusive')} inconclusive, {verdicts.count('contradicted')} contradicted, "
               f"{verdicts.count('not measured')} not measured.")
    parts = [
        "# videoutr demo: temporal hacking and its cure on the synthetic world", "",
        f"Command: `videoutr demo` with {cfg['seeds']} seed(s), {cfg['steps']} steps per arm (batch "
        f"{cfg['batch_size']}), {cfg['frames']} frames per video, TPL key frame `{cfg['tpl_key_frame']}`. "
        f"Wall time: {_wall(results)}.",
        "Intervals are 95% bootstrap intervals. Differences between models and conditions are paired over the same"
        " benchmark questions and resample both the questions and each model's training seeds (so, with several"
        " seeds, they hold training-run variance); single accuracies resample questions, averaged over seeds."
        " Every number is computed from this run's files.", "",
        "## What reproduced", "", summary, "", *_findings(results), "",
        *[f"- {note}" for note in caveats(results)], "",
        "## Temporal accuracy per arm and condition", "", *_agreement(results), *_headline(results), "",
        "## Accuracy per task (full video)", "", *_tasks(results), "",
        "## TPL and frame activation", "", *_other(results), "",
    ]
    parts += [f"![{name}]({name})" for name in images]
    return "\n".join(parts) + "\n"


def write_report(results: dict, out: Path) -> None:
    """results.json, the PNGs, then report.md (written last: its presence means the run finished)."""
    out = Path(out)
    write_json(out / "results.json", results)
    images = draw_all(results, out)
    atomic_write_text(out / "report.md", render_markdown(results, images))
