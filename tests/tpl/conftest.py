"""Fixtures for TPL: small mp4 clips and a LLaVA dataset with bad records (the tiny model is in tests/conftest.py)."""

import json
import sys
from pathlib import Path

import pytest

from ..conftest import moving_square

sys.path.insert(0, str(Path(__file__).parent))  # tpl_helpers (pytest runs in importlib mode)


@pytest.fixture(scope="session")
def dataset(tmp_path_factory):
    """8 good samples over 2 sources / 3 subsets, a 4-frame clip, and 4 bad records."""
    from videoutr.video import write_video

    root = tmp_path_factory.mktemp("tpl-data")
    colours = [(220, 40, 40), (40, 200, 40), (40, 40, 220), (230, 220, 40)]
    records = []
    for i in range(8):
        name = f"videos/clip{i}.mp4"
        write_video(root / name, moving_square(frames=8 if i != 5 else 4, colour=colours[i % 4]), fps=8)
        subset = ["caption", "motion", "qa"][i % 3]
        turns = [
            {"from": "human", "value": "<video>\nWhat happens?"},
            {"from": "gpt", "value": f"A square moves right, sample {i}."},
        ]
        if i % 2:
            turns += [{"from": "human", "value": "Where is it at the end?"}, {"from": "gpt", "value": "right"}]
        records.append(
            {
                "id": f"clip{i}",
                "video": name,
                "conversations": turns,
                "source": "world-a" if i < 4 else "world-b",
                "subset": subset,
            }
        )
    records.append(
        {
            "id": "missing",
            "video": "videos/nope.mp4",
            "conversations": [{"from": "human", "value": "<video>\nHi"}, {"from": "gpt", "value": "Hi"}],
        }
    )
    records.append(
        {"id": "mute", "video": "videos/clip0.mp4", "conversations": [{"from": "human", "value": "<video>\nHi"}]}
    )
    records.append({"id": "broken", "conversations": "not a list"})
    records.append(
        {
            "id": "clip0",
            "video": "videos/clip0.mp4",
            "conversations": [{"from": "human", "value": "<video>\nDup"}, {"from": "gpt", "value": "x"}],
        }
    )
    (root / "data.json").write_text(json.dumps(records))
    return root
