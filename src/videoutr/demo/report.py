"""Write DIR/results.json and DIR/report.md (+ PNGs) from a demo run's collected numbers.

The report is generated from `results` alone, so it can be re-rendered from a saved results.json:

    write_report(read_json("runs/demo/results.json"), Path("runs/demo"))
"""

from __future__ import annotations

from pathlib import Path

from videoutr.demo.collect import collect_results
from videoutr.demo.config import PERCEPTION_TASK
from videoutr.demo.plots import draw_all
from videoutr.jsonio import atomic_write_text, write_json

__all__ = ["collect_results", "render_markdown", "write_report"]


def pct(ci: dict | None) -> str:
    """'0.625 [0.51, 0.73]' from a mean_ci dict ('-' when missing)."""
    if not ci or ci.get("mean") is None:
        return "-"
    return f"{ci['mean']:.3f} [{ci['lo']:.2f}, {ci['hi']:.2f}]"


def _num(value: float | None, fmt: str = "+.3f") -> str:
    return "-" if value is None else format(value, fmt)


def _signed(ci: dict | None) -> str:
    """'+0.300 [+0.21, +0.39]' from a mean_ci dict of a difference ('-' when missing)."""
    if not ci or ci.get("mean") is None:
        return "-"
    return f"{ci['mean']:+.3f} [{ci['lo']:+.2f}, {ci['hi']:+.2f}]"


def _claims(results: dict) -> list[str]:
    lines = ["| id | claim | value [95% CI] | target | verdict |", "|---|---|---|---|---|"]
    for c in results["claims"]:
        lo, hi = c["ci"]
        ci = f" [{lo:+.3f}, {hi:+.3f}]" if lo is not None and hi is not None else ""
        lines.append(f"| `{c['id']}` | {c['claim']} | {_num(c['value'])}{ci} | {c['target']:g} | **{c['verdict']}** |")
    return lines


def _arms(results: dict) -> list[str]:
    conds = results["config"]["conditions"]
    lines = [
        "| arm | train samples | mean TPL of its data | "
        + " | ".join(f"temporal acc, {c}" for c in conds)
        + f" | answer prior | {PERCEPTION_TASK} (non-temporal control), full | twins both right |",
        "|---|---:|---:|" + "---:|" * len(conds) + "---:|---:|---:|",
    ]
    for arm, v in results["arms"].items():
        ev = v["eval"]
        cells = [pct(ev.get(c, {}).get("temporal")) for c in conds]
        control = ev.get("full", {}).get("tasks", {}).get(PERCEPTION_TASK)
        twins = v.get("twins", {}).get("both_right")
        lines.append(
            f"| {arm} | {v.get('n_train_samples') or '-'} | {pct(v.get('tpl'))} | "
            + " | ".join(cells)
            + f" | {_num(v.get('answer_prior'), '.3f')} | {pct(control)} | {_num(twins, '.3f')} |"
        )
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


def _tpl(results: dict) -> list[str]:
    pools = results.get("tpl_pools", {})
    if not pools:
        return []
    keys = list(results["config"]["tpl_key_frames"])
    lines = [
        "| training pool | samples | mean TPL [95% CI] | " + " | ".join(f"key frame {k}" for k in keys) + " | median |",
        "|---|---:|---:|" + "---:|" * len(keys) + "---:|",
    ]
    for name, p in pools.items():
        by_key = [pct(p.get("by_key", {}).get(k)) for k in keys]
        lines.append(f"| {name} | {p['n']} | {pct(p)} | " + " | ".join(by_key) + f" | {_num(p.get('median'), '.3f')} |")
    return lines


