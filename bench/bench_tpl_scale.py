"""TPL at scale: its cost against its floor, samples/s with 1 and 2 workers, and the input's memory.

Three measurements, each printed as one line with the device:

1. floor: TPL time against the work it cannot avoid -- one plain forward (`model(**inputs)`, logits
   included) of the full-video sample with all its dialogue turns, from the same decoded frames,
   in the same batches. With one dialogue per video the target is <= 1.15x the floor; with
   several dialogues per video, below 1x the floor per dialogue (the video prefix is shared).
   Presets: `tiny` (the test model, 8 frames), `ov-geometry` (LLaVA-OneVision's input geometry:
   384 px, 196 tokens per frame, 32 frames; a 2-layer vision tower and LM), `ov-0.5b` (the released
   0.5B architecture, random init, 32 frames: a GPU figure).
2. workers: `videoutr tpl score --executor ray` samples/s with 1 and 2 model workers on the same clips
   (local Ray cluster started once, outside the timing).
3. memory: peak RSS of `videoutr tpl` while it scores the first batches of a generated JSONL of
   1 M records (on 4 short clips), beside the same for 10 k records: bounded by the chunk, not
   the corpus.

    .venv/bin/python bench/bench_tpl_scale.py floor --preset tiny
    .venv/bin/python bench/bench_tpl_scale.py floor --preset ov-geometry --frames 32
    .venv/bin/python bench/bench_tpl_scale.py floor --preset ov-0.5b --frames 32 --device cuda --dtype bfloat16
    .venv/bin/python bench/bench_tpl_scale.py workers --samples 48
    .venv/bin/python bench/bench_tpl_scale.py memory --records 10000 1000000
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import torch

from bench_tpl import make_items
from bench_train import build_model, device_name
from videoutr.data.llava import Sample


def _time(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@torch.no_grad()
def _floor(model, processor, batches) -> None:
    from videoutr.models.inputs import collate, encode_sample, model_inputs, to_model

    pad = processor.tokenizer.pad_token_id
    for batch in batches:
        encoded = [encode_sample(processor, s, f) for s, f, _ in batch]
        model(**to_model(model_inputs(collate(encoded, pad)), model))


def _tpl(model, processor, batches) -> None:
    from videoutr.tpl.score import TplScorer

    scorer = TplScorer(model, processor, cache_videos=0)  # as the scoring workers run it
    for batch in batches:
        scorer.score(batch)


def floor(args) -> None:
    from videoutr.models.load import load_video_model

    with tempfile.TemporaryDirectory() as tmp:
        model, processor = load_video_model(
            build_model(args.preset, Path(tmp) / "model"), dtype=args.dtype, device=args.device
        )
        print(f"device: {device_name(args.device)}  preset={args.preset} frames={args.frames}")
        for per_video in args.per_video:
            items = make_items(args.videos * per_video, args.frames, per_video=per_video)
            batches = [items[i : i + args.batch_size] for i in range(0, len(items), args.batch_size)]
            floor_s = _time(lambda batches=batches: _floor(model, processor, batches), args.repeats)
            tpl_s = _time(lambda batches=batches: _tpl(model, processor, batches), args.repeats)
            print(
                f"dialogues/video={per_video} samples={len(items)} batch={args.batch_size} | "
                f"floor {floor_s / len(items) * 1e3:8.1f} ms/dialogue | tpl {tpl_s / len(items) * 1e3:8.1f} "
                f"ms/dialogue | tpl/floor {tpl_s / floor_s:5.3f}x"
            )


def workers(args) -> None:
    import ray

    from videoutr.tpl.run import TplRunConfig, run_tpl
    from videoutr.video import write_video

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model_dir = build_model("tiny", tmp / "model")
        records = []
        for i, (sample, frames, _) in enumerate(make_items(args.samples, args.frames, size=48)):
            write_video(tmp / f"v{i}.mp4", frames, fps=8)
            records.append({**sample.to_llava(), "video": f"v{i}.mp4"})
        (tmp / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
        ray.init(num_cpus=2 * max(args.workers), include_dashboard=False, log_to_driver=False)
        print(f"device: {device_name('cpu')}  tiny model, {args.samples} samples of {args.frames} frames, ray executor")
        rates = {}
        for n in args.workers:
            cfg = TplRunConfig(
                model=str(model_dir),
                data=str(tmp / "data.jsonl"),
                out=str(tmp / f"w{n}/s.jsonl"),
                video_root=str(tmp),
                frames=args.frames,
                batch_size=args.batch_size,
                executor="ray",
                workers=n,
            )
            start = time.perf_counter()
            run_tpl(cfg, progress=False)
            rates[n] = args.samples / (time.perf_counter() - start)
            print(f"workers={n} samples/s={rates[n]:.2f}")
        ray.shutdown()
        first, *rest = args.workers
        for n in rest:
            print(f"ratio {n} vs {first} workers: {rates[n] / rates[first]:.2f}x")


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _scoring_peak(model_dir: Path, root: Path, records: int, chunk: int, batches: int) -> float:
    """Peak RSS of a `videoutr tpl` process once `batches` batches of its first chunk are recorded."""
    import os
    import signal
    import subprocess
    import sys

    data = root / f"corpus-{records}.jsonl"
    with data.open("w") as handle:
        for i in range(records):
            answer = f"A square moves from the left to the right, sample {i}."
            sample = Sample.from_qa(f"s{i:07d}", [("What happens in the video?", answer)], video=f"v{i % 4}.mp4")
            handle.write(json.dumps(sample.to_llava()) + "\n")
    out = root / f"scores-{records}.jsonl"
    cmd = [
        str(Path(sys.executable).parent / "videoutr"),
        "tpl",
        "score",
        "--model",
        str(model_dir),
        "--data",
        str(data),
        "--out",
        str(out),
        "--video-root",
        str(root),
        "--batch-size",
        "4",
        "--chunk-size",
        str(chunk),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = out.with_name(out.name + ".parts") / "chunk-00000.jsonl.partial"
    peak = float("nan")
    while proc.poll() is None:
        peak = _peak_rss_mib(proc.pid)
        if partial.is_file() and len(partial.read_text().splitlines()) >= 4 * batches:
            break
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return peak


def memory(args) -> None:
    from videoutr.video import write_video

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model_dir = build_model("tiny", tmp / "model")
        for i, (_, frames, _) in enumerate(make_items(4, 8, size=48)):
            write_video(tmp / f"v{i}.mp4", frames, fps=8)
        print(
            f"device: {device_name('cpu')}  tiny model, chunk {args.chunk}, peak RSS of `videoutr tpl` "
            f"once {args.batches} batches are scored"
        )
        for records in args.records:
            peak = _scoring_peak(model_dir, tmp, records, args.chunk, args.batches)
            size = (tmp / f"corpus-{records}.jsonl").stat().st_size / 2**20
            print(f"records={records:8d} file={size:6.0f} MiB | peak RSS {peak:6.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    f = sub.add_parser("floor")
    f.add_argument("--preset", default="tiny", help="tiny | ov-geometry | ov-0.5b")
    f.add_argument("--frames", type=int, default=8)
    f.add_argument("--videos", type=int, default=4)
    f.add_argument("--per-video", type=int, nargs="+", default=[1, 4])
    f.add_argument("--batch-size", type=int, default=4)
    f.add_argument("--repeats", type=int, default=3)
    f.add_argument("--device", default="cpu")
    f.add_argument("--dtype", default="auto")
    w = sub.add_parser("workers")
    w.add_argument("--samples", type=int, default=48)
    w.add_argument("--frames", type=int, default=8)
    w.add_argument("--batch-size", type=int, default=4)
    w.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    m = sub.add_parser("memory")
    m.add_argument("--records", type=int, nargs="+", default=[10_000, 1_000_000])
    m.add_argument("--chunk", type=int, default=16384)
    m.add_argument("--batches", type=int, default=2)
    args = ap.parse_args()
    {"floor": floor, "workers": workers, "memory": memory}[args.what](args)


if __name__ == "__main__":
    main()
