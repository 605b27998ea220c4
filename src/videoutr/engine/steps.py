"""The pipeline steps, one function each: decode -> detect -> attributes -> track -> query.

Steps know nothing of processes or Ray: `process_video` runs them for one video and returns a
JSON-ready record (`ok` with trajectories and samples, or an `error` with its reason); the
executors only decide where `process_video` runs.

    >>> item = VideoItem(video_id="w0001", path="/data/videos/w0001.mp4", rel="w0001.mp4")
    >>> record = process_video(item, EngineConfig())
    >>> record["status"], len(record["samples"])
    ('ok', 2)
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import supervision as sv

from videoutr.engine.config import EngineConfig
from videoutr.engine.types import ClipTrajectories
from videoutr.errors import VideoutrError
from videoutr.video import SampledFrames, sample_frames


@dataclass(frozen=True)
class VideoItem:
    """One input video: a stable id, its absolute path, and its path relative to the videos root."""

    video_id: str
    path: str
    rel: str


def decode(item: VideoItem, cfg: EngineConfig) -> SampledFrames:
    """Sample the frames the engine looks at (`num_frames` uniform, or `fps`, else every frame)."""
    if cfg.num_frames is None and cfg.fps is None:
        return sample_frames(item.path, max_frames=cfg.max_frames)
    return sample_frames(item.path, num_frames=cfg.num_frames, fps=cfg.fps, max_frames=cfg.max_frames)


@lru_cache(maxsize=4)
def _detector(name: str, args_json: str):
    from videoutr.engine.detectors import make_detector

    return make_detector(name, **json.loads(args_json))


def get_detector(cfg: EngineConfig):
    """The configured detector, built once per process."""
    return _detector(cfg.detector, json.dumps(cfg.detector_args, sort_keys=True))


def detect(clip: SampledFrames, cfg: EngineConfig) -> list[sv.Detections]:
    return get_detector(cfg).detect_clip(clip.frames)


def attributes(clip: SampledFrames, per_frame: list[sv.Detections], cfg: EngineConfig) -> list[sv.Detections]:
    """Colour, shape/category, location and size for every detection."""
    from videoutr.engine.attributes import annotate_detections, resolve_palette

    palette = resolve_palette(cfg.detector_args.get("palette", "auto"))
    return [annotate_detections(frame, dets, palette) for frame, dets in zip(clip.frames, per_frame)]


def track(clip: SampledFrames, per_frame: list[sv.Detections], item: VideoItem, cfg: EngineConfig) -> ClipTrajectories:
    from videoutr.engine.tracking import track_clip

    info = clip.info
    partition = getattr(get_detector(cfg), "track_partition", None)
    return track_clip(per_frame, clip.frame_idx, info.fps, info.width, info.height, cfg.track,
                      item.video_id, item.rel, info.num_frames, partition=partition)


def query(trajectories: ClipTrajectories, item: VideoItem, cfg: EngineConfig) -> tuple[list[dict], Counter]:
    from videoutr.engine.query import build_samples

    samples, skipped = build_samples(trajectories, cfg.query, video=item.rel)
    return [s.to_llava() for s in samples], skipped


def process_video(item: VideoItem, cfg: EngineConfig) -> dict[str, Any]:
    """Run every step on one video; a bad video gives an error record instead of raising."""
    try:
        clip = decode(item, cfg)
        per_frame = attributes(clip, detect(clip, cfg), cfg)
        trajectories = track(clip, per_frame, item, cfg)
        samples, skipped = query(trajectories, item, cfg)
    except VideoutrError as exc:
        return {"video_id": item.video_id, "video": item.rel, "status": "error", "error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - one broken video must not stop a long run
        reason = f"{type(exc).__name__}: {exc}"
        return {"video_id": item.video_id, "video": item.rel, "status": "error", "error": f"{item.path}: {reason}"}
    stats = {
        "frames": len(clip.frame_idx),
        "detections": int(sum(len(d) for d in per_frame)),
        "tracks": len(trajectories.tracks),
        "dropped_tracks": trajectories.dropped,
        "skipped_questions": dict(sorted(skipped.items())),
    }
    return {"video_id": item.video_id, "video": item.rel, "status": "ok",
            "trajectories": trajectories.to_dict(), "samples": samples, "stats": stats}


def process_item_dict(item: dict[str, str], cfg: dict[str, Any]) -> dict[str, Any]:
    """`process_video` over plain dicts (what process pools and Ray ship between processes)."""
    return process_video(VideoItem(**item), EngineConfig.from_dict(cfg))


def item_to_dict(item: VideoItem) -> dict[str, str]:
    return asdict(item)
