"""Shared test settings (small thread pools, offline hubs) and the fixtures several areas use:
one random-init tiny LLaVA-OneVision per session, and clips of a red square moving left or right."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("MPLBACKEND", "Agg")


def moving_square(direction: str = "right", frames: int = 8, colour=(255, 0, 0)) -> np.ndarray:
    """48x48 RGB frames of a 12x8 square on grey moving 4 px a frame; frame t's square is at a distinct x."""
    out = np.full((frames, 48, 48, 3), 128, np.uint8)
    for t in range(frames):
        x = 4 + 4 * t if direction == "right" else 40 - 4 * t
        out[t, 18:30, x : x + 8] = colour
    return out


def square_direction(i: int) -> str:
    """Where the square of `square_world`'s video i moves."""
    return ("left", "right")[i % 2]


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory) -> Path:
    """A random-init tiny LLaVA-OneVision (seed 0) saved once per session; tests must not write into it."""
    from videoutr.models.tiny import init_tiny_model

    return init_tiny_model(tmp_path_factory.mktemp("tiny-model"), preset="tiny", seed=0)


@pytest.fixture(scope="session")
def tiny(tiny_dir):
    """(model, processor) of `tiny_dir` in float32."""
    from videoutr.models.load import load_video_model

    return load_video_model(tiny_dir, dtype="float32")


@pytest.fixture(scope="session")
def square_world(tmp_path_factory, tiny_dir) -> Path:
    """A folder with model/ (`tiny_dir`) and videos/v{i}.mp4 for i < 24: 8 frames at 8 fps of a red
    square moving `square_direction(i)`. Areas add their own json files next to them."""
    from videoutr.video import write_video

    root = tmp_path_factory.mktemp("square_world")
    (root / "model").symlink_to(tiny_dir, target_is_directory=True)
    for i in range(24):
        write_video(root / f"videos/v{i}.mp4", moving_square(square_direction(i)), fps=8)
    return root
