"""FiftyOne video-labels dataset, checked against the documented layout and ETA VideoLabels schema."""

from __future__ import annotations

import pytest

from videoutr.engine.quality.metrics import load_trajectories
from videoutr.export.fiftyone import write_fiftyone
from videoutr.jsonio import read_json


def test_dataset_layout_and_every_track_point_as_a_detected_object(run_folder, tmp_path):
    clips = load_trajectories(run_folder / "utr" / "trajectories.jsonl")
    manifest = read_json(write_fiftyone(clips, tmp_path, run_folder / "world" / "videos"))
    assert manifest["type"] == "eta.core.datasets.LabeledVideoDataset"
    assert [e["labels"] for e in manifest["index"]] == [f"labels/{c.video_id}.json" for c in clips]
    for entry, clip in zip(manifest["index"], clips):
        video = tmp_path / entry["data"]
        assert video.read_bytes() == (run_folder / "world" / "videos" / clip.video).read_bytes()
        labels = read_json(tmp_path / entry["labels"])
        assert sorted(map(int, labels["frames"])) == [f + 1 for f in clip.frame_idx]  # frames from 1
        objects = [o for f in labels["frames"].values() for o in f["objects"]["objects"]]
        assert len(objects) == sum(len(t.points) for t in clip.tracks)
        track, point = clip.tracks[0], clip.tracks[0].points[0]
        obj = next(
            o for o in labels["frames"][str(point.frame_idx + 1)]["objects"]["objects"] if o["index"] == track.track_id
        )
        bb = obj["bounding_box"]
        assert [bb["top_left"]["x"], bb["top_left"]["y"], bb["bottom_right"]["x"], bb["bottom_right"]["y"]] == list(
            point.box_norm
        )
        attrs = {a["name"]: (a["type"], a["value"]) for a in obj["attrs"]["attrs"]}
        assert attrs["colour"] == ("eta.core.data.CategoricalAttribute", point.colour)
        assert attrs["interpolated"] == ("eta.core.data.BooleanAttribute", point.interpolated)


def test_symlinked_media(run_folder, tmp_path):
    clips = load_trajectories(run_folder / "utr" / "trajectories.jsonl")[:1]
    write_fiftyone(clips, tmp_path, run_folder / "world" / "videos", symlink=True)
    assert (tmp_path / "data" / f"{clips[0].video_id}.mp4").is_symlink()


def test_fiftyones_own_importer_reads_the_dataset(run_folder, tmp_path):
    """Runs where FiftyOne is installed (it is not a dependency): its importer, no database needed."""
    importers = pytest.importorskip("fiftyone.utils.data")
    clips = load_trajectories(run_folder / "utr" / "trajectories.jsonl")
    write_fiftyone(clips, tmp_path, run_folder / "world" / "videos")
    with importers.FiftyOneVideoLabelsDatasetImporter(str(tmp_path)) as importer:
        samples = list(importer)
    assert len(samples) == len(clips)
    for (path, _, _, frames), clip in zip(samples, clips):
        assert path.endswith(f"{clip.video_id}.mp4") and sorted(frames) == [f + 1 for f in clip.frame_idx]
        track, point = clip.tracks[0], clip.tracks[0].points[0]
        found = next(d for d in frames[point.frame_idx + 1]["detections"].detections if d.index == track.track_id)
        x1, y1, x2, y2 = point.box_norm
        assert found.bounding_box == pytest.approx([x1, y1, x2 - x1, y2 - y1])
        assert found.label == track.category and found["colour"] == point.colour
