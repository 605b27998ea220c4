"""The shared square world as a training set (red square moving left or right, 8 frames) and recipe overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import square_direction


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
def tiny_world(square_world) -> Path:
    """`square_world` (model/, videos/) plus train.json (20 samples) and heldout.json (4 samples)."""
    records = [_record(i, square_direction(i)) for i in range(24)]
    (square_world / "train.json").write_text(json.dumps(records[:20]))
    (square_world / "heldout.json").write_text(json.dumps(records[20:]))
    return square_world


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
