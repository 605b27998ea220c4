"""The Ray Data executor on a small local cluster gives exactly the local executor's output."""

import pytest

from videoutr.engine import EngineConfig, run_engine


@pytest.mark.ray
def test_ray_executor_matches_local(make_scenes, tmp_path):
    ray = pytest.importorskip("ray")
    running = ray.is_initialized()  # a cluster other tests share, or none
    videos = make_scenes(2) / "videos"
    (videos / "broken.mp4").write_text("not a video")
    run_engine(videos, tmp_path / "local", EngineConfig(), executor="local", progress=False)
    stats = run_engine(videos, tmp_path / "ray", EngineConfig(), executor="ray", workers=2, progress=False)
    assert stats["ok"] == 2 and stats["errors"] == 1
    for name in ("utr.json", "trajectories.jsonl", "errors.jsonl", "records.jsonl", "stats.json"):
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    assert ray.is_initialized() == running  # the executor shuts down a cluster it started, and only that
