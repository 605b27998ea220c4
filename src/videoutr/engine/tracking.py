"""Tracking: per-frame `sv.Detections` -> `ClipTrajectories`, with Roboflow `trackers` ByteTrack.

ByteTrack associates high-confidence detections first and low-confidence ones second (the
paper's "confidence levels"). Detections are tracked per group (colour for `motion`, class for
model detectors) by one ByteTrack over the whole clip, each group in its own lane of the
coordinate plane (see `lanes_of`): one update per frame instead of one per group. Around it:
the frames ByteTrack holds back while a track is young are given back to the track; tracks
that are too short or too unsure are dropped with a counted reason; short gaps are filled by
linear interpolation and flagged.

    >>> clip = track_clip(per_frame, frame_idx=list(range(32)), fps=8.0, width=128, height=128,
    ...                   cfg=TrackConfig(), video_id="w0001", video="w0001.mp4", num_frames=32)
    >>> [t.track_id for t in clip.tracks], clip.dropped
    ([1, 2], {'too_short': 1})
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import supervision as sv

from videoutr.engine.config import TrackConfig
from videoutr.engine.geometry import box_iou
from videoutr.engine.kinematics import describe_track
from videoutr.engine.types import ClipTrajectories, TrackPoint, Trajectory

_ATTRS = ("colour", "shape", "location", "size")


def run_bytetrack(per_frame: list[sv.Detections], step_fps: float, cfg: TrackConfig) -> list[sv.Detections]:
    """ByteTrack over the clip; returns each frame's detections with `tracker_id` (-1: none)."""
    from trackers import ByteTrackTracker

    tracker = ByteTrackTracker(
        lost_track_buffer=max(1, int(round(cfg.lost_buffer_s * 30))),
        frame_rate=max(step_fps, 1e-3),
        track_activation_threshold=cfg.activation_conf,
        minimum_consecutive_frames=cfg.min_consecutive,
        minimum_iou_threshold=cfg.min_iou,
        high_conf_det_threshold=cfg.high_conf,
    )
    return [tracker.update(dets) for dets in per_frame]


def backfill_young_frames(tracked: list[sv.Detections], depth: int, min_iou: float = 0.3) -> None:
    """Give each track the unassigned detections ByteTrack withheld while the track was young.

    ByteTrack returns -1 for a track's first `minimum_consecutive_frames - 1` frames; walking
    back from a track's first frame, an unassigned detection overlapping the track's next box
    is given the track's id (in place).
    """
    first_seen: dict[int, int] = {}
    for i, dets in enumerate(tracked):
        for tid in dets.tracker_id:
            first_seen.setdefault(int(tid), i)
    first_seen.pop(-1, None)
    for tid, start in sorted(first_seen.items(), key=lambda kv: kv[1]):
        box = tracked[start].xyxy[list(tracked[start].tracker_id).index(tid)]
        for i in range(start - 1, max(-1, start - 1 - depth), -1):
            free = [k for k, t in enumerate(tracked[i].tracker_id) if t == -1]
            scores = [(box_iou(tracked[i].xyxy[k], box), k) for k in free]
            best = max(scores, default=(0.0, -1))
            if best[0] < min_iou:
                break
            tracked[i].tracker_id[best[1]] = tid
            box = tracked[i].xyxy[best[1]]


def collect_points(per_frame, ids, frame_idx, fps, width, height) -> dict[int, list[TrackPoint]]:
    """Group detections into normalised points per tracker id (`ids[i][k]`: the id of frame i's
    detection k, -1 for none; unassigned ones are dropped)."""
    scale = np.array([width, height, width, height], dtype=np.float64)
    points: dict[int, list[TrackPoint]] = {}
    for i, (dets, tids) in enumerate(zip(per_frame, ids)):
        rows = np.flatnonzero(tids >= 0)
        if len(rows) == 0:
            continue
        boxes = np.round(np.clip(dets.xyxy[rows] / scale, 0.0, 1.0), 4).tolist()
        conf = dets.confidence[rows].tolist() if dets.confidence is not None else [1.0] * len(rows)
        attrs = {a: dets.data[a][rows].tolist() for a in _ATTRS if a in dets.data}
        frame, time_s = frame_idx[i], round(frame_idx[i] / fps, 4)
        for j, k in enumerate(rows.tolist()):
            point = TrackPoint(frame, time_s, tuple(boxes[j]), round(conf[j], 4), **{a: str(v[j]) for a, v in attrs.items()})
            points.setdefault(int(tids[k]), []).append(point)
    return points


