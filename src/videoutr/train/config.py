"""Typed training recipe: dataclasses are the schema, YAML holds only values.

A recipe is a YAML file with the sections below; `key=value` overrides (dotted keys) are applied on
top (`data.mixture=...` replaces the recipe's `data.datasets`, and the other way round); unknown
keys and bad values are all reported together in one `ConfigError`.

    >>> cfg = load_recipe("tiny_cpu", ["optim.lr=5e-4", "run.max_steps=20"])
    >>> cfg.optim.lr
    0.0005
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from videoutr.errors import ConfigError
from videoutr.jsonio import read_yaml
from videoutr.resources import package_path, recipe_path
from videoutr.schema import load_config

DEFAULT_RECIPE = package_path("recipes", "tiny_cpu.yaml")  # the embedded default
TUNABLE_PARTS = ("mm_mlp_adapter", "mm_vision_tower", "mm_language_model")
SCHEDULERS = ("cosine", "linear", "constant", "constant_with_warmup")


@dataclass
class ModelConfig:
    path: str = "runs/tiny/model"  # a folder in HF form, or a hub id
    dtype: str = "auto"  # auto | float32 | bfloat16 | float16; auto = bf16 on a bf16 GPU, else fp32
    attn_implementation: str = "sdpa"  # sdpa | eager | flash_attention_2
    trust_remote_code: bool = False  # never by default
    system_prompt: str | None = None  # replaces the chat template's system prompt
    chat_template: str | None = None  # a Jinja file replacing the checkpoint's chat template


@dataclass
class DatasetEntry:
    json_path: str = ""
    sampling_strategy: str = "all"  # all | first:N | end:N | random:N% | random:N


@dataclass
class DataConfig:
    # Either `mixture` (a YAML file with `datasets:`, the LLaVA-NeXT form) or inline `datasets`.
    mixture: str | None = None
    datasets: list[DatasetEntry] = field(default_factory=list)
    video_root: list[str] = field(default_factory=list)  # searched in order for relative paths
    num_frames: int | None = 8  # uniform frames per video; or use fps with max_frames
    fps: float | None = None
    max_frames: int = 32  # frames_upbound (Qwen fps policy: its max_frames)
    min_frames: int | None = None  # Qwen fps policy (qwen-vl-utils: 4)
    min_pixels: int | None = None  # Qwen per-frame pixel bounds and video budget (qwen-vl-utils defaults)
    max_pixels: int | None = None
    total_pixels: int | None = None
    max_length: int = 4096  # longer samples are truncated (labels too)
    eval_json: str | None = None  # held-out LLaVA file for evaluation loss
    eval_fraction: float = 0.0  # or hold out this fraction of the mixture (seeded)
    check_videos: bool = True  # drop samples whose video file is missing before training
    allow_outside_root: bool = False  # allow video paths that leave every video_root
    mixture_seed: int = 0  # seed of `random:` strategies
    cache_samples: int = 0  # keep up to N encoded samples (frames + tokens) in memory across epochs


@dataclass
class LoraConfig:
    enabled: bool = False
    r: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: list[str] = field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    )


@dataclass
class TuneConfig:
    # Like LLaVA-NeXT's --mm_tunable_parts; LoRA adapters go on the language model instead of full
    # tuning when lora.enabled (then mm_language_model means "LoRA on the LM").
    mm_tunable_parts: list[str] = field(default_factory=lambda: list(TUNABLE_PARTS))
    vision_lr: float | None = None  # --mm_vision_tower_lr; None = same as optim.lr
    lora: LoraConfig = field(default_factory=LoraConfig)


@dataclass
class OptimConfig:
    # The tiny model needs lr <= 1e-3 with warm-up or it never looks at the video.
    lr: float = 7e-4
    weight_decay: float = 0.0
    scheduler: str = "cosine"
    warmup_ratio: float = 0.03
    warmup_steps: int = 0  # when > 0 it wins over warmup_ratio
    adam_beta1: float = 0.9
    adam_beta2: float = 0.999
    max_grad_norm: float = 1.0


@dataclass
class RunConfig:
    output_dir: str = "runs/train"
    epochs: float = 1.0
    max_steps: int = -1  # > 0 overrides epochs
    batch_size: int = 8  # per device
    grad_accum: int = 1
    precision: str = "auto"  # auto | fp32 | bf16 | fp16
    gradient_checkpointing: bool = False
    seed: int = 0
    save_steps: int = 100
    save_total_limit: int | None = 3
    logging_steps: int = 10
    eval_steps: int | None = None
    tensorboard: bool = False
    dataloader_workers: int = 0
    resume: str = "auto"  # auto (last complete checkpoint in output_dir) | never | a checkpoint path
    deepspeed: str | None = None  # DeepSpeed JSON, when launched with accelerate/deepspeed
    fsdp: str = ""  # e.g. "full_shard auto_wrap", passed to TrainingArguments


@dataclass
class TrainRecipe:
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    tune: TuneConfig = field(default_factory=TuneConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    run: RunConfig = field(default_factory=RunConfig)


def load_recipe(path: str | Path | None, overrides: list[str] | None = None, semantic: bool = True) -> TrainRecipe:
    """Read a recipe YAML (the embedded tiny_cpu recipe when `path` is None; a packaged recipe by name,
    e.g. `demo_arm`, when `path` is not a file), apply overrides, validate.

    `semantic=False` checks only the schema (keys and types): for template recipes whose data
    another tool fills in.
    """
    path = DEFAULT_RECIPE if path is None else recipe_path(path)
    raw: Any = read_yaml(path) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a recipe must be a mapping of sections, got {type(raw).__name__}")
    _one_data_source(raw, overrides or [])
    recipe = load_config(TrainRecipe, raw, overrides or [], name=str(path), check=validate if semantic else None)
    recipe.data.mixture = _packaged(recipe.data.mixture)
    recipe.run.deepspeed = _packaged(recipe.run.deepspeed)
    return recipe


def _packaged(name: str | None) -> str | None:
    """A file a recipe names: the path itself when it is a file, else the packaged recipe file of that
    name (e.g. `data/video_utr_sft.yaml`, `launch/deepspeed_zero3.json`), else `name` unchanged (reported
    missing where it is read)."""
    if name is None or Path(name).is_file():
        return name
    found = recipe_path(name)
    return str(found) if found.is_file() else name


def recipe_to_dict(recipe: TrainRecipe) -> dict[str, Any]:
    """The recipe as plain data (what is written next to a run's outputs)."""
    return dataclasses.asdict(recipe)


def _one_data_source(raw: dict, overrides: list[str]) -> None:
    """`data.mixture=...` on the command line replaces the recipe's inline `data.datasets` (and
    `data.datasets=...` its `data.mixture`): the data named on the command line is the data trained on."""
    given = {item.split("=", 1)[0].strip() for item in overrides}
    data = raw.get("data")
    if not isinstance(data, dict):
        return
    if "data.mixture" in given and "data.datasets" not in given:
        data.pop("datasets", None)
    if "data.datasets" in given and "data.mixture" not in given:
        data.pop("mixture", None)


def validate(recipe: TrainRecipe) -> list[str]:
    """Every semantic problem of a recipe (empty when it is usable)."""
    p: list[str] = []
    d, t, o, r = recipe.data, recipe.tune, recipe.optim, recipe.run
    if not d.mixture and not d.datasets:
        p.append("data: give data.mixture (a YAML with 'datasets:') or data.datasets")
    if d.num_frames is None and d.fps is None:
        p.append("data: give data.num_frames or data.fps")
    if d.num_frames is not None and d.num_frames < 1:
        p.append(f"data.num_frames: expected >= 1, got {d.num_frames}")
    if d.fps is not None and d.fps <= 0:
        p.append(f"data.fps: expected > 0, got {d.fps}")
    if d.cache_samples < 0:
        p.append(f"data.cache_samples: expected >= 0, got {d.cache_samples}")
    if not 0.0 <= d.eval_fraction < 1.0:
        p.append(f"data.eval_fraction: expected in [0, 1), got {d.eval_fraction}")
    for part in t.mm_tunable_parts:
        if part not in TUNABLE_PARTS:
            p.append(f"tune.mm_tunable_parts: unknown part {part!r} (known: {', '.join(TUNABLE_PARTS)})")
    if not t.mm_tunable_parts and not t.lora.enabled:
        p.append("tune.mm_tunable_parts: nothing would train (empty list and LoRA disabled)")
    if t.lora.enabled and t.lora.r < 1:
        p.append(f"tune.lora.r: expected >= 1, got {t.lora.r}")
    if o.lr <= 0 or (t.vision_lr is not None and t.vision_lr < 0):
        p.append(f"optim.lr / tune.vision_lr: expected positive, got {o.lr} / {t.vision_lr}")
    if o.scheduler not in SCHEDULERS:
        p.append(f"optim.scheduler: expected one of {', '.join(SCHEDULERS)}, got {o.scheduler!r}")
    if not 0.0 <= o.warmup_ratio < 1.0:
        p.append(f"optim.warmup_ratio: expected in [0, 1), got {o.warmup_ratio}")
    if recipe.model.dtype not in ("auto", "float32", "bfloat16", "float16"):
        p.append(f"model.dtype: expected auto|float32|bfloat16|float16, got {recipe.model.dtype!r}")
    if r.precision not in ("auto", "fp32", "bf16", "fp16"):
        p.append(f"run.precision: expected auto|fp32|bf16|fp16, got {r.precision!r}")
    if r.batch_size < 1 or r.grad_accum < 1:
        p.append(f"run.batch_size / run.grad_accum: expected >= 1, got {r.batch_size} / {r.grad_accum}")
    if r.max_steps <= 0 and r.epochs <= 0:
        p.append("run: give run.epochs > 0 or run.max_steps > 0")
    if r.max_steps == 0 or r.max_steps < -1:
        p.append(f"run.max_steps: expected > 0 (or -1: train run.epochs), got {r.max_steps}")
    if r.epochs < 0 or d.max_length < 1 or d.max_frames < 1:
        p.append(
            f"run.epochs / data.max_length / data.max_frames: expected >= 0 / >= 1 / >= 1, "
            f"got {r.epochs} / {d.max_length} / {d.max_frames}"
        )
    if r.save_steps < 1 or r.logging_steps < 1:
        p.append(f"run.save_steps / run.logging_steps: expected >= 1, got {r.save_steps} / {r.logging_steps}")
    return p
