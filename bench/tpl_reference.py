"""`videoutr tpl` against an independent reference, sample by sample.

The reference shares nothing with videoutr's model layer: every frame of the video decoded by
PyAV to rgb24 (libswscale), LLaVA-OneVision's uniform pick (`linspace(0, n - 1, N)`), the
dialogue through the processor's own `apply_chat_template`, `processor(text, videos)` and one
plain `model(**inputs)` forward per dialogue and condition (no batching, no shared prefix, no
reused vision features); the answer tokens are every token between an `<|im_start|>assistant\\n`
header and its `<|im_end|>` (included).

    videoutr world --out W --num-videos 6 --seed 4
    videoutr model init --out M                      # or the tiny base: src/videoutr/assets/tiny_base
    videoutr tpl score --model M --data W/captions.json --video-root W --out W/tpl.jsonl [--batch-size 3]
    python bench/tpl_reference.py --model M --data W/captions.json --video-root W --scores W/tpl.jsonl

Prints both perplexities per sample, flags a relative difference above `--tol` (default 1e-3) or
other frame indices, and exits 1 when any sample is flagged.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import av
import numpy as np
import torch
from transformers import AutoProcessor, LlavaOnevisionForConditionalGeneration


def messages(conversations: list[dict]) -> list[dict]:
    """LLaVA turns as chat messages; the first human turn's `<video>\\n` becomes the video item."""
    out = []
    for i, turn in enumerate(conversations):
        role = "user" if turn["from"] == "human" else "assistant"
        if i == 0:
            text = turn["value"].replace("<video>\n", "").replace("<video>", "")
            out.append({"role": role, "content": [{"type": "video"}, {"type": "text", "text": text}]})
        else:
            out.append({"role": role, "content": [{"type": "text", "text": turn["value"]}]})
    return out


def answer_mask(ids: list[int], tokenizer) -> torch.Tensor:
    """True on every token of each assistant answer and its closing <|im_end|>."""
    start, end = (tokenizer.convert_tokens_to_ids(t) for t in ("<|im_start|>", "<|im_end|>"))
    header = tokenizer("assistant\n", add_special_tokens=False)["input_ids"]
    mask, i = torch.zeros(len(ids), dtype=torch.bool), 0
    while i < len(ids):
        if ids[i] == start and ids[i + 1 : i + 1 + len(header)] == header:
            j = i + 1 + len(header)
            while ids[j] != end:
                mask[j] = True
                j += 1
            mask[j], i = True, j
        i += 1
    return mask


@torch.no_grad()
def perplexity(model, processor, chat: list[dict], frames: np.ndarray) -> tuple[float, int]:
    text = processor.apply_chat_template(chat, tokenize=False)
    inputs = processor(text=[text], videos=[frames], return_tensors="pt")
    ids = inputs["input_ids"][0]
    mask = answer_mask(ids.tolist(), processor.tokenizer)
    logp = torch.log_softmax(model(**inputs).logits[0, :-1].float(), -1).gather(1, ids[1:, None])[:, 0]
    return math.exp(-float(logp[mask[1:]].double().sum()) / int(mask.sum())), int(mask.sum())


def all_frames(path: str) -> np.ndarray:
    with av.open(path) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--video-root", required=True)
    parser.add_argument("--scores", required=True, help="the .jsonl `videoutr tpl` wrote")
    parser.add_argument("--tol", type=float, default=1e-3)
    args = parser.parse_args()
    model = LlavaOnevisionForConditionalGeneration.from_pretrained(args.model).eval()
    processor = AutoProcessor.from_pretrained(args.model)
    ours = {r["id"]: r for r in map(json.loads, open(args.scores, encoding="utf-8"))}
    worst, flagged = 0.0, 0
    for record in json.load(open(args.data, encoding="utf-8")):
        mine = ours.get(record["id"])
        if mine is None:
            print(f"{record['id']}: not scored by videoutr tpl")
            flagged += 1
            continue
        frames = all_frames(f"{args.video_root}/{record['video']}")
        idx = np.linspace(0, len(frames) - 1, min(mine["frames_requested"], len(frames))).round().astype(int)
        chat = messages(record["conversations"])
        full, n = perplexity(model, processor, chat, frames[idx])
        key = idx[mine["key_frame"] : mine["key_frame"] + 1]
        single, _ = perplexity(model, processor, chat, frames[key])
        diff = max(abs(full - mine["ppl_full"]) / full, abs(single - mine["ppl_single"]) / single)
        bad = diff > args.tol or list(idx) != mine["frame_idx"] or n != mine["n_tokens"]
        worst, flagged = max(worst, diff), flagged + bad
        print(
            f"{record['id']:24s} tokens {n}/{mine['n_tokens']}  full {full:.4f} vs {mine['ppl_full']:.4f}  "
            f"single {single:.4f} vs {mine['ppl_single']:.4f}  rel {diff:.1e}{'  DIFFERS' if bad else ''}"
        )
    print(f"worst relative difference {worst:.2e}; {flagged} sample(s) flagged")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
