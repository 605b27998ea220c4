"""A tiny untrained model, four tiny videos and benchmarks in each supported format."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest


def moving_square(direction: str, frames: int = 8) -> np.ndarray:
    """Frames of a red square moving left or right; frame t's square is at a distinct x."""
    out = np.full((frames, 48, 48, 3), 128, np.uint8)
    for t in range(frames):
        x = 4 + 4 * t if direction == "right" else 40 - 4 * t
        out[t, 18:30, x : x + 8] = (255, 0, 0)
    return out


@pytest.fixture(scope="session")
def eval_world(tmp_path_factory) -> Path:
    from videoutr.models.tiny import init_tiny_model
    from videoutr.video import write_video

    root = tmp_path_factory.mktemp("eval_world")
    init_tiny_model(root / "model", preset="tiny", seed=0)
    items = []
    for i in range(4):
        direction = ("left", "right")[i % 2]
        write_video(root / f"videos/v{i}.mp4", moving_square(direction), fps=8)
        items.append({"id": f"q{i}", "video": f"videos/v{i}.mp4", "question": "Where does the red square move?",
                      "candidates": ["left", "right", "up"], "answer": direction,
                      "task": "direction" if i < 3 else "colour", "temporal": i < 3})
    items.append({"id": "q_missing", "video": "videos/nope.mp4", "question": "?", "candidates": ["a", "b"],
                  "answer": "a", "task": "direction", "temporal": True})
    (root / "bench.json").write_text(json.dumps(items))
    (root / "openqa.json").write_text(json.dumps([
        {"video_name": "videos/v0", "question_id": "o0", "question": "Where does it move?", "answer": "left"},
        {"video_name": "videos/v1", "question_id": "o1", "question": "Where does it move?", "answer": "right"}]))
    return root
