"""The shared square world (tiny untrained model, red square videos) with benchmarks in each supported format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import square_direction


@pytest.fixture(scope="session")
def eval_world(square_world) -> Path:
    """`square_world` plus bench.json (4 MCQ items on videos 0-3 and one missing video) and openqa.json."""
    root = square_world
    items = []
    for i in range(4):
        items.append(
            {
                "id": f"q{i}",
                "video": f"videos/v{i}.mp4",
                "question": "Where does the red square move?",
                "candidates": ["left", "right", "up"],
                "answer": square_direction(i),
                "task": "direction" if i < 3 else "colour",
                "temporal": i < 3,
            }
        )
    items.append(
        {
            "id": "q_missing",
            "video": "videos/nope.mp4",
            "question": "?",
            "candidates": ["a", "b"],
            "answer": "a",
            "task": "direction",
            "temporal": True,
        }
    )
    (root / "bench.json").write_text(json.dumps(items))
    (root / "openqa.json").write_text(
        json.dumps(
            [
                {"video_name": "videos/v0", "question_id": "o0", "question": "Where does it move?", "answer": "left"},
                {"video_name": "videos/v1", "question_id": "o1", "question": "Where does it move?", "answer": "right"},
            ]
        )
    )
    return root
