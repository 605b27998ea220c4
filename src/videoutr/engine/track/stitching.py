"""Tracklet stitching: join a track that ends to one that starts soon after, where it should be.

ByteTrack loses a subject that is hidden for longer than its buffer, or whose box changes too
much while it is partly hidden; tracking per colour (see `tracking.py`) also splits a subject
that changes colour. A tracklet `b` continues `a` when `b` starts within `max_gap` engine frames
after `a` ends, `b`'s first centre lies near `a`'s centre extrapolated at `a`'s last velocity,
and the colours agree -- or `b` starts on the very next frame on top of `a`'s last box (a colour
change in place). Links are taken greedily, nearest first; each tracklet gets at most one
predecessor and one successor.

    chains = stitch_tracklets([a, b, c], frame_idx=list(range(32)), max_gap=12, max_dist=0.12)
    len(chains)
"""

from __future__ import annotations

import numpy as np

from videoutr.engine.geometry import box_iou
from videoutr.engine.types import TrackPoint


def _end_velocity(points: list[TrackPoint], last_k: int = 4) -> np.ndarray:
    tail = points[-last_k:]
    if len(tail) < 2 or tail[-1].time_s <= tail[0].time_s:
        return np.zeros(2)
    return (np.array(tail[-1].centre) - np.array(tail[0].centre)) / (tail[-1].time_s - tail[0].time_s)


def _colour(points: list[TrackPoint]) -> str | None:
    names = [p.colour for p in points if p.colour]
    return max(set(names), key=names.count) if names else None


def link_cost(
    a: list[TrackPoint], b: list[TrackPoint], position: dict[int, int], max_gap: int, max_dist: float
) -> float | None:
    """Distance between `b`'s start and `a`'s extrapolated end, or None when `b` cannot continue `a`."""
    last, first = a[-1], b[0]
    gap = position[first.frame_idx] - position[last.frame_idx]
    if gap < 1 or gap > max_gap:
        return None
    dt = first.time_s - last.time_s
    predicted = np.array(last.centre) + _end_velocity(a) * dt
    dist = float(np.hypot(*(predicted - np.array(first.centre))))
    if _colour(a[-3:]) == _colour(b[:3]):
        return dist if dist <= max_dist * (1 + gap / 4) else None
    if gap == 1 and box_iou(last.box_norm, first.box_norm) >= 0.3:
        return dist  # the same subject changing colour in place
    return None


def stitch_tracklets(
    tracklets: list[list[TrackPoint]], frame_idx: list[int], max_gap: int, max_dist: float
) -> list[list[TrackPoint]]:
    """Join tracklets into chains (each a list of points in frame order)."""
    position = {f: i for i, f in enumerate(frame_idx)}
    links = []
    for i, a in enumerate(tracklets):
        for j, b in enumerate(tracklets):
            if i != j and (cost := link_cost(a, b, position, max_gap, max_dist)) is not None:
                links.append((cost, i, j))
    successor: dict[int, int] = {}
    predecessor: dict[int, int] = {}
    for _, i, j in sorted(links):
        if i not in successor and j not in predecessor and not _same_chain(successor, j, i):
            successor[i], predecessor[j] = j, i
    chains = []
    for i in range(len(tracklets)):
        if i in predecessor:
            continue
        chain, k = list(tracklets[i]), i
        while k in successor:
            k = successor[k]
            chain.extend(tracklets[k])
        chains.append(chain)
    return chains


def _same_chain(successor: dict[int, int], start: int, target: int) -> bool:
    k = start
    while k in successor:
        k = successor[k]
        if k == target:
            return True
    return start == target
