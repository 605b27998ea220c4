"""Tiny model and tiny world for training tests: red square moving left or right, 8 frames."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest


def _frames(direction: str, colour=(255, 0, 0)) -> np.ndarray:
    frames = np.full((8, 48, 48, 3), 128, np.uint8)
    for t in range(8):
        x = 4 + 4 * t if direction == "right" else 40 - 4 * t
        frames[t, 18:30, x : x + 8] = colour
    return frames


def _record(i: int, direction: str) -> dict:
    return {
        "id": f"v{i}",
        "video": f"videos/v{i}.mp4",
        "conversations": [
            {"from": "human", "value": "<video>\nWhere does the red square move?"},
            {"from": "gpt", "value": f"It moves {direction}."},
            {"from": "human", "value": "What colour is it?"},
            {"from": "gpt", "value": "It is red."},
        ],
    }


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory) -> Path:
    """A folder with model/, videos/, train.json (20 samples), heldout.json (4 samples)."""
    from videoutr.models.tiny import init_tiny_model
    from videoutr.video import write_video

    root = tmp_path_factory.mktemp("tiny_world")
    init_tiny_model(root / "model", preset="tiny", seed=0)
    records = []
    for i in range(24):
        direction = ("left", "right")[i % 2]
        write_video(root / f"videos/v{i}.mp4", _frames(direction), fps=8)
        records.append(_record(i, direction))
    (root / "train.json").write_text(json.dumps(records[:20]))
    (root / "heldout.json").write_text(json.dumps(records[20:]))
    return root


@pytest.fixture
def tiny_overrides():
    """A function: overrides pointing recipes/tiny_cpu.yaml at the tiny world, for a few quick steps."""
    return _tiny_overrides


def _tiny_overrides(world: Path, out: Path, *extra: str) -> list[str]:
    return [
        f"model.path={world / 'model'}",
        f"data.datasets=[{{json_path: {world / 'train.json'}}}]",
        f"data.video_root=[{world}]",
        "data.eval_fraction=0",
        f"run.output_dir={out}",
        "run.max_steps=4",
        "run.batch_size=4",
        "run.save_steps=2",
        "run.logging_steps=1",
        "optim.warmup_steps=1",
        *extra,
    ]
