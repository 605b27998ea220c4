"""`videoutr engine eval` against TrackEval on the MOTChallenge export, side by side, and why they differ.

Prints three rows for an engine run and its world: `videoutr engine eval`'s metrics; TrackEval's
MOT protocol (Roboflow `trackers`) on the files `videoutr export --format mot --truth` writes; and
`engine eval`'s pipeline with only its ignore rule swapped for TrackEval's distractor rule (an engine
box is ignored when its Hungarian IoU >= 0.5 match is a mostly hidden object). Rows 2 and 3 agree
when the export carries exactly the engine's boxes and the ground truth `engine eval` scores.

    python bench/mot_protocols.py --run runs/utr --truth runs/world
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from videoutr.engine.quality import metrics as M
from videoutr.export.mot import write_mot


def trackeval_rule_inputs(clip, video, min_visible: float = M.MIN_VISIBLE):
    """`metrics.sequence_inputs` with TrackEval's distractor rule instead of `engine eval`'s IoA rule."""
    gt_ids, trk_ids, sims = [], [], []
    for frame in clip.frame_idx:
        boxes, hidden, kept = [], [], []
        for obj in video["objects"]:
            box = M.gt_box_norm(video, obj, frame)
            if box is not None:
                boxes.append(box)
                hidden.append(obj["visible_fraction"][frame] < min_visible)
                if not hidden[-1]:
                    kept.append((obj["id"], box))
        pts = [(t.track_id, np.asarray(p.box_norm)) for t in clip.tracks if (p := t.point_at(frame)) is not None]
        if any(hidden) and pts:
            iou = M.iou_matrix(np.array(boxes), np.array([b for _, b in pts]))
            iou[iou < 0.5 - 1e-10] = 0
            rows, cols = linear_sum_assignment(-iou)
            drop = {int(c) for r, c in zip(rows, cols) if iou[r, c] > 1e-10 and hidden[r]}
            pts = [p for k, p in enumerate(pts) if k not in drop]
        gt_ids.append(np.array([i for i, _ in kept], dtype=int))
        trk_ids.append(np.array([i for i, _ in pts], dtype=int))
        sims.append(
            M.iou_matrix(np.array([b for _, b in kept]).reshape(-1, 4), np.array([b for _, b in pts]).reshape(-1, 4))
        )
    return gt_ids, trk_ids, sims


def main() -> None:
    from trackers.eval import (
        aggregate_clear_metrics,
        aggregate_hota_metrics,
        aggregate_identity_metrics,
        compute_clear_metrics,
        compute_hota_metrics,
        compute_identity_metrics,
        evaluate_mot_sequences,
    )

    parser = argparse.ArgumentParser()
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    args = parser.parse_args()
    clips, truth = M.load_trajectories(args.run / "trajectories.jsonl"), M.load_truth(args.truth)
    ours = M.tracking_metrics(clips, truth)
    with tempfile.TemporaryDirectory() as out:
        write_mot(clips, Path(out), truth)
        agg = evaluate_mot_sequences(
            gt_dir=Path(out) / "gt", tracker_dir=Path(out), metrics=["CLEAR", "HOTA", "Identity"]
        ).aggregate
    parts = [trackeval_rule_inputs(c, truth[c.video_id]) for c in clips if c.video_id in truth]
    swapped = (
        aggregate_identity_metrics([compute_identity_metrics(*p) for p in parts])["IDF1"],
        aggregate_clear_metrics([compute_clear_metrics(*p) for p in parts])["MOTA"],
        aggregate_hota_metrics([compute_hota_metrics(*p) for p in parts])["HOTA"],
    )
    print(f"{'':48s} {'IDF1':>7s} {'MOTA':>7s} {'HOTA':>7s}")
    print(f"{'videoutr engine eval':48s} {ours['IDF1']:7.4f} {ours['MOTA']:7.4f} {ours['HOTA']:7.4f}")
    print(
        f"{'TrackEval protocol on the MOT export':48s} {agg.Identity.IDF1:7.4f} {agg.CLEAR.MOTA:7.4f} {agg.HOTA.HOTA:7.4f}"
    )
    print(f"{'engine eval with TrackEval distractor rule':48s} {swapped[0]:7.4f} {swapped[1]:7.4f} {swapped[2]:7.4f}")


if __name__ == "__main__":
    main()
