"""The data engine on real footage (`foreground` detector), in one run on one machine:

- speed: engine frames/s (every step from decode to dialogues, one process, the next video decoded
  and prepared in a background thread meanwhile, as in a `videoutr engine run` run) against raw PyAV
  decode frames/s of the same videos (decode + `to_ndarray(format="rgb24")`, PyAV's default
  threading), at 320 x 240 and at 720p (1280 x 720: footage made at 640 x 360 and upscaled 2x,
  so that the subjects are as many pixels across as a 720p camera would see them), static and
  panning camera apart. Measures take turns video batch by video batch (best of `--repeats`).
  Target: engine >= 0.5x decode;
- quality (`--quality`): MOTA, IDF1, HOTA and answer correctness on the 320 x 240 footage
  (the figures `videoutr engine eval` prints).

    .venv/bin/python bench/bench_footage.py                     # 8 videos per size
    .venv/bin/python bench/bench_footage.py --num-videos 12 --quality

Run on an idle machine for speed figures worth comparing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import decode_time, engine_time  # noqa: E402


def footage_config():
    """What `videoutr engine` runs on footage with no options (the `foreground` profile)."""
    from videoutr.engine.detect.profiles import resolve_config

    return resolve_config({"detector": "foreground"}, [])


def make_videos(root: Path, count: int, size: tuple[int, int], upscale: int = 1) -> dict[str, list[Path]]:
    """Footage videos under `root` (by camera kind), upscaled `upscale` times when asked."""
    import cv2

    from videoutr.footage import FootageConfig, generate_footage
    from videoutr.video import sample_frames, write_video

    made = generate_footage(FootageConfig(num_videos=count, seed=0, height=size[0], width=size[1]), root / "made")
    out: dict[str, list[Path]] = {"static": [], "pan": []}
    for path in sorted((made / "videos").glob("*.mp4")):
        if upscale > 1:
            clip = sample_frames(path)
            big = root / "videos" / path.name
            write_video(
                big,
                (cv2.resize(f, None, fx=upscale, fy=upscale, interpolation=cv2.INTER_LINEAR) for f in clip.frames),
                fps=clip.info.fps,
                crf=18,
            )
            path = big
        out["static" if path.name.startswith("s") else "pan"].append(path)
    return out


def speed(videos: list[Path], repeats: int) -> tuple[float, float, int]:
    """(engine frames/s, decode frames/s, frames) best of `repeats`, measures in turn."""
    from videoutr.video import probe_video

    cfg = footage_config()
    engine_time(videos[:1], cfg)  # warm-up: imports, detector construction
    best = {"engine": float("inf"), "decode": float("inf")}
    for _ in range(repeats):
        best["decode"] = min(best["decode"], decode_time(videos))
        best["engine"] = min(best["engine"], engine_time(videos, cfg))
    frames = sum(probe_video(p).num_frames for p in videos)
    return frames / best["engine"], frames / best["decode"], frames


def quality(root: Path) -> None:
    from videoutr.data.llava import load_samples
    from videoutr.engine import run_engine
    from videoutr.engine.quality.correctness import answer_correctness
    from videoutr.engine.quality.metrics import load_trajectories, load_truth, tracking_metrics

    out = root / "utr"
    stats = run_engine(root / "made" / "videos", out, footage_config(), progress=False)
    truth = load_truth(root / "made")
    clips = load_trajectories(out / "trajectories.jsonl")
    t = tracking_metrics(clips, truth)
    a = answer_correctness(load_samples(out / "utr.json"), clips, truth)
    print(
        f"quality on {t['videos']} videos: MOTA {t['MOTA']:.3f}  IDF1 {t['IDF1']:.3f}  HOTA {t['HOTA']:.3f}  IDSW {t['IDSW']}; "
        f"{stats['samples'] / max(1, stats['ok']):.1f} dialogues per video; answers {a['accuracy']:.3f} correct of {a['answers']}"
    )
    for task, row in a["by_task"].items():
        print(f"  {task:22s} {row['accuracy']:.3f} of {row['answers']:4d}  failures {row['failures']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--num-videos", type=int, default=8, help="videos per size (static and panning in turn)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quality", action="store_true", help="also score the 320 x 240 run against the truth")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, size, upscale in (("320x240", (240, 320), 1), ("720p", (360, 640), 2)):
            started = time.perf_counter()
            root = Path(tmp) / name
            videos = make_videos(root, args.num_videos, size, upscale)
            print(f"{name}: {args.num_videos} footage videos made in {time.perf_counter() - started:.0f} s")
            for kind, paths in videos.items():
                engine, decode, frames = speed(paths, args.repeats)
                print(
                    f"  {kind:6s} camera, {frames} frames: engine {engine:7.1f} frames/s, PyAV RGB decode {decode:7.1f} "
                    f"frames/s: {engine / decode:.2f}x (target >= 0.5x)"
                )
            if args.quality and name == "320x240":
                quality(root)


if __name__ == "__main__":
    main()
