"""Optimal piecewise-linear segmentation of a track's centre path (change points of its motion).

A subject that moves in straight lines at constant speed, stops, starts and turns has a centre
path that is piecewise linear in time. `linear_pieces` splits the points into pieces, each fitted
by its own constant-velocity line, minimising the total squared residual plus `penalty` per extra
piece (dynamic programming over all splits). `LineRuns` gives every run's residual at once,
so segmentations under several penalties cost little more than one. Pieces have at least two
points, so a turn one step from either end of the path is still found when the path bends by more
than the noise can explain.

    >>> t = np.arange(6.0); xy = np.c_[np.minimum(t, 3.0), np.zeros(6)]   # moves right, stands from t=3
    >>> linear_pieces(line_costs(t, xy), penalty=1.0)    # a point on both lines goes to the later piece
    [(0, 2), (3, 5)]
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np


class LineRuns:
    """Least-squares lines x(t) = a + v t (all coordinates) through any run of points i..j, from
    prefix sums: `costs` (every run's residual sum of squares) and `fit` (one run's line) in O(1) each."""

    def __init__(self, t: np.ndarray, xy: np.ndarray) -> None:
        t = np.asarray(t, dtype=np.float64)
        xy = np.asarray(xy, dtype=np.float64).reshape(len(t), -1)
        self.t0 = float(t.mean()) if len(t) else 0.0
        t = t - self.t0  # centred: the sums stay well conditioned
        self._sums = [
            np.concatenate([np.zeros((1,) + v.shape[1:]), np.cumsum(v, axis=0)])
            for v in (np.ones_like(t), t, t * t, xy, xy * xy, xy * t[:, None])
        ]

    def _runs(self, i, j) -> list[np.ndarray]:
        return [s[j + 1] - s[i] for s in self._sums]

    def costs(self) -> np.ndarray:
        """(n, n): [i, j] is the residual sum of squares of run i..j (0 for one point; inf for i > j)."""
        n_points = len(self._sums[0]) - 1
        i, j = _upper(n_points)
        n, st, stt, sx, sxx, sxt = self._runs(i, j)
        var_t = np.maximum(stt - st * st / n, 1e-12)
        cov = sxt - (st / n)[:, None] * sx
        out = np.full((n_points, n_points), np.inf)
        out[i, j] = np.maximum((sxx - sx * sx / n[:, None] - cov * cov / var_t[:, None]).sum(axis=1), 0.0)
        return out

    def fit(self, i: int, j: int) -> tuple[np.ndarray, np.ndarray]:
        """(intercept at t = 0, velocity) of run i..j's line (velocity 0 for one point)."""
        n, st, stt, sx, _, sxt = self._runs(i, j)
        var_t = stt - st * st / n
        velocity = (sxt - st * sx / n) / var_t if var_t > 1e-12 else np.zeros_like(sx)
        return sx / n - velocity * (st / n + self.t0), velocity


@lru_cache(maxsize=64)
def _upper(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(n)


def line_costs(t: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """`LineRuns(t, xy).costs()`."""
    return LineRuns(t, xy).costs()


def linear_pieces(costs: np.ndarray, penalty: float, min_points: int = 2) -> list[tuple[int, int]]:
    """Inclusive index ranges of the pieces that minimise residuals (`line_costs`) + `penalty`
    per piece. Fewer than 2 * `min_points` points form one piece. (Plain Python: tracks are short,
    and per-row numpy calls cost more than the arithmetic.)"""
    n = len(costs)
    if n < 2 * min_points:
        return [(0, n - 1)] if n else []
    columns = costs.T.tolist()  # columns[end][start]
    best = [0.0] + [math.inf] * n  # best[k]: points 0..k-1 segmented
    start = [0] * (n + 1)
    for end in range(min_points - 1, n):
        totals = [b + c for b, c in zip(best[: end - min_points + 2], columns[end])]
        k = totals.index(min(totals))
        best[end + 1], start[end + 1] = totals[k] + penalty, k
    pieces = []
    end = n
    while end > 0:
        pieces.append((start[end], end - 1))
        end = start[end]
    return pieces[::-1]
