"""The demo's figures (matplotlib, Agg), drawn from results.json alone.

- `finding1.png`: mean TPL of each arm's training data vs its temporal accuracy (Finding 1);
- `accuracy.png`: temporal accuracy per arm and condition, and per task on the full video;
- `attention.png`: frame x answer-token attention of the caption and UTR models, same question;
- `tpl_hist.png`: TPL of every training pool under the base checkpoint.

    paths = draw_all(results, Path("runs/demo"))
"""

from __future__ import annotations

from pathlib import Path


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _err(ci: dict) -> tuple[float, list[list[float]]]:
    m = ci.get("mean") or 0.0
    return m, [
        [m - (ci.get("lo") if ci.get("lo") is not None else m)],
        [(ci.get("hi") if ci.get("hi") is not None else m) - m],
    ]


def finding1(results: dict, path: Path) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for arm, v in results["arms"].items():
        tpl, acc = v.get("tpl"), v["eval"].get("full", {}).get("temporal")
        if not tpl or tpl.get("mean") is None or not acc or acc.get("mean") is None:
            continue
        x, xerr = _err(tpl)
        y, yerr = _err(acc)
        ax.errorbar(
            [x], [y], xerr=xerr, yerr=yerr, fmt="o", capsize=3, markersize=4 + (v["n_train_samples"] or 0) ** 0.5 / 3
        )
        ax.annotate(arm, (x, y), textcoords="offset points", xytext=(5, 5), fontsize=8)
    rs = [
        f"{label} {r:+.2f}"
        for label, key in (("r mixtures", "finding1_mixtures"), ("all arms", "finding1"))
        if (r := results.get(key, {}).get("pearson_r")) is not None
    ]
    ax.set_xlabel("mean TPL of the arm's training data (under the base)")
    ax.set_ylabel("temporal accuracy, full video")
    ax.set_title("Finding 1: TPL vs temporal accuracy" + (f" ({', '.join(rs)})" if rs else ""), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def accuracy(results: dict, path: Path) -> None:
    plt = _plt()
    arms = list(results["arms"])
    conds = results["config"]["conditions"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [1, 2]})
    width = 0.8 / max(len(conds), 1)
    for j, cond in enumerate(conds):
        vals = [results["arms"][a]["eval"].get(cond, {}).get("temporal", {}).get("mean") or 0 for a in arms]
        a1.bar([i + j * width for i in range(len(arms))], vals, width, label=cond)
    a1.set_xticks([i + 0.4 - width / 2 for i in range(len(arms))], arms, rotation=30, fontsize=8)
    a1.set_ylabel("temporal accuracy")
    a1.set_title("by condition")
    a1.legend(fontsize=7)
    tasks = sorted({t for a in arms for t in results["arms"][a]["eval"].get("full", {}).get("tasks", {})})
    width = 0.8 / max(len(arms), 1)
    for j, arm in enumerate(arms):
        t_acc = results["arms"][arm]["eval"].get("full", {}).get("tasks", {})
        a2.bar(
            [i + j * width for i in range(len(tasks))],
            [t_acc.get(t, {}).get("mean") or 0 for t in tasks],
            width,
            label=arm,
        )
    a2.set_xticks([i + 0.4 - width / 2 for i in range(len(tasks))], tasks, rotation=40, fontsize=7, ha="right")
    a2.set_title("by task, full video")
    a2.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def attention(results: dict, path: Path) -> bool:
    shown = [
        (arm, v["example"])
        for arm, v in results.get("probes", {}).get("attention", {}).items()
        if isinstance(v, dict) and v.get("example", {}).get("map")
    ]
    if not shown:
        return False
    plt = _plt()
    fig, axes = plt.subplots(1, len(shown), figsize=(3.2 * len(shown), 3.6), squeeze=False)
    for ax, (arm, ex) in zip(axes[0], shown):
        im = ax.imshow(ex["map"], aspect="auto", cmap="viridis", vmin=0)
        ax.set_title(f"{arm}\n{ex['id']}", fontsize=8)
        ax.set_xlabel("answer token")
        ax.set_ylabel("frame")
        fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def tpl_hist(results: dict, path: Path) -> bool:
    pools = {k: v["values"] for k, v in results.get("tpl_pools", {}).items() if v.get("values")}
    if not pools:
        return False
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.8))
    ax.hist(list(pools.values()), bins=30, label=list(pools), histtype="step", linewidth=1.5)
    ax.set_xlabel(
        "TPL = PPL(key frame) - PPL(all frames), mean over the key frames "
        + "/".join(results["config"]["tpl_key_frames"])
    )
    ax.set_ylabel("samples")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    ax.set_title("TPL per training pool")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def draw_all(results: dict, out: Path) -> list[str]:
    drawn = []
    finding1(results, out / "finding1.png")
    accuracy(results, out / "accuracy.png")
    drawn += ["finding1.png", "accuracy.png"]
    if attention(results, out / "attention.png"):
        drawn.append("attention.png")
    if tpl_hist(results, out / "tpl_hist.png"):
        drawn.append("tpl_hist.png")
    return drawn
