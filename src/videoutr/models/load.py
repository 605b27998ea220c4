"""Load a video MLLM and its processor: LLaVA-OneVision (Video-UTR-7b's class) and Qwen2(.5)-VL.

Safetensors only, no remote code unless asked. The frames a model wants per video follow its
processor (uniform `num_frames`, or `fps` with an upper bound), or the `videoutr.json` written
beside a checkpoint by `videoutr model init`; `frame_policy` reads them.

    >>> model, processor = load_video_model("runs/tiny-model")
    >>> frame_policy("runs/tiny-model", processor)
    FramePolicy(num_frames=8, fps=None, max_frames=None)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from videoutr.errors import ConfigError, VideoutrError

# model_type in config.json -> transformers class name (resolved lazily)
VIDEO_MODELS: dict[str, str] = {
    "llava_onevision": "LlavaOnevisionForConditionalGeneration",
    "qwen2_vl": "Qwen2VLForConditionalGeneration",
    "qwen2_5_vl": "Qwen2_5_VLForConditionalGeneration",
}
DEFAULT_FRAMES = {"llava_onevision": 32, "qwen2_vl": None, "qwen2_5_vl": None}


class UnsupportedModelError(VideoutrError):
    """The checkpoint's model class has no video support in videoutr."""


@dataclass(frozen=True)
class FramePolicy:
    """How many frames to sample: `num_frames` uniformly, else `fps` capped at `max_frames`."""

    num_frames: int | None = None
    fps: float | None = None
    max_frames: int | None = None


def _dtype(name: str):
    import torch

    if name == "auto":
        return "auto"
    table = {"float32": torch.float32, "fp32": torch.float32, "bfloat16": torch.bfloat16,
             "bf16": torch.bfloat16, "float16": torch.float16, "fp16": torch.float16}
    if name not in table:
        raise ConfigError(f"unknown dtype {name!r}; use auto, {', '.join(table)}")
    return table[name]


def model_type_of(name_or_path: str | Path, trust_remote_code: bool = False) -> str:
    """The `model_type` of a checkpoint's config (a local folder or a hub id)."""
    from transformers import AutoConfig

    from videoutr.checks import looks_local

    if not Path(str(name_or_path)).exists() and looks_local(str(name_or_path)):
        raise VideoutrError(f"{name_or_path}: no such model folder (a hub id has the form org/name)")
    try:
        config = AutoConfig.from_pretrained(str(name_or_path), trust_remote_code=trust_remote_code)
    except (OSError, ValueError) as exc:
        raise VideoutrError(f"{name_or_path}: cannot read the model config ({exc})") from None
    return config.model_type


def load_video_model(name_or_path: str | Path, dtype: str = "auto", device: str = "cpu",
                     attn_implementation: str | None = None, trust_remote_code: bool = False):
    """Load `(model, processor)` for a supported video MLLM, in eval mode on `device`.

    A checkpoint of another class raises `UnsupportedModelError` naming the supported ones.
    """
    import transformers

    model_type = model_type_of(name_or_path, trust_remote_code)
    if model_type not in VIDEO_MODELS:
        raise UnsupportedModelError(
            f"{name_or_path}: model type {model_type!r} has no video support here; "
            f"supported: {', '.join(sorted(VIDEO_MODELS))}")
    cls = getattr(transformers, VIDEO_MODELS[model_type])
    kwargs = {"dtype": _dtype(dtype), "use_safetensors": True, "trust_remote_code": trust_remote_code}
    if attn_implementation:
        kwargs["attn_implementation"] = attn_implementation
    try:
        model = cls.from_pretrained(str(name_or_path), **kwargs)
        processor = transformers.AutoProcessor.from_pretrained(
            str(name_or_path), trust_remote_code=trust_remote_code)
    except OSError as exc:
        raise VideoutrError(f"{name_or_path}: cannot load model or processor ({exc})") from None
    model.to(device).eval()
    return model, processor


def frame_policy(name_or_path: str | Path, processor=None, frames: int | None = None) -> FramePolicy:
    """Frames per video: `frames` if given, else the checkpoint's sidecar, else its processor."""
    if frames is not None:
        return FramePolicy(num_frames=int(frames))
    sidecar = Path(str(name_or_path)) / "videoutr.json"
    if sidecar.is_file():
        return FramePolicy(num_frames=int(json.loads(sidecar.read_text())["num_frames"]))
    video_processor = getattr(processor, "video_processor", None)
    num = getattr(video_processor, "num_frames", None)
    if num:
        return FramePolicy(num_frames=int(num))
    fps = getattr(video_processor, "fps", None)
    if fps:
        return FramePolicy(fps=float(fps), max_frames=getattr(video_processor, "max_frames", None))
    model_type = type(processor).__name__.lower()
    return FramePolicy(num_frames=32 if "onevision" in model_type else 16)


def read_video_frames(path: str | Path, policy: FramePolicy):
    """Sample frames of `path` per `policy` (a short video yields the frames it has)."""
    from videoutr.video import sample_frames

    if policy.num_frames is not None:
        return sample_frames(path, num_frames=policy.num_frames)
    return sample_frames(path, fps=policy.fps, max_frames=policy.max_frames)
