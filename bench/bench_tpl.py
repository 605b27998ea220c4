"""TPL scoring speed: the efficient scorer vs a naive one, same model and data, side by side.

Naive = two independent `model(**processor(...))` calls per sample (all frames; key frame alone),
full logits. Efficient = `videoutr.tpl.score.TplScorer`: batched, every turn in one forward, the
vision tower and the video prefix once per video, the LM head only on answer positions. Both
must agree within 1e-4. Also: multiple-choice option scoring (`assistant_nll`) with the shared
prefix (video + question once per question) vs row by row.

    .venv/bin/python bench/bench_tpl.py          # tiny model; 8 and 32 frames; 1 and 2 dialogues per video
    .venv/bin/python bench/bench_tpl.py --preset small --frames 32 --samples 32 --batch-size 8
    .venv/bin/python bench/bench_tpl.py --model runs/my-checkpoint --device cuda --dtype bfloat16

Prints one line per setting; run on an idle machine for figures worth comparing.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time

import numpy as np
import torch

from videoutr.data.llava import Sample
from videoutr.models.load import load_video_model
from videoutr.models.tiny import init_tiny_model
from videoutr.tpl.naive import naive_tpl
from videoutr.tpl.score import TplScorer

COLOURS = [(220, 40, 40), (40, 200, 40), (40, 40, 220), (230, 220, 40), (200, 40, 200)]


def make_items(count: int, n_frames: int, per_video: int = 1, size: int = 96) -> list[tuple]:
    """Clips of a square crossing the frame, `per_video` dialogues (1-3 turns) about each clip."""
    items = []
    for i in range(count):
        video = i // per_video
        frames = np.full((n_frames, size, size, 3), 90, np.uint8)
        for t in range(n_frames):
            x = 4 + t * (size - 24) // max(1, n_frames - 1)
            frames[t, size // 3 : size // 3 + 16, x : x + 16] = COLOURS[video % len(COLOURS)]
        qa = [("Describe the video.", "A coloured square moves from the left to the right of the frame.")]
        qa += [(f"Where is the square in frame {k + 1}?", "left center") for k in range(i % 3)]
        items.append((Sample.from_qa(f"b{i}", qa), frames, (f"clip{video}.mp4", n_frames)))
    return items


def fit(model, processor, items, steps: int) -> None:
    """A few AdamW steps on the bench dialogues, so perplexities are in a trained model's range
    (a random model's PPL is ~ the vocabulary size, where float32 rounding alone is ~1e-4)."""
    from videoutr.models.inputs import collate, encode_sample, model_inputs, to_model

    encoded = [encode_sample(processor, s, f) for s, f, _ in items[:8]]
    batch = to_model(model_inputs(collate(encoded, processor.tokenizer.pad_token_id), with_labels=True), model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(steps):
        loss = model(**batch).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()


def _efficient(model, processor, items, batch_size: int, key_frame: str) -> tuple[float, list[dict]]:
    scorer = TplScorer(model, processor, key_frame=key_frame)  # fresh: no cache from a previous round
    start = time.perf_counter()
    records = []
    for i in range(0, len(items), batch_size):
        records.extend(scorer.score(items[i : i + batch_size]))
    return time.perf_counter() - start, records


def _naive(model, processor, items, keys: list[int]) -> tuple[float, list[dict]]:
    start = time.perf_counter()
    records = [naive_tpl(model, processor, s, f, k) for (s, f, _), k in zip(items, keys)]
    return time.perf_counter() - start, records


def bench(model, processor, items, batch_size: int, key_frame: str, repeats: int) -> str:
    """Alternate the two scorers `repeats` times; the best time of each (least disturbed) counts."""
    _efficient(model, processor, items[:batch_size], batch_size, key_frame)  # warm-up
    fast_times, slow_times = [], []
    for _ in range(repeats):
        fast_s, fast = _efficient(model, processor, items, batch_size, key_frame)
        slow_s, slow = _naive(model, processor, items, [r["key_frame"] for r in fast])
        fast_times.append(fast_s)
        slow_times.append(slow_s)
    fast_s, slow_s = min(fast_times), min(slow_times)
    diff = max(abs(a[k] - b[k]) for a, b in zip(fast, slow) for k in ("tpl", "ppl_full", "ppl_single"))
    log_diff = max(abs(math.log(a[k]) - math.log(b[k])) for a, b in zip(fast, slow) for k in ("ppl_full", "ppl_single"))
    ppl = max(b["ppl_single"] for b in slow)
    videos = len({key for _, _, key in items})
    return (
        f"frames={len(items[0][1]):3d} samples={len(items)} videos={videos} batch={batch_size} | "
        f"efficient {len(items) / fast_s:7.2f} samples/s | naive {len(items) / slow_s:7.2f} samples/s | "
        f"speed-up {slow_s / fast_s:5.2f}x | max |diff| {diff:.1e} (|log ppl| {log_diff:.1e}, ppl <= {ppl:.1f})"
    )


def bench_options(model, processor, n_frames: int, n_questions: int, repeats: int) -> str:
    """Multiple-choice option log-likelihood (5 options per question): shared prefix vs row by row."""
    from videoutr.models.inputs import collate, encode_sample, encode_video
    from videoutr.models.likelihood import assistant_nll

    options = ["left", "right", "up", "down", "it does not move"]
    batches = []
    for q, (_, frames, _) in enumerate(make_items(n_questions, n_frames)):
        video = encode_video(processor, frames)
        question = "Which way does the square move? Answer with a direction."
        dialogues = [Sample.from_qa(f"q{q}/{o}", [(question, o)]) for o in options]
        batches.append(
            collate(
                [encode_sample(processor, d, frames, video=video) for d in dialogues], processor.tokenizer.pad_token_id
            )
        )
    times = {True: [], False: []}
    results = {}
    for _ in range(repeats):
        for share in (True, False):
            start = time.perf_counter()
            results[share] = [assistant_nll(model, b, share_prefix=share) for b in batches]
            times[share].append(time.perf_counter() - start)
    diff = max(abs(a - b) for x, y in zip(results[True], results[False]) for a, b in zip(x.nll_sum, y.nll_sum))
    shared_s, plain_s = min(times[True]), min(times[False])
    return (
        f"options: frames={n_frames:3d} questions={n_questions} x {len(options)} options | shared "
        f"{n_questions / shared_s:7.2f} q/s | row by row {n_questions / plain_s:7.2f} q/s | "
        f"speed-up {plain_s / shared_s:5.2f}x | max |diff nll| {diff:.1e}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="checkpoint folder (default: a fresh tiny model)")
    parser.add_argument("--preset", default="tiny")
    parser.add_argument("--frames", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--samples", type=int, default=24)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument(
        "--per-video",
        type=int,
        nargs="+",
        default=[1, 2],
        help="dialogues per video (the world writes 2 captions per video; QA sets more)",
    )
    parser.add_argument("--key-frame", default="first")
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--fit-steps", type=int, default=30, help="train steps first (0: keep random init)")
    parser.add_argument("--repeats", type=int, default=3, help="alternating rounds; best time counts")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: leave as is)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.model or init_tiny_model(tmp, preset=args.preset, seed=0)
        model, processor = load_video_model(path, dtype=args.dtype, device=args.device)
        if args.fit_steps:
            fit(model, processor, make_items(8, args.frames[0]), args.fit_steps)
        print(
            f"model={args.model or args.preset} device={args.device} dtype={args.dtype} "
            f"threads={torch.get_num_threads()} fit_steps={args.fit_steps}"
        )
        for n_frames in args.frames:
            for per_video in args.per_video:
                items = make_items(args.samples, n_frames, per_video)
                print(bench(model, processor, items, args.batch_size, args.key_frame, args.repeats))
        for n_frames in args.frames:
            print(bench_options(model, processor, n_frames, 8, args.repeats))


if __name__ == "__main__":
    main()
