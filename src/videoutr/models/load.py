"""Load a video MLLM and its processor: LLaVA-OneVision (Video-UTR-7b's class) and Qwen2(.5)-VL.

Safetensors only, no remote code unless asked. The frames a model wants per video follow its
family's reference pipeline (`videoutr.models.sampling`): LLaVA-OneVision uniform `num_frames`
(32, or the `videoutr.json` written beside a checkpoint by `videoutr model init`), Qwen2(.5)-VL
the fps policy of qwen-vl-utils (2 fps); `frame_policy` decides, options override.

    model, processor = load_video_model("runs/tiny-model")
    frame_policy("runs/tiny-model", processor).num_frames
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from videoutr.errors import ConfigError, VideoutrError
from videoutr.models.sampling import QWEN_FAMILIES, FramePolicy, ModelVideo, read_model_video

# model_type in config.json -> transformers class name (resolved lazily)
VIDEO_MODELS: dict[str, str] = {
    "llava_onevision": "LlavaOnevisionForConditionalGeneration",
    "qwen2_vl": "Qwen2VLForConditionalGeneration",
    "qwen2_5_vl": "Qwen2_5_VLForConditionalGeneration",
}
DEFAULT_FRAMES = {"llava_onevision": 32, "qwen2_vl": None, "qwen2_5_vl": None}


class UnsupportedModelError(VideoutrError):
    """The checkpoint's model class has no video support in videoutr."""


def _dtype(name: str):
    import torch

    if name == "auto":
        return "auto"
    table = {
        "float32": torch.float32,
        "fp32": torch.float32,
        "bfloat16": torch.bfloat16,
        "bf16": torch.bfloat16,
        "float16": torch.float16,
        "fp16": torch.float16,
    }
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


def video_model_type(name_or_path: str | Path, trust_remote_code: bool = False) -> str:
    """The checkpoint's model type; one without video support raises `UnsupportedModelError`
    naming the supported ones."""
    model_type = model_type_of(name_or_path, trust_remote_code)
    if model_type not in VIDEO_MODELS:
        raise UnsupportedModelError(
            f"{name_or_path}: model type {model_type!r} has no video support here; "
            f"supported: {', '.join(sorted(VIDEO_MODELS))}"
        )
    return model_type


def load_video_model(
    name_or_path: str | Path,
    dtype: str = "auto",
    device: str = "cpu",
    attn_implementation: str | None = None,
    trust_remote_code: bool = False,
):
    """Load `(model, processor)` for a supported video MLLM, in eval mode on `device`.

    A checkpoint of another class raises `UnsupportedModelError` naming the supported ones.
    """
    import transformers

    cls = getattr(transformers, VIDEO_MODELS[video_model_type(name_or_path, trust_remote_code)])
    kwargs = {"dtype": _dtype(dtype), "use_safetensors": True, "trust_remote_code": trust_remote_code}
    if attn_implementation:
        kwargs["attn_implementation"] = attn_implementation
    try:
        model = cls.from_pretrained(str(name_or_path), **kwargs)
        processor = transformers.AutoProcessor.from_pretrained(str(name_or_path), trust_remote_code=trust_remote_code)
    except OSError as exc:
        raise VideoutrError(f"{name_or_path}: cannot load model or processor ({exc})") from None
    model.to(device).eval()
    return model, processor


def load_run_model(cfg, model=None, processor=None):
    """`(model, processor)` for a run's config (its `model`, `dtype`, `device`,
    `attn_implementation` and `inputs`): the given pair, else loaded; the config's chat-template
    override installed. What each scoring worker does once."""
    if model is None:
        model, processor = load_video_model(
            cfg.model, dtype=cfg.dtype, device=cfg.device, attn_implementation=cfg.attn_implementation
        )
    cfg.inputs.apply(processor)
    return model, processor


def load_video_processor(name_or_path: str | Path, trust_remote_code: bool = False):
    """The processor of a supported video MLLM, without its weights (to plan frames and batches)."""
    import transformers

    video_model_type(name_or_path, trust_remote_code)
    try:
        return transformers.AutoProcessor.from_pretrained(str(name_or_path), trust_remote_code=trust_remote_code)
    except OSError as exc:
        raise VideoutrError(f"{name_or_path}: cannot load processor ({exc})") from None


def family_of(processor) -> str:
    """The model family a processor belongs to: llava_onevision, qwen2_vl or qwen2_5_vl."""
    name = type(processor).__name__.lower()
    if "qwen2_5" in name:
        return "qwen2_5_vl"
    if "qwen2vl" in name or "qwen2_vl" in name:
        return "qwen2_vl"
    return "llava_onevision"


def frame_policy(name_or_path: str | Path, processor=None, frames: int | None = None, **options) -> FramePolicy:
    """Frames per video for a checkpoint; `frames` and `options` (fps, min_frames, max_frames,
    min_pixels, max_pixels, total_pixels; None = unset) override its defaults.

    LLaVA-OneVision: uniform `frames`, else the checkpoint's sidecar, else the processor's
    `num_frames`, else 32. Qwen families: the
    fps policy (2 fps unless `fps`), or exactly `frames` when given.
    """
    family = family_of(processor)
    options = {k: v for k, v in options.items() if v is not None}
    if family in QWEN_FAMILIES:
        return FramePolicy(num_frames=int(frames) if frames is not None else None, family=family, **options)
    if options.get("fps") is not None and frames is None:
        return FramePolicy(family=family, **options)
    if frames is None:
        sidecar = Path(str(name_or_path)) / "videoutr.json"
        own = getattr(getattr(processor, "video_processor", None), "num_frames", None)
        frames = (
            int(json.loads(sidecar.read_text())["num_frames"])
            if sidecar.is_file()
            else int(own)
            if own
            else DEFAULT_FRAMES[family]
        )
    return replace(FramePolicy(family=family, **options), num_frames=int(frames))


def read_video_frames(path: str | Path, policy: FramePolicy, clip_s: tuple[float, float] | None = None) -> ModelVideo:
    """Frames of `path` per `policy` (within `clip_s` seconds), decoded as the model's reference
    pipeline does."""
    return read_model_video(path, policy, clip_s)
