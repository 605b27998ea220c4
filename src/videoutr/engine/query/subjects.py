"""What the engine may say about a subject: reliable points, names, trajectory and action text.

A point is *reliable* when it was detected (not interpolated), its confidence is at least
`min_claim_conf`, its box is not much smaller than the track's usual box (a shrunken box
means the subject is partly hidden or partly out of the frame) nor much larger (`MERGED_AREA`:
a detector merged it with something beside it), neither side is much shorter or longer than
the track's usual one (`SIDE_RANGE`: a box cut short along one side misses part of the subject,
one grown along one side takes in something next to it), and it does not touch another
subject (one of the two may hide the other), nor is it a blob the box jumped into or out of
(`jumps.blob_frames`: it held another subject too). A track whose usual box is narrower or shorter
than `min_claim_side_px` pixels has no reliable point: edges that wander by a pixel or two
are a large share of it, and its boxes may miss much of a thin subject while keeping their
usual size. Answers only assert reliable points; questions about unreliable moments are not asked.

    name_of(traj)
"""

from __future__ import annotations

import numpy as np

from videoutr.engine.config import QueryConfig
from videoutr.engine.geometry import box_iou
from videoutr.engine.query.jumps import blob_frames
from videoutr.engine.query.memo import memoized
from videoutr.engine.query.phrasing import box_text, join_phrases, round_box
from videoutr.engine.track.path import SIDE_RANGE, SIDE_SLACK  # a reliable box's sides: as a clean one's
from videoutr.engine.types import ClipTrajectories, TrackPoint, Trajectory

MERGED_AREA = 1.8  # a box this many times the track's usual area holds something else too (two subjects merged)


def _area(p: TrackPoint) -> float:
    x1, y1, x2, y2 = p.box_norm
    return max(0.0, x2 - x1) * max(0.0, y2 - y1)


def reliable_points(clip: ClipTrajectories, traj: Trajectory, cfg: QueryConfig) -> list[TrackPoint]:
    """The points an answer may assert (see the module doc); the list is shared (see `memo.py`)."""
    return memoized(("reliable", id(traj), id(cfg)), lambda: _reliable_points(clip, traj, cfg))


def _reliable_points(clip: ClipTrajectories, traj: Trajectory, cfg: QueryConfig) -> list[TrackPoint]:
    blobs = blob_frames(clip, traj)
    detected = [p for p in traj.points if not p.interpolated and p.frame_idx not in blobs]
    if not detected or is_thin(clip, traj, cfg):
        return []
    areas = [_area(p) for p in detected]
    usual = _median(areas)
    least, most = cfg.min_visible * usual, MERGED_AREA * usual
    unmerged = [p for p, area in zip(detected, areas) if area <= most]
    width, height = _usual_sides(unmerged)
    low, high = SIDE_RANGE
    return [
        p
        for p, area in zip(detected, areas)
        if p.confidence >= cfg.min_claim_conf
        and least <= area <= most
        and not p.contact
        and low * width - SIDE_SLACK <= p.box_norm[2] - p.box_norm[0] <= high * width + SIDE_SLACK
        and low * height - SIDE_SLACK <= p.box_norm[3] - p.box_norm[1] <= high * height + SIDE_SLACK
    ]


