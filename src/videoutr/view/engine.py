"""The engine run's view: each video's tracks over its frames, its dialogues with clickable boxes,
errors and dropped tracks (from `trajectories.jsonl`, `utr.json`, `errors.jsonl`, `stats.json`).

    run, details = engine_view(Path("runs/utr"), site)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from videoutr.errors import DataFormatError
from videoutr.jsonio import iter_jsonl, read_json
from videoutr.view.boxes import stated_boxes
from videoutr.view.site import Site, column

COLUMNS = [column("video", kind="text"), *map(column, ("tracks", "dialogues", "frames", "dropped", "uncertain"))]
_POINT_KEYS = ("colour", "shape", "location", "size")


def compact_track(track: dict[str, Any]) -> dict[str, Any]:
    """A track as the page draws it: points as rows [frame, x1, y1, x2, y2, interpolated, confidence,
    colour, shape, location, size, contact]."""
    points = [
        [
            p["frame_idx"],
            *p["box_norm"],
            int(bool(p.get("interpolated"))),
            p.get("confidence"),
            *(p.get(k) for k in _POINT_KEYS),
            int(bool(p.get("contact"))),
        ]
        for p in track["points"]
    ]
    return {
        "id": track["track_id"],
        "category": track.get("category"),
        "colour": track.get("colour"),
        "size": track.get("size"),
        "observed": track.get("observed"),
        "confidence": track.get("mean_confidence"),
        "events": [[e["type"], e["frame_idx"]] for e in track.get("events", [])],
        "segments": [
            [s["state"], s["start_frame"], s["end_frame"], s.get("direction")] for s in track.get("segments", [])
        ],
        "p": points,
    }


def dialogue(sample: dict[str, Any]) -> dict[str, Any]:
    """A sample's turns split into text and stated boxes, with its task names."""
    turns = [
        {"role": t.get("from"), "parts": stated_boxes(str(t.get("value", "")))} for t in sample.get("conversations", [])
    ]
    return {"id": sample.get("id"), "turns": turns, "tasks": [q.get("task") for q in sample.get("utr", [])]}


def _samples_by_video(run_dir: Path) -> dict[str, list[dict]]:
    path = run_dir / "utr.json"
    if not path.is_file():
        return {}
    samples = read_json(path)
    if not isinstance(samples, list):
        raise DataFormatError(path, "expected a JSON list of LLaVA samples")
    by_video: dict[str, list[dict]] = {}
    for sample in samples:
        by_video.setdefault(str(sample.get("video")), []).append(sample)
    return by_video


def _videos_root(run_dir: Path, videos: Path | None) -> Path | None:
    if videos is not None:
        return videos
    if (run_dir / "run.json").is_file():
        return Path(read_json(run_dir / "run.json")["videos_root"])
    return None


def engine_view(run_dir: Path, site: Site, videos: Path | None = None) -> tuple[dict[str, Any], list[dict]]:
    """The run summary and table (one row per video), and one detail per row."""
    root = _videos_root(run_dir, videos)
    by_video = _samples_by_video(run_dir)
    rows, details = [], []
    path = run_dir / "trajectories.jsonl"
    clips = iter_jsonl(path) if path.is_file() else []
    for clip in clips:
        samples = by_video.get(str(clip["video"]), [])
        tracks = [compact_track(t) for t in clip.get("tracks", [])]
        dropped = clip.get("dropped", {})
        rows.append(
            [
                clip["video_id"],
                len(tracks),
                len(samples),
                len(clip["frame_idx"]),
                sum(dropped.values()),
                len(clip.get("uncertain_frames", [])),
            ]
        )
        media = site.sheet(root / clip["video"] if root else None, clip["frame_idx"])
        details.append(
            {
                "id": clip["video_id"],
                "video": clip["video"],
                "fps": clip["fps"],
                "width": clip["width"],
                "height": clip["height"],
                "num_frames": clip["num_frames"],
                "frame_idx": clip["frame_idx"],
                "tracks": tracks,
                "dropped": dropped,
                "uncertain_frames": clip.get("uncertain_frames", []),
                "dialogues": [dialogue(s) for s in samples],
                "media": media,
            }
        )
    errors = list(iter_jsonl(run_dir / "errors.jsonl")) if (run_dir / "errors.jsonl").is_file() else []
    stats = read_json(run_dir / "stats.json") if (run_dir / "stats.json").is_file() else {}
    quality = read_json(run_dir / "eval.json") if (run_dir / "eval.json").is_file() else None
    run = {
        "kind": "engine",
        "title": f"engine run {run_dir.name}",
        "stats": stats,
        "quality": quality,
        "errors": errors,
        "table": {"columns": COLUMNS, "rows": rows, "filters": [], "ranges": []},
    }
    return run, details
