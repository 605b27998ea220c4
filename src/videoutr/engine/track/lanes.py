"""One Roboflow `trackers` ByteTrack pass over many lanes: each group (colour, class) of each clip.

ByteTrack's cost per frame is mostly fixed (Python around a few small matrices), so the engine
tracks every group of several clips in one pass: group g of a clip is shifted g * 4 frame
widths to the right, and each clip to the right of the clip before it, so that boxes (and
Kalman predictions) of different lanes never overlap and are never associated -- the same as
one tracker per group and clip. Frame i of the pass holds frame i of every clip that long.

    tracked = track_lanes([lanes_of(per_frame, "colour", 128, 128)], step_fps=8.0, cfg=TrackConfig())
    rows, ids = tracked[0][0]   # clip 0, frame 0: the rows ByteTrack returned, and their ids
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import supervision as sv

from videoutr.engine.config import TrackConfig
from videoutr.engine.geometry import box_iou

Tracked = tuple[np.ndarray, np.ndarray]  # one frame of one clip: rows ByteTrack returned (its order), tracker ids


@dataclass(frozen=True)
class ClipLanes:
    """One clip's frames for a ByteTrack pass: per frame its (N, 4) float64 lane boxes and (N,)
    confidences; `extent`: the width of its lanes, which its boxes never leave."""

    boxes: list[np.ndarray]
    confidence: list[np.ndarray]
    extent: float


def column(per_frame: list[sv.Detections], key: str) -> np.ndarray:
    """`data[key]` of every frame's detections, end to end (None where a frame lacks it)."""
    return np.concatenate([d.data[key] if key in d.data else np.full(len(d), None, object) for d in per_frame])


def lanes_of(per_frame: list[sv.Detections], key: str | None, width: int, height: int) -> ClipLanes:
    """Each frame's boxes shifted to their group's lane (groups: the sorted values of
    `data[key]`; one group when `key` is None), with their confidences (1 when unknown)."""
    lane = 4.0 * max(width, height, 1)
    xyxy = np.concatenate([d.xyxy for d in per_frame]).astype(np.float64) if per_frame else np.empty((0, 4))
    groups = 1
    if key and len(xyxy):
        names, group = np.unique(column(per_frame, key).astype(str), return_inverse=True)
        xyxy[:, [0, 2]] += lane * group.reshape(-1, 1)
        groups = len(names)
    ends = np.cumsum([len(d) for d in per_frame])
    confidence = [d.confidence if d.confidence is not None else np.ones(len(d)) for d in per_frame]
    return ClipLanes(np.split(xyxy, ends[:-1]) if per_frame else [], confidence, lane * groups)


def track_lanes(clips: list[ClipLanes], step_fps: float, cfg: TrackConfig) -> list[list[Tracked]]:
    """One ByteTrack pass over several clips' lanes (each clip shifted past the lanes of the ones
    before it); per clip and frame, what ByteTrack returned."""
    from trackers import ByteTrackTracker

    tracker = ByteTrackTracker(
        lost_track_buffer=max(1, int(round(cfg.lost_buffer_s * 30))),
        frame_rate=max(step_fps, 1e-3),
        track_activation_threshold=cfg.activation_conf,
        minimum_consecutive_frames=cfg.min_consecutive,
        minimum_iou_threshold=cfg.min_iou,
        high_conf_det_threshold=cfg.high_conf,
    )
    offsets = np.cumsum([0.0] + [clip.extent for clip in clips[:-1]])
    out: list[list[Tracked]] = [[] for _ in clips]
    for i in range(max((len(clip.boxes) for clip in clips), default=0)):
        live = [j for j, clip in enumerate(clips) if i < len(clip.boxes)]
        counts = [len(clips[j].boxes[i]) for j in live]
        xyxy = np.concatenate([clips[j].boxes[i] for j in live])
        xyxy[:, [0, 2]] += np.repeat(offsets[live], counts)[:, None]
        confidence = np.concatenate([clips[j].confidence[i] for j in live])
        result = tracker.update(sv.Detections(xyxy=xyxy, confidence=confidence, class_id=np.arange(len(xyxy))))
        starts = np.cumsum([0] + counts)
        owner = np.searchsorted(starts, result.class_id, side="right") - 1
        for position, j in enumerate(live):
            mine = owner == position
            out[j].append((result.class_id[mine] - starts[position], result.tracker_id[mine]))
    return out


def backfill_young_frames(lanes: ClipLanes, tracked: list[Tracked], depth: int, min_iou: float = 0.3) -> None:
    """Give each track the unassigned detections ByteTrack withheld while the track was young.

    ByteTrack returns -1 for a track's first `minimum_consecutive_frames - 1` frames; walking
    back from a track's first frame, an unassigned detection in the track's lane overlapping the
    track's next box is given the track's id (in place).
    """
    first_seen: dict[int, int] = {}
    for i, (_, ids) in enumerate(tracked):
        for tid in ids.tolist():
            first_seen.setdefault(tid, i)
    first_seen.pop(-1, None)
    for tid, start in sorted(first_seen.items(), key=lambda kv: kv[1]):
        rows, ids = tracked[start]
        box = lanes.boxes[start][rows[ids.tolist().index(tid)]]
        for i in range(start - 1, max(-1, start - 1 - depth), -1):
            rows, ids = tracked[i]
            scores = [(box_iou(lanes.boxes[i][rows[k]], box), k) for k in np.flatnonzero(ids == -1).tolist()]
            best = max(scores, default=(0.0, -1))
            if best[0] < min_iou:
                break
            ids[best[1]] = tid
            box = lanes.boxes[i][rows[best[1]]]


def row_ids(per_frame: list[sv.Detections], tracked: list[Tracked]) -> list[np.ndarray]:
    """Each frame's tracker id per detection row (-1: none)."""
    ids = []
    for dets, (rows, tids) in zip(per_frame, tracked):
        frame_ids = np.full(len(dets), -1, dtype=np.int64)
        frame_ids[rows] = tids
        ids.append(frame_ids)
    return ids


def boundary_orphans(ids: list[np.ndarray]) -> None:
    """Give each unassigned detection (-1) of the first and last frame a new id, in place (for
    lanes by colour).

    A subject that changes colour just after the first frame (or just before the last) shows its
    first (last) colour once: too briefly for ByteTrack to confirm a track in that colour's lane
    (`min_consecutive`), so its trajectory would start after the change and the change be lost.
    As a one-point tracklet, stitching joins it to the track it begins or ends (a colour change in
    place); one that nothing joins is dropped as too short."""
    next_id = max((int(frame.max()) for frame in ids if len(frame)), default=-1) + 1
    for frame in sorted({0, len(ids) - 1}) if ids else []:
        for k in np.flatnonzero(ids[frame] == -1):
            ids[frame][k] = next_id
            next_id += 1
