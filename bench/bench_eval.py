"""Evaluation throughput: benchmark items/s of `videoutr eval run` by option log-likelihood and by generation.

    .venv/bin/python bench/bench_eval.py                       # tiny model, CPU, 40 world questions
    .venv/bin/python bench/bench_eval.py --preset ov-0.5b --device cuda --frames 32

Builds a random-init model (see bench_train.py for the presets) and a tiny synthetic world, then
times `run_eval` on the same items with each method, side by side in one run (model loaded once,
outside the timing). Prints one line per figure and names the device.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench_train import build_model, device_name, make_world


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="tiny")
    ap.add_argument("--items", type=int, default=40)
    ap.add_argument("--frames", type=int, default=8)
    ap.add_argument("--videos", type=int, default=12)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dtype", default="auto")
    args = ap.parse_args()

    from videoutr.eval.runner import EvalConfig, run_eval
    from videoutr.models.load import load_video_model

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model_dir = build_model(args.preset, tmp / "model")
        world = make_world(tmp / "world", args.videos, 384 if args.preset == "ov-0.5b" else 48, max(args.frames, 8))
        loaded = load_video_model(model_dir, dtype=args.dtype, device=args.device)
        print(f"device: {device_name(args.device)}")
        run_eval(
            EvalConfig(
                model=str(model_dir),
                bench=str(world / "bench.json"),
                out=str(tmp / "warmup"),
                video_root=[str(world)],
                frames=args.frames,
                limit=2,
                device=args.device,
            ),
            *loaded,
        )
        for method, conditions in (("loglik", ["full"]), ("generate", ["full"]), ("loglik", ["full", "shuffled"])):
            cfg = EvalConfig(
                model=str(model_dir),
                bench=str(world / "bench.json"),
                out=str(tmp / f"{method}{len(conditions)}"),
                video_root=[str(world)],
                method=method,
                conditions=conditions,
                frames=args.frames,
                limit=args.items,
                max_new_tokens=16,
                device=args.device,
                dtype=args.dtype,
            )
            start = time.perf_counter()
            summary = run_eval(cfg, *loaded)
            seconds = time.perf_counter() - start
            scored = sum(c["overall"]["n"] for c in summary["conditions"].values())
            print(
                f"{method:8s} conditions={','.join(conditions):14s} items x conditions={scored:3d} "
                f"samples/s={scored / seconds:.2f} ({seconds:.1f} s)"
            )


if __name__ == "__main__":
    main()
