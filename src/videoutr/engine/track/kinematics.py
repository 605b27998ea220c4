"""Per-track motion: moving / stationary segments, direction and speed, and events.

The box-centre path is cut into straight constant-velocity pieces where it bends more than the
centre's noise explains (`path.CentrePath`). Every step between consecutive points of that
smoothed path is moving when its speed exceeds `still_speed`, with the 8-way compass name of its
displacement as direction - the rule the synthetic world's own events follow; runs of equal steps
are the segments. Events follow from the segments (start, stop, turn), from the track's ends
(enter, exit) and from its colour runs (colour_change).

    describe_track(traj, frame_idx=list(range(32)), fps=8.0, cfg=TrackConfig(), frame_size=(64, 64))
    [(e.type, e.frame_idx) for e in traj.events]
"""

from __future__ import annotations

import numpy as np

from videoutr.engine.config import TrackConfig
from videoutr.engine.track.path import CentrePath, clean_mask
from videoutr.engine.types import Event, Segment, Trajectory

TURNS_CHECK = (1 / 3, 3.0)  # cut-penalty scales under which a sure turn count must not change
SURE_OBSERVED = 0.7  # a start / stop / turn is sure when both segments around it are mostly clean
# Compass names as in the synthetic world (image coordinates, y down), counter-clockwise from right.
_DIRECTIONS = ("right", "up-right", "up", "up-left", "left", "down-left", "down", "down-right")


def direction_names(steps: np.ndarray) -> list[str]:
    """8-way direction of each (dx, dy) displacement in image coordinates (y grows downwards)."""
    angles = np.degrees(np.arctan2(-steps[:, 1], steps[:, 0])) % 360
    return [_DIRECTIONS[k] for k in (np.rint(angles / 45.0).astype(np.int64) % 8).tolist()]


def step_labels(
    path: np.ndarray, times: np.ndarray, still_speed: float
) -> tuple[list[tuple[str, str | None]], np.ndarray]:
    """(state, direction) and speed of every step between consecutive points of a (smoothed) path.
    A lone step one compass point off the moving run beside it, with the same run or a standstill
    on its other side, is that run's: it joins two pieces of the path whose lines the noise set a
    little apart (a real one-step turn and back, or a turn just before a stop, is a quarter turn or more)."""
    steps = np.diff(path, axis=0)
    speeds = np.hypot(steps[:, 0], steps[:, 1]) / np.maximum(np.diff(times), 1e-6)
    labels = [
        ("moving", d) if v > still_speed else ("stationary", None)
        for v, d in zip(speeds.tolist(), direction_names(steps))
    ]
    for i in range(1, len(labels) - 1):
        before, lone, after = labels[i - 1], labels[i], labels[i + 1]
        if lone[0] != "moving" or before == lone or after == lone:
            continue
        runs = [run for run in (before, after) if run[0] == "moving"]
        if runs and (before == after or len(runs) == 1) and _compass_steps(runs[0][1], lone[1]) == 1:
            labels[i] = runs[0]
    return labels, speeds


def _compass_steps(a: str, b: str) -> int:
    """How many of the 8 compass points lie between two directions (0-4)."""
    d = abs(_DIRECTIONS.index(a) - _DIRECTIONS.index(b)) % 8
    return min(d, 8 - d)


def count_turns(labels: list[tuple[str, str | None]]) -> int:
    """Direction changes between consecutive moving steps (a stop between two moves is no turn)."""
    return sum(a != b and a[0] == b[0] == "moving" for a, b in zip(labels, labels[1:]))


def segments_of(traj: Trajectory, labels: list[tuple[str, str | None]], speeds: np.ndarray) -> list[Segment]:
    """Moving / stationary segments with direction and mean speed: runs of equal step labels (a
    segment starts at the point where its first step starts; the last point belongs to the last step's)."""
    points = traj.points
    if len(points) < 2:
        return [Segment("stationary", points[0].frame_idx, points[0].frame_idx, None, 0.0)] if points else []
    segments: list[Segment] = []
    runs: list[list[float]] = []
    for i, ((state, direction), speed) in enumerate(zip(labels, speeds.tolist())):
        if i and labels[i - 1] == (state, direction):
            runs[-1].append(speed)
            continue
        if segments:
            segments[-1].end_frame = points[i].frame_idx - 1
        segments.append(Segment(state, points[i].frame_idx, points[-1].frame_idx, direction))
        runs.append([speed])
    for seg, run in zip(segments, runs):
        seg.speed = round(sum(run) / len(run), 4)
    return segments


