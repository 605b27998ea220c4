"""Trajectories as a FiftyOne video-labels dataset on disk (`fo.types.FiftyOneVideoLabelsDataset`),
written without FiftyOne installed.

    OUT/manifest.json            {"type": "eta.core.datasets.LabeledVideoDataset", "index": [{data, labels}]}
    OUT/data/<video_id>.<ext>    the videos (copied, or linked with symlink=True)
    OUT/labels/<video_id>.json   ETA VideoLabels: frames keyed by number (from 1), each with its objects

Each object is a track's box on that frame: `label` (the category), `index` (the track id, so
FiftyOne groups the boxes of one track), `confidence`, a relative `bounding_box`, and attributes
(colour, shape, location, size; interpolated and contact as booleans).

    write_fiftyone(clips, Path("runs/utr-fo"), videos_root=Path("runs/world/videos"))
    >>> # import fiftyone as fo; fo.Dataset.from_dir("runs/utr-fo", fo.types.FiftyOneVideoLabelsDataset)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from videoutr.engine.types import ClipTrajectories, TrackPoint
from videoutr.errors import VideoReadError
from videoutr.jsonio import write_json

_CATEGORICAL = ("colour", "shape", "location", "size")


def _attr(kind: str, name: str, value: Any) -> dict[str, Any]:
    return {"type": f"eta.core.data.{kind}Attribute", "name": name, "value": value}


def detected_object(point: TrackPoint, track_id: int, category: str) -> dict[str, Any]:
    """One ETA DetectedObject for a track's point (frame numbers from 1)."""
    x1, y1, x2, y2 = point.box_norm
    attrs = [_attr("Categorical", k, getattr(point, k)) for k in _CATEGORICAL if getattr(point, k) is not None]
    attrs += [
        _attr("Boolean", "interpolated", bool(point.interpolated)),
        _attr("Boolean", "contact", bool(point.contact)),
    ]
    return {
        "label": category,
        "bounding_box": {"top_left": {"x": x1, "y": y1}, "bottom_right": {"x": x2, "y": y2}},
        "confidence": point.confidence,
        "index": track_id,
        "frame_number": point.frame_idx + 1,
        "attrs": {"attrs": attrs},
    }


def video_labels(clip: ClipTrajectories, filename: str) -> dict[str, Any]:
    """The ETA VideoLabels of one clip: every frame the engine looked at, with its objects."""
    frames: dict[str, dict[str, Any]] = {
        str(f + 1): {"frame_number": f + 1, "objects": {"objects": []}} for f in clip.frame_idx
    }
    for track in clip.tracks:
        for p in track.points:
            frame = frames.setdefault(
                str(p.frame_idx + 1), {"frame_number": p.frame_idx + 1, "objects": {"objects": []}}
            )
            frame["objects"]["objects"].append(detected_object(p, track.track_id, track.category))
    attrs = [_attr("Numeric", "fps", float(clip.fps)), _attr("Categorical", "video_id", clip.video_id)]
    return {"filename": filename, "attrs": {"attrs": attrs}, "frames": frames}


def write_fiftyone(clips: list[ClipTrajectories], out: Path, videos_root: Path, symlink: bool = False) -> Path:
    """Write the dataset folder; returns manifest.json. A missing video is an error naming it."""
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "labels").mkdir(exist_ok=True)
    index = []
    for clip in clips:
        source = videos_root / clip.video
        if not source.is_file():
            raise VideoReadError(source, f"video of {clip.video_id} not found (give --videos)")
        name = f"{clip.video_id}{source.suffix}"
        target = out / "data" / name
        if target.is_symlink() or target.exists():
            target.unlink()
        if symlink:
            os.symlink(source.resolve(), target)
        else:
            shutil.copyfile(source, target)
        write_json(out / "labels" / f"{clip.video_id}.json", video_labels(clip, name), indent=None)
        index.append({"data": f"data/{name}", "labels": f"labels/{clip.video_id}.json"})
    manifest = out / "manifest.json"
    write_json(
        manifest,
        {
            "type": "eta.core.datasets.LabeledVideoDataset",
            "description": "videoutr engine run trajectories",
            "index": index,
        },
    )
    return manifest
