"""Typed engine records: the JSON lines of records.jsonl round-trip, and bad lines are named."""

import json

import pytest

from videoutr.engine import EngineConfig
from videoutr.engine.records import EngineStats, VideoRecord, VideoStats
from videoutr.engine.steps import VideoItem, process_videos


def test_records_of_a_run_round_trip_through_their_json(make_scenes):
    videos = make_scenes(2) / "videos"
    (videos / "broken.mp4").write_text("not a video")

    items = [VideoItem(p.stem, str(p), p.name) for p in sorted(videos.glob("*.mp4"))]
    records = process_videos(items, EngineConfig())
    assert [r.status for r in records] == ["error", "ok", "ok"] and isinstance(records[1].stats, VideoStats)
    for record in records:
        line = json.dumps(record.to_dict())  # a line of records.jsonl, read back and written again
        assert json.dumps(VideoRecord.from_dict(json.loads(line)).to_dict()) == line
    assert list(records[0].to_dict()) == ["video_id", "video", "status", "error"]
    assert list(records[1].to_dict()) == ["video_id", "video", "status", "trajectories", "samples", "stats"]
    stats = EngineStats.of(records)
    assert (stats.videos, stats.ok, stats.errors) == (3, 2, 1)
    assert stats.tracks == sum(r.stats.tracks for r in records[1:]) and stats.samples == sum(
        len(r.samples) for r in records
    )


def test_a_record_of_unknown_status_is_named():
    with pytest.raises(ValueError, match="'w7'.*'done'"):
        VideoRecord.from_dict({"video_id": "w7", "video": "w7.mp4", "status": "done"})
