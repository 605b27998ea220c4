"""A track's box-centre path with the detector's noise taken out: straight constant-velocity pieces.

With a moving camera the centres are first mapped into the scene's pixels (the first frame's,
see `camera.py`), so that the path is the subject's own motion.

The pieces are fitted (`changepoints`) to the points whose box centre is the subject's centre
(`fit_mask`), in pixels; a cut costs `cfg.split_penalty` times the squared centre noise (the
track's own robust estimate, `centre_noise`, at least `cfg.centre_noise_px`). The residuals of
every run are computed once, so the pieces under a cheaper or dearer cut (`pieces(scale)`) cost
little: `kinematics` uses that to tell sure turn counts from ones the penalty decides.

    path = CentrePath(traj, TrackConfig(), frame_size=(64, 64))
    path.smooth().shape           # (N, 2) normalised centres
"""

from __future__ import annotations

import math

import numpy as np

from videoutr.engine.config import TrackConfig
from videoutr.engine.track.changepoints import LineRuns, linear_pieces
from videoutr.engine.types import Trajectory

SIDE_RANGE = (0.75, 1.2)  # a clean box's width and height, as shares of the track's usual ones ...
SIDE_SLACK = 0.008  # ... give or take this much (frame sides: about 2 px of a 320 x 240 frame)


def clean_mask(
    traj: Trajectory, min_area_frac: float = 0.6, margin: float = 0.01, max_area_frac: float = 1.8
) -> np.ndarray:
    """Points whose box shows the whole subject and nothing else: detected, not shrunken, not
    grown (more than `max_area_frac` times the usual area: merged with something beside it),
    neither side cut short nor grown beyond `SIDE_RANGE` of the usual one (a box that misses part
    of the subject, or takes in something next to it, has its centre off the subject's), not
    touching another subject (either may hide the other), not cut by the border."""
    boxes = np.array([p.box_norm for p in traj.points], dtype=np.float64).reshape(-1, 4)
    detected = np.array([not p.interpolated for p in traj.points], dtype=bool)
    apart = np.array([not p.contact for p in traj.points], dtype=bool)
    sides = boxes[:, 2:] - boxes[:, :2]
    areas = sides[:, 0] * sides[:, 1]
    typical = float(np.median(areas[detected])) if detected.any() else 0.0
    usual = np.median(sides[detected], axis=0) if detected.any() else np.zeros(2)
    low, high = SIDE_RANGE
    in_range = ((sides >= low * usual - SIDE_SLACK) & (sides <= high * usual + SIDE_SLACK)).all(axis=1)
    inside = (margin < boxes[:, 0]) & (margin < boxes[:, 1]) & (boxes[:, 2] < 1 - margin) & (boxes[:, 3] < 1 - margin)
    return (
        detected & (areas >= min_area_frac * typical) & (areas <= max_area_frac * typical) & in_range & inside & apart
    )


def fit_mask(traj: Trajectory, pixel: np.ndarray, clean: np.ndarray, slack_px: float = 2.0) -> np.ndarray:
    """Points whose box centre is the subject's centre: the `clean_mask` ones, plus those against the
    frame's edge or beside another subject whose box is at least as wide and as tall as the
    subject's typical one (less `slack_px` pixels): a subject bouncing off a wall or passing another
    is seen whole, and a bounce is where its path bends. A box wider or taller than `SIDE_RANGE`
    allows holds something else too (a detector that merged two subjects): its centre is not the subject's."""
    if not clean.any():
        return clean
    boxes = np.array([p.box_norm for p in traj.points], dtype=np.float64).reshape(-1, 4)
    detected = np.array([not p.interpolated for p in traj.points], dtype=bool)
    sides = boxes[:, 2:] - boxes[:, :2]
    typical = np.sort(sides[clean], axis=0)[
        (int(clean.sum()) - 1) // 2
    ]  # the lower median: one sort, no np.median overhead
    whole = (sides >= typical - slack_px * pixel).all(axis=1)
    merged = (sides > SIDE_RANGE[1] * typical + slack_px * pixel).any(
        axis=1
    )  # one box around it and something beside it
    return clean | (detected & whole & ~merged)


def centre_noise(centres: np.ndarray) -> float:
    """Robust estimate of the centres' noise (pixels, per axis): the median absolute second
    difference, which is pure noise (variance 6 sigma^2) wherever the motion is straight and steady."""
    if len(centres) < 3:
        return 0.0
    second = np.sort(np.abs(centres[2:] - 2 * centres[1:-1] + centres[:-2]).ravel())
    middle = len(second) // 2
    median = second[middle] if len(second) % 2 else (second[middle - 1] + second[middle]) / 2
    return float(1.4826 * median / math.sqrt(6.0))


class CentrePath:
    """The path of one track in (width, height) frames, cut into pieces at `scale` x the penalty
    (`camera`: each frame's 2 x 3 map of its pixels to the scene's, None for a static camera)."""

    def __init__(
        self,
        traj: Trajectory,
        cfg: TrackConfig,
        frame_size: tuple[int, int],
        clean: np.ndarray | None = None,
        camera: dict[int, np.ndarray] | None = None,
    ) -> None:
        self.pixel = 1.0 / np.maximum(np.array(frame_size, dtype=np.float64), 1.0)  # one pixel, normalised (x, y)
        self.times = np.array([p.time_s for p in traj.points], dtype=np.float64)
        self.raw = np.array([p.centre for p in traj.points], dtype=np.float64).reshape(-1, 2) / self.pixel
        if camera is not None:  # in the scene's pixels: the camera's own motion taken out
            maps = np.stack([camera[p.frame_idx] for p in traj.points]).reshape(-1, 2, 3)
            self.raw = np.einsum("nij,nj->ni", maps[:, :, :2], self.raw) + maps[:, :, 2]
        self.fit = np.flatnonzero(fit_mask(traj, self.pixel, clean_mask(traj) if clean is None else clean))
        points = self.raw[self.fit]
        self.lines = LineRuns(self.times[self.fit], points) if len(self.fit) >= 2 else None
        self.costs = self.lines.costs() if self.lines else None
        self.penalty = cfg.split_penalty * max(cfg.centre_noise_px, centre_noise(points)) ** 2

    def pieces(self, scale: float = 1.0) -> list[tuple[int, int]]:
        """Index ranges (into the fitted points) of the pieces under `scale` x the penalty."""
        return linear_pieces(self.costs, scale * self.penalty) if self.costs is not None else []

    def smooth(self, pieces: list[tuple[int, int]] | None = None) -> np.ndarray:
        """(N, 2) normalised centres along `pieces` (default: `pieces()`): a point takes the value of
        the piece whose time span holds it, points between two pieces are interpolated, points
        before the first piece or after the last follow its line. With fewer than two fitted
        points, the raw centres."""
        fit, times = self.fit, self.times
        if self.costs is None:
            return self.raw * self.pixel
        path = self.raw.copy()
        ranges = self.pieces() if pieces is None else pieces
        for k, (a, b) in enumerate(ranges):
            intercept, velocity = self.lines.fit(a, b)
            span = slice(0 if k == 0 else fit[a], len(path) if k == len(ranges) - 1 else fit[b] + 1)
            path[span] = intercept + velocity * times[span, None]
        for (_, b), (a, _) in zip(ranges, ranges[1:]):
            gap = slice(fit[b] + 1, fit[a])
            for axis in range(2):
                path[gap, axis] = np.interp(times[gap], times[[fit[b], fit[a]]], path[[fit[b], fit[a]], axis])
        return path * self.pixel
