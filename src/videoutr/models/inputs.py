"""The one place that turns a LLaVA `Sample` + its frames into model inputs (training, TPL, eval).

A dialogue is rendered in Qwen-style ChatML, the prompt format of Video-UTR's SFT stage:

    <|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n
    <|im_start|>user\\n<video>\\nWhat moves?<|im_end|>\\n
    <|im_start|>assistant\\nA red circle.<|im_end|>\\n          (more turns follow the same way)

The `<video>` placeholder of the first human turn (or `<image>`; prepended when missing) becomes
the processor's run of video tokens. Labels cover each assistant answer and its `<|im_end|>`
(what the model must produce to answer and stop); everything else is -100. `turn_ids` gives the
assistant-turn number of every labelled token (-1 elsewhere), so one forward scores all turns.

    >>> enc = encode_sample(processor, sample, frames)          # frames: (T, H, W, 3) uint8
    >>> batch = collate([enc, enc2], pad_id=processor.tokenizer.pad_token_id)
    >>> out = model(**model_inputs(batch, with_labels=True))    # out.loss: answer tokens only
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import torch

from videoutr.data.llava import ASSISTANT, HUMAN, IMAGE_TOKEN, VIDEO_TOKEN, Sample
from videoutr.errors import DataFormatError
from videoutr.models.tokenizer import IM_END, IM_START, SYSTEM_PROMPT

IGNORE_INDEX = -100
META_KEYS = ("turn_ids",)  # collate() keys that are bookkeeping, not model inputs
_TOKEN = re.compile(f"{re.escape(VIDEO_TOKEN)}|{re.escape(IMAGE_TOKEN)}")
_PLACEHOLDER = re.compile(f"(?:{_TOKEN.pattern})\n?")  # removed with its newline when no video


@dataclass
class EncodedSample:
    """One tokenised dialogue. Tensors are 1-D over tokens except `vision` (batch dim 1)."""

    id: str
    input_ids: torch.Tensor
    labels: torch.Tensor
    turn_ids: torch.Tensor
    turn_spans: list[tuple[int, int]]  # [start, end) of each assistant turn's labelled tokens
    video_span: tuple[int, int] | None = None  # [start, end) of the video tokens
    num_frames: int = 0
    vision: dict[str, torch.Tensor] = field(default_factory=dict)  # pixel_values_videos, ...
    token_extras: dict[str, torch.Tensor] = field(default_factory=dict)  # e.g. mm_token_type_ids

    def __len__(self) -> int:
        return int(self.input_ids.shape[0])


def video_placeholder(processor) -> str:
    """The prompt text a processor expands into video tokens (Qwen2-VL wraps it in vision marks)."""
    token = getattr(processor, "video_token", VIDEO_TOKEN)
    vocab = processor.tokenizer.get_vocab()
    if token == "<|video_pad|>" and "<|vision_start|>" in vocab:
        return "<|vision_start|><|video_pad|><|vision_end|>"
    return token


def encode_video(processor, frames: np.ndarray) -> tuple[list[int], dict, dict]:
    """Expand the video placeholder for `frames`: (token ids, vision tensors, per-token extras)."""
    out = processor(text=[video_placeholder(processor)], videos=[frames], return_tensors="pt")
    ids = out["input_ids"][0]
    extras = {k: v[0] for k, v in out.items()
              if k not in ("input_ids", "attention_mask") and v.dim() == 2 and v.shape == out["input_ids"].shape}
    vision = {k: v for k, v in out.items() if k not in ("input_ids", "attention_mask") and k not in extras}
    return ids.tolist(), vision, extras


def _segments(sample: Sample, with_video: bool, prompt_only: bool, system: str | None):
    """Yield (kind, text, turn) with kind in {"text", "video", "label"}."""
    turns = list(sample.conversations)
    if prompt_only:
        while turns and turns[-1].role == ASSISTANT:
            turns.pop()
    if not any(t.role == HUMAN for t in turns):
        raise DataFormatError(f"sample {sample.id}", "no human turn to prompt with")
    if system is not None:
        yield "text", f"{IM_START}system\n{system}{IM_END}\n", None
    video_done, answer_no = not with_video, 0
    for turn in turns:
        if turn.role == HUMAN:
            value = turn.value
            if not video_done:
                found = _TOKEN.search(value)
                before, after = (value[:found.start()], value[found.end():]) if found else ("", "\n" + value)
                yield "text", f"{IM_START}user\n{before}", None
                yield "video", None, None
                yield "text", f"{_PLACEHOLDER.sub('', after)}{IM_END}\n", None
                video_done = True
                continue
            yield "text", f"{IM_START}user\n{_PLACEHOLDER.sub('', value)}{IM_END}\n", None
        else:
            yield "text", f"{IM_START}assistant\n", None
            yield ("text" if prompt_only else "label"), turn.value + IM_END, answer_no
            yield "text", "\n", None
            answer_no += 1
    if prompt_only:
        yield "text", f"{IM_START}assistant\n", None


def encode_sample(processor, sample: Sample, frames: np.ndarray | None = None, *,
                  with_video: bool = True, prompt_only: bool = False,
                  system: str | None = SYSTEM_PROMPT, video: tuple | None = None) -> EncodedSample:
    """Tokenise `sample` with `frames` (T, H, W, 3) uint8 RGB; labels on assistant tokens only.

    `with_video=False` (or `frames=None`) drops the placeholder: the "no video" condition.
    `prompt_only=True` drops trailing assistant turns and ends with the assistant header, for
    generation (earlier turns stay as history, nothing is labelled). A sample without an
    assistant turn raises `DataFormatError` unless `prompt_only`. `video` is
    `encode_video(processor, frames)` computed once and reused for several dialogues about the
    same video.
    """
    with_video = with_video and frames is not None
    if not prompt_only and not sample.assistant_turns:
        raise DataFormatError(f"sample {sample.id}", "no assistant turn to score")
    tok = processor.tokenizer
    ids: list[int] = []
    labels: list[int] = []
    turn_ids: list[int] = []
    extras_parts: dict[str, list[torch.Tensor]] = {}
    vision, video_span, spans = {}, None, []
    for kind, text, turn in _segments(sample, with_video, prompt_only, system):
        if kind == "video":
            seg, vision, extras = video if video is not None else encode_video(processor, np.asarray(frames))
            video_span = (len(ids), len(ids) + len(seg))
            for key, value in extras.items():
                extras_parts.setdefault(key, []).append((len(ids), value))
        else:
            seg = tok(text, add_special_tokens=False)["input_ids"]
        if kind == "label":
            spans.append((len(ids), len(ids) + len(seg)))
        ids.extend(seg)
        labels.extend(seg if kind == "label" else [IGNORE_INDEX] * len(seg))
        turn_ids.extend([turn] * len(seg) if kind == "label" else [-1] * len(seg))
    token_extras = {}
    for key, parts in extras_parts.items():
        full = torch.zeros(len(ids), dtype=parts[0][1].dtype)
        for start, value in parts:
            full[start:start + len(value)] = value
        token_extras[key] = full
    return EncodedSample(
        id=sample.id, input_ids=torch.tensor(ids, dtype=torch.long),
        labels=torch.tensor(labels, dtype=torch.long), turn_ids=torch.tensor(turn_ids, dtype=torch.long),
        turn_spans=spans, video_span=video_span,
        num_frames=int(len(frames)) if with_video else 0, vision=vision, token_extras=token_extras)


def _pad(rows: list[torch.Tensor], value: int, left: bool) -> torch.Tensor:
    width = max(int(r.shape[0]) for r in rows)
    out = torch.full((len(rows), width), value, dtype=rows[0].dtype)
    for i, row in enumerate(rows):
        n = int(row.shape[0])
        if left:
            out[i, width - n:] = row
        else:
            out[i, :n] = row
    return out


def collate(encoded: list[EncodedSample], pad_id: int, padding_side: str = "right") -> dict:
    """Pad a list of `EncodedSample` into one batch dict.

    Keys: input_ids, attention_mask, labels, turn_ids (bookkeeping, see `model_inputs`), the
    per-token extras, and the vision tensors concatenated over the batch (every video in a batch
    must have the same frame count; a batch mixing video and no-video samples is refused).
    """
    if not encoded:
        raise ValueError("collate() needs at least one sample")
    left = padding_side == "left"
    frames = {e.num_frames for e in encoded}
    if len(frames) > 1:
        ids = ", ".join(f"{e.id}:{e.num_frames}" for e in encoded)
        raise DataFormatError("batch", f"videos in one batch need the same frame count ({ids})")
    batch = {
        "input_ids": _pad([e.input_ids for e in encoded], pad_id, left),
        "attention_mask": _pad([torch.ones(len(e), dtype=torch.long) for e in encoded], 0, left),
        "labels": _pad([e.labels for e in encoded], IGNORE_INDEX, left),
        "turn_ids": _pad([e.turn_ids for e in encoded], -1, left),
    }
    for key in encoded[0].token_extras:
        batch[key] = _pad([e.token_extras[key] for e in encoded], 0, left)
    for key in encoded[0].vision:
        batch[key] = torch.cat([e.vision[key] for e in encoded], dim=0)
    return batch


def model_inputs(batch: dict, with_labels: bool = False) -> dict:
    """The keys of a `collate` batch that the model's forward takes (labels only if asked)."""
    drop = set(META_KEYS) | (set() if with_labels else {"labels"})
    return {k: v for k, v in batch.items() if k not in drop}


def to_model(inputs: dict, model) -> dict:
    """Move tensors to the model's device; floating ones (pixels) to its dtype."""
    device, dtype = next(model.parameters()).device, model.dtype
    return {k: (v.to(device, dtype) if v.is_floating_point() else v.to(device)) if torch.is_tensor(v) else v
            for k, v in inputs.items()}
