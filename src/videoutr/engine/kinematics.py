"""Per-track motion: moving / stationary segments, direction and speed, and events.

Velocities are central differences of the box centre (normalised units per second). A point is
moving when its speed exceeds `still_speed`; a moving run is split where the heading turns by
more than `TURN_DEG`; runs shorter than `min_segment` points merge into their neighbour. Events
follow from the runs (start, stop, turn), from the track's ends (enter, exit) and from its
colour runs (colour_change).

    >>> describe_track(traj, frame_idx=list(range(32)), fps=8.0, cfg=TrackConfig())
    >>> [(e.type, e.frame_idx) for e in traj.events]
    [('start', 0), ('stop', 12)]
"""

from __future__ import annotations

import math

import numpy as np

from videoutr.engine.config import TrackConfig
from videoutr.engine.types import Event, Segment, Trajectory

TURN_DEG = 60.0
SURE_OBSERVED = 0.7  # a start / stop / turn is sure when both segments around it are mostly clean
# Compass names as in the synthetic world (image coordinates, y down), counter-clockwise from right.
_DIRECTIONS = ("right", "up-right", "up", "up-left", "left", "down-left", "down", "down-right")


def direction_name(dx: float, dy: float) -> str:
    """8-way direction of a displacement in image coordinates (y grows downwards)."""
    angle = math.degrees(math.atan2(-dy, dx)) % 360
    return _DIRECTIONS[int(round(angle / 45.0)) % 8]


def clean_mask(traj: Trajectory, min_area_frac: float = 0.6, margin: float = 0.01) -> np.ndarray:
    """Points whose box shows the whole subject: detected, not shrunken, not touching another subject
    (either may hide the other), not cut by the border."""
    boxes = np.array([p.box_norm for p in traj.points], dtype=np.float64).reshape(-1, 4)
    detected = np.array([not p.interpolated for p in traj.points], dtype=bool)
    apart = np.array([not p.contact for p in traj.points], dtype=bool)
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    typical = float(np.median(areas[detected])) if detected.any() else 0.0
    inside = (margin < boxes[:, 0]) & (margin < boxes[:, 1]) & (boxes[:, 2] < 1 - margin) & (boxes[:, 3] < 1 - margin)
    return detected & (areas >= min_area_frac * typical) & inside & apart


def velocities(traj: Trajectory, clean: np.ndarray | None = None) -> np.ndarray:
    """(N, 2) centre velocity per point, normalised units per second: central differences over
    clean points (see `clean_mask`, if known); other points take the velocity of the nearest clean one."""
    centres = np.array([p.centre for p in traj.points], dtype=np.float64)
    times = np.array([p.time_s for p in traj.points], dtype=np.float64)
    clean = np.flatnonzero(clean_mask(traj) if clean is None else clean)
    if len(clean) < 2:
        clean = np.arange(len(centres))
    if len(clean) < 2:
        return np.zeros((len(centres), 2))
    c, t = centres[clean], times[clean]
    lo = np.maximum(np.arange(len(c)) - 1, 0)
    hi = np.minimum(np.arange(len(c)) + 1, len(c) - 1)
    v = (c[hi] - c[lo]) / np.maximum(t[hi] - t[lo], 1e-6)[:, None]
    nearest = np.abs(np.arange(len(centres))[:, None] - clean[None, :]).argmin(axis=1)
    return v[nearest]


def _angle_diff(a: float, b: float) -> float:
    d = abs(a - b) % 360
    return min(d, 360 - d)


def motion_runs(traj: Trajectory, cfg: TrackConfig, vel: np.ndarray | None = None) -> list[list[int]]:
    """Point indices grouped into runs of one state (and, when moving, one heading: a moving
    point joins the run when its heading is within `TURN_DEG` of the run's mean heading).
    `vel`: the track's `velocities`, if known."""
    vel = velocities(traj) if vel is None else vel
    speed = np.hypot(vel[:, 0], vel[:, 1]).tolist()
    heading = np.degrees(np.arctan2(vel[:, 1], vel[:, 0]))
    unit = np.stack([np.sin(np.radians(heading)), np.cos(np.radians(heading))], axis=1).tolist()
    moving, heading = [s > cfg.still_speed for s in speed], heading.tolist()
    runs: list[list[int]] = []
    sums: list[list[float]] = []  # per run: sum of sin and cos of its headings
    for i, move in enumerate(moving):
        if runs:
            same = move == moving[runs[-1][0]]
            if same and move:
                mean = math.degrees(math.atan2(sums[-1][0], sums[-1][1]))  # atan2 of the sums = of the means
                same = _angle_diff(heading[i], mean) <= TURN_DEG
            if same:
                runs[-1].append(i)
                sums[-1][0] += unit[i][0]
                sums[-1][1] += unit[i][1]
                continue
        runs.append([i])
        sums.append(list(unit[i]))
    return _merge_short(runs, cfg.min_segment)


