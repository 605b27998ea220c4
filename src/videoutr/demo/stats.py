"""Small statistics for the demo report: bootstrap intervals (over questions, paired; over training
seeds and questions) and Pearson r.

    >>> mean_ci([1, 0, 1, 1], resamples=200, seed=0)["mean"]
    0.75
    >>> diff_ci([1, 1, 0], [0, 1, 0], resamples=200, seed=0)["mean"]
    0.3333333333333333
    >>> round(seeds_diff_ci([[1, 1, 0], [1, 0, 0]], [[0, 1, 0]], resamples=200)["mean"], 4)  # 2 seeds vs 1
    0.1667
"""

from __future__ import annotations

import math

import numpy as np


def mean_ci(values: list[float], resamples: int = 1000, seed: int = 0, level: float = 0.95) -> dict:
    """Mean and a percentile bootstrap interval; n = len(values). Empty input gives None values."""
    x = np.asarray([v for v in values if v is not None], dtype=float)
    if x.size == 0:
        return {"mean": None, "lo": None, "hi": None, "n": 0}
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(resamples, x.size))].mean(axis=1)
    alpha = (1 - level) / 2
    return {
        "mean": float(x.mean()),
        "lo": float(np.quantile(means, alpha)),
        "hi": float(np.quantile(means, 1 - alpha)),
        "n": int(x.size),
    }


def diff_ci(a: list[float], b: list[float], resamples: int = 1000, seed: int = 0) -> dict:
    """Mean of a - b over PAIRED items (same questions) with a bootstrap interval."""
    if len(a) != len(b):
        raise ValueError(f"paired samples differ in length: {len(a)} vs {len(b)}")
    return mean_ci([x - y for x, y in zip(a, b)], resamples, seed)


def seeds_diff_ci(a, b=None, resamples: int = 1000, seed: int = 0, level: float = 0.95) -> dict:
    """Mean over questions of a - b, where a and b are (training seeds x questions) scores on the
    SAME questions (b optional: then a alone). The interval resamples each model's seeds
    (independently: separate training runs) and the questions (jointly: paired), so it holds the
    seed-to-seed variance of training as well as the sampling of questions."""
    a = np.atleast_2d(np.asarray(a, dtype=float))
    b = np.zeros((1, a.shape[1])) if b is None else np.atleast_2d(np.asarray(b, dtype=float))
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"paired samples differ in length: {a.shape[1]} vs {b.shape[1]}")
    n = a.shape[1]
    if n == 0:
        return {"mean": None, "lo": None, "hi": None, "n": 0, "seeds": [a.shape[0], b.shape[0]]}
    rng = np.random.default_rng(seed)
    per_question = a[rng.integers(0, a.shape[0], (resamples, a.shape[0]))].mean(axis=1) - b[
        rng.integers(0, b.shape[0], (resamples, b.shape[0]))
    ].mean(axis=1)
    means = np.take_along_axis(per_question, rng.integers(0, n, (resamples, n)), axis=1).mean(axis=1)
    alpha = (1 - level) / 2
    return {
        "mean": float(a.mean() - b.mean()),
        "lo": float(np.quantile(means, alpha)),
        "hi": float(np.quantile(means, 1 - alpha)),
        "n": int(n),
        "seeds": [a.shape[0], b.shape[0]],
    }


def unpaired_diff_ci(a: list[float], b: list[float], resamples: int = 1000, seed: int = 0) -> dict:
    """mean(a) - mean(b) for independent samples, bootstrap over each."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size == 0 or y.size == 0:
        return {"mean": None, "lo": None, "hi": None, "n": 0}
    rng = np.random.default_rng(seed)
    d = x[rng.integers(0, x.size, (resamples, x.size))].mean(1) - y[rng.integers(0, y.size, (resamples, y.size))].mean(
        1
    )
    return {
        "mean": float(x.mean() - y.mean()),
        "lo": float(np.quantile(d, 0.025)),
        "hi": float(np.quantile(d, 0.975)),
        "n": int(min(x.size, y.size)),
    }


def pearson(x: list[float], y: list[float]) -> float | None:
    """Pearson correlation; None with fewer than 3 points or no spread."""
    if len(x) < 3:
        return None
    xa, ya = np.asarray(x, float), np.asarray(y, float)
    if xa.std() == 0 or ya.std() == 0:
        return None
    r = float(np.corrcoef(xa, ya)[0, 1])
    return None if math.isnan(r) else r


def excludes_zero(ci: dict) -> bool | None:
    """True when the interval lies entirely above 0, False when it lies below or covers 0."""
    if ci.get("lo") is None:
        return None
    return ci["lo"] > 0
