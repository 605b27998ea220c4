"""Shared fixtures: one tiny world on disk, and many simulated scenes (no encoding) for checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from videoutr.world import ObjectTrack, VideoAnnotation, generate_world, world_default, world_tiny
from videoutr.world.captions import stable_rng
from videoutr.world.events import annotate, reverse_annotation
from videoutr.world.simulate import sample_scene


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory) -> Path:
    """world_tiny(seed=0) written to disk once per session."""
    return generate_world(world_tiny(seed=0), tmp_path_factory.mktemp("world") / "tiny")


def _scenes(cfg, n: int, tag: str) -> list:
    return [sample_scene(cfg, f"{tag}{i:03d}", "test", stable_rng(cfg.seed, tag, str(i))) for i in range(n)]


@pytest.fixture(scope="session")
def scenes() -> list:
    """60 simulated scenes (tiny and default sizes) with their reversed twins; pure numpy, fast."""
    originals = _scenes(world_tiny(seed=7, event_density=2.5), 40, "t") + _scenes(world_default(seed=7), 20, "d")
    return [(a, reverse_annotation(a)) for a in originals]


BG = {"style": "plain", "colours": [[120, 120, 120], [120, 120, 120]], "period": 8, "orientation": "vertical"}


def _make_ann(tracks: list[dict], num_frames: int = 3, size: int = 64) -> VideoAnnotation:
    """An annotation from hand-written tracks: dicts with shape, size_px, depth, center_xy, colour."""
    objects = [
        ObjectTrack(
            id=i,
            shape=t["shape"],
            size="medium",
            size_px=t["size_px"],
            depth=t.get("depth", i),
            colour=t.get("colour", ["red"] * num_frames),
            center_xy=t["center_xy"],
            box_xyxy=[],
            visible_fraction=[],
        )
        for i, t in enumerate(tracks)
    ]
    ann = VideoAnnotation(
        id="hand",
        fps=8.0,
        num_frames=num_frames,
        width=size,
        height=size,
        split="test",
        background="plain",
        background_params=BG,
        objects=objects,
    )
    return annotate(ann)


@pytest.fixture()
def make_ann():
    """Build an annotated scene from hand-written tracks."""
    return _make_ann
