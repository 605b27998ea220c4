"""World generation speed at the default size: videos/s and frames/s, end to end and per stage.

    .venv/bin/python bench/bench_world.py                  # 24 videos, 32 frames of 128x128
    .venv/bin/python bench/bench_world.py --num-videos 50 --size 64 64 --workers 2

Prints one line per measurement; run on an idle machine for figures worth comparing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from videoutr.video import write_video
from videoutr.world import generate_world, render_frames, world_default
from videoutr.world.captions import stable_rng
from videoutr.world.simulate import sample_scene


def _stages(cfg, count: int, folder: Path) -> dict[str, float]:
    """Seconds spent simulating (incl. measured visibility), rendering and encoding `count` videos."""
    spent = {"simulate": 0.0, "render": 0.0, "encode": 0.0}
    for i in range(count):
        start = time.perf_counter()
        ann = sample_scene(cfg, f"b{i}", "train", stable_rng(cfg.seed, "bench", str(i)))
        mid = time.perf_counter()
        frames = render_frames(ann)
        end = time.perf_counter()
        write_video(folder / f"b{i}.mp4", frames, fps=cfg.fps, crf=cfg.crf)
        spent["simulate"] += mid - start
        spent["render"] += end - mid
        spent["encode"] += time.perf_counter() - end
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-videos", type=int, default=24)
    parser.add_argument("--frames", type=int, default=32)
    parser.add_argument("--size", type=int, nargs=2, default=(128, 128), metavar=("H", "W"))
    parser.add_argument("--workers", type=int, default=1, help="processes for the end-to-end run")
    args = parser.parse_args()
    cfg = world_default(num_videos=args.num_videos, frames=args.frames, height=args.size[0], width=args.size[1])
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        out = generate_world(cfg, Path(tmp) / "world", workers=args.workers)
        total = time.perf_counter() - start
        written = len(list((out / "videos").glob("*.mp4")))
        start = time.perf_counter()
        generate_world(cfg, out)
        resume = time.perf_counter() - start
        stages = _stages(cfg, args.num_videos, Path(tmp))
    frames = written * cfg.frames
    print(
        f"world {cfg.height}x{cfg.width}, {cfg.frames} frames, {args.num_videos} videos (+{written - args.num_videos} reversed twins)"
    )
    print(
        f"end to end ({args.workers} process{'es' if args.workers > 1 else ''}):  {written / total:8.1f} videos/s  {frames / total:9.0f} frames/s  ({total:.2f} s)"
    )
    print(f"rerun (all done, resume skips): {resume:.2f} s")
    per_video = {k: v / args.num_videos for k, v in stages.items()}
    busy = sum(per_video.values())
    for name in ("simulate", "render", "encode"):
        seconds = per_video[name]
        print(f"  {name:9s} {1000 * seconds:7.2f} ms/video  ({100 * seconds / busy:4.1f}% of stage time)")


if __name__ == "__main__":
    main()
