"""MOTChallenge export, read back by Roboflow `trackers` (TrackEval's MOT reader and metrics)."""

from __future__ import annotations

import numpy as np
import pytest

from videoutr.engine.quality.metrics import load_trajectories, load_truth, tracking_metrics
from videoutr.export.mot import write_mot


def test_trackers_reads_back_every_box_and_id(run_folder, tmp_path):
    from trackers.io.mot import load_mot_file

    clips = load_trajectories(run_folder / "utr" / "trajectories.jsonl")
    write_mot(clips, tmp_path)
    for clip in clips:
        frames = load_mot_file(tmp_path / f"{clip.video_id}.txt")
        for track in clip.tracks:
            for p in track.points:
                data = frames[p.frame_idx + 1]  # MOT frames count from 1
                row = list(data.ids).index(track.track_id)
                x1, y1, x2, y2 = p.box_norm
                want = [x1 * clip.width, y1 * clip.height, (x2 - x1) * clip.width, (y2 - y1) * clip.height]
                np.testing.assert_allclose(data.boxes[row], want, atol=1e-3)
                assert data.confidences[row] == pytest.approx(p.confidence, abs=1e-4)


def test_trackeval_on_the_mot_files_gives_engine_evals_idf1(run_folder, tmp_path):
    """TrackEval's MOT protocol (as `trackers` implements it) on the exported tracker and
    ground-truth files scores the tiny world like `videoutr engine eval`. (The two differ in one
    rule, how an engine box on a mostly hidden object is ignored, so on harder worlds they can
    differ slightly; see docs/view.md.)"""
    from trackers.eval import evaluate_mot_sequences

    clips = load_trajectories(run_folder / "utr" / "trajectories.jsonl")
    truth = load_truth(run_folder / "world")
    write_mot(clips, tmp_path, truth)
    result = evaluate_mot_sequences(gt_dir=tmp_path / "gt", tracker_dir=tmp_path, metrics=["CLEAR", "HOTA", "Identity"])
    ours = tracking_metrics(clips, truth)
    assert len(result.sequences) == len(clips)
    assert result.aggregate.Identity.IDF1 == pytest.approx(ours["IDF1"], abs=1e-4)
    assert result.aggregate.CLEAR.MOTA == pytest.approx(ours["MOTA"], abs=1e-4)
    assert result.aggregate.HOTA.HOTA == pytest.approx(ours["HOTA"], abs=1e-4)


def test_ground_truth_marks_mostly_hidden_objects_as_distractors():
    from videoutr.export.mot import gt_lines

    video = {
        "objects": [{"id": 3, "box_xyxy": [[0, 0, 10, 10], [0, 0, 10, 10], None], "visible_fraction": [1.0, 0.2, 0.0]}]
    }
    assert gt_lines(video, [0, 1, 2]) == [
        "1,3,0.0000,0.0000,10.0000,10.0000,1,1,1.000",
        "2,3,0.0000,0.0000,10.0000,10.0000,1,8,0.200",
    ]