def _median(values: list[float]) -> float:
    """`numpy.median` of a non-empty list, without numpy's overhead on short lists."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _usual_sides(points: list[TrackPoint]) -> tuple[float, float]:
    """Median width and height of the points' boxes (normalised), the track's usual box."""
    return _median([p.box_norm[2] - p.box_norm[0] for p in points]), _median(
        [p.box_norm[3] - p.box_norm[1] for p in points]
    )


def is_thin(clip: ClipTrajectories, traj: Trajectory, cfg: QueryConfig) -> bool:
    """Whether the track's usual box (its detected points' median sides) is narrower or shorter
    than `min_claim_side_px` pixels: edges that wander by a pixel or two are much of it, and its
    boxes may miss much of a thin subject while keeping their usual size."""
    detected = [p for p in traj.points if not p.interpolated]
    if not detected or cfg.min_claim_side_px <= 0:
        return False
    width, height = _usual_sides(detected)
    return min(width * clip.width, height * clip.height) < cfg.min_claim_side_px


def is_reliable(clip: ClipTrajectories, traj: Trajectory, frame_idx: int, cfg: QueryConfig) -> bool:
    return any(p.frame_idx == frame_idx for p in reliable_points(clip, traj, cfg))


def appearance(traj: Trajectory, frame_idx: int | None = None) -> str:
    """ "red circle" (the colour at `frame_idx`, else the track's usual colour)."""
    colour = traj.colour
    if frame_idx is not None:
        point = traj.point_at(frame_idx)
        colour = point.colour if point and point.colour else colour
    return f"{colour} {traj.category}" if colour else traj.category


def name_of(traj: Trajectory, frame_idx: int | None = None) -> str:
    return f"the {appearance(traj, frame_idx)}"


def named_colour(traj: Trajectory) -> str | None:
    """The colour a short name gives a subject: its only colour, none when it changes colour."""
    colours = traj.colours()
    return colours[0] if len(colours) == 1 else None


def short_names(clip: ClipTrajectories) -> dict[int, str]:
    """Track id -> a name that picks out one subject, as benchmarks word it: "the red circle", or
    "the star" for a subject whose colour changes (when no other subject is a star). A subject whose
    shape the engine could not name, or whose name another subject shares, gets none."""

    def name(traj: Trajectory) -> str | None:
        if traj.category == "object":
            return None
        colour = named_colour(traj)
        if colour is not None:
            return f"the {colour} {traj.category}"
        if sum(other.category == traj.category for other in clip.tracks) == 1:
            return f"the {traj.category}"
        return None

    names = {traj.track_id: name(traj) for traj in clip.tracks}
    given = [n for n in names.values() if n]
    return {i: n for i, n in names.items() if n and given.count(n) == 1}


def trajectory_text(
    clip: ClipTrajectories, traj: Trajectory, cfg: QueryConfig
) -> tuple[str, list[tuple[int, list[float]]]]:
    """Every `box_stride`-th reliable point (at most `max_boxes`, ends kept), as text and claims."""
    points = reliable_points(clip, traj, cfg)
    picked = points[:: max(1, cfg.box_stride)]
    if points and picked[-1] is not points[-1]:
        picked.append(points[-1])
    if len(picked) > cfg.max_boxes:
        keep = np.linspace(0, len(picked) - 1, cfg.max_boxes).round().astype(int)
        picked = [picked[i] for i in keep]
    claims = [(p.frame_idx, round_box(p.box_norm)) for p in picked]
    return "; ".join(f"frame {f}: {box_text(b)}" for f, b in claims), claims


def well_observed(clip: ClipTrajectories, traj: Trajectory, cfg: QueryConfig) -> bool:
    """Seen whole (not hidden, not cut by the border) in at least `min_observed` of its points."""
    return traj.observed >= cfg.min_observed and bool(reliable_points(clip, traj, cfg))


def ends_explained(traj: Trajectory, clip: ClipTrajectories, cfg: QueryConfig) -> tuple[bool, bool]:
    """Whether the track's first and its last point are where the subject truly comes and goes:
    the clip's own ends, or the frame's border (a sure entry or exit: the subject seen crossing
    it). A track that begins or ends inside the frame, or at the border with its subject still
    whole there, lost its subject (hidden behind another, grown still into the background, or a
    piece of a subject another track follows): its first or last frame is no fact, and the
    subject may be there unseen before or after it. A thin track's (`is_thin`) entry and exit
    explain nothing: they are dated from its box's inner edge, which a box cut short misplaces."""
    kinds = {e.type for e in traj.events if e.detail.get("sure", True)} if not is_thin(clip, traj, cfg) else set()
    return (
        traj.first_frame == clip.frame_idx[0] or "enter" in kinds,
        traj.last_frame == clip.frame_idx[-1] or "exit" in kinds,
    )


UNSEEN_REACH_S = 1.0  # a subject shown by unexplained detections may be there this long before and after them


def unseen_frames(clip: ClipTrajectories, cfg: QueryConfig) -> set[int]:
    """Frames where a subject may be in view without a track: before a track's unexplained start
    and after its unexplained end (`ends_explained`), and within `UNSEEN_REACH_S` of a frame with
    unexplained detections (a subject the detector sees only now and then is there in between)
    or with a box grown around something no track follows (`grown_alone`)."""
    reach = UNSEEN_REACH_S * clip.fps
    unexplained = set(clip.uncertain_frames) | grown_alone(clip)
    frames = {f for f in clip.frame_idx for u in unexplained if abs(f - u) <= reach}
    ordered = sorted(unexplained)
    for a, b in zip(ordered, ordered[1:]):
        if b - a <= 2 * reach:
            frames.update(f for f in clip.frame_idx if a < f < b)
    for since in merges(clip).values():
        frames.update(f for f in clip.frame_idx if f >= since)
    for traj in clip.tracks:
        start, end = ends_explained(traj, clip, cfg)
        came, went = seen_span(traj, clip)  # a sliver at the border, in view but not yet (no longer) detected
        frames.update(
            f
            for f in clip.frame_idx
            if (not start and f < traj.first_frame)
            or (not end and f > traj.last_frame)
            or came <= f < traj.first_frame
            or traj.last_frame < f <= went
        )
    return frames


def grown_alone(clip: ClipTrajectories) -> set[int]:
    """Frames where a track's detected box is wider or taller than `SIDE_RANGE` allows, or a blob
    its box jumped into or out of (`jumps.blob_frames`), and no other track's box meets it: the
    detector merged the subject with something beside it that no track follows (an unknown
    subject, seen in this blob only), which may be there, unseen, when the box shrinks back."""
    frames = set()
    for traj in clip.tracks:
        detected = [p for p in traj.points if not p.interpolated]
        if not detected:
            continue
        width, height = _usual_sides(detected)
        blobs = blob_frames(clip, traj)
        for p in detected:
            x1, y1, x2, y2 = p.box_norm
            grown = x2 - x1 > SIDE_RANGE[1] * width + SIDE_SLACK or y2 - y1 > SIDE_RANGE[1] * height + SIDE_SLACK
            if (grown or p.frame_idx in blobs) and not any(
                (q := other.point_at(p.frame_idx)) is not None and box_iou(p.box_norm, q.box_norm) > 0
                for other in clip.tracks
                if other is not traj
            ):
                frames.add(p.frame_idx)
    return frames


def fully_explained(clip: ClipTrajectories, cfg: QueryConfig) -> bool:
    """Every track comes and goes where the subject truly does, no detection is unexplained, and
    no two subjects' identities were mixed up (`merges`)."""
    return (
        not clip.uncertain_frames and not merges(clip) and all(all(ends_explained(t, clip, cfg)) for t in clip.tracks)
    )


def merges(clip: ClipTrajectories) -> dict[int, int]:
    """Track id -> the first frame where its subject and another one met (one of them undetected,
    interpolated or in a merged box while their boxes overlap, or one track born out of another's
    box: `splits`) and both tracks go on afterwards: which of the two is which after that is a
    guess (a swap of identities looks the same). Shared within a clip's questions (see `memo.py`)."""
    return memoized(("merges", id(clip)), lambda: _merges(clip))


def splits(clip: ClipTrajectories) -> list[tuple[int, int, int, int]]:
    """(parent id, child id, since, born) for each track born after the clip's start whose first
    box overlaps another track's box of the frame before: the two subjects were one blob, followed
    by the parent, until the child's first frame `born`; the blob began, at `since`, after the
    parent's box was last its own subject's size (`SIDE_RANGE` of its boxes from `born` on) and
    clear of the child's first box. Shared within a
    clip's questions (see `memo.py`)."""
    return memoized(("splits", id(clip)), lambda: _splits(clip))


def _splits(clip: ClipTrajectories) -> list[tuple[int, int, int, int]]:
    found = []
    for child in clip.tracks:
        born = child.first_frame
        at = clip.frame_idx.index(born) if born in clip.frame_idx else 0
        if at == 0:
            continue
        before = clip.frame_idx[at - 1]
        for parent in clip.tracks:
            q = parent.point_at(before) if parent is not child else None
            if q is None or parent.last_frame < born or box_iou(child.points[0].box_norm, q.box_norm) <= 0:
                continue
            after = [p for p in parent.points if p.frame_idx >= born and not p.interpolated] or [q]
            width = _median([p.box_norm[2] - p.box_norm[0] for p in after])
            height = _median([p.box_norm[3] - p.box_norm[1] for p in after])
            since = born
            for f in reversed(clip.frame_idx[:at]):
                p = parent.point_at(f)
                if p is None or not (
                    p.box_norm[2] - p.box_norm[0] > SIDE_RANGE[1] * width + SIDE_SLACK
                    or p.box_norm[3] - p.box_norm[1] > SIDE_RANGE[1] * height + SIDE_SLACK
                    or box_iou(child.points[0].box_norm, p.box_norm) > 0
                ):
                    break
                since = f
            found.append((parent.track_id, child.track_id, since, born))
    return found


def _merges(clip: ClipTrajectories) -> dict[int, int]:
    found: dict[int, int] = {}
    usual = {t.track_id: _median([_area(p) for p in t.points]) for t in clip.tracks}
    for traj in clip.tracks:
        last_seen = traj.points[0]
        for f in clip.frame_idx:
            if not traj.first_frame <= f <= traj.last_frame:
                continue
            point = traj.point_at(f)
            if point is not None and not point.interpolated and _area(point) <= MERGED_AREA * usual[traj.track_id]:
                last_seen = point
                continue
            box = (point or last_seen).box_norm
            for other in clip.tracks:
                q = other.point_at(f) if other is not traj else None
                if q is None or box_iou(box, q.box_norm) <= 0:
                    continue
                if traj.last_frame > f and other.last_frame > f:
                    for tid in (traj.track_id, other.track_id):
                        found[tid] = min(found.get(tid, f), f)
    for parent, child, since, _ in splits(clip):
        for tid in (parent, child):
            found[tid] = min(found.get(tid, since), since)
    return found


def actions_text(traj: Trajectory, clip: ClipTrajectories, cfg: QueryConfig | None = None) -> str:
    """What the subject does, segment by segment ("moves right from frame 0 to 11, then ...");
    a segment mostly hidden or cut by the border is said to be hard to see, nothing more."""
    min_observed = cfg.min_observed if cfg else 0.0
    parts = []
    for seg in traj.segments:
        span = f"from frame {seg.start_frame} to {seg.end_frame}"
        if seg.observed < min_observed:
            parts.append(f"is hard to see {span}")
        elif seg.state == "moving":
            parts.append(f"moves {seg.direction} {span}")
        else:
            parts.append(f"stays still {span}")
    for event in traj.events:
        if event.type == "colour_change":
            parts.append(f"turns {event.detail['to']} at frame {event.frame_idx}")
    return join_phrases(parts) if parts else "stays in view"


def seen_span(traj: Trajectory, clip: ClipTrajectories) -> tuple[int, int]:
    """The first and last engine frames showing any of the subject: its track's, or where it
    crosses the border, the frame of its entry and the one before its exit (see
    `kinematics.crossing_frame`: a sliver at the edge is seen before it is detected)."""
    first, last = traj.first_frame, traj.last_frame
    for event in traj.events:
        if event.type == "enter":
            first = min(first, event.frame_idx)
        elif event.type == "exit":
            last = max([last] + [f for f in clip.frame_idx if f < event.frame_idx])
    return first, last


def visibility_text(traj: Trajectory, clip: ClipTrajectories) -> str:
    """When it is seen: "visible for the whole video" or "appears at frame a and leaves after b"."""
    first, last = clip.frame_idx[0], clip.frame_idx[-1]
    came, went = seen_span(traj, clip)
    if came == first and went == last:
        return "It is visible for the whole video"
    start = "is there from the start" if came == first else f"appears at frame {came}"
    end = "stays until the end" if went == last else f"is last seen at frame {went}"
    return f"It {start} and {end}"


def unambiguous(clip: ClipTrajectories, traj: Trajectory, frame_idx: int, max_iou: float = 0.2) -> bool:
    """No other track's box at `frame_idx` overlaps this track's box."""
    point = traj.point_at(frame_idx)
    if point is None:
        return False
    for other in clip.tracks:
        q = other.point_at(frame_idx) if other is not traj else None
        if q is not None and box_iou(point.box_norm, q.box_norm) > max_iou:
            return False
    return True