def _observed(traj: Trajectory, clean: np.ndarray, start: int, end: int) -> float:
    inside = [c for p, c in zip(traj.points, clean.tolist()) if start <= p.frame_idx <= end]
    return round(sum(inside) / len(inside), 4) if inside else 0.0  # as np.mean: the count over the length


def describe_track(
    traj: Trajectory,
    frame_idx: list[int],
    fps: float,
    cfg: TrackConfig,
    frame_size: tuple[int, int],
    clean: np.ndarray | None = None,
    camera: dict[int, np.ndarray] | None = None,
) -> None:
    """Fill `traj.segments`, `traj.events` (in frame order) and `traj.turns_sure`, in place, for a
    track in (width, height) frames (`clean`: the track's `clean_mask`, if known). Its turns are
    stable when their count is the same with a cut 3x cheaper and 3x dearer (`TURNS_CHECK`): only
    then is a turn event sure; the count is sure when, besides, the track spans the whole clip
    (turns near the edges, where the box is cut, are missed).
    `camera`: each frame's map into the scene's pixels (a moving camera): motion, direction, starts,
    stops and turns are then the subject's own, relative to the scene."""
    clean = clean_mask(traj) if clean is None else clean
    path = CentrePath(traj, cfg, frame_size, clean, camera)
    pieces = path.pieces()
    labels, speeds = step_labels(path.smooth(pieces), path.times, cfg.still_speed)
    traj.segments = segments_of(traj, labels, speeds)
    whole = bool(traj.points) and traj.first_frame == frame_idx[0] and traj.last_frame == frame_idx[-1]
    stable = all(
        other == pieces
        or count_turns(step_labels(path.smooth(other), path.times, cfg.still_speed)[0]) == count_turns(labels)
        for other in (path.pieces(scale) for scale in TURNS_CHECK)
    )
    traj.turns_sure = whole and stable
    traj.observed = round(float(clean.mean()), 4) if len(clean) else 0.0
    for seg in traj.segments:
        seg.observed = _observed(traj, clean, seg.start_frame, seg.end_frame)
    events: list[Event] = []
    if traj.first_frame > frame_idx[0] and _at_border(traj.points[0]):
        sure = _crossing(traj, 0, frame_idx)
        came = crossing_frame(traj, 0, frame_idx, frame_size)
        events.append(Event("enter", came, _t(came, fps), {"location": traj.points[0].location, "sure": sure}))
    for prev, seg in zip(traj.segments, traj.segments[1:]):
        kind = {"stationary": "start", "moving": "stop" if seg.state == "stationary" else "turn"}[prev.state]
        detail = {"direction": seg.direction} if seg.direction else {}
        detail["sure"] = (
            min(prev.observed, seg.observed) >= SURE_OBSERVED
            and _held(prev)
            and _held(seg)
            and (kind != "turn" or stable)
        )
        events.append(Event(kind, seg.start_frame, _t(seg.start_frame, fps), detail))
    events.extend(colour_changes(traj, fps, clip_ends=(frame_idx[0], frame_idx[-1])))
    if traj.last_frame < frame_idx[-1] and _at_border(traj.points[-1]):  # as in the world: first frame without it
        gone = crossing_frame(traj, -1, frame_idx, frame_size)
        sure = _crossing(traj, -1, frame_idx) and _inside_clip(traj.last_frame, gone, frame_idx)
        events.append(Event("exit", gone, _t(gone, fps), {"location": traj.points[-1].location, "sure": sure}))
    traj.events = sorted(events, key=lambda e: e.frame_idx)


def _monotone_run(values: np.ndarray) -> int:
    """How many leading values keep growing (a turn before the crossing ends the run)."""
    steps = np.diff(values) > 0
    return int(np.argmin(steps)) + 1 if not steps.all() else len(values)


def _robust_line(x: np.ndarray, y: np.ndarray, at: float) -> tuple[float, float]:
    """Theil-Sen line through (x, y): its slope and its value at `at` (one box cut short by a
    detection that missed part of the subject moves neither much)."""
    i, j = np.triu_indices(len(x), 1)
    slope = float(np.median((y[j] - y[i]) / (x[j] - x[i])))
    return slope, float(np.median(y - slope * (x - at)))


