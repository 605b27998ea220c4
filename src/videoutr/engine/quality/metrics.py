"""Quality of the engine against ground truth (the synthetic world's `annotations.jsonl`).

Tracking: MOTA, IDF1 and HOTA from Roboflow `trackers`' TrackEval-compatible metrics, on the
frames the engine looked at. Ground-truth objects less than `min_visible` visible (mostly hidden,
or mostly outside the frame) are ignored, as are engine boxes lying on them (TrackEval's
distractor rule); engine points are matched to truth by IoU >= 0.5.

    truth = load_truth("runs/world/annotations.jsonl")
    tracking_metrics(load_trajectories("runs/utr/trajectories.jsonl"), truth)["IDF1"]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from videoutr.engine.types import ClipTrajectories
from videoutr.errors import DataFormatError
from videoutr.jsonio import iter_jsonl

MIN_VISIBLE = 0.5


def load_truth(path: str | Path) -> dict[str, dict[str, Any]]:
    """Ground truth by video id, from `annotations.jsonl` (or the folder holding it)."""
    path = Path(path)
    if path.is_dir():
        path = path / "annotations.jsonl"
    truth = {}
    for record in iter_jsonl(path):
        if "id" not in record or "objects" not in record:
            raise DataFormatError(path, f"record without 'id'/'objects': {sorted(record)[:6]}")
        truth[str(record["id"])] = record
    return truth


def load_trajectories(path: str | Path) -> list[ClipTrajectories]:
    return [ClipTrajectories.from_dict(r) for r in iter_jsonl(path)]


def gt_box_norm(video: dict[str, Any], obj: dict[str, Any], frame: int) -> np.ndarray | None:
    """The object's box at `frame`, normalised, or None when it has no pixel in the frame."""
    if frame >= len(obj["box_xyxy"]) or obj["box_xyxy"][frame] is None:
        return None
    scale = np.array([video["width"], video["height"], video["width"], video["height"]], dtype=np.float64)
    return np.asarray(obj["box_xyxy"][frame], dtype=np.float64) / scale


def visible(obj: dict[str, Any], frame: int, min_visible: float = MIN_VISIBLE) -> bool:
    return obj["box_xyxy"][frame] is not None and obj["visible_fraction"][frame] >= min_visible


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    from trackers.eval import box_iou

    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    return box_iou(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))


def _ioa(trk: np.ndarray, gt: np.ndarray) -> np.ndarray:
    from trackers.eval import box_ioa

    if len(trk) == 0 or len(gt) == 0:
        return np.zeros((len(trk), len(gt)))
    return box_ioa(np.asarray(trk, dtype=np.float64), np.asarray(gt, dtype=np.float64))


def sequence_inputs(clip: ClipTrajectories, video: dict[str, Any], min_visible: float = MIN_VISIBLE):
    """Per engine frame: gt ids, tracker ids, IoU matrices (ignored truth and its boxes removed)."""
    gt_ids, trk_ids, sims = [], [], []
    for frame in clip.frame_idx:
        kept, ignored = [], []
        for obj in video["objects"]:
            box = gt_box_norm(video, obj, frame)
            if box is not None:
                (kept if obj["visible_fraction"][frame] >= min_visible else ignored).append((obj["id"], box))
        pts = [(t.track_id, np.asarray(p.box_norm)) for t in clip.tracks if (p := t.point_at(frame)) is not None]
        if ignored and pts:
            on_ignored = _ioa(np.array([b for _, b in pts]), np.array([b for _, b in ignored])).max(axis=1) >= 0.5
            best_kept = (
                iou_matrix(np.array([b for _, b in pts]), np.array([b for _, b in kept])).max(axis=1)
                if kept
                else np.zeros(len(pts))
            )
            pts = [p for p, drop, keep in zip(pts, on_ignored, best_kept >= 0.5) if keep or not drop]
        gt_ids.append(np.array([i for i, _ in kept], dtype=int))
        trk_ids.append(np.array([i for i, _ in pts], dtype=int))
        sims.append(
            iou_matrix(np.array([b for _, b in kept]).reshape(-1, 4), np.array([b for _, b in pts]).reshape(-1, 4))
        )
    return gt_ids, trk_ids, sims


def tracking_metrics(
    clips: list[ClipTrajectories], truth: dict[str, dict[str, Any]], min_visible: float = MIN_VISIBLE
) -> dict[str, Any]:
    """MOTA, IDF1, HOTA (and their parts) over all videos present in both."""
    from trackers.eval import (
        aggregate_clear_metrics,
        aggregate_hota_metrics,
        aggregate_identity_metrics,
        compute_clear_metrics,
        compute_hota_metrics,
        compute_identity_metrics,
    )

    clear, ident, hota = [], [], []
    for clip in clips:
        if clip.video_id not in truth:
            continue
        gt_ids, trk_ids, sims = sequence_inputs(clip, truth[clip.video_id], min_visible)
        clear.append(compute_clear_metrics(gt_ids, trk_ids, sims))
        ident.append(compute_identity_metrics(gt_ids, trk_ids, sims))
        hota.append(compute_hota_metrics(gt_ids, trk_ids, sims))
    if not clear:
        raise DataFormatError("ground truth", "no engine video matches a ground-truth id")
    c, i, h = aggregate_clear_metrics(clear), aggregate_identity_metrics(ident), aggregate_hota_metrics(hota)
    keys_c = ("MOTA", "MOTP", "IDSW", "CLR_TP", "CLR_FN", "CLR_FP", "MT", "ML")
    out = {
        "videos": len(clear),
        **{k: c[k] for k in keys_c},
        **{k: i[k] for k in ("IDF1", "IDR", "IDP")},
        **{k: h[k] for k in ("HOTA", "DetA", "AssA")},
    }
    return {k: (round(float(v), 4) if isinstance(v, (float, np.floating)) else int(v)) for k, v in out.items()}


def match_tracks(clip: ClipTrajectories, video: dict[str, Any], min_iou: float = 0.5) -> dict[int, int | None]:
    """Each track's ground-truth object: the one it overlaps (IoU >= min_iou) in most of its
    detected points, if that is at least half of them; else None."""
    out: dict[int, int | None] = {}
    for traj in clip.tracks:
        votes: dict[int, int] = {}
        detected = [p for p in traj.points if not p.interpolated]
        for p in detected:
            for obj in video["objects"]:
                box = gt_box_norm(video, obj, p.frame_idx)
                if box is not None and iou_matrix(np.asarray([p.box_norm]), box[None])[0, 0] >= min_iou:
                    votes[obj["id"]] = votes.get(obj["id"], 0) + 1
        best = max(votes.items(), key=lambda kv: (kv[1], -kv[0]), default=(None, 0))
        out[traj.track_id] = best[0] if best[1] * 2 >= max(1, len(detected)) else None
    return out
