"""The pipeline steps, one function each: decode -> prepare -> detect -> attributes -> track -> query.

Steps know nothing of processes or Ray: `process_videos` runs them for a few videos and returns
one `VideoRecord` per video (ok with trajectories and samples, or an error with its reason); an
executor (`videoutr.executors`) receives it as a step and the batches of up to `BATCH_VIDEOS`
videos (`batch_size`, decided by `run_engine`), and decides only where it runs.
Each video is decoded, detected and queried on its own; the videos of a batch are tracked in one
ByteTrack pass, each in its own lanes, so that a video's records do not depend on its batch.
While a video is detected, the next one is decoded and prepared (the detector's whole-clip
OpenCV calls) in a background thread (PyAV and OpenCV release the GIL while they work), across
batches too in `process_batches`.

A model detector (`hf:`) instead detects the frames of all the videos of a batch together, in
batches of its `batch_size` frames (`detect_videos`). On Ray it is a step of its own, one model
per actor: `decode_videos` (a CPU task) -> `DetectVideos` (the actor) -> `finish_videos` (a CPU
task: attributes, tracking, queries); every executor gives the same records.

    item = VideoItem(video_id="w0001", path="/data/videos/w0001.mp4", rel="w0001.mp4")
    [record] = process_videos([item], EngineConfig())
    record.status, len(record.samples)
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from itertools import chain, islice
from typing import Any

import numpy as np
import supervision as sv

from videoutr.engine.ahead import ahead
from videoutr.engine.config import EngineConfig
from videoutr.engine.records import VideoRecord, VideoStats
from videoutr.engine.track.tracking import ClipDetections
from videoutr.engine.types import ClipTrajectories
from videoutr.errors import VideoutrError
from videoutr.video import SampledFrames, sample_frames


@dataclass(frozen=True)
class VideoItem:
    """One input video: a stable id, its absolute path, and its path relative to the videos root."""

    video_id: str
    path: str
    rel: str


@dataclass(frozen=True)
class DecodedVideo:
    """A video between the steps of a model detector: its frames, then its detections, or the
    error record that ends it."""

    item: VideoItem
    clip: SampledFrames | None = None
    per_frame: list[sv.Detections] | None = None
    error: VideoRecord | None = None


def decode(item: VideoItem, cfg: EngineConfig) -> SampledFrames:
    """Sample the frames the engine looks at (`num_frames` uniform, or `fps`, else every frame),
    halved while decoding down to the detector's working size when it has one (`work_side`)."""
    side = getattr(detector_traits(cfg), "work_side", None)
    if cfg.num_frames is None and cfg.fps is None:
        return sample_frames(item.path, max_frames=cfg.max_frames, max_side=side)
    return sample_frames(item.path, num_frames=cfg.num_frames, fps=cfg.fps, max_frames=cfg.max_frames, max_side=side)


@lru_cache(maxsize=4)
def _detector(name: str, args_json: str):
    from videoutr.engine.detect import make_detector

    return make_detector(name, **json.loads(args_json))


def get_detector(cfg: EngineConfig):
    """The configured detector, built once per process."""
    return _detector(cfg.detector, json.dumps(cfg.detector_args, sort_keys=True))


def is_model_detector(cfg: EngineConfig) -> bool:
    """Whether the configured detector is a model (`hf:`), run over the frames of many videos at once."""
    return cfg.detector.startswith("hf:")


def detector_traits(cfg: EngineConfig):
    """What the steps around detection read of the detector (`work_side`, `track_partition`,
    `part_colours`): a model detector's class, so that CPU tasks never load the model."""
    if is_model_detector(cfg):
        from videoutr.engine.detect.hf import HFDetector

        return HFDetector
    return get_detector(cfg)


def prepare(clip: SampledFrames, cfg: EngineConfig) -> Any:
    """The detector's work on a clip that can run ahead, beside detection (`Detector.prepare_clip`)."""
    return get_detector(cfg).prepare_clip(clip.frames)


def detect(prepared: Any, cfg: EngineConfig) -> list[sv.Detections]:
    """Each frame's detections of a prepared clip."""
    return get_detector(cfg).detect_prepared(prepared)


def decode_and_prepare(item: VideoItem, cfg: EngineConfig) -> tuple[SampledFrames, Any]:
    """What the background thread does for a video ahead: `decode`, then `prepare`."""
    clip = decode(item, cfg)
    return clip, prepare(clip, cfg)


