"""Fixtures for the model layer: one tiny checkpoint per session, frames and dialogue samples."""

import numpy as np
import pytest

from videoutr.data.llava import Sample, Turn


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory):
    from videoutr.models.tiny import init_tiny_model

    return init_tiny_model(tmp_path_factory.mktemp("tiny-model"), preset="tiny", seed=0)


@pytest.fixture(scope="session")
def tiny(tiny_dir):
    from videoutr.models.load import load_video_model

    return load_video_model(tiny_dir, dtype="float32")


@pytest.fixture
def frames():
    rng = np.random.default_rng(0)
    return rng.integers(0, 255, size=(8, 40, 56, 3), dtype=np.uint8)


@pytest.fixture
def dialogue():
    return Sample(
        id="clip-1", video="clip-1.mp4", source="unit",
        conversations=[
            Turn("human", "<video>\nWhat moves?"), Turn("gpt", "A red circle moves left."),
            Turn("human", "Where is it in the last frame?"), Turn("gpt", "top left"),
        ],
    )
