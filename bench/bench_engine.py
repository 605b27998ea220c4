"""The UTR data engine against its targets, in one run on one machine:

- speed: engine frames/s (motion detector, every step from decode to dialogues, one process,
  videos in the engine's batches, the next video decoded in a background thread meanwhile as in
  a `videoutr engine run` run; also with nothing decoded ahead) against raw PyAV decode frames/s
  (decode + `to_ndarray(format="rgb24")`, the fastest of PyAV's default slice threads, "AUTO"
  and threads off) of the same videos; for reference also raw PyAV decoding to RGB in one
  thread throughout (threads off and `to_ndarray(format="rgb24", threads=1)`: PyAV's default
  conversion starts a pool of libswscale threads for every frame), PyAV decoding without any
  conversion, the engine's own decode step, and frames sampled at `--fps`. Measures take turns
  batch by batch (best of `--repeats` passes), so that load from other processes on a shared
  machine hits all of them alike (the engine then decodes ahead within each batch only). Whole
  runs take turns run by run: a `videoutr engine run` (`run_engine`: outputs written, decoding
  ahead across batches) in 1 process against raw decoding of every video, and one with
  `--workers` processes against raw decoding in as many processes;
- tracking quality on the world's ground truth: MOTA, IDF1, HOTA (target IDF1 >= 0.8);
- answer correctness per task type (target >= 95 %).

    .venv/bin/python bench/bench_engine.py                       # a fresh default world of 40 videos
    .venv/bin/python bench/bench_engine.py --world runs/world    # an existing world folder
    .venv/bin/python bench/bench_engine.py --size 480 640 --num-videos 8 --no-quality   # VGA frames

Prints one line per figure (`--steps`: also each engine step's share); run on an idle machine
for speed figures worth comparing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import av

from videoutr.video.read import ONE_THREAD_CONVERT

BASELINES = {
    "decode": None,
    "decode_thread": "AUTO",
    "decode_off": "NONE",
}  # measure: PyAV thread_type (None: its default)


def decode_time(
    paths: list[Path], thread_type: str | None = None, rgb: bool = True, one_thread_convert: bool = False
) -> float:
    """Seconds of raw PyAV decoding of some videos (`thread_type`: None for PyAV's default):
    every frame to an RGB array (`frame.to_ndarray(format="rgb24")`, in one thread with
    `one_thread_convert`: PyAV 16+), or decoded only (`rgb=False`: the floor of any PyAV reader)."""
    convert = ONE_THREAD_CONVERT if one_thread_convert else {}
    start = time.perf_counter()
    for path in paths:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            if thread_type:
                stream.thread_type = thread_type
            for frame in container.decode(stream):
                if rgb:
                    frame.to_ndarray(format="rgb24", **convert)
    return time.perf_counter() - start


def reader_time(paths: list[Path]) -> float:
    """Seconds of the engine's decode step (`videoutr.video.sample_frames`), every frame."""
    from videoutr.video import sample_frames

    start = time.perf_counter()
    for path in paths:
        sample_frames(path)
    return time.perf_counter() - start


def engine_time(paths: list[Path], cfg, decode_ahead: int = 1) -> float:
    """Seconds of every engine step (decode, detect, attributes, track, query) on a batch of
    videos, in this process, as a `videoutr engine run` does them (`steps.process_batches`: the
    next video decoded in a background thread meanwhile; `decode_ahead=0`: one step after the other)."""
    from videoutr.engine.steps import VideoItem, process_batches

    start = time.perf_counter()
    [records] = process_batches([[VideoItem(p.stem, str(p), p.name) for p in paths]], cfg, decode_ahead)
    assert all(r.is_ok for r in records), records
    return time.perf_counter() - start


def speed(videos: list[Path], repeats: int, fps: float, workers: int) -> None:
    from videoutr.engine import EngineConfig
    from videoutr.engine.steps import BATCH_VIDEOS
    from videoutr.video import probe_video

    engine_time(videos[:1], EngineConfig())  # warm-up: imports, detector construction
    measures = {
        **{name: partial(decode_time, thread_type=thread_type) for name, thread_type in BASELINES.items()},
        "engine": lambda p: engine_time(p, EngineConfig()),
        "engine_serial": lambda p: engine_time(p, EngineConfig(), 0),
        "decode_only": lambda p: decode_time(p, "NONE", rgb=False),
        "reader": reader_time,
        "engine_fps": lambda p: engine_time(p, EngineConfig(fps=fps)),
    }
    if ONE_THREAD_CONVERT:  # PyAV 15 cannot convert in one thread
        measures["decode_one"] = lambda p: decode_time(p, "NONE", one_thread_convert=True)
    batches = [videos[i : i + BATCH_VIDEOS] for i in range(0, len(videos), BATCH_VIDEOS)]
    best = dict.fromkeys(measures, float("inf"))
    for _ in range(repeats):  # batch by batch, each measure in turn: a change of load hits all alike
        spent = dict.fromkeys(measures, 0.0)
        for batch in batches:
            for name, measure in measures.items():
                spent[name] += measure(batch)
        best = {name: min(best[name], spent[name]) for name in measures}
    total = sum(probe_video(p).num_frames for p in videos)
    rate = {name: total / t for name, t in best.items()}
    fastest = BASELINES[max(BASELINES, key=lambda name: rate[name])]  # the baseline's set-up, for whole runs too
    runs = whole_runs(videos, repeats, workers, fastest)
    report(len(videos), total, rate, {name: total / t for name, t in runs.items()}, fps, workers)


def whole_runs(videos: list[Path], repeats: int, workers: int, thread_type: str | None) -> dict[str, float]:
    """Seconds (best of `repeats`, in turn) of whole engine runs (`run_engine`: discovery, every
    step, outputs written; the next video decoded ahead across batches) in 1 process and in
    `workers` processes, and of raw PyAV decoding to RGB of every video in as many processes
    (the pools' start included)."""
    from videoutr.engine import EngineConfig, run_engine

    def engine(count: int) -> None:
        with tempfile.TemporaryDirectory() as out:
            run_engine(videos[0].parent, out, EngineConfig(), workers=count, progress=False)

    def decode(count: int) -> None:
        if count == 1:
            decode_time(videos, thread_type)
            return
        with ProcessPoolExecutor(max_workers=count) as decoders:
            list(decoders.map(partial(decode_time, thread_type=thread_type), [videos[k::count] for k in range(count)]))

    measures = {
        "engine_1": partial(engine, 1),
        "decode_1": partial(decode, 1),
        "engine_n": partial(engine, workers),
        "decode_n": partial(decode, workers),
    }
    best = dict.fromkeys(measures, float("inf"))
    for _ in range(repeats):
        for name, measure in measures.items():
            start = time.perf_counter()
            measure()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def report(count: int, total: int, rate: dict[str, float], runs: dict[str, float], fps: float, workers: int) -> None:
    decode = max(rate[name] for name in BASELINES)  # the fastest PyAV set-up is the baseline
    print(f"videos: {count}, frames: {total}")
    print(
        f"raw PyAV decode to RGB arrays:         {decode:8.1f} frames/s  (PyAV's default slice threads {rate['decode']:.0f}, "
        f"AUTO {rate['decode_thread']:.0f}, off {rate['decode_off']:.0f})"
    )
    one = rate.get("decode_one")
    one_text = (
        f"{one:8.1f} frames/s  (threads off, to_ndarray(format='rgb24', threads=1))"
        if one
        else f"not measured (PyAV {av.__version__} converts with no threads option)"
    )
    print(f"  the same in one thread throughout:   {one_text}")
    print(f"raw PyAV decode only, no RGB arrays:   {rate['decode_only']:8.1f} frames/s  (threads off)")
    if rate["reader"] > 0:  # an engine with its own decode step
        print(
            f"engine decode step (sample_frames):    {rate['reader']:8.1f} frames/s  = {rate['reader'] / decode:.3f} x decode"
        )
    versus_one = f"{rate['engine'] / one:.3f} x one-thread decode, " if one else ""
    print(
        f"engine, every frame, 1 process:        {rate['engine']:8.1f} frames/s  = {rate['engine'] / decode:.3f} x decode"
        f"  ({versus_one}{rate['engine'] / rate['decode_only']:.3f} x decode only)   <- target >= 0.7 x decode"
    )
    print(
        f"  the same, nothing decoded ahead:     {rate['engine_serial']:8.1f} frames/s  = {rate['engine_serial'] / decode:.3f} x decode"
    )
    print(
        f"engine, frames at {fps:g} fps, 1 process:   {rate['engine_fps']:8.1f} frames/s  = {rate['engine_fps'] / decode:.3f} x decode"
    )
    print(
        f"whole run (run_engine), 1 process:     {runs['engine_1']:8.1f} frames/s  = {runs['engine_1'] / runs['decode_1']:.3f} x "
        f"raw PyAV decode to RGB of every video ({runs['decode_1']:.0f} frames/s)"
    )
    print(
        f"parallel: engine run, every frame, {workers} workers: {runs['engine_n']:8.1f} frames/s  = {runs['engine_n'] / runs['decode_n']:.3f} x "
        f"raw PyAV decode to RGB in {workers} processes ({runs['decode_n']:.0f} frames/s; both incl. pool start)"
    )


def step_times(videos: list[Path], repeats: int) -> None:
    """ms per frame of each engine step, the videos in the engine's batches (best of `repeats`)."""
    from videoutr.engine import EngineConfig
    from videoutr.engine import steps as S

    cfg, clock = EngineConfig(), time.perf_counter
    items = [S.VideoItem(p.stem, str(p), p.name) for p in videos]
    names = ("decode", "prepare", "detect", "attributes", "track", "query + record")
    best, frames = dict.fromkeys(names, float("inf")), 0
    for _ in range(repeats):
        spent, frames = dict.fromkeys(names, 0.0), 0
        for i in range(0, len(items), S.BATCH_VIDEOS):
            batch, clips = items[i : i + S.BATCH_VIDEOS], []
            for item in batch:
                t = [clock()]
                clip = S.decode(item, cfg)
                t.append(clock())
                prepared = S.prepare(clip, cfg)
                t.append(clock())
                per_frame = S.detect(prepared, cfg)
                t.append(clock())
                clips.append(S.to_track(item, clip, S.attributes(clip, per_frame, cfg), cfg))
                t.append(clock())
                for name, start, end in zip(names, t, t[1:]):
                    spent[name] += end - start
                frames += clip.num_frames
            start = clock()
            trajectories = S.track(clips, cfg)
            spent["track"] += clock() - start
            start = clock()
            for item, clip in zip(batch, trajectories):
                S.query(clip, item, cfg)
                clip.to_dict()
            spent["query + record"] += clock() - start
        best = {name: min(best[name], spent[name]) for name in names}
    for name in names:
        print(f"  step {name:16s} {1000 * best[name] / frames:6.3f} ms/frame")
    print(f"  steps together        {1000 * sum(best.values()) / frames:6.3f} ms/frame")


def quality(world: Path) -> None:
    from videoutr.data.llava import load_samples
    from videoutr.engine import EngineConfig, run_engine
    from videoutr.engine.quality.correctness import answer_correctness
    from videoutr.engine.quality.metrics import load_trajectories, load_truth, tracking_metrics

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        stats = run_engine(world / "videos", out, EngineConfig(), progress=False)
        truth, clips = load_truth(world), load_trajectories(out / "trajectories.jsonl")
        t = tracking_metrics(clips, truth)
        a = answer_correctness(load_samples(out / "utr.json"), clips, truth)
    print(
        f"tracks kept {stats['tracks']}, dropped {stats['dropped_tracks']}; questions skipped {stats['skipped_questions']}"
    )
    print(
        f"tracking: MOTA {t['MOTA']:.3f}  IDF1 {t['IDF1']:.3f}  HOTA {t['HOTA']:.3f}  IDSW {t['IDSW']}  (target IDF1 >= 0.8)"
    )
    print(f"answers correct: {a['accuracy']:.3f} of {a['answers']} (target >= 0.95)")
    for task, row in a["by_task"].items():
        print(f"  {task:22s} {row['accuracy']:.3f} of {row['answers']:4d}  failures {row['failures']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, help="an existing world folder (default: generate one)")
    parser.add_argument("--num-videos", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fps", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--size", type=int, nargs=2, metavar=("H", "W"), help="frame size of a generated world")
    parser.add_argument("--no-quality", action="store_true", help="speed figures only")
    parser.add_argument("--steps", action="store_true", help="also time each engine step")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        world = args.world
        if world is None:
            from videoutr.world import generate_world, world_default

            size = {"height": args.size[0], "width": args.size[1]} if args.size else {}
            world = generate_world(
                world_default(num_videos=args.num_videos, seed=args.seed, **size), Path(tmp) / "world"
            )
        videos = sorted((world / "videos").glob("*.mp4"))
        speed(videos, args.repeats, args.fps, args.workers)
        if args.steps:
            step_times(videos, args.repeats)
        if not args.no_quality:
            quality(world)


if __name__ == "__main__":
    main()
