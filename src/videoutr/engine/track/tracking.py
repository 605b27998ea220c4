"""Tracking: per-frame `sv.Detections` -> `ClipTrajectories`, with Roboflow `trackers` ByteTrack.

ByteTrack associates high-confidence detections first and low-confidence ones second (the
paper's "confidence levels"). Detections are tracked per group (colour for `motion`, class for
model detectors) by one ByteTrack over the whole clip -- over several clips at once with
`track_clips` --, each group of each clip in its own lane of the coordinate plane (see
`lanes.py`): one update per frame instead of one per group and clip. Around it:
the frames ByteTrack holds back while a track is young are given back to the track; tracks
that are too short or too unsure are dropped with a counted reason; short gaps are filled by
linear interpolation and flagged.

    clip = track_clip(per_frame, frame_idx=list(range(32)), fps=8.0, width=128, height=128,
                      cfg=TrackConfig(), video_id="w0001", video="w0001.mp4", num_frames=32)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import supervision as sv

from videoutr.engine.config import TrackConfig
from videoutr.engine.track.kinematics import describe_track
from videoutr.engine.track.lanes import (
    backfill_young_frames,
    boundary_orphans,
    column,
    lanes_of,
    row_ids,
    track_lanes,
)
from videoutr.engine.types import ClipTrajectories, TrackPoint, Trajectory

_ATTRS = ("colour", "shape", "location", "size", "action")


def collect_points(per_frame, ids, frame_idx, fps, width, height) -> dict[int, list[TrackPoint]]:
    """Group detections into normalised points per tracker id (`ids[i][k]`: the id of frame i's
    detection k, -1 for none; unassigned ones are dropped)."""
    tids = np.concatenate(ids) if ids else np.empty(0, np.int64)
    rows = np.flatnonzero(tids >= 0)
    if len(rows) == 0:
        return {}
    scale = np.array([width, height, width, height], dtype=np.float64)
    boxes = np.round(np.clip(np.concatenate([d.xyxy for d in per_frame])[rows] / scale, 0.0, 1.0), 4).tolist()
    conf = np.concatenate([d.confidence if d.confidence is not None else np.ones(len(d)) for d in per_frame])[
        rows
    ].tolist()
    frames = np.repeat(frame_idx, [len(d) for d in per_frame])[rows].tolist()
    none = [None] * len(rows)
    attrs = [
        [None if v is None else str(v) for v in column(per_frame, a)[rows].tolist()]
        if any(a in d.data for d in per_frame)
        else none
        for a in _ATTRS
    ]
    points: dict[int, list[TrackPoint]] = {}
    for tid, frame, box, c, colour, shape, location, size, action in zip(
        tids[rows].tolist(), frames, boxes, conf, *attrs
    ):
        points.setdefault(tid, []).append(
            TrackPoint(
                frame,
                round(frame / fps, 4),
                tuple(box),
                round(c, 4),
                False,
                colour,
                shape,
                location,
                size,
                action=action,
            )
        )
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
                out.append(
                    TrackPoint(
                        f,
                        round(prev.time_s + (nxt.time_s - prev.time_s) * w, 4),
                        box,
                        conf,
                        True,
                        prev.colour,
                        prev.shape,
                        prev.location,
                        prev.size,
                    )
                )
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
        if (
            not _touches_border(points[0], 0.02)
            and not _touches_border(points[-1], 0.02)
            and len(points) * 2 < len(frame_idx)
        ):
            return "fragment"
    return None


def _majority(values: list[str | None]) -> str:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else "object"


def uncertain_frames(
    per_frame: list[sv.Detections], frame_idx: list[int], kept: list[list[TrackPoint]], part_colours: bool = True
) -> list[int]:
    """Frames where some detection is not explained by a kept track: it is not one of their boxes
    and, if it has a colour that a subject's parts share (`part_colours`: flat-coloured subjects),
    no kept subject of that colour is in the frame (then it is a piece of that subject, not
    someone unknown)."""
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
        by_colour = part_colours and "colour" in dets.data
        strangers = [c for c in dets.data["colour"] if c not in colours] if by_colour else []
        if strangers or (not by_colour and unexplained > 0):
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


@dataclass
class ClipDetections:
    """One clip's per-frame detections and what tracking needs to know of the clip. `partition`:
    the detector's preferred grouping ("colour", "class_name"), used when `cfg.partition` is "auto"."""

    per_frame: list[sv.Detections]
    frame_idx: list[int]
    fps: float
    width: int
    height: int
    video_id: str
    video: str
    num_frames: int = 0
    partition: str | None = None
    camera: np.ndarray | None = None  # (T, 2, 3): each frame's map into the first frame's pixels; None: static
    part_colours: bool = True  # the detector's colour of a part of a subject is the subject's (flat colours)

    @property
    def step_fps(self) -> float:
        """Engine frames per second (the rate ByteTrack sees)."""
        frames = self.frame_idx
        step = (frames[-1] - frames[0]) / max(1, len(frames) - 1) if len(frames) > 1 else 1
        return self.fps / max(step, 1e-9)


