"""The project's own tiny LLaVA-OneVision: SigLIP vision tower + Qwen2 LM, built and saved here.

Same class as the released Video-UTR-7b (`LlavaOnevisionForConditionalGeneration`), scaled down
so it learns the synthetic world on a CPU in minutes (see docs/models.md). Frames are resized to
`image_size` px and cut into `patch_size` patches; after the projector each frame is pooled 2x2,
so a frame costs ceil(side / 2) ** 2 tokens (side = image_size // patch_size) and the whole video
one extra newline token. Saved in standard HF form: plain transformers loads it from the folder.

    out = init_tiny_model("runs/tiny-model", preset="tiny", seed=0)
    from transformers import AutoProcessor, LlavaOnevisionForConditionalGeneration
    model = LlavaOnevisionForConditionalGeneration.from_pretrained(out)
    processor = AutoProcessor.from_pretrained(out)
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from videoutr.errors import ConfigError

SIDECAR = "videoutr.json"  # written beside the checkpoint: preset, frames per video, sizes


@dataclass(frozen=True)
class TinyConfig:
    """Shape of a tiny LLaVA-OneVision. Defaults are the `tiny` preset."""

    image_size: int = 48  # 48 px frames: coloured shapes stay visible, 6x6 patches
    patch_size: int = 8  # -> 36 patches per frame, pooled to 3x3 = 9 tokens per frame
    vision_hidden: int = 64  # a SigLIP of 64 x 2 layers learns colour/position in minutes
    vision_layers: int = 2
    vision_heads: int = 2
    text_hidden: int = 128  # a Qwen2 of 128 x 2 layers: enough for templated answers
    text_layers: int = 2
    text_heads: int = 4
    text_kv_heads: int = 2  # grouped-query attention like Qwen2-7B (28 heads / 4 kv heads)
    vocab_size: int = 640  # byte-level BPE on the world's words (256 bytes + merges)
    num_frames: int = 8  # default frames per video for this model (loaders read the sidecar)
    max_positions: int = 4096  # 32 frames x 9 tokens + long dialogues fit easily

    @property
    def tokens_per_frame(self) -> int:
        return math.ceil((self.image_size // self.patch_size) / 2) ** 2

    def video_tokens(self, num_frames: int) -> int:
        """Placeholder tokens for a video of `num_frames` frames (one newline closes the video)."""
        return num_frames * self.tokens_per_frame + 1


# LLaVA-OneVision's input geometry: SigLIP-so400m's 384 px frames in 14 px patches (196 tokens per frame), 32 frames
_OV_GEOMETRY = replace(TinyConfig(), image_size=384, patch_size=14, num_frames=32, max_positions=32768)
# Video-UTR-7b's towers: SigLIP-so400m (26 of its 27 layers: LLaVA reads layer -2) and Qwen2-7B
VIDEO_UTR_7B = replace(
    _OV_GEOMETRY,
    vision_hidden=1152,
    vision_layers=26,
    vision_heads=16,
    text_hidden=3584,
    text_layers=28,
    text_heads=28,
    text_kv_heads=4,
    vocab_size=152128,
)
PRESETS: dict[str, TinyConfig] = {
    "tiny": TinyConfig(),
    # for GPU benchmarks: LLaVA-OneVision's geometry with the tiny towers, and with LLaVA-OneVision-0.5B's
    # (SigLIP-so400m, 27 x 1152, and Qwen2-0.5B, 24 x 896)
    "ov-geometry": _OV_GEOMETRY,
    "ov-0.5b": replace(
        _OV_GEOMETRY,
        vision_hidden=1152,
        vision_layers=27,
        vision_heads=16,
        text_hidden=896,
        text_layers=24,
        text_heads=14,
    ),
    # 64 px / patch 8: 16 tokens per frame; wider and deeper for richer worlds
    "small": TinyConfig(
        image_size=64,
        vision_hidden=128,
        vision_layers=3,
        vision_heads=4,
        text_hidden=256,
        text_layers=4,
        text_heads=4,
        text_kv_heads=2,
        vocab_size=1024,
    ),
}


def get_preset(name: str) -> TinyConfig:
    """Look a preset up by its short name; an unknown name lists the known ones."""
    if name not in PRESETS:
        raise ConfigError(f"unknown model preset {name!r}; known: {', '.join(sorted(PRESETS))}")
    return PRESETS[name]


def towers(cfg: TinyConfig, vision_mlp: int | None = None, text_mlp: int | None = None, **text_ids):
    """The `SiglipVisionConfig` and `Qwen2Config` of `cfg`'s shape (MLPs 4x their width unless given;
    `text_ids`: the LM's token ids and embedding tying)."""
    from transformers import Qwen2Config, SiglipVisionConfig

    vision = SiglipVisionConfig(
        hidden_size=cfg.vision_hidden,
        intermediate_size=vision_mlp or cfg.vision_hidden * 4,
        num_hidden_layers=cfg.vision_layers,
        num_attention_heads=cfg.vision_heads,
        image_size=cfg.image_size,
        patch_size=cfg.patch_size,
        vision_use_head=False,
    )
    text = Qwen2Config(
        vocab_size=cfg.vocab_size,
        hidden_size=cfg.text_hidden,
        intermediate_size=text_mlp or cfg.text_hidden * 4,
        num_hidden_layers=cfg.text_layers,
        num_attention_heads=cfg.text_heads,
        num_key_value_heads=cfg.text_kv_heads,
        max_position_embeddings=cfg.max_positions,
        **text_ids,
    )
    return vision, text