def _merge_short(runs: list[list[int]], min_len: int) -> list[list[int]]:
    changed = True
    while changed and len(runs) > 1:
        changed = False
        for k, run in enumerate(runs):
            if len(run) < min_len:
                target = k - 1 if k > 0 else k + 1
                runs[target] = sorted(runs[target] + run)
                del runs[k]
                changed = True
                break
    return runs


def segments_of(traj: Trajectory, cfg: TrackConfig, clean: np.ndarray | None = None) -> list[Segment]:
    """Moving / stationary segments with direction and mean speed (`clean`: the track's `clean_mask`, if known)."""
    vel = velocities(traj, clean)
    segments = []
    for run in motion_runs(traj, cfg, vel):
        speed = float(np.mean(np.hypot(vel[run, 0], vel[run, 1])))
        first, last = traj.points[run[0]], traj.points[run[-1]]
        moving = speed > cfg.still_speed
        direction = None
        if moving:
            mean_v = vel[run].mean(axis=0)
            direction = direction_name(float(mean_v[0]), float(mean_v[1]))
        segments.append(Segment("moving" if moving else "stationary", first.frame_idx, last.frame_idx, direction, round(speed, 4)))
    return _join_equal(segments)


def _join_equal(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for seg in segments:
        if out and out[-1].state == seg.state and out[-1].direction == seg.direction:
            out[-1].end_frame = seg.end_frame
        else:
            out.append(seg)
    return out


def _observed(traj: Trajectory, clean: np.ndarray, start: int, end: int) -> float:
    inside = [c for p, c in zip(traj.points, clean.tolist()) if start <= p.frame_idx <= end]
    return round(sum(inside) / len(inside), 4) if inside else 0.0  # as np.mean: the count over the length


def describe_track(traj: Trajectory, frame_idx: list[int], fps: float, cfg: TrackConfig, clean: np.ndarray | None = None) -> None:
    """Fill `traj.segments` and `traj.events` (in frame order), in place (`clean`: the track's
    `clean_mask`, if known)."""
    clean = clean_mask(traj) if clean is None else clean
    traj.segments = segments_of(traj, cfg, clean)
    traj.observed = round(float(clean.mean()), 4) if len(clean) else 0.0
    for seg in traj.segments:
        seg.observed = _observed(traj, clean, seg.start_frame, seg.end_frame)
    events: list[Event] = []
    if traj.first_frame > frame_idx[0] and _at_border(traj.points[0]):
        events.append(Event("enter", traj.first_frame, _t(traj.first_frame, fps), {"location": traj.points[0].location, "sure": True}))
    for prev, seg in zip(traj.segments, traj.segments[1:]):
        kind = {"stationary": "start", "moving": "stop" if seg.state == "stationary" else "turn"}[prev.state]
        detail = {"direction": seg.direction} if seg.direction else {}
        detail["sure"] = min(prev.observed, seg.observed) >= SURE_OBSERVED
        events.append(Event(kind, seg.start_frame, _t(seg.start_frame, fps), detail))
    events.extend(colour_changes(traj, fps))
    if traj.last_frame < frame_idx[-1] and _at_border(traj.points[-1]):  # as in the world: first frame without it
        gone = next(f for f in frame_idx if f > traj.last_frame)
        events.append(Event("exit", gone, _t(gone, fps), {"location": traj.points[-1].location, "sure": True}))
    traj.events = sorted(events, key=lambda e: e.frame_idx)


def colour_changes(traj: Trajectory, fps: float, min_run: int = 2) -> list[Event]:
    """A change wherever a colour held for `min_run` points follows another."""
    runs: list[list] = []
    for p in traj.points:
        if runs and runs[-1][0] == p.colour:
            runs[-1][2] += 1
        else:
            runs.append([p.colour, p.frame_idx, 1])
    runs = [r for r in runs if r[2] >= min_run and r[0]]
    events = []
    for prev, cur in zip(runs, runs[1:]):
        if prev[0] != cur[0]:
            events.append(Event("colour_change", cur[1], _t(cur[1], fps), {"from": prev[0], "to": cur[0], "sure": True}))
    return events


def _t(frame_idx: int, fps: float) -> float:
    return round(frame_idx / fps, 4) if fps > 0 else 0.0


def _at_border(point, margin: float = 0.02) -> bool:
    """Subjects enter and leave through the frame's edges; elsewhere they appear from behind something."""
    x1, y1, x2, y2 = point.box_norm
    return x1 <= margin or y1 <= margin or x2 >= 1 - margin or y2 >= 1 - margin
