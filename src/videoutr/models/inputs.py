"""The one place that turns a LLaVA `Sample` + its frames into model inputs (training, TPL, eval).

The dialogue is rendered by the checkpoint's own chat template (`videoutr.models.chat`): for the
project's tiny model that is Qwen-style ChatML with a default system prompt,

    <|im_start|>system\nYou are a helpful assistant.<|im_end|>\n
    <|im_start|>user\n<video>\nWhat moves?<|im_end|>\n
    <|im_start|>assistant\nA red circle.<|im_end|>\n          (more turns follow the same way)

for Qwen2-VL `<|vision_start|><|video_pad|><|vision_end|>What moves?`, for LLaVA-OneVision-hf
`<|im_start|>user <video>\nWhat moves?<|im_end|>`. The rendered text is tokenised as one string
and its video token is expanded by the processor (`encode_video`), so the ids equal
`processor(text=apply_chat_template(...), videos=...)`. Labels cover each assistant answer and its
`<|im_end|>` (what the model must produce to answer and stop); everything else is -100.
`turn_ids` gives the assistant-turn number of every labelled token (-1 elsewhere), so one
forward scores all turns.

    enc = encode_sample(processor, sample, frames)          # frames: (T, H, W, 3) uint8
    batch = collate([enc, enc2], pad_id=processor.tokenizer.pad_token_id)
    out = model(**model_inputs(batch, with_labels=True))    # out.loss: answer tokens only
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from videoutr.data.llava import IMAGE_TOKEN, VIDEO_TOKEN, Sample
from videoutr.errors import DataFormatError
from videoutr.models.chat import render_dialogue, sample_messages
from videoutr.models.sampling import ModelVideo

IGNORE_INDEX = -100
META_KEYS = ("turn_ids",)  # collate() keys that are bookkeeping, not model inputs


@dataclass
class EncodedSample:
    """One tokenised dialogue. Tensors are 1-D over tokens except `vision` (batch dim 1)."""

    id: str
    input_ids: torch.Tensor
    labels: torch.Tensor
    turn_ids: torch.Tensor
    turn_spans: list[tuple[int, int]]  # [start, end) of each assistant turn's labelled tokens
    video_span: tuple[int, int] | None = None  # [start, end) of the video (or image) tokens
    num_frames: int = 0
    vision: dict[str, torch.Tensor] = field(default_factory=dict)  # pixel_values_videos, ...
    token_extras: dict[str, torch.Tensor] = field(default_factory=dict)  # e.g. mm_token_type_ids
    media: str | None = None  # "video", "image" or None (text only)

    def __len__(self) -> int:
        return int(self.input_ids.shape[0])


def _media_token(processor, media: str) -> tuple[str, int]:
    """The placeholder token (text, id) a processor expands for `media` ("video" or "image")."""
    token = getattr(processor, f"{media}_token", None) or (VIDEO_TOKEN if media == "video" else IMAGE_TOKEN)
    return token, processor.tokenizer.convert_tokens_to_ids(token)


def encode_video(processor, frames: np.ndarray | ModelVideo) -> tuple[list[int], dict, dict]:
    """Expand one video placeholder token for `frames`: (token ids, vision tensors, per-token extras).

    A `ModelVideo` also tells the processor where its frames came from (transformers'
    `VideoMetadata`: frames in the video, its fps, the sampled indices) -- Qwen2.5-VL's
    `second_per_grid_ts` is the temporal patch over the sampled fps -- and passes its
    `videos_kwargs` (Qwen pixel bounds). A bare (T, H, W, 3) array gets the processor's defaults.
    """
    if isinstance(frames, ModelVideo):
        kwargs = {**frames.videos_kwargs, "video_metadata": [frames.metadata()], "do_sample_frames": False}
        return _expand(processor, "video", {"videos": [frames.frames]}, kwargs)
    return _expand(processor, "video", {"videos": [np.asarray(frames)]}, {})


def encode_image(processor, image: np.ndarray) -> tuple[list[int], dict, dict]:
    """Expand one image placeholder token for `image` (H, W, 3) uint8 through the image path."""
    return _expand(processor, "image", {"images": [image]}, {})


def _expand(processor, media: str, inputs: dict, videos_kwargs: dict) -> tuple[list[int], dict, dict]:
    token, _ = _media_token(processor, media)
    extra = {"videos_kwargs": videos_kwargs} if videos_kwargs else {}
    out = processor(text=[token], return_tensors="pt", **inputs, **extra)
    ids = out["input_ids"][0]
    extras = {
        k: v[0]
        for k, v in out.items()
        if k not in ("input_ids", "attention_mask") and torch.is_tensor(v) and v.shape == out["input_ids"].shape
    }
    vision = {
        k: (v if torch.is_tensor(v) else torch.tensor(v))
        for k, v in out.items()
        if k not in ("input_ids", "attention_mask") and k not in extras
    }
    return ids.tolist(), vision, extras


def _label_mask(offsets: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[int]:
    """Turn number of each token whose text starts inside an answer span, -1 elsewhere."""
    turn_of = []
    for start, end in offsets:
        turn_of.append(next((k for k, (a, b) in enumerate(spans) if a <= start < b and end > start), -1))
    return turn_of


def encode_sample(
    processor,
    sample: Sample,
    frames: np.ndarray | ModelVideo | None = None,
    *,
    with_video: bool = True,
    prompt_only: bool = False,
    system: str | None = None,
    video: tuple | None = None,
    media: str = "video",
) -> EncodedSample:
    """Tokenise `sample` with `frames` ((T, H, W, 3) uint8 RGB or a `ModelVideo`); labels on answers only.

    `with_video=False` (or `frames=None`) drops the placeholder: the "no video" condition.
    `prompt_only=True` drops trailing assistant turns and ends with the template's generation
    prompt (earlier turns stay as history, nothing is labelled). A sample without an assistant
    turn raises `DataFormatError` unless `prompt_only`. `system` replaces the template's system
    prompt. `video` is `encode_video(...)` (or `encode_image(...)`) computed once and reused for
    several dialogues about the same input. `media="image"` sends `frames` (one (H, W, 3) image)
    through the model's image path.
    """
    with_video = with_video and frames is not None
    if not prompt_only and not sample.assistant_turns:
        raise DataFormatError(f"sample {sample.id}", "no assistant turn to score")
    messages = sample_messages(sample, media=media if with_video else None, prompt_only=prompt_only, system=system)
    rendered = render_dialogue(processor, messages, prompt_only=prompt_only)
    enc = processor.tokenizer(rendered.text, add_special_tokens=False, return_offsets_mapping=True)
    ids, turn_of = list(enc["input_ids"]), _label_mask(enc["offset_mapping"], rendered.answer_spans)
    vision, extras, video_span = {}, {}, None
    if with_video:
        _, token_id = _media_token(processor, media)
        where = [i for i, t in enumerate(ids) if t == token_id]
        if len(where) != 1:
            raise DataFormatError(
                f"sample {sample.id}",
                f"the rendered prompt has {len(where)} {media} "
                "placeholders, expected 1 (a placeholder in the text itself?)",
            )
        if video is None:
            video = encode_video(processor, frames) if media == "video" else encode_image(processor, np.asarray(frames))
        run, vision, run_extras = video
        at = where[0]
        ids[at : at + 1] = run
        turn_of[at : at + 1] = [-1] * len(run)
        video_span = (at, at + len(run))
        for key, value in run_extras.items():
            full = torch.zeros(len(ids), dtype=value.dtype)
            full[at : at + len(run)] = value
            extras[key] = full
    turn_ids = torch.tensor(turn_of, dtype=torch.long)
    input_ids = torch.tensor(ids, dtype=torch.long)
    labels = torch.where(turn_ids >= 0, input_ids, torch.full_like(input_ids, IGNORE_INDEX))
    spans = []
    for k in range(len(rendered.answer_spans)):
        positions = (turn_ids == k).nonzero().flatten()
        if len(positions) == 0:
            raise DataFormatError(f"sample {sample.id}", f"assistant turn {k + 1} has no tokens to score")
        spans.append((int(positions[0]), int(positions[-1]) + 1))
    num_frames = (1 if media == "image" else int(len(frames))) if with_video else 0
    return EncodedSample(
        id=sample.id,
        input_ids=input_ids,
        labels=labels,
        turn_ids=turn_ids,
        turn_spans=spans,
        video_span=video_span,
        num_frames=num_frames,
        vision=vision,
        token_extras=extras,
        media=media if with_video else None,
    )


def _pad(rows: list[torch.Tensor], value: int, left: bool) -> torch.Tensor:
    width = max(int(r.shape[0]) for r in rows)
    out = torch.full((len(rows), width), value, dtype=rows[0].dtype)
    for i, row in enumerate(rows):
        n = int(row.shape[0])
        if left:
            out[i, width - n :] = row
        else:
            out[i, :n] = row
    return out


def collate(encoded: list[EncodedSample], pad_id: int, padding_side: str = "right") -> dict:
    """Pad a list of `EncodedSample` into one batch dict.

    Keys: input_ids, attention_mask, labels, turn_ids (bookkeeping, see `model_inputs`), the
    per-token extras, and the vision tensors concatenated over the rows that have them (image
    and video rows may mix; every video in a batch must have the same frame count; a batch
    mixing visual and text-only rows is refused). Image patches of LLaVA-OV's anyres are
    zero-padded to the batch's largest patch count, as its processor pads a batch.
    """
    if not encoded:
        raise ValueError("collate() needs at least one sample")
    left = padding_side == "left"
    frames = {e.num_frames for e in encoded if e.media != "image"}
    if len(frames) > 1:
        ids = ", ".join(f"{e.id}:{e.num_frames}" for e in encoded)
        raise DataFormatError("batch", f"videos in one batch need the same frame count ({ids})")
    batch = {
        "input_ids": _pad([e.input_ids for e in encoded], pad_id, left),
        "attention_mask": _pad([torch.ones(len(e), dtype=torch.long) for e in encoded], 0, left),
        "labels": _pad([e.labels for e in encoded], IGNORE_INDEX, left),
        "turn_ids": _pad([e.turn_ids for e in encoded], -1, left),
    }
    for key in dict.fromkeys(k for e in encoded for k in e.token_extras):
        rows = [e.token_extras.get(key, torch.zeros(len(e), dtype=torch.long)) for e in encoded]
        batch[key] = _pad(rows, 0, left)
    for key in dict.fromkeys(k for e in encoded for k in e.vision):
        batch[key] = _concat([e.vision[key] for e in encoded if key in e.vision])
    return batch


def _concat(parts: list[torch.Tensor]) -> torch.Tensor:
    """Concatenate on dim 0; LLaVA-OV image patches (1, P, C, H, W) are zero-padded to the largest P."""
    if parts[0].dim() == 5 and len({p.shape[1] for p in parts}) > 1 and all(p.shape[0] == 1 for p in parts):
        width = max(p.shape[1] for p in parts)
        parts = [torch.nn.functional.pad(p, (0, 0, 0, 0, 0, 0, 0, width - p.shape[1])) for p in parts]
    return torch.cat(parts, dim=0)


def model_inputs(batch: dict, with_labels: bool = False) -> dict:
    """The keys of a `collate` batch that the model's forward takes (labels only if asked)."""
    drop = set(META_KEYS) | (set() if with_labels else {"labels"})
    return {k: v for k, v in batch.items() if k not in drop}


def to_model(inputs: dict, model) -> dict:
    """Move tensors to the model's device; pixels to its dtype (Qwen2.5-VL's `second_per_grid_ts`
    stays float32: in bfloat16, 1/3 s per grid step would shift M-RoPE time positions)."""
    device, dtype = next(model.parameters()).device, model.dtype

    def move(key: str, value):
        if not torch.is_tensor(value):
            return value
        return (
            value.to(device, dtype)
            if value.is_floating_point() and key.startswith("pixel_values")
            else value.to(device)
        )

    return {k: move(k, v) for k, v in inputs.items()}
