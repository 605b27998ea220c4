"""A small footage folder (one static and one panning video), made once per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def footage_dir(tmp_path_factory):
    from videoutr.footage import FootageConfig, generate_footage

    return generate_footage(FootageConfig(num_videos=4, seed=3), tmp_path_factory.mktemp("footage"))


@pytest.fixture(scope="session")
def footage_run(footage_dir, tmp_path_factory):
    """The engine's run on the footage as `videoutr engine` runs it with no options (`auto`)."""
    from videoutr.engine.detect.profiles import resolve_config
    from videoutr.engine.run import run_engine

    out = tmp_path_factory.mktemp("footage-utr")
    cfg = resolve_config({}, footage_dir / "videos")
    stats = run_engine(footage_dir / "videos", out, cfg, progress=False)
    return out, stats