def interpolate_gaps(points: list[TrackPoint], frame_idx: list[int], max_gap: int) -> list[TrackPoint]:
    """Fill runs of at most `max_gap` missing engine frames by linear interpolation (flagged)."""
    position = {f: i for i, f in enumerate(frame_idx)}
    out = [points[0]]
    for prev, nxt in zip(points, points[1:]):
        a, b = position[prev.frame_idx], position[nxt.frame_idx]
        if 1 < b - a <= max_gap + 1:
            for j in range(a + 1, b):
                w = (j - a) / (b - a)
                box = tuple(round((1 - w) * p + w * q, 4) for p, q in zip(prev.box_norm, nxt.box_norm))
                conf = round(min(prev.confidence, nxt.confidence) * 0.5, 4)
                f = frame_idx[j]
                out.append(TrackPoint(f, round(prev.time_s + (nxt.time_s - prev.time_s) * w, 4), box, conf, True,
                                      prev.colour, prev.shape, prev.location, prev.size))
        out.append(nxt)
    return out


def filter_track(points: list[TrackPoint], cfg: TrackConfig, frame_idx: list[int] | None = None) -> str | None:
    """Why a track is dropped ("too_short", "too_unsure", "fragment"), or None to keep it.

    A fragment appears and vanishes away from the frame's edges within less than half the clip:
    on a static camera that is a piece of a partly hidden subject, not a subject of its own.
    """
    if len(points) < cfg.min_track_len:
        return "too_short"
    if float(np.mean([p.confidence for p in points])) < cfg.min_mean_conf:
        return "too_unsure"
    if frame_idx and points[0].frame_idx > frame_idx[0] and points[-1].frame_idx < frame_idx[-1]:
        if not _touches_border(points[0], 0.02) and not _touches_border(points[-1], 0.02) and len(points) * 2 < len(frame_idx):
            return "fragment"
    return None


def _majority(values: list[str | None]) -> str:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else "object"


def uncertain_frames(per_frame: list[sv.Detections], frame_idx: list[int], kept: list[list[TrackPoint]]) -> list[int]:
    """Frames where some detection is not explained by a kept track: it is not one of their boxes
    and, if it has a colour, no kept subject of that colour is in the frame (then it is a piece
    of that subject, not someone unknown)."""
    boxes: dict[int, list[TrackPoint]] = {}
    for points in kept:
        for p in points:
            if not p.interpolated:
                boxes.setdefault(p.frame_idx, []).append(p)
    out = []
    for f, dets in zip(frame_idx, per_frame):
        known = boxes.get(f, [])
        colours = {p.colour for p in known if p.colour}
        unexplained = len(dets) - len(known)
        strangers = [c for c in dets.data.get("colour", []) if c not in colours] if "colour" in dets.data else []
        if strangers or ("colour" not in dets.data and unexplained > 0):
            out.append(f)
    return out


def partition_field(per_frame: list[sv.Detections], mode: str, detector_choice: str | None) -> str | None:
    """The `data` key whose values split detections into separately tracked groups (or None)."""
    if mode == "auto":
        mode = detector_choice or "none"
    if mode == "none":
        return None
    if mode not in ("colour", "class_name"):
        from videoutr.errors import ConfigError

        raise ConfigError(f"track.partition: expected auto, colour, class_name or none, got {mode!r}")
    return mode if all(mode in d.data or len(d) == 0 for d in per_frame) else None


def lanes_of(per_frame, key: str | None, width: int, height: int) -> list[sv.Detections]:
    """Each frame's boxes for one ByteTrack over all groups: group g's boxes are shifted to their
    own lane, g * 4 frame widths to the right, so that boxes (and Kalman predictions) of different
    groups never overlap and are never associated -- the same as one tracker per group, in one
    pass. `class_id` holds each box's row in its frame's detections."""
    groups = {g: i for i, g in enumerate(sorted({str(v) for d in per_frame for v in d.data[key]}))} if key else {}
    lane = 4.0 * max(width, height, 1)
    out = []
    for dets in per_frame:
        xyxy = dets.xyxy.astype(np.float64)
        if key and len(dets):
            xyxy[:, [0, 2]] += lane * np.array([groups[str(v)] for v in dets.data[key]], dtype=np.float64)[:, None]
        out.append(sv.Detections(xyxy=xyxy, confidence=dets.confidence, class_id=np.arange(len(dets))))
    return out


