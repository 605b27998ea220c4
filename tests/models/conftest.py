"""Fixtures for the model layer: frames and dialogue samples (the tiny model is in tests/conftest.py)."""

import numpy as np
import pytest

from videoutr.data.llava import Sample, Turn


@pytest.fixture
def frames():
    rng = np.random.default_rng(0)
    return rng.integers(0, 255, size=(8, 40, 56, 3), dtype=np.uint8)


@pytest.fixture
def dialogue():
    return Sample(
        id="clip-1",
        video="clip-1.mp4",
        source="unit",
        conversations=[
            Turn("human", "<video>\nWhat moves?"),
            Turn("gpt", "A red circle moves left."),
            Turn("human", "Where is it in the last frame?"),
            Turn("gpt", "top left"),
        ],
    )
