"""TPL at scale: its cost against its floor, samples/s with 1 and 2 workers, and the input's memory.

Three measurements, each printed as one line with the device:

1. floor: TPL time against the work it cannot avoid, from the same decoded frames in the same
   batches, both sides timed alternately in one run (median of `--repeats` after a warm-up),
   as wall time and as this process's CPU time (with `--threads 1` the CPU time is the work
   done, which other jobs on a shared machine do not inflate). Four costs per dialogue:
   - floor: the full-video condition alone with nothing avoidable -- the processor, the vision
     tower over the batch, then each sample's own LM forward (no padding, so no mask and the
     causal attention kernel) and the LM head on its answer positions only;
   - plain: one `model(**inputs)` of the padded batch, logits at every position (what a plain
     Hugging Face forward costs; its padding turns on a materialised attention mask);
   - tpl: `TplScorer.score`, both conditions;
   - inputs: the floor's processor and vision tower alone (what is left of the floor is its LM).
   With one dialogue per video the target is <= 1.15x the floor; with several dialogues per
   video, below 1x the floor per dialogue (the video prefix is shared). Presets: `tiny` (the
   test model, 8 frames), `ov-geometry` (LLaVA-OneVision's input geometry: 384 px, 196 tokens
   per frame, 32 frames; a 2-layer vision tower and LM), `ov-0.5b` (the released 0.5B
   architecture, random init, 32 frames: a GPU figure).
2. workers: `videoutr tpl score --executor ray` samples/s with 1 and 2 model workers on the same clips
   (local Ray cluster started once, outside the timing).
3. memory: peak RSS of `videoutr tpl` while it scores the first batches of a generated JSONL of
   1 M records (on 4 short clips), beside the same for 10 k records: bounded by the chunk, not
   the corpus.

    .venv/bin/python bench/bench_tpl_scale.py floor --preset tiny --threads 1
    .venv/bin/python bench/bench_tpl_scale.py floor --preset ov-geometry --frames 32 --videos 2 --threads 1
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


def _alternate(fns: dict, repeats: int) -> dict[str, tuple[float, float]]:
    """Median (wall s, CPU s) of each function; one warm-up each, then the functions take turns."""
    for fn in fns.values():
        fn()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return {name: tuple(statistics.median(t[i] for t in ts) for i in (0, 1)) for name, ts in times.items()}


def _inputs(model, processor, batch) -> tuple[list, torch.Tensor]:
    """The processor's encodings of a batch and its pooled video features (vision tower once)."""
    from videoutr.models.inputs import encode_sample

    encoded = [encode_sample(processor, s, f) for s, f, _ in batch]
    pixels = torch.cat([e.vision["pixel_values_videos"] for e in encoded])
    pixels = pixels.to(next(model.parameters()).device, model.dtype)
    return encoded, model.model.get_video_features(pixel_values_videos=pixels).pooler_output


@torch.no_grad()
def _inputs_only(model, processor, batches) -> None:
    """The floor's processor and vision tower, without the language model (its share of the floor)."""
    for batch in batches:
        _inputs(model, processor, batch)


@torch.no_grad()
def _floor(model, processor, batches) -> None:
    """The full-video condition with nothing avoidable (see the module docstring)."""
    from videoutr.models.likelihood import token_nll

    for batch in batches:
        encoded, feats = _inputs(model, processor, batch)
        for enc, video in zip(encoded, feats):
            ids = enc.input_ids[None].to(video.device)
            embeds = model.get_input_embeddings()(ids)
            mask = (ids == model.config.video_token_id).unsqueeze(-1).expand_as(embeds)
            embeds = embeds.masked_scatter(mask, video.to(embeds.dtype))
            token_nll(model, {"inputs_embeds": embeds}, enc.labels[None].to(video.device))


@torch.no_grad()
def _plain(model, processor, batches) -> None:
    """One plain `model(**inputs)` of each padded batch, logits at every position."""
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

    if args.threads:
        torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        model, processor = load_video_model(
            build_model(args.preset, Path(tmp) / "model"), dtype=args.dtype, device=args.device
        )
        print(
            f"device: {device_name(args.device)}  preset={args.preset} frames={args.frames} "
            f"repeats={args.repeats} (median; ms per dialogue, wall / CPU)"
        )
        for per_video in args.per_video:
            items = make_items(args.videos * per_video, args.frames, per_video=per_video)
            batches = [items[i : i + args.batch_size] for i in range(0, len(items), args.batch_size)]
            fns = {
                name: (lambda fn=fn, batches=batches: fn(model, processor, batches))
                for name, fn in (("floor", _floor), ("inputs", _inputs_only), ("plain", _plain), ("tpl", _tpl))
            }
            t = _alternate(fns, args.repeats)
            ms = {name: tuple(v / len(items) * 1e3 for v in t[name]) for name in t}
            cost = " | ".join(f"{name} {ms[name][0]:8.1f} / {ms[name][1]:8.1f}" for name in ms)
            print(
                f"dialogues/video={per_video} samples={len(items)} batch={args.batch_size} | {cost} | "
                f"tpl/floor {t['tpl'][0] / t['floor'][0]:5.3f}x wall, {t['tpl'][1] / t['floor'][1]:5.3f}x CPU | "
                f"tpl/plain {t['tpl'][0] / t['plain'][0]:5.3f}x wall, {t['tpl'][1] / t['plain'][1]:5.3f}x CPU"
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
    f.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
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