def _probes(results: dict) -> list[str]:
    probes = results.get("probes", {})
    lines = [
        "| model | frames used (masking) | cost on the frames that show the answer (even spread) "
        "| effective frames (attention) | mean drop per frame (nats) |",
        "|---|---:|---:|---:|---|",
    ]
    masking, attention = probes.get("masking", {}), probes.get("attention", {})
    for arm in [a for a in masking if not a.startswith("utr_minus_captions")]:
        found = masking[arm]
        drops = ", ".join(f"{d:.2f}" for d in found.get("mean_drop_by_frame", []))
        lines.append(
            f"| {arm} | {pct(found['frames_used'])} | {pct(found.get('on_answer_frames'))} "
            f"({_num(found.get('answer_frames_of_video'), '.2f')}) | "
            f"{pct(attention.get(arm, {}).get('effective_frames'))} | {drops} |"
        )
    lines += [
        "",
        "Cost on the frames that show the answer: per question of a place or colour task, the share of the "
        "masking cost (the drops above zero) on the frames where the world's truth equals the answer; in "
        "brackets the share an even spread over the frames would give. UTR - captions, paired: "
        f"{_signed(masking.get('utr_minus_captions_on_answer_frames'))}.",
    ]
    return lines


def _data(results: dict) -> list[str]:
    data = results.get("data", {})
    lines = []
    overlap = data.get("bench_questions_in_training")
    if overlap:
        lines.append(
            f"- Paraphrase split: {overlap['found_in_training']} of the benchmark's "
            f"{overlap['bench_questions']} question sentences appear in any training pool."
        )
    engine = (results.get("engine") or {}).get("correctness") or {}
    if engine.get("by_task"):
        per_task = ", ".join(f"{t} {v['correct']}/{v['answers']}" for t, v in engine["by_task"].items())
        lines.append(
            f"- The UTR data is `videoutr engine run`'s output, unchanged: its answers agree with the world's "
            f"truth on {engine['accuracy']:.1%} of {engine['answers']} ({per_task})."
        )
    return lines


def _wall(results: dict) -> str:
    calls = [c for c in results.get("calls", []) if c.get("ran_stages")]
    return f"{results.get('wall_s', 0):.0f} s over {len(calls)} call(s) that ran stages"


def render_markdown(results: dict, images: list[str]) -> str:
    cfg = results["config"]
    verdicts = [c["verdict"] for c in results["claims"]]
    summary = ", ".join(
        f"{verdicts.count(v)} {v}"
        for v in ("reproduced", "below target", "inconclusive", "contradicted", "not measured")
        if verdicts.count(v)
    )
    chance = results.get("chance")
    parts = [
        "# videoutr demo: temporal hacking and its cure on the synthetic world",
        "",
        f"Command: `videoutr demo --world-seed {cfg['world_seed']} --train-seed {cfg['train_seed']}` "
        f"({cfg['seeds']} training seed(s), {cfg['steps']} steps per arm at batch {cfg['batch_size']}, "
        f"{cfg['frames']} frames per video). Wall time: {_wall(results)}.",
        "Intervals are 95% bootstrap intervals; differences between models and conditions are paired over the"
        " same benchmark questions. Every number is computed from this run's files.",
        "",
        f"## Claims ({summary})",
        "",
        *_claims(results),
        "",
        *_data(results),
        "",
        "## Temporal accuracy per arm and condition",
        "",
        f"Chance on the temporal questions: {_num(chance, '.3f')}. `first` / `last`: the first / last frame shown"
        " as a still video; `none`: no video. The answer prior answers from the arm's training answers alone.",
        "",
        *_arms(results),
        "",
        "## Accuracy per task (full video)",
        "",
        *_tasks(results),
        "",
        "## TPL of the training pools (under the base checkpoint)",
        "",
        *_tpl(results),
        "",
        "## Frame use",
        "",
        *_probes(results),
        "",
    ]
    parts += [f"![{name}]({name})" for name in images]
    return "\n".join(parts) + "\n"


def write_report(results: dict, out: Path) -> None:
    """results.json, the PNGs, then report.md (written last: its presence means the run finished)."""
    out = Path(out)
    write_json(out / "results.json", results)
    images = draw_all(results, out)
    atomic_write_text(out / "report.md", render_markdown(results, images))
