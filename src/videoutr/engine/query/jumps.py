"""Blobs found from a track's own boxes: a box that grows or shrinks abruptly took in, or let go
of, something beside its subject.

A subject's box changes size slowly from one frame to the next: it crosses the frame's border,
or another subject passes in front of it, at the speed things move. When two subjects meet, a
detector that merges them (background subtraction, one blob while they touch) gives the track a
box around both in one frame, and a box around one of them again in the frame they part; the
other subject need not be tracked at all (it may be seen only in the blob). So a *jump* - one of
the box's sides changing by more than `JUMP_SHARE` of the track's usual side (and `JUMP_PX`) in
one frame - cuts the track into pieces, and at each jump the piece whose box is the larger one
holds something besides the subject. That holds even where the blob lasts most of the track and
so is the track's usual size, which the size rules of `subjects.reliable_points` cannot tell.
A jump where the box touches another track's begins no blob: the other subject, tracked,
explains it (one hides part of the other, or they merged: `subjects.merges` and `splits`), and a
box cut short behind it is no size to measure a blob against; it may end one.

A side whose edges stay off the frame's border (`BORDER_PX`) jumps when its length changes so;
one edge landing on the border (or leaving it) clips its move, so then only a growth (or a
shrink) is measured. While the subject crosses the border (one edge stays on it), the side jumps
when its other edge moves, in one frame, that much further than it moves over the frames around
(`WINDOW`). The side across a box that meets the border is not read (an entering subject's
profile may widen fast).

    blob_frames(clip, traj)      # {frame, ...}: frames where the track's box holds a blob
"""

from __future__ import annotations

import numpy as np

from videoutr.engine.query.memo import memoized
from videoutr.engine.types import ClipTrajectories, Trajectory

JUMP_SHARE = 0.25  # a side changing by this share of the track's usual side in one frame jumps ...
JUMP_PX = 6.0  # ... and by more than this many pixels (edges of a blob detector wander by 2 px each)
BORDER_PX = 1.0  # an edge this close to the frame's side is on the border
WINDOW = 3  # steps either side whose edge motion is a crossing edge's own


def blob_frames(clip: ClipTrajectories, traj: Trajectory) -> set[int]:
    """The frames where the track's box holds something besides its subject (see the module doc);
    the set is shared within a clip's questions (see `memo.py`)."""
    return memoized(("blobs", id(traj)), lambda: _blob_frames(clip, traj))


def _blob_frames(clip: ClipTrajectories, traj: Trajectory) -> set[int]:
    points = [p for p in traj.points if not p.interpolated]
    if len(points) < 2:
        return set()
    size = np.array([clip.width, clip.height, clip.width, clip.height], dtype=np.float64)
    boxes = np.array([p.box_norm for p in points], dtype=np.float64) * size
    sides = boxes[:, 2:] - boxes[:, :2]
    limit = np.maximum(JUMP_PX, JUMP_SHARE * np.median(sides, axis=0))  # per axis (x, y)
    on_border = np.concatenate([boxes[:, :2] <= BORDER_PX, boxes[:, 2:] >= size[2:] - BORDER_PX], axis=1)
    larger = _larger_sides(boxes, on_border, limit)
    touching = np.array([p.contact for p in points])
    starts = np.where(touching[:-1] | touching[1:], 0, larger)  # another track's subject explains these
    inside = ~on_border.any(axis=1)
    blobs: set[int] = set()
    for step, side in enumerate(starts):
        if side in (1, 2):  # grown after the step: a blob until a shrink, or back to the size before it
            blobs.update(_blob_run(range(step + 1, len(points)), sides[step], larger, sides, inside, limit, -1))
        if side in (-1, 2):  # shrunk after the step: a blob back to a growth, or to the size after it
            blobs.update(_blob_run(range(step, -1, -1), sides[step + 1], larger, sides, inside, limit, 1))
    return {points[k].frame_idx for k in blobs}


def _blob_run(
    order: range,
    usual: np.ndarray,
    larger: np.ndarray,
    sides: np.ndarray,
    inside: np.ndarray,
    limit: np.ndarray,
    ends: int,
) -> list[int]:
    """The points, in `order` away from a jump, that still hold the blob: up to the jump that ends
    it (`ends`: the step's sign when walking forward, -1 a shrink; backward, +1 a growth), and
    before a box wholly inside the frame whose sides are back within half a jump of `usual`."""
    run = []
    forward = order.step > 0
    for k in order:
        if inside[k] and (sides[k] <= usual + limit / 2).all():
            break
        run.append(k)
        step = k if forward else k - 1  # the step leaving point k in `order`'s direction
        if 0 <= step < len(larger) and larger[step] in (ends, 2):
            break
    return run


def _larger_sides(boxes: np.ndarray, on_border: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Per step between consecutive points: 0 no jump, -1 the box before it is the larger one,
    +1 the box after it (or both, at a step where one side grows and the other shrinks: 2)."""
    steps = len(boxes) - 1
    outward = np.diff(boxes, axis=0) * np.array([-1, -1, 1, 1])  # (steps, 4) each edge's move away from the box
    before, after = on_border[:-1], on_border[1:]
    pinned = before & after  # the edge stays on the border (the subject crosses it)
    lands, leaves = ~before & after, before & ~after  # its true move is at least / at most the one seen
    result = np.zeros(steps, dtype=np.int64)
    for axis in (0, 1):
        edges, across = [axis, axis + 2], [1 - axis, 3 - axis]
        for step in range(steps):
            if (before[step, across] | after[step, across]).any():
                continue  # the box meets the border along the other axis: its profile may change fast
            if pinned[step, edges].any():
                free = [e for e in edges if not before[step, e] and not after[step, e]]
                change = _edge_change(outward, before | after, step, free[0]) if len(free) == 1 else 0.0
            else:
                change = float(outward[step, edges].sum())
                if (change < 0 and lands[step, edges].any()) or (change > 0 and leaves[step, edges].any()):
                    continue  # the border clipped the move the other way: no measure of it
            if abs(change) > limit[axis]:
                side = 1 if change > 0 else -1
                result[step] = side if result[step] in (0, side) else 2
    return result


def _edge_change(outward: np.ndarray, bordered: np.ndarray, step: int, edge: int) -> float:
    """How much further out (grown: > 0) an edge moves at `step` than it moves, off the border,
    over the `WINDOW` steps either side."""
    around = [
        outward[k, edge]
        for k in range(max(0, step - WINDOW), min(len(outward), step + WINDOW + 1))
        if k != step and not bordered[k, edge]
    ]
    return float(outward[step, edge] - (np.median(around) if around else 0.0))
