"""Which parameters train: LLaVA-NeXT's `mm_tunable_parts`, a separate vision LR, and LoRA (peft).

Each family names its three parts by its own modules:

    part               LLaVA-OneVision                          Qwen2-VL / Qwen2.5-VL
    mm_vision_tower    model.vision_tower                       model.visual (patch_embed, blocks)
    mm_mlp_adapter     model.multi_modal_projector (+ newline)  model.visual.merger
    mm_language_model  model.language_model, lm_head            model.language_model, lm_head

A requested part that matches no module of the model is an error, never a silent freeze.

    part_of("model.multi_modal_projector.linear_1.weight")
    counts = set_trainable(model, ["mm_mlp_adapter"])   # projector-only (stage 1)
"""

from __future__ import annotations

import re

from videoutr.errors import ConfigError
from videoutr.train.config import LoraConfig

PARTS = ("mm_mlp_adapter", "mm_vision_tower", "mm_language_model")
# module-name patterns (searched in dotted parameter names); the adapter is checked first: Qwen's
# merger sits inside `visual`
PART_PATTERNS = {
    "mm_mlp_adapter": re.compile(r"(^|\.)(multi_modal_projector|mm_projector|image_newline|visual\.merger)(\.|$)"),
    "mm_vision_tower": re.compile(r"(^|\.)(vision_tower|visual|vision_model)(\.|$)"),
    "mm_language_model": re.compile(r"(^|\.)(language_model|lm_head)(\.|$)"),
}


def part_of(name: str) -> str:
    """The tunable part a parameter belongs to (adapter before vision: Qwen's merger)."""
    for part in ("mm_mlp_adapter", "mm_vision_tower"):
        if PART_PATTERNS[part].search(name):
            return part
    return "mm_language_model"


def resolve_parts(model, parts: list[str]) -> dict[str, int]:
    """Parameter count of each requested part; an unknown or unmatched part raises `ConfigError`."""
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        raise ConfigError(f"tune.mm_tunable_parts: unknown part(s) {unknown}; choose from {', '.join(PARTS)}")
    counts = {p: 0 for p in parts}
    for name, param in model.named_parameters():
        part = part_of(name)
        if part in counts:
            counts[part] += param.numel()
    empty = [p for p, n in counts.items() if n == 0]
    if empty:
        raise ConfigError(f"tune.mm_tunable_parts: {', '.join(empty)} matches no module of {type(model).__name__}")
    return counts


def set_trainable(model, parts: list[str]) -> dict[str, int]:
    """Freeze everything but `parts`; returns trainable parameter counts per part."""
    counts = resolve_parts(model, parts)
    for name, param in model.named_parameters():
        param.requires_grad_(part_of(name) in parts)
    return counts


def _modules_of(model, part: str) -> list[str]:
    """The outermost modules whose parameters all belong to `part` (peft's `modules_to_save`)."""
    names = {n for n, _ in model.named_parameters()}
    chosen: list[str] = []
    for module_name, module in model.named_modules():
        if not module_name or any(module_name.startswith(c + ".") for c in chosen):
            continue
        own = [f"{module_name}.{n}" for n, _ in module.named_parameters()]
        if own and all(n in names and part_of(n) == part for n in own):
            chosen.append(module_name)
    return chosen


def apply_lora(model, lora: LoraConfig, parts: list[str]):
    """Wrap the language model's linear layers with LoRA; the other listed parts train fully.

    The vision tower and projector (when in `parts`) are saved whole with the adapter
    (`modules_to_save`, resolved per family); the language model's own weights stay frozen.
    """
    try:
        from peft import LoraConfig as PeftLoraConfig
        from peft import get_peft_model
    except ImportError as exc:  # peft is a core dependency, but say how to fix a broken env
        raise ConfigError(f"tune.lora.enabled needs peft: pip install peft ({exc})") from None
    resolve_parts(model, parts)
    targets = "|".join(re.escape(t) for t in lora.target_modules)
    pattern = rf".*language_model.*\.({targets})$"
    save = [m for p in parts if p != "mm_language_model" for m in _modules_of(model, p)]
    config = PeftLoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=pattern,
        modules_to_save=save or None,
        bias="none",
    )
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


def optimizer_groups(
    model, lr: float, vision_lr: float | None, weight_decay: float, decay_names: set[str]
) -> list[dict]:
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
        out.append(
            {
                "params": params,
                "lr": group_lr,
                "weight_decay": weight_decay if decay else 0.0,
                "name": f"{'vision' if is_vision else 'main'}_{'decay' if decay else 'no_decay'}",
            }
        )
    return out


def plan_parts(model_path: str, parts: list[str], trust_remote_code: bool = False) -> dict[str, dict]:
    """What `parts` select in the checkpoint at `model_path`, without loading its weights (for
    `videoutr train --dry-run`): per part, its outermost modules and parameter count. An
    unreadable config raises `VideoutrError`; an unmatched part `ConfigError`."""
    import torch
    import transformers

    from videoutr.models.load import VIDEO_MODELS, UnsupportedModelError, model_type_of

    model_type_of(model_path, trust_remote_code)  # a one-line error when there is no config
    config = transformers.AutoConfig.from_pretrained(str(model_path), trust_remote_code=trust_remote_code)
    if config.model_type not in VIDEO_MODELS:
        raise UnsupportedModelError(f"{model_path}: model type {config.model_type!r} has no video support here")
    with torch.device("meta"):
        model = getattr(transformers, VIDEO_MODELS[config.model_type])(config)
    counts = resolve_parts(model, parts)
    return {p: {"modules": _modules_of(model, p), "parameters": counts[p]} for p in parts}
