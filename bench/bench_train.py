"""Training throughput: tokens/s and optimizer steps/s of `videoutr train` (HF Trainer path).

    .venv/bin/python bench/bench_train.py                          # tiny model, CPU, 30 steps
    .venv/bin/python bench/bench_train.py --preset ov-0.5b --device cuda --frames 32 --steps 20

`tiny` is the project's tiny LLaVA-OneVision; `ov-0.5b` is a random-init config shaped like
LLaVA-OneVision-0.5B (SigLIP-so400m-384 + Qwen2-0.5B sizes, 196 tokens per frame) for GPU
machines. Data: the synthetic world (`videoutr world --preset tiny`). Prints one line per figure
and names the device. Run on an idle machine for figures worth comparing.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def build_model(preset: str, out: Path) -> Path:
    """Save a random-init model of `preset` (`videoutr.models.tiny.PRESETS`) to `out` (HF form + videoutr.json)."""
    from videoutr.models.tiny import PRESETS, init_tiny_model

    if preset not in PRESETS:
        raise SystemExit(f"unknown preset {preset!r}: {' | '.join(PRESETS)}")
    return init_tiny_model(out, preset=preset, seed=0)


def make_world(out: Path, videos: int, size: int, frames: int) -> Path:
    import subprocess
    import sys

    cmd = [
        str(Path(sys.executable).parent / "videoutr"),
        "world",
        "--out",
        str(out),
        "--num-videos",
        str(videos),
        "--frames",
        str(frames),
        "--size",
        str(size),
        str(size),
        "--preset",
        "tiny",
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def device_name(device: str) -> str:
    import torch

    if device.startswith("cuda") and torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"CPU ({torch.get_num_threads()} threads)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="tiny")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--frames", type=int, default=8)
    ap.add_argument("--videos", type=int, default=24)
    ap.add_argument("--device", default="cpu", help="cpu | cuda (the Trainer uses a GPU when one is visible)")
    ap.add_argument("--precision", default="auto")
    ap.add_argument("--cache-samples", type=int, default=2048, help="data.cache_samples (0: decode every time)")
    args = ap.parse_args()

    from videoutr.train.config import load_recipe
    from videoutr.train.trainer import run_training

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model = build_model(args.preset, tmp / "model")
        size = 384 if args.preset == "ov-0.5b" else 48
        world = make_world(tmp / "world", args.videos, size, max(args.frames, 8))
        overrides = [
            f"model.path={model}",
            f"data.datasets=[{{json_path: {world / 'captions.json'}}}]",
            f"data.video_root=[{world}]",
            "data.eval_fraction=0",
            f"data.num_frames={args.frames}",
            f"run.output_dir={tmp / 'run'}",
            f"run.max_steps={args.steps}",
            f"run.batch_size={args.batch_size}",
            f"run.save_steps={args.steps}",
            "run.logging_steps=5",
            f"run.precision={args.precision}",
            "optim.warmup_steps=2",
            f"data.cache_samples={args.cache_samples}",
        ]
        start = time.perf_counter()
        summary = run_training(load_recipe(None, overrides))
        wall = time.perf_counter() - start
    print(f"device: {device_name(args.device)}")
    print(
        f"preset={args.preset} frames={args.frames} batch={args.batch_size} steps={summary['steps']} "
        f"cache_samples={args.cache_samples}"
    )
    print(f"train tokens/s (non-padding, Trainer loop): {summary['tokens_per_s']:.0f}")
    print(f"optimizer steps/s: {summary['steps'] / summary['seconds']:.2f}")
    print(f"wall incl. model load, data and final save: {wall:.1f} s")
    print(
        json.dumps(
            {
                "trainable": summary["trainable"],
                "loss_first": summary["train_loss_first"],
                "loss_last": summary["train_loss_last"],
            }
        )
    )


if __name__ == "__main__":
    main()
