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
def text_only_model(tmp_path_factory) -> Path:
    """A saved tiny Qwen2 LM (`Qwen2ForCausalLM`): a checkpoint with no video support."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    out = tmp_path_factory.mktemp("text-only-lm")
    shape = dict(
        hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1
    )
    Qwen2ForCausalLM(Qwen2Config(vocab_size=64, **shape)).save_pretrained(out)
    return out


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


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory, tiny_dir) -> Path:
    """A demo-like folder of real runs on a 4-video tiny world: world/, utr/ (engine), tpl/utr.jsonl
    (TPL of the engine's dialogues under `tiny_dir`), eval/tiny/ (eval, full + shuffled), and a
    report.md, results.json with claims, and a PNG at the top. Tests must not write into it."""
    import cv2

    from videoutr.engine import EngineConfig, run_engine
    from videoutr.eval.runner import EvalConfig, run_eval
    from videoutr.jsonio import write_json
    from videoutr.tpl.run import TplRunConfig, run_tpl
    from videoutr.world.config import world_preset
    from videoutr.world.generate import generate_world

    root = tmp_path_factory.mktemp("runs")
    generate_world(world_preset("tiny", num_videos=4, seed=0), root / "world", progress=False)
    run_engine(root / "world" / "videos", root / "utr", EngineConfig().validate(), progress=False)
    run_tpl(
        TplRunConfig(
            model=str(tiny_dir),
            data=str(root / "utr" / "utr.json"),
            out=str(root / "tpl" / "utr.jsonl"),
            video_root=str(root / "world" / "videos"),
            frames=4,
        ),
        progress=False,
    )
    run_eval(
        EvalConfig(
            model=str(tiny_dir),
            bench=str(root / "world" / "bench.json"),
            out=str(root / "eval" / "tiny"),
            video_root=[str(root / "world")],
            conditions=["full", "shuffled"],
            frames=4,
            limit=4,
        )
    )
    (root / "report.md").write_text("# A tiny demo\n\nSee ![accuracy](plot.png).\n\n<script>alert(1)</script>\n")
    cv2.imwrite(str(root / "plot.png"), np.full((20, 30, 3), 200, np.uint8))
    cv2.imwrite(str(root / "extra.png"), np.full((20, 30, 3), 100, np.uint8))
    write_json(
        root / "results.json",
        {
            "wall_s": 12.5,
            "claims": [
                {
                    "id": "utr_beats_captions",
                    "claim": "UTR beats captions",
                    "value": 0.1,
                    "ci": [0.02, 0.2],
                    "verdict": "reproduced",
                }
            ],
        },
    )
    return root


@pytest.fixture(scope="session")
def ray_cluster():
    """One local Ray cluster for the whole test run (starting one takes seconds): 4 logical CPUs,
    for 2 model workers and the decoding tasks beside them. Yields the address other drivers join."""
    ray = pytest.importorskip("ray")
    if not ray.is_initialized():
        ray.init(num_cpus=4, include_dashboard=False, log_to_driver=False)
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


@pytest.fixture(scope="session")
def random_base(tmp_path_factory) -> Path:
    """A random-init tiny model whose vocabulary holds the grid place names (unlike `tiny_dir`): the
    base and demo tests need no committed base to test the plumbing."""
    from videoutr.grid import GRID_PLACES
    from videoutr.models.tiny import init_tiny_model

    return init_tiny_model(
        tmp_path_factory.mktemp("base") / "model", preset="tiny", seed=0, extra_text=tuple(GRID_PLACES)
    )


@pytest.fixture
def cli(capsys):
    """`cli(*args)` -> (exit code, stdout, stderr) of `videoutr ARGS` through `videoutr.cli.main`."""
    from videoutr.cli import main

    def run(*args) -> tuple[int, str, str]:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_:
            main([str(a) for a in args])
        out, err = capsys.readouterr()
        return exit_.value.code, out, err

    return run