def tracklets_of(per_frame, frame_idx, fps, width, height, cfg: TrackConfig, key: str | None):
    """ByteTrack per group (all detections when `key` is None), in one pass over lanes; returns
    the tracklets (points in frame order) by tracker id."""
    step = (frame_idx[-1] - frame_idx[0]) / max(1, len(frame_idx) - 1) if len(frame_idx) > 1 else 1
    tracked = run_bytetrack(lanes_of(per_frame, key, width, height), fps / max(step, 1e-9), cfg)
    backfill_young_frames(tracked, depth=max(1, cfg.min_consecutive))
    ids = []
    for dets, out in zip(per_frame, tracked):
        row_ids = np.full(len(dets), -1, dtype=np.int64)
        if len(out):
            row_ids[out.class_id] = out.tracker_id
        ids.append(row_ids)
    return [pts for _, pts in sorted(collect_points(per_frame, ids, frame_idx, fps, width, height).items())]


def track_clip(
    per_frame, frame_idx, fps, width, height, cfg: TrackConfig, video_id: str, video: str, num_frames: int = 0,
    partition: str | None = None,
) -> ClipTrajectories:
    """Track a clip's detections and build its trajectories (ids renumbered 1.. by first sight).

    `partition` is the detector's preferred grouping ("colour", "class_name"), used when
    `cfg.partition` is "auto".
    """
    from videoutr.engine.stitching import stitch_tracklets

    key = partition_field(per_frame, cfg.partition, partition)
    tracklets = tracklets_of(per_frame, frame_idx, fps, width, height, cfg, key)
    step_s = (frame_idx[-1] - frame_idx[0]) / fps / max(1, len(frame_idx) - 1) if len(frame_idx) > 1 else 1.0
    max_gap = max(1, int(round(cfg.stitch_gap_s / max(step_s, 1e-9))))
    chains = stitch_tracklets(sorted(tracklets, key=lambda t: (t[0].frame_idx, t[0].box_norm)), frame_idx, max_gap, cfg.stitch_dist)
    dropped: Counter[str] = Counter()
    kept: list[list[TrackPoint]] = []
    for points in chains:
        reason = filter_track(points, cfg, frame_idx)
        if reason:
            dropped[reason] += 1
            continue
        kept.append(interpolate_gaps(points, frame_idx, cfg.max_gap))
    kept.sort(key=lambda pts: (pts[0].frame_idx, pts[0].box_norm))
    mark_contacts(kept)
    uncertain = uncertain_frames(per_frame, frame_idx, kept)
    tracks = [_trajectory(new_id, points, frame_idx, fps, cfg) for new_id, points in enumerate(kept, start=1)]
    return ClipTrajectories(video_id, video, fps, num_frames or (frame_idx[-1] + 1), width, height, list(frame_idx), tracks,
                            dict(sorted(dropped.items())), uncertain)


def mark_contacts(tracks: list[list[TrackPoint]], margin: float = 0.02) -> None:
    """Flag points whose box, grown by `margin`, meets another track's box in the same frame."""
    by_frame: dict[int, list[TrackPoint]] = {}
    for points in tracks:
        for p in points:
            by_frame.setdefault(p.frame_idx, []).append(p)
    for group in by_frame.values():
        for a in group:
            x1, y1, x2, y2 = a.box_norm
            a.contact = any(b is not a and b.box_norm[0] < x2 + margin and x1 - margin < b.box_norm[2]
                            and b.box_norm[1] < y2 + margin and y1 - margin < b.box_norm[3] for b in group)


MIN_SHAPE_VOTES = 3  # clean points needed to name a subject's shape; else it is an "object"


def _trajectory(track_id: int, points: list[TrackPoint], frame_idx, fps, cfg: TrackConfig) -> Trajectory:
    """Per-track attributes; shape and size are voted by clean points only (hidden or cut-off
    views mislead), and a subject with too few clean views is just an "object"."""
    from videoutr.engine.kinematics import clean_mask

    traj = Trajectory(track_id, "object", points, colour=_majority([p.colour for p in points]),
                      mean_confidence=round(float(np.mean([p.confidence for p in points])), 4))
    clean = [p for p, ok in zip(points, clean_mask(traj)) if ok]
    if len(clean) >= MIN_SHAPE_VOTES:
        traj.category = _majority([p.shape for p in clean])
    traj.size = _majority([p.size for p in clean or points])
    describe_track(traj, frame_idx, fps, cfg)
    return traj


def _touches_border(p: TrackPoint, margin: float = 0.01) -> bool:
    x1, y1, x2, y2 = p.box_norm
    return x1 <= margin or y1 <= margin or x2 >= 1 - margin or y2 >= 1 - margin
