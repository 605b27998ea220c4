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

While the box stays off the frame's border, a side jumps when its length changes so. While the
subject crosses the border, the crossing side jumps when its inner edge moves, in one frame, that
much further than it moves over the frames around (`WINDOW`); the other side is not read then
(an entering subject's profile may widen fast), nor is anything at a corner.

    blob_frames(clip, traj)      # {frame, ...}: frames where the track's box holds a blob
"""

from __future__ import annotations

import numpy as np

from videoutr.engine.types import ClipTrajectories, Trajectory

JUMP_SHARE = 0.25  # a side changing by this share of the track's usual side in one frame jumps ...
JUMP_PX = 4.0  # ... if it also changes by this many pixels
BORDER_PX = 2.0  # an edge this close to the frame's side is on the border
WINDOW = 3  # steps either side whose edge motion is a crossing edge's own


def blob_frames(clip: ClipTrajectories, traj: Trajectory) -> set[int]:
    """The frames where the track's box holds something besides its subject (see the module doc)."""
    points = [p for p in traj.points if not p.interpolated]
    if len(points) < 2:
        return set()
    size = np.array([clip.width, clip.height, clip.width, clip.height], dtype=np.float64)
    boxes = np.array([p.box_norm for p in points], dtype=np.float64) * size
    sides = boxes[:, 2:] - boxes[:, :2]
    limit = np.maximum(JUMP_PX, JUMP_SHARE * np.median(sides, axis=0))  # per axis (x, y)
    on_border = np.concatenate([boxes[:, :2] <= BORDER_PX, boxes[:, 2:] >= size[2:] - BORDER_PX], axis=1)
    larger = _larger_sides(boxes, on_border, limit)
    inside = ~on_border.any(axis=1)
    blobs: set[int] = set()
    for step, side in enumerate(larger):
        if side in (1, 2):  # grown after the step: a blob until a shrink, or back to the size before it
            blobs.update(_blob_run(range(step + 1, len(points)), sides[step], larger, sides, inside, limit, -1))
        if side in (-1, 2):  # shrunk after the step: a blob back to a growth, or to the size after it
            blobs.update(_blob_run(range(step, -1, -1), sides[step + 1], larger, sides, inside, limit, 1))
    return {points[k].frame_idx for k in blobs}


def _blob_run(order: range, usual: np.ndarray, larger, sides, inside, limit, ends: int) -> list[int]:
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
    moves = np.diff(boxes, axis=0)  # (steps, 4) edge displacements
    free = ~on_border[:-1] & ~on_border[1:]  # (steps, 4) edge off the border at both ends of the step
    loose = ~on_border[:-1] | ~on_border[1:]  # (steps, 4) edge off the border at one end at least
    result = np.zeros(steps, dtype=np.int64)
    for axis in (0, 1):
        edges, across = (axis, axis + 2), (1 - axis, 3 - axis)
        for step in range(steps):
            if not free[step, across].all():
                continue  # the box crosses the border along the other axis: its profile may change fast
            if free[step, edges].all():
                changes = [moves[step, edges[1]] - moves[step, edges[0]]]
            else:
                changes = [_edge_change(moves, free, step, edge) for edge in edges if loose[step, edge]]
            for change in changes:
                if abs(change) > limit[axis]:
                    side = 1 if change > 0 else -1
                    result[step] = side if result[step] in (0, side) else 2
    return result


def _edge_change(moves: np.ndarray, free: np.ndarray, step: int, edge: int) -> float:
    """How much further out (grown: > 0) an edge moves at `step` than it moves, off the border,
    over the `WINDOW` steps either side (an edge landing on the border moved at least that far)."""
    around = [
        moves[k, edge]
        for k in range(max(0, step - WINDOW), min(len(moves), step + WINDOW + 1))
        if k != step and free[k, edge]
    ]
    usual = float(np.median(around)) if around else 0.0
    return (moves[step, edge] - usual) * (1 if edge >= 2 else -1)
