"""Which parameters train: LLaVA-NeXT's `mm_tunable_parts`, a separate vision LR, and LoRA (peft).

Parameter names are mapped to three parts by name, for LLaVA-OneVision (`vision_tower`,
`multi_modal_projector` + `image_newline`, `language_model` + `lm_head`) and Qwen2-VL
(`visual.merger` is the projector, the rest of `visual` the vision tower).

    >>> part_of("model.multi_modal_projector.linear_1.weight")
    'mm_mlp_adapter'
    >>> counts = set_trainable(model, ["mm_mlp_adapter"])   # projector-only (stage 1)
"""

from __future__ import annotations

import re

from videoutr.errors import ConfigError
from videoutr.train.config import LoraConfig

_ADAPTER = re.compile(r"(^|\.)(multi_modal_projector|mm_projector|image_newline|merger)(\.|$)")
_VISION = re.compile(r"(^|\.)(vision_tower|visual|vision_model)(\.|$)")


def part_of(name: str) -> str:
    """The tunable part a parameter belongs to (adapter is checked before vision: Qwen's merger)."""
    if _ADAPTER.search(name):
        return "mm_mlp_adapter"
    if _VISION.search(name):
        return "mm_vision_tower"
    return "mm_language_model"


def set_trainable(model, parts: list[str]) -> dict[str, int]:
    """Freeze everything but `parts`; returns trainable parameter counts per part."""
    counts = {p: 0 for p in ("mm_mlp_adapter", "mm_vision_tower", "mm_language_model")}
    for name, param in model.named_parameters():
        part = part_of(name)
        param.requires_grad_(part in parts)
        if part in parts:
            counts[part] += param.numel()
    if not any(counts.values()):
        raise ConfigError(f"tune.mm_tunable_parts={parts}: no parameter of the model matched")
    return counts


def apply_lora(model, lora: LoraConfig, parts: list[str]):
    """Wrap the language model's linear layers with LoRA; the other listed parts train fully.

    The vision tower and projector (when in `parts`) are saved whole with the adapter
    (`modules_to_save`); the language model's own weights stay frozen.
    """
    try:
        from peft import LoraConfig as PeftLoraConfig
        from peft import get_peft_model
    except ImportError as exc:  # peft is a core dependency, but say how to fix a broken env
        raise ConfigError(f"tune.lora.enabled needs peft: pip install peft ({exc})") from None
    targets = "|".join(re.escape(t) for t in lora.target_modules)
    pattern = rf".*language_model.*\.({targets})$"
    save = [m for p, m in (("mm_mlp_adapter", "multi_modal_projector"), ("mm_vision_tower", "vision_tower"))
            if p in parts and any(m in n for n, _ in model.named_modules())]
    config = PeftLoraConfig(r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout,
                            target_modules=pattern, modules_to_save=save or None, bias="none")
    for param in model.parameters():
        param.requires_grad_(False)
    peft_model = get_peft_model(model, config)
    if not any("lora_" in n for n, _ in peft_model.named_parameters()):
        raise ConfigError(f"tune.lora.target_modules={lora.target_modules}: no language-model layer matched")
    return peft_model


def trainable_summary(model) -> dict[str, int]:
    """Trainable parameter counts per part (LoRA weights counted as 'lora')."""
    counts: dict[str, int] = {}
    for name, param in model.named_parameters():
        if param.requires_grad:
            key = "lora" if "lora_" in name else part_of(name)
            counts[key] = counts.get(key, 0) + param.numel()
    return counts


def optimizer_groups(model, lr: float, vision_lr: float | None, weight_decay: float,
                     decay_names: set[str]) -> list[dict]:
    """AdamW parameter groups: (vision | rest) x (decay | no decay), each with its own LR."""
    groups: dict[tuple[bool, bool], list] = {}
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        is_vision = part_of(name) == "mm_vision_tower" and "lora_" not in name
        groups.setdefault((is_vision, name in decay_names), []).append(param)
    out = []
    for (is_vision, decay), params in sorted(groups.items()):
        group_lr = vision_lr if (is_vision and vision_lr is not None) else lr
        out.append({"params": params, "lr": group_lr, "weight_decay": weight_decay if decay else 0.0,
                    "name": f"{'vision' if is_vision else 'main'}_{'decay' if decay else 'no_decay'}"})
    return out
