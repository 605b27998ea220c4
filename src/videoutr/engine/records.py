"""The engine's typed records: one `VideoRecord` per video (ok or error) from the steps to the
writers, with its `VideoStats`, and the run's `EngineStats`.

`to_dict` gives the JSON of a line of `OUT/records.jsonl` (and `from_dict` reads it back):

    {"video_id": "w0001", "video": "w0001.mp4", "status": "ok", "trajectories": {...},
     "samples": [...], "stats": {"frames": 32, "detections": 61, "tracks": 2, ...}}
    {"video_id": "w0002", "video": "w0002.mp4", "status": "error", "error": "w0002.mp4: ..."}

    record = VideoRecord.ok(item, trajectories.to_dict(), samples, stats)
    record.is_ok, record.to_dict()["stats"]["tracks"]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from videoutr.engine.steps import VideoItem

STATUSES = ("ok", "error")


@dataclass(frozen=True)
class VideoStats:
    """Counts of one video finished ok."""

    frames: int
    detections: int
    tracks: int
    dropped_tracks: dict[str, int]
    skipped_questions: dict[str, int]


@dataclass(frozen=True)
class VideoRecord:
    """One video's outcome: ok (trajectories, LLaVA samples, stats) or error (its reason)."""

    video_id: str
    video: str
    status: str
    trajectories: dict[str, Any] | None = None
    samples: list[dict[str, Any]] = field(default_factory=list)
    stats: VideoStats | None = None
    error: str | None = None

    @classmethod
    def ok(
        cls, item: VideoItem, trajectories: dict[str, Any], samples: list[dict[str, Any]], stats: VideoStats
    ) -> VideoRecord:
        return cls(item.video_id, item.rel, "ok", trajectories=trajectories, samples=samples, stats=stats)

    @classmethod
    def failed(cls, item: VideoItem, error: str) -> VideoRecord:
        return cls(item.video_id, item.rel, "error", error=error)

    @property
    def is_ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        head = {"video_id": self.video_id, "video": self.video, "status": self.status}
        if not self.is_ok:
            return {**head, "error": self.error}
        return {**head, "trajectories": self.trajectories, "samples": self.samples, "stats": asdict(self.stats)}

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> VideoRecord:
        status = record.get("status")
        if status not in STATUSES:
            raise ValueError(f"engine record {record.get('video_id')!r}: status {status!r}, expected ok or error")
        if status == "error":
            return cls(record["video_id"], record["video"], status, error=record["error"])
        return cls(
            record["video_id"],
            record["video"],
            status,
            trajectories=record["trajectories"],
            samples=record["samples"],
            stats=VideoStats(**record["stats"]),
        )


@dataclass(frozen=True)
class EngineStats:
    """Counts over a run's records (`OUT/stats.json`; everything here is deterministic)."""

    videos: int
    ok: int
    errors: int
    frames: int
    detections: int
    tracks: int
    samples: int
    dropped_tracks: dict[str, int]
    skipped_questions: dict[str, int]

    @classmethod
    def of(cls, records: list[VideoRecord]) -> EngineStats:
        ok = [r.stats for r in records if r.is_ok]
        dropped: Counter[str] = Counter()
        skipped: Counter[str] = Counter()
        for stats in ok:
            dropped.update(stats.dropped_tracks)
            skipped.update(stats.skipped_questions)
        return cls(
            videos=len(records),
            ok=len(ok),
            errors=len(records) - len(ok),
            frames=sum(s.frames for s in ok),
            detections=sum(s.detections for s in ok),
            tracks=sum(s.tracks for s in ok),
            samples=sum(len(r.samples) for r in records if r.is_ok),
            dropped_tracks=dict(sorted(dropped.items())),
            skipped_questions=dict(sorted(skipped.items())),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