def build_config(cfg: TinyConfig, image_token_id: int, video_token_id: int, pad_id: int, eos_id: int):
    """The `LlavaOnevisionConfig` for `cfg` with the tokenizer's special-token ids."""
    from transformers import LlavaOnevisionConfig

    vision, text = towers(cfg, tie_word_embeddings=False, pad_token_id=pad_id, eos_token_id=eos_id, bos_token_id=None)
    pinpoints = [[cfg.image_size * h, cfg.image_size * w] for h in (1, 2) for w in (1, 2)]
    return LlavaOnevisionConfig(
        vision_config=vision,
        text_config=text,
        image_token_index=image_token_id,
        video_token_index=video_token_id,
        vision_feature_select_strategy="full",  # SigLIP has no CLS token
        vision_feature_layer=-1,  # a 2-layer tower: use its last layer
        image_grid_pinpoints=pinpoints,
        vision_aspect_ratio="anyres_max_4",
        tie_word_embeddings=False,
    )


def build_processor(cfg: TinyConfig, tokenizer):
    """A `LlavaOnevisionProcessor` resizing frames to `cfg.image_size` with the ChatML template."""
    from transformers import LlavaOnevisionImageProcessor, LlavaOnevisionProcessor, LlavaOnevisionVideoProcessor

    size = {"height": cfg.image_size, "width": cfg.image_size}
    pinpoints = [[cfg.image_size * h, cfg.image_size * w] for h in (1, 2) for w in (1, 2)]
    images = LlavaOnevisionImageProcessor(size=size, image_grid_pinpoints=pinpoints)
    videos = LlavaOnevisionVideoProcessor(size=size, num_frames=cfg.num_frames)
    return LlavaOnevisionProcessor(
        image_processor=images,
        tokenizer=tokenizer,
        video_processor=videos,
        num_image_tokens=(cfg.image_size // cfg.patch_size) ** 2,
        vision_feature_select_strategy="full",
        chat_template=tokenizer.chat_template,
        vision_aspect_ratio="anyres_max_4",
    )


def build_tiny(preset: str | TinyConfig = "tiny", seed: int = 0, extra_text: tuple[str, ...] = ()):
    """Build (model, processor) in memory: random init with `seed`, tokenizer trained here."""
    import torch
    from transformers import LlavaOnevisionForConditionalGeneration

    from videoutr.models.tokenizer import train_world_tokenizer

    cfg = get_preset(preset) if isinstance(preset, str) else preset
    tokenizer = train_world_tokenizer(vocab_size=cfg.vocab_size, extra_text=extra_text)
    if len(tokenizer) != cfg.vocab_size:  # a tiny corpus may give fewer merges than asked
        cfg = TinyConfig(**{**asdict(cfg), "vocab_size": len(tokenizer)})
    config = build_config(
        cfg, tokenizer.image_token_id, tokenizer.video_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id
    )
    torch.manual_seed(seed)
    model = LlavaOnevisionForConditionalGeneration(config).eval()
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return model, build_processor(cfg, tokenizer), cfg


def init_tiny_model(out_dir: str | Path, preset: str = "tiny", seed: int = 0, extra_text: tuple[str, ...] = ()) -> Path:
    """Build a tiny LLaVA-OneVision and save model, processor and `videoutr.json` to `out_dir`."""
    model, processor, cfg = build_tiny(preset, seed=seed, extra_text=extra_text)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    processor.save_pretrained(out)
    sidecar = {
        "preset": preset if isinstance(preset, str) else "custom",
        "seed": seed,
        "num_frames": cfg.num_frames,
        "tokens_per_frame": cfg.tokens_per_frame,
        "config": asdict(cfg),
    }
    (out / SIDECAR).write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    return out


def video_utr_7b_config():
    """A config shaped like Video-UTR-7b: SigLIP-so400m-384 (layer -2) + Qwen2-7B, 196 tok/frame."""
    from transformers import LlavaOnevisionConfig

    vision, text = towers(VIDEO_UTR_7B, vision_mlp=4304, text_mlp=18944, tie_word_embeddings=False)
    return LlavaOnevisionConfig(
        vision_config=vision,
        text_config=text,
        vision_feature_select_strategy="full",
        vision_feature_layer=-1,
        image_token_index=151646,
        video_token_index=151647,
    )
