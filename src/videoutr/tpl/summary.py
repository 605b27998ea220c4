"""TPL summaries: mean / median / count per subset and source, a histogram, a per-subset bar chart.

TPL is heavy-tailed (a few temporal questions score very high), so the median is reported beside
the mean. The bar chart mirrors the paper's Finding 5 ("TPL (frame1-frame32)" per sub-dataset).

    summary = summarise_scores(records)           # records: the scores JSONL as dicts
    summary["by_subset"]["webvid"]["median"]
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

from videoutr.jsonio import write_json


def _stats(values: list[float]) -> dict:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return {"count": 0, "mean": None, "median": None}
    return {
        "count": len(finite),
        "mean": statistics.fmean(finite),
        "median": statistics.median(finite),
        "std": statistics.pstdev(finite),
        "min": min(finite),
        "max": max(finite),
    }


def summarise_scores(records: list[dict]) -> dict:
    """Statistics of `tpl` overall, per `subset` and per `source`."""
    groups: dict[str, dict[str, list[float]]] = {"by_subset": {}, "by_source": {}}
    for record in records:
        groups["by_subset"].setdefault(str(record.get("subset", "unknown")), []).append(record["tpl"])
        groups["by_source"].setdefault(str(record.get("source", "unknown")), []).append(record["tpl"])
    summary = {"overall": _stats([r["tpl"] for r in records])}
    for name, by in groups.items():
        summary[name] = {key: _stats(values) for key, values in sorted(by.items())}
    return summary


def plot_histogram(records: list[dict], path: Path, title: str) -> None:
    """Histogram of TPL, one stacked colour per subset."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by: dict[str, list[float]] = {}
    for record in records:
        if record["tpl"] is not None and math.isfinite(record["tpl"]):
            by.setdefault(str(record.get("subset", "unknown")), []).append(record["tpl"])
    fig, ax = plt.subplots(figsize=(7, 4))
    if by:
        ax.hist(list(by.values()), bins=30, stacked=True, label=list(by))
        if len(by) <= 12:
            ax.legend(fontsize=7)
    ax.set_xlabel("TPL")
    ax.set_ylabel("samples")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_subsets(summary: dict, path: Path, title: str) -> None:
    """Bar chart of mean TPL per subset (median as a dot, count over the bar), like Finding 5."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    subsets = [(k, v) for k, v in summary["by_subset"].items() if v["count"]]
    fig, ax = plt.subplots(figsize=(max(4, 0.6 * len(subsets) + 2), 4))
    names = [k for k, _ in subsets]
    means = [v["mean"] for _, v in subsets]
    ax.bar(range(len(names)), means, color="tab:blue", label="mean")
    ax.scatter(range(len(names)), [v["median"] for _, v in subsets], color="tab:orange", zorder=3, label="median")
    for x, (_, v) in enumerate(subsets):
        ax.annotate(f"n={v['count']}", (x, v["mean"]), ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_ylabel("TPL")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_summary(records: list[dict], out: Path, cfg=None, n_errors: int = 0) -> dict:
    """Write `<out>.summary.json`, `<out>.hist.png` and `<out>.subsets.png`; return the summary."""
    out = Path(out)
    summary = summarise_scores(records)
    summary["n_scored"] = len(records)
    summary["n_errors"] = n_errors
    if cfg is not None:
        summary["settings"] = cfg.scoring_settings()
        frames = "auto" if cfg.frames is None else cfg.frames
        title = f"TPL {cfg.mode}, key {cfg.key_frame}, {frames} frames"
    else:
        title = "TPL"
    write_json(out.with_name(out.name + ".summary.json"), summary)
    plot_histogram(records, out.with_name(out.name + ".hist.png"), title)
    plot_subsets(summary, out.with_name(out.name + ".subsets.png"), title)
    return summary