def tracklets_of(clips: list[ClipDetections], cfg: TrackConfig) -> list[list[list[TrackPoint]]]:
    """Each clip's tracklets (points in frame order, by tracker id): ByteTrack per group of each
    clip, all clips of one frame rate in one pass over lanes (see `lanes.py`)."""
    fields = [partition_field(c.per_frame, cfg.partition, c.partition) for c in clips]
    lanes = [lanes_of(c.per_frame, field, c.width, c.height) for c, field in zip(clips, fields)]
    tracked: list[list] = [[] for _ in clips]
    for rate in sorted({c.step_fps for c in clips}):
        same = [j for j, c in enumerate(clips) if c.step_fps == rate]
        for j, result in zip(same, track_lanes([lanes[j] for j in same], rate, cfg)):
            tracked[j] = result
    out = []
    for clip, clip_lanes, result, field in zip(clips, lanes, tracked, fields):
        backfill_young_frames(clip_lanes, result, depth=max(1, cfg.min_consecutive))
        ids = row_ids(clip.per_frame, result)
        if field == "colour":
            boundary_orphans(ids)
        points = collect_points(clip.per_frame, ids, clip.frame_idx, clip.fps, clip.width, clip.height)
        out.append([pts for _, pts in sorted(points.items())])
    return out


def track_clips(clips: list[ClipDetections], cfg: TrackConfig) -> list[ClipTrajectories]:
    """Track several clips' detections (one ByteTrack pass, each clip as if alone) and build
    their trajectories (ids renumbered 1.. by first sight)."""
    return [trajectories_of(clip, tracklets, cfg) for clip, tracklets in zip(clips, tracklets_of(clips, cfg))]


def track_clip(
    per_frame,
    frame_idx,
    fps,
    width,
    height,
    cfg: TrackConfig,
    video_id: str,
    video: str,
    num_frames: int = 0,
    partition: str | None = None,
) -> ClipTrajectories:
    """`track_clips` of one clip."""
    return track_clips(
        [ClipDetections(per_frame, frame_idx, fps, width, height, video_id, video, num_frames, partition)], cfg
    )[0]


def trajectories_of(clip: ClipDetections, tracklets: list[list[TrackPoint]], cfg: TrackConfig) -> ClipTrajectories:
    """A clip's tracklets stitched, filtered (with counted reasons), gap-filled and described."""
    from videoutr.engine.track.stitching import stitch_tracklets

    frame_idx, fps = clip.frame_idx, clip.fps
    step_s = (frame_idx[-1] - frame_idx[0]) / fps / max(1, len(frame_idx) - 1) if len(frame_idx) > 1 else 1.0
    max_gap = max(1, int(round(cfg.stitch_gap_s / max(step_s, 1e-9))))
    chains = stitch_tracklets(
        sorted(tracklets, key=lambda t: (t[0].frame_idx, t[0].box_norm)), frame_idx, max_gap, cfg.stitch_dist
    )
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
    uncertain = uncertain_frames(clip.per_frame, frame_idx, kept, clip.part_colours)
    camera = None if clip.camera is None else dict(zip(frame_idx, clip.camera))
    tracks = [
        _trajectory(new_id, points, frame_idx, fps, cfg, (clip.width, clip.height), camera, clip.part_colours)
        for new_id, points in enumerate(kept, start=1)
    ]
    recorded = None if clip.camera is None else np.round(clip.camera.reshape(len(frame_idx), 6), 4).tolist()
    return ClipTrajectories(
        clip.video_id,
        clip.video,
        fps,
        clip.num_frames or (frame_idx[-1] + 1),
        clip.width,
        clip.height,
        list(frame_idx),
        tracks,
        dict(sorted(dropped.items())),
        uncertain,
        recorded,
    )


def mark_contacts(tracks: list[list[TrackPoint]], margin: float = 0.02) -> None:
    """Flag points whose box, grown by `margin`, meets another track's box in the same frame."""
    by_frame: dict[int, list[TrackPoint]] = {}
    for points in tracks:
        for p in points:
            by_frame.setdefault(p.frame_idx, []).append(p)
    for group in by_frame.values():
        if len(group) == 1:
            group[0].contact = False
            continue
        for a in group:
            x1, y1, x2, y2 = a.box_norm
            a.contact = any(
                b is not a
                and b.box_norm[0] < x2 + margin
                and x1 - margin < b.box_norm[2]
                and b.box_norm[1] < y2 + margin
                and y1 - margin < b.box_norm[3]
                for b in group
            )


MIN_SHAPE_VOTES = 3  # clean points needed to name a subject's shape; else it is an "object"


def _trajectory(
    track_id: int,
    points: list[TrackPoint],
    frame_idx,
    fps,
    cfg: TrackConfig,
    frame_size: tuple[int, int],
    camera: dict[int, np.ndarray] | None = None,
    part_colours: bool = True,
) -> Trajectory:
    """Per-track attributes; shape and size are voted by clean points only (hidden or cut-off
    views mislead), and a subject with too few clean views is just an "object". Without
    `part_colours` (a detector naming textured subjects by their dominant colour), so is the colour,
    for the whole track: its flickers between views are no colour change."""
    from videoutr.engine.track.actions import action_spans
    from videoutr.engine.track.path import clean_mask

    traj = Trajectory(
        track_id,
        "object",
        points,
        colour=_majority([p.colour for p in points]),
        mean_confidence=round(float(np.mean([p.confidence for p in points])), 4),
    )
    mask = clean_mask(traj)
    clean = [p for p, ok in zip(points, mask) if ok]
    if not part_colours:  # a textured subject's colour is voted over its whole views and holds for the track
        traj.colour = _majority([p.colour for p in clean or points])
        for p in points:
            p.colour = traj.colour
    if len(clean) >= MIN_SHAPE_VOTES:
        traj.category = _majority([p.shape for p in clean])
    traj.size = _majority([p.size for p in clean or points])
    traj.actions = action_spans(points, frame_idx)
    describe_track(traj, frame_idx, fps, cfg, frame_size, mask, camera)
    return traj


def _touches_border(p: TrackPoint, margin: float = 0.01) -> bool:
    x1, y1, x2, y2 = p.box_norm
    return x1 <= margin or y1 <= margin or x2 >= 1 - margin or y2 >= 1 - margin
