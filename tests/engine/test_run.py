"""Running the engine: outputs, bad inputs, resume, kill -9 and rerun, config checks."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from videoutr.data.llava import load_samples
from videoutr.engine import EngineConfig, discover_videos, run_engine
from videoutr.errors import ConfigError

FINAL = ("utr.json", "trajectories.jsonl", "errors.jsonl", "data.yaml", "stats.json", "records.jsonl")


def _bytes(out: Path) -> dict[str, bytes]:
    """Final files (data.yaml names utr.json relative to OUT, so it is compared as is)."""
    return {name: (out / name).read_bytes() for name in FINAL}


def test_outputs_and_bad_videos(make_scenes, tmp_path):
    root = make_scenes(3)
    videos = root / "videos"
    (videos / "empty.mp4").write_bytes(b"")
    (videos / "text.mp4").write_text("not a video at all")
    good = (videos / "s000.mp4").read_bytes()
    (videos / "truncated.mp4").write_bytes(good[: len(good) // 3])
    (videos / "notes.txt").write_text("ignored: not a video suffix")
    out = tmp_path / "out"
    stats = run_engine(videos, out, EngineConfig(), progress=False)
    assert stats["videos"] == 6 and stats["ok"] == 3 and stats["errors"] == 3
    errors = {e["video_id"]: e["error"] for e in map(json.loads, (out / "errors.jsonl").read_text().splitlines())}
    assert set(errors) == {"empty", "text", "truncated"}
    assert "empty" in errors["empty"] and "empty.mp4" in errors["empty"]
    samples = load_samples(out / "utr.json")
    assert {s.video for s in samples} == {"s000.mp4", "s001.mp4", "s002.mp4"}
    assert all(s.source == "utr" for s in samples)
    mixture = yaml.safe_load((out / "data.yaml").read_text())
    assert mixture["datasets"][0]["sampling_strategy"] == "all"
    assert mixture["datasets"][0]["json_path"] == "utr.json"  # relative: OUT can be moved
    from videoutr.train.mixture import load_mixture, parse_mixture_file

    moved = tmp_path / "moved"
    out.rename(moved)  # the training mixture loader resolves it against the yaml's folder, from any working folder
    assert [s.id for s in load_mixture(parse_mixture_file(moved / "data.yaml"))] == [s.id for s in samples]
    moved.rename(out)
    first = _bytes(out)
    again = run_engine(videos, out, EngineConfig(), progress=False)
    assert again["processed_now"] == 3 and _bytes(out) == first  # the failed videos are tried again


def test_rerun_with_another_config_is_refused(make_scenes, tmp_path):
    videos = make_scenes(1) / "videos"
    run_engine(videos, tmp_path / "out", EngineConfig(), progress=False)
    with pytest.raises(ConfigError, match="another config"):
        run_engine(videos, tmp_path / "out", EngineConfig(num_frames=8), progress=False)


def test_input_errors(tmp_path):
    with pytest.raises(ConfigError, match="not a folder"):
        run_engine(tmp_path / "missing", tmp_path / "out", EngineConfig(), progress=False)
    (tmp_path / "none").mkdir()
    with pytest.raises(ConfigError, match="no video files"):
        run_engine(tmp_path / "none", tmp_path / "out", EngineConfig(), progress=False)
    with pytest.raises(ConfigError, match="unknown detector"):
        run_engine(tmp_path / "none", tmp_path / "out", EngineConfig(detector="yolo"), progress=False)
    with pytest.raises(ConfigError, match="unknown query task"):
        cfg = EngineConfig.from_dict({"query": {"tasks": ["box_to_track", "poem"]}})
        run_engine(tmp_path / "none", tmp_path / "out", cfg, progress=False)
    with pytest.raises(ConfigError, match="track.bogus"):
        EngineConfig.from_dict({"track": {"bogus": 1}})
    with pytest.raises(ConfigError, match="num_frames") as info:
        EngineConfig(num_frames=1, track=EngineConfig().track.__class__(high_conf=2.0)).validate()
    assert "track.high_conf" in str(info.value)  # every problem reported at once


def test_nested_video_folders_get_unique_ids(tmp_path, make_scenes):
    root = make_scenes(2)
    nested = root / "videos" / "cam1"
    nested.mkdir()
    (nested / "s000.mp4").write_bytes((root / "videos" / "s000.mp4").read_bytes())
    items = discover_videos(root / "videos")
    assert [i.video_id for i in items] == ["cam1__s000", "s000", "s001"]
    assert items[0].rel == "cam1/s000.mp4"


def test_workers_give_the_same_output(make_scenes, tmp_path):
    videos = make_scenes(4) / "videos"
    run_engine(videos, tmp_path / "one", EngineConfig(), workers=1, progress=False)
    run_engine(videos, tmp_path / "two", EngineConfig(), workers=2, progress=False)
    assert _bytes(tmp_path / "one") == _bytes(tmp_path / "two")


@pytest.mark.slow
def test_kill_9_and_rerun_gives_the_uninterrupted_output(make_scenes, tmp_path):
    videos = make_scenes(20, frames=32) / "videos"  # two batches: the kill falls in the second
    run_engine(videos, tmp_path / "clean", EngineConfig(), progress=False)
    out = tmp_path / "killed"
    cmd = [
        sys.executable,
        "-m",
        "videoutr.cli",
        "engine",
        "run",
        "--videos",
        str(videos),
        "--out",
        str(out),
        "--no-progress",
        "--detector",
        "motion",
    ]  # the config of EngineConfig() (auto takes the striped ground for footage)
    code = "import sys; from videoutr.cli import main; sys.argv = ['videoutr'] + sys.argv[1:]; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, *cmd[3:]], env={**os.environ, "PYTHONUNBUFFERED": "1"})
    partial = out / "records.jsonl.partial"
    deadline = time.time() + 60
    while time.time() < deadline:
        if partial.is_file() and partial.read_text().count("\n") >= 3:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "utr.json").exists(), "the run finished before it could be killed"
    done_before = partial.read_text().count("\n")
    assert 3 <= done_before < 20
    with open(partial, "a") as handle:  # a write cut by the kill
        handle.write('{"video_id": "s0')
    stats = run_engine(videos, out, EngineConfig(), progress=False)
    assert stats["processed_now"] == 20 - done_before
    assert _bytes(out) == _bytes(tmp_path / "clean")


def test_shards_end_with_the_unsharded_output(make_scenes, tmp_path):
    videos = make_scenes(5) / "videos"
    (videos / "bad.mp4").write_text("not a video")
    run_engine(videos, tmp_path / "whole", EngineConfig(), progress=False)
    first = run_engine(videos, tmp_path / "sharded", EngineConfig(), progress=False, shard=(1, 2))
    assert first["complete"] is False and first["videos"] == 3 and not (tmp_path / "sharded" / "utr.json").exists()
    last = run_engine(videos, tmp_path / "sharded", EngineConfig(), progress=False, shard=(0, 2))
    assert last["complete"] is True and last["videos"] == 6 and last["errors"] == 1
    whole, sharded = (
        _bytes(tmp_path / "whole"),
        {n: (tmp_path / "sharded" / n).read_bytes() for n in FINAL if n != "records.jsonl"},
    )
    for name, data in sharded.items():
        expected = whole[name]
        assert data == expected, name
    with pytest.raises(ConfigError, match="INDEX/COUNT"):
        run_engine(videos, tmp_path / "x", EngineConfig(), progress=False, shard=(2, 2))


def test_a_video_that_breaks_the_shared_tracking_pass_fails_alone(scene_dir, monkeypatch):
    """The videos of a batch share one ByteTrack pass; when it fails, each is tracked alone, so only
    the culprit gets an error record and the others come out as they would in any batch."""
    from videoutr.engine import steps
    from videoutr.engine.track import tracking

    items = [steps.VideoItem(p.stem, str(p), p.name) for p in sorted((scene_dir / "videos").glob("*.mp4"))]
    alone = [steps.process_videos([item], EngineConfig())[0] for item in items]
    real = tracking.track_clips

    def broken(clips, cfg):
        if any(c.video_id == "s001" for c in clips):
            raise ValueError("bad boxes")
        return real(clips, cfg)

    monkeypatch.setattr(tracking, "track_clips", broken)
    records = steps.process_videos(items, EngineConfig())
    assert [r.status for r in records] == ["ok", "error", "ok", "ok"] and "bad boxes" in records[1].error
    assert [r for k, r in enumerate(records) if k != 1] == [r for k, r in enumerate(alone) if k != 1]
