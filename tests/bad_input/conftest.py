"""The tiny world (`videoutr world --num-videos 6 --seed 3`), the tiny model and bad files of every
kind (`cli`, the `videoutr` entry point run in this process, is in tests/conftest.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> Path:
    """`videoutr world --out W --num-videos 6 --seed 3`, plus bad videos under W/bad/."""
    from videoutr.video import write_video
    from videoutr.world.config import world_preset
    from videoutr.world.generate import generate_world

    root = tmp_path_factory.mktemp("bad-input") / "w"
    generate_world(world_preset("default", num_videos=6, seed=3), root, progress=False)
    bad = root / "bad"
    bad.mkdir()
    good = (root / "videos/v00000.mp4").read_bytes()
    (bad / "zero.mp4").write_bytes(b"")
    (bad / "truncated.mp4").write_bytes(good[: len(good) // 3])
    (bad / "corrupt.mp4").write_bytes(good[:40] + bytes(200) + good[240:])  # its header zeroed
    (bad / "text.mp4").write_text("this is not a video\n")
    from PIL import Image

    Image.fromarray(np.full((48, 48, 3), 200, np.uint8)).save(bad / "image.png")
    shutil.copy(bad / "image.png", bad / "image.mp4")  # a PNG renamed .mp4
    write_video(bad / "one_frame.mp4", np.full((1, 64, 64, 3), 90, np.uint8), fps=8)
    huge = np.zeros((4, 720, 1280, 3), np.uint8)
    huge[:, 300:400, 100:300] = 255
    write_video(bad / "huge.mp4", huge, fps=8)
    return root


@pytest.fixture(scope="session")
def model(tiny_dir) -> Path:
    return tiny_dir


@pytest.fixture(scope="session")
def captions(world) -> list[dict]:
    return json.loads((world / "captions.json").read_text())