def attributes(clip: SampledFrames, per_frame: list[sv.Detections], cfg: EngineConfig) -> list[sv.Detections]:
    """Colour, shape/category, location and size for every detection."""
    from videoutr.engine.detect.attributes import annotate_clip, resolve_palette

    return annotate_clip(clip.frames, per_frame, resolve_palette(cfg.detector_args.get("palette", "auto")))


BATCH_VIDEOS = 16  # most videos tracked in one ByteTrack pass: its cost per frame is mostly fixed (16 cut it to 1/16)


def batch_size(videos: int, workers: int) -> int:
    """Videos per `process_videos` call: at most `BATCH_VIDEOS`, as many batches as it takes
    rounded up to a multiple of `workers`, so that every worker gets as many (48 videos on 2
    workers: 4 batches of 12, not 16, 16 and 16)."""
    workers = max(1, workers)
    rounds = -(-videos // (workers * BATCH_VIDEOS))
    return max(1, -(-videos // (workers * max(1, rounds))))


def to_track(item: VideoItem, clip: SampledFrames, per_frame: list[sv.Detections], cfg: EngineConfig) -> ClipDetections:
    """What tracking needs of a video (not its frames), boxes in the video's pixels."""
    from videoutr.engine.detect.base import rescale_detections

    detector = detector_traits(cfg)
    info, partition = clip.info, getattr(detector, "track_partition", None)
    rescale_detections(per_frame, clip.scale, info.width, info.height)
    return ClipDetections(
        per_frame,
        clip.frame_idx,
        info.fps,
        info.width,
        info.height,
        item.video_id,
        item.rel,
        info.num_frames,
        partition,
        camera_of(per_frame),
        getattr(detector, "part_colours", True),
    )


def camera_of(per_frame: list[sv.Detections]) -> np.ndarray | None:
    """The (T, 2, 3) camera maps a detector put in each frame's `metadata["camera"]`, or None when
    it gave none or the camera stood still (every map the identity)."""
    if not per_frame or any("camera" not in d.metadata for d in per_frame):
        return None
    maps = np.stack([np.asarray(d.metadata["camera"], dtype=np.float64) for d in per_frame])
    return None if np.allclose(maps, np.eye(2, 3)) else maps


def track(clips: list[ClipDetections], cfg: EngineConfig) -> list[ClipTrajectories]:
    """Track several videos' detections in one ByteTrack pass (each video as if alone)."""
    from videoutr.engine.track.tracking import track_clips

    return track_clips(clips, cfg.track)


def query(trajectories: ClipTrajectories, item: VideoItem, cfg: EngineConfig) -> tuple[list[dict], Counter]:
    from videoutr.engine.query import build_samples

    samples, skipped = build_samples(trajectories, cfg.query, video=item.rel)
    return [s.to_llava() for s in samples], skipped


def process_videos(items: list[VideoItem], cfg: EngineConfig) -> list[VideoRecord]:
    """Run every step on a few videos; a bad video gives an error record instead of raising."""
    [records] = process_batches([items], cfg)
    return records


def process_batches(
    batches: list[list[VideoItem]], cfg: EngineConfig, decode_ahead: int = 1
) -> Iterator[list[VideoRecord]]:
    """`process_videos` on each batch in turn, the next `decode_ahead` videos (of this batch or the
    next ones) decoded and prepared in a background thread meanwhile (each one more clip of frames
    in memory; 0: one step after the other)."""
    get_detector(cfg)  # built here, not first in the decoding thread (it asks for the working size)
    with ThreadPoolExecutor(1, thread_name_prefix="videoutr-decode") as pool:
        clips = ahead(pool, partial(decode_and_prepare, cfg=cfg), chain.from_iterable(batches), decode_ahead)
        for batch in batches:
            decoding = islice(clips, len(batch))
            if is_model_detector(cfg):
                decoded = [_decoded(item, future) for item, future in decoding]
                yield finish_videos(detect_videos(get_detector(cfg), decoded), cfg)
            else:
                yield _process_batch(decoding, cfg)


def _decoded(item: VideoItem, decoding: Future[tuple[SampledFrames, Any]]) -> DecodedVideo:
    try:
        return DecodedVideo(item, clip=decoding.result()[0])
    except Exception as exc:  # noqa: BLE001 - one broken video must not stop a long run
        return DecodedVideo(item, error=error_record(item, exc))


def decode_videos(items: list[VideoItem], cfg: EngineConfig) -> list[DecodedVideo]:
    """The first step for a model detector: each video's frames, or its error record."""
    decoded = []
    for item in items:
        try:
            decoded.append(DecodedVideo(item, clip=decode(item, cfg)))
        except Exception as exc:  # noqa: BLE001 - one broken video must not stop a long run
            decoded.append(DecodedVideo(item, error=error_record(item, exc)))
    return decoded


def detect_videos(detector, batch: list[DecodedVideo]) -> list[DecodedVideo]:
    """Detect in the frames of every decoded video of `batch` together (`Detector.detect_videos`)."""
    todo = [n for n, video in enumerate(batch) if video.error is None]
    try:
        found: list | None = detector.detect_videos([batch[n].clip.frames for n in todo])
    except Exception:  # noqa: BLE001 - some video broke the shared forward: detect each alone to know which
        found = None
    out = list(batch)
    for k, n in enumerate(todo):
        video = batch[n]
        try:
            per_frame = found[k] if found is not None else detector.detect_clip(video.clip.frames)
            out[n] = replace(video, per_frame=per_frame)
        except Exception as exc:  # noqa: BLE001 - one broken video must not stop a long run
            out[n] = replace(video, clip=None, error=error_record(video.item, exc))
    return out


class DetectVideos:
    """The model detector's step: one model per worker (a Ray actor), built once."""

    def __init__(self, cfg: EngineConfig) -> None:
        self.detector = get_detector(cfg)

    def __call__(self, batch: list[DecodedVideo]) -> list[DecodedVideo]:
        return detect_videos(self.detector, batch)


def finish_videos(batch: list[DecodedVideo], cfg: EngineConfig) -> list[VideoRecord]:
    """The steps after a model detector: attributes, tracking (one pass) and queries."""
    records: list[VideoRecord | None] = []  # each place filled below
    found: list[tuple[int, VideoItem, ClipDetections]] = []
    for n, video in enumerate(batch):
        records.append(video.error)
        if video.error is None:
            with _errors_recorded(records, n, video.item):
                clip = video.clip
                found.append((n, video.item, to_track(video.item, clip, attributes(clip, video.per_frame, cfg), cfg)))
    return _track_and_query(records, found, cfg)


def _process_batch(
    decoding: Iterator[tuple[VideoItem, Future[tuple[SampledFrames, Any]]]], cfg: EngineConfig
) -> list[VideoRecord]:
    """The steps after `decode_and_prepare` for one batch of videos; `decoding`: each video with
    its decoding, started ahead (pulling the next video starts another)."""
    records: list[VideoRecord | None] = []  # each place filled below
    found: list[tuple[int, VideoItem, ClipDetections]] = []
    for n, (item, decoded) in enumerate(decoding):
        records.append(None)
        with _errors_recorded(records, n, item):
            clip, prepared = decoded.result()
            found.append((n, item, to_track(item, clip, attributes(clip, detect(prepared, cfg), cfg), cfg)))
    return _track_and_query(records, found, cfg)


def _track_and_query(
    records: list[VideoRecord | None], found: list[tuple[int, VideoItem, ClipDetections]], cfg: EngineConfig
) -> list[VideoRecord]:
    """Track the `found` videos in one pass and query each; fills their places in `records`."""
    try:
        tracked: list[ClipTrajectories | None] = list(track([clip for *_, clip in found], cfg))
    except Exception:  # noqa: BLE001 - some video broke the shared pass: track each alone to know which
        tracked = [None] * len(found)
    for (n, item, clip), trajectories in zip(found, tracked):
        with _errors_recorded(records, n, item):
            if trajectories is None:
                trajectories = track([clip], cfg)[0]
            samples, skipped = query(trajectories, item, cfg)
            stats = VideoStats(
                frames=len(clip.frame_idx),
                detections=int(sum(len(d) for d in clip.per_frame)),
                tracks=len(trajectories.tracks),
                dropped_tracks=trajectories.dropped,
                skipped_questions=dict(sorted(skipped.items())),
            )
            records[n] = VideoRecord.ok(item, trajectories.to_dict(), samples, stats)
    return records


def error_record(item: VideoItem, exc: Exception) -> VideoRecord:
    """The record of a video that failed with `exc`."""
    if isinstance(exc, VideoutrError):
        return VideoRecord.failed(item, str(exc))
    return VideoRecord.failed(item, f"{item.path}: {type(exc).__name__}: {exc}")


@contextmanager
def _errors_recorded(records: list, n: int, item: VideoItem) -> Iterator[None]:
    """Turn a failure while processing `item` into its error record (the run goes on)."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - one broken video must not stop a long run
        records[n] = error_record(item, exc)