def crossing_frame(traj: Trajectory, end: int, frame_idx: list[int], frame_size: tuple[int, int], fit: int = 6) -> int:
    """The engine frame at which a subject seen crossing the border came in (`end` 0: the first
    frame with any of its pixels in view) or went out (`end` -1: the first frame without any).
    A sliver at the edge is too small to detect, so the track begins late and ends early; the
    box's inner edge (the far side of an entering subject, which the border does not cut) moves
    steadily, and its robust line through the track's first (last) `fit` detected points, as far
    as they keep moving across the border, is followed back (or on) to it. Without steady motion
    across the border: the track's own end."""
    points = [p for p in traj.points if not p.interpolated]
    points = points[:fit] if end == 0 else points[-fit:]
    own = traj.first_frame if end == 0 else next((f for f in frame_idx if f > traj.last_frame), traj.last_frame)
    if len(points) < 2:
        return own
    width, height = frame_size
    frames = np.array([p.frame_idx for p in points], dtype=np.float64)
    boxes = np.array([p.box_norm for p in points], dtype=np.float64) * [width, height, width, height]
    edge = boxes[0 if end == 0 else -1] / [width, height, width, height]
    # the part of the subject inside the frame, measured from each border its box touches
    inside = {0: boxes[:, 2], 1: boxes[:, 3], 2: width - boxes[:, 0], 3: height - boxes[:, 1]}
    touching = [k for k, v in enumerate((edge[0], edge[1], 1 - edge[2], 1 - edge[3])) if v <= 0.02]
    times = []
    at = frames[0 if end == 0 else -1]
    for k in touching:
        run = _monotone_run(inside[k] if end == 0 else inside[k][::-1])  # growing away from the track's end
        ends = slice(0, run) if end == 0 else slice(len(frames) - run, len(frames))
        if run < 2:
            continue
        slope, level = _robust_line(frames[ends], inside[k][ends], at)
        rate = slope * (1 if end == 0 else -1)
        if rate > 0.5:  # crossing this border (px per frame), not moving along it
            times.append(max(0.0, level) / rate)
    if not times:
        return own
    reach = float(min(times))  # frames since the first pixel came in (until the last goes out)
    if end == 0:
        return next((f for f in frame_idx if f > traj.first_frame - reach), traj.first_frame)
    return next((f for f in frame_idx if f >= traj.last_frame + reach), own)


def _inside_clip(last: int, gone: int, frame_idx: list[int]) -> bool:
    """Whether an exit dated at `gone`, followed on from the track's last point `last`, surely
    happens within the clip: a date followed on over k frames may be late or early by half of
    them, so the clip must go on at least that far past it (else the subject may still show a
    sliver at the clip's end)."""
    return frame_idx[-1] - gone >= (gone - last - 1) / 2


def _held(seg: Segment) -> bool:
    """A segment of two frames or more: a one-frame change of course and back is a jolt of the box."""
    return seg.end_frame > seg.start_frame


def _crossing(traj: Trajectory, end: int, frame_idx: list[int], part: float = 0.6) -> bool:
    """Whether the track's first (`end` 0) or last (-1) point saw the subject cross the border:
    its box less than `part` of the track's usual area (a whole subject that appears or vanishes
    at the edge was missed while it crossed), and the track absent from two engine frames beyond
    it (one frame without it may be a missed sliver)."""
    areas = sorted((p.box_norm[2] - p.box_norm[0]) * (p.box_norm[3] - p.box_norm[1]) for p in traj.points)
    point = traj.points[end]
    area = (point.box_norm[2] - point.box_norm[0]) * (point.box_norm[3] - point.box_norm[1])
    beyond = frame_idx.index(point.frame_idx)
    absent = beyond if end == 0 else len(frame_idx) - 1 - beyond
    return area < part * areas[len(areas) // 2] and absent >= 2


def colour_changes(
    traj: Trajectory, fps: float, min_run: int = 2, clip_ends: tuple[int, int] | None = None
) -> list[Event]:
    """A change wherever a colour held for `min_run` points follows another. A run in the clip's
    first or last frame (`clip_ends`) counts with one point: the clip shows no more of it."""
    runs: list[list] = []
    for p in traj.points:
        if runs and runs[-1][0] == p.colour:
            runs[-1][2] += 1
            runs[-1][3] = p.frame_idx
        else:
            runs.append([p.colour, p.frame_idx, 1, p.frame_idx])
    ends = set(clip_ends or ())
    runs = [r for r in runs if r[0] and (r[2] >= min_run or {r[1], r[3]} & ends)]
    events = []
    for prev, cur in zip(runs, runs[1:]):
        if prev[0] != cur[0]:
            events.append(
                Event("colour_change", cur[1], _t(cur[1], fps), {"from": prev[0], "to": cur[0], "sure": True})
            )
    return events


def _t(frame_idx: int, fps: float) -> float:
    return round(frame_idx / fps, 4) if fps > 0 else 0.0


def _at_border(point, margin: float = 0.02) -> bool:
    """Subjects enter and leave through the frame's edges; elsewhere they appear from behind something."""
    x1, y1, x2, y2 = point.box_norm
    return x1 <= margin or y1 <= margin or x2 >= 1 - margin or y2 >= 1 - margin
