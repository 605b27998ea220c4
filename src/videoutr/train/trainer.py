"""The training recipe, top to bottom, on HF `Trainer` (accelerate underneath: CPU, one GPU, or
`accelerate launch` with DDP / FSDP / DeepSpeed configs).

    summary = run_training(load_recipe("tiny_cpu", ["run.max_steps=50"]))

Outputs in `run.output_dir`: `checkpoint-N/` (HF form: model, processor, optimizer, scheduler,
RNG state, `videoutr.json`), the final model (HF form; LoRA merged) in the folder itself,
`log.jsonl` (loss and LR), `skipped.jsonl`, `recipe.json` and `train_summary.json`.
"""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import time
from pathlib import Path

from transformers import Trainer

from videoutr.checks import Checks
from videoutr.errors import ConfigError, TrainingError
from videoutr.jsonio import write_json
from videoutr.models.options import InputOptions
from videoutr.train.callbacks import LOG_NAME, JsonlLogCallback, SidecarCallback, truncate_log
from videoutr.train.config import DatasetEntry, TrainRecipe, recipe_to_dict
from videoutr.train.data import Collator, TrainDataset, check_media, read_skip_log
from videoutr.train.mixture import Skips, load_mixture, parse_mixture_file, resolve_entries
from videoutr.train.parts import apply_lora, optimizer_groups, set_trainable, trainable_summary


class VideoTrainer(Trainer):
    """HF Trainer + a separate vision-tower LR + a stop on non-finite loss."""

    vision_lr: float | None = None

    def create_optimizer(self, model=None):
        import torch

        if self.optimizer is None:
            model = self.model if model is None else model
            decay = set(self.get_decay_parameter_names(model))
            groups = optimizer_groups(model, self.args.learning_rate, self.vision_lr, self.args.weight_decay, decay)
            self.optimizer = torch.optim.AdamW(
                groups,
                lr=self.args.learning_rate,
                betas=(self.args.adam_beta1, self.args.adam_beta2),
                eps=self.args.adam_epsilon,
            )
        return self.optimizer

    def _load_from_checkpoint(self, resume_from_checkpoint, model=None):
        # Trainer's own loader reads the safetensors keys as saved (LLaVA's legacy names) and,
        # with strict=False, silently loads nothing into a v5 LLaVA-OneVision; from_pretrained
        # applies the key mapping. PEFT: adapter + modules_to_save restored here too; sharded
        # (FSDP / DeepSpeed) resumes keep Trainer's own path.
        if model is not None:
            return super()._load_from_checkpoint(resume_from_checkpoint, model)
        if hasattr(self.model, "peft_config"):
            return _load_peft_checkpoint(self.model, resume_from_checkpoint)
        fresh = type(self.model).from_pretrained(resume_from_checkpoint, dtype=self.model.dtype, use_safetensors=True)
        self.model.load_state_dict(fresh.state_dict(), strict=True)
        return None

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        result = super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        loss = result[0] if return_outputs else result
        if model.training and not bool(loss.detach().isfinite().all()):
            last = latest_checkpoint(self.args.output_dir)
            raise TrainingError(
                f"non-finite loss ({float(loss.detach().float().mean())}) at step {self.state.global_step + 1}; "
                f"stopped. Last good checkpoint: {last or 'none yet'} (lower optim.lr or check the data)"
            )
        return result


def _load_peft_checkpoint(model, folder) -> None:
    """Restore LoRA weights and `modules_to_save` (the projector...) from an adapter checkpoint."""
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    state = load_file(str(Path(folder) / "adapter_model.safetensors"))
    result = set_peft_model_state_dict(model, state)
    if getattr(result, "unexpected_keys", None):
        raise TrainingError(f"{folder}: adapter weights do not fit the model: {result.unexpected_keys[:3]}")


def latest_checkpoint(output_dir: str | Path) -> Path | None:
    """The newest *complete* `checkpoint-N` (its trainer_state.json, written last, parses)."""
    folder = Path(output_dir)
    if not folder.is_dir():
        return None
    found = []
    for path in folder.glob("checkpoint-*"):
        if path.name.split("-")[-1].isdigit() and _complete(path):
            found.append((int(path.name.split("-")[-1]), path))
    return max(found)[1] if found else None


def _complete(path: Path) -> bool:
    try:
        json.loads((path / "trainer_state.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return (path / "scheduler.pt").is_file() and any(path.glob("*.safetensors"))


def _drop_incomplete(output_dir: Path, keep: Path | None) -> None:
    """Remove half-written checkpoints (a kill during a save) newer than `keep`."""
    keep_step = int(keep.name.split("-")[-1]) if keep else -1
    for path in output_dir.glob("checkpoint-*"):
        step = path.name.split("-")[-1]
        if step.isdigit() and int(step) > keep_step and not _complete(path):
            shutil.rmtree(path, ignore_errors=True)


def prepare_data(recipe: TrainRecipe, skips: Skips):
    """Resolve the mixture (all missing files reported before anything loads), load, split."""
    d = recipe.data
    entries = parse_mixture_file(d.mixture) if d.mixture else []
    entries += resolve_entries(d.datasets)
    samples = load_mixture(entries, seed=d.mixture_seed, skips=skips)
    eval_samples = []
    if d.eval_json:
        eval_samples = load_mixture(resolve_entries([DatasetEntry(d.eval_json, "all")]), skips=Skips())
    elif d.eval_fraction > 0:
        import random

        order = list(range(len(samples)))
        random.Random(d.mixture_seed).shuffle(order)
        held = set(order[: max(1, int(len(samples) * d.eval_fraction))])
        eval_samples = [s for i, s in enumerate(samples) if i in held]
        samples = [s for i, s in enumerate(samples) if i not in held]
    if d.check_videos:
        samples = check_media(samples, d.video_root, skips, d.allow_outside_root)
        eval_samples = check_media(eval_samples, d.video_root, Skips(), d.allow_outside_root)
    return samples, eval_samples


def check_paths(recipe: TrainRecipe) -> None:
    """The recipe's model and output paths, all problems at once (`ConfigError`)."""
    checks = Checks("train")
    checks.model("model.path", recipe.model.path)
    checks.output("run.output_dir", recipe.run.output_dir, folder=True)
    for root in recipe.data.video_root:
        checks.need(Path(root).is_dir(), "data.video_root", "existing folders", root)
    checks.done()


def _precision(name: str) -> str:
    import torch

    if name != "auto":
        return name
    return "bf16" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "fp32"


def training_arguments(recipe: TrainRecipe, has_eval: bool, resuming: bool):
    """`TrainingArguments` from the recipe (the one place the mapping lives)."""
    import torch
    from transformers import TrainingArguments

    r, o = recipe.run, recipe.optim
    precision = _precision(r.precision)
    if precision in ("bf16", "fp16") and not torch.cuda.is_available():
        raise ConfigError(f"run.precision={precision} needs a GPU; use fp32 (or auto) on the CPU")
    if r.tensorboard and not any(importlib.util.find_spec(m) for m in ("tensorboard", "tensorboardX")):
        raise ConfigError("run.tensorboard=true needs TensorBoard: pip install tensorboard")
    warmup = o.warmup_steps if o.warmup_steps > 0 else o.warmup_ratio
    fields = TrainingArguments.__dataclass_fields__
    ckpt_key = "activation_checkpointing" if "activation_checkpointing" in fields else "gradient_checkpointing"
    return TrainingArguments(
        output_dir=r.output_dir,
        per_device_train_batch_size=r.batch_size,
        per_device_eval_batch_size=r.batch_size,
        gradient_accumulation_steps=r.grad_accum,
        num_train_epochs=r.epochs,
        max_steps=r.max_steps,
        learning_rate=o.lr,
        weight_decay=o.weight_decay,
        adam_beta1=o.adam_beta1,
        adam_beta2=o.adam_beta2,
        max_grad_norm=o.max_grad_norm,
        lr_scheduler_type=o.scheduler,
        warmup_steps=warmup,
        logging_steps=r.logging_steps,
        logging_first_step=True,
        logging_nan_inf_filter=False,
        save_strategy="steps",
        save_steps=r.save_steps,
        save_total_limit=r.save_total_limit,
        eval_strategy="steps" if has_eval else "no",
        eval_steps=r.eval_steps or r.save_steps,
        eval_on_start=has_eval and not resuming,
        seed=r.seed,
        data_seed=r.seed,
        bf16=precision == "bf16",
        fp16=precision == "fp16",
        **{ckpt_key: r.gradient_checkpointing},
        report_to=["tensorboard"] if r.tensorboard else "none",
        dataloader_num_workers=r.dataloader_workers,
        remove_unused_columns=False,
        label_names=["labels"],
        use_cpu=not torch.cuda.is_available(),
        include_num_input_tokens_seen="non_padding",
        deepspeed=r.deepspeed,
        fsdp=r.fsdp or "",
    )


def _resume_point(recipe: TrainRecipe) -> Path | None:
    out = Path(recipe.run.output_dir)
    if recipe.run.resume == "never":
        return None
    if recipe.run.resume != "auto":
        path = Path(recipe.run.resume)
        if not _complete(path):
            raise ConfigError(f"run.resume={path}: not a complete checkpoint folder")
        return path
    last = latest_checkpoint(out)
    _drop_incomplete(out, last)
    return last


def build_model(recipe: TrainRecipe):
    """Load model + processor, then set the trainable parts (or LoRA)."""
    from transformers import set_seed

    from videoutr.models.load import load_video_model

    set_seed(recipe.run.seed)  # LoRA initialisation is random: make it the run's
    m, t = recipe.model, recipe.tune
    model, processor = load_video_model(
        m.path,
        dtype=m.dtype,
        device="cpu",
        attn_implementation=m.attn_implementation,
        trust_remote_code=m.trust_remote_code,
    )
    model.train()
    if t.lora.enabled:
        model = apply_lora(model, t.lora, [p for p in t.mm_tunable_parts if p != "mm_language_model"])
    else:
        set_trainable(model, t.mm_tunable_parts)
    if recipe.run.gradient_checkpointing:
        model.enable_input_require_grads()
    return model, processor


def _sidecar(recipe: TrainRecipe) -> dict:
    base = Path(recipe.model.path) / "videoutr.json"
    side = json.loads(base.read_text(encoding="utf-8")) if base.is_file() else {}
    d = recipe.data
    side.update({"num_frames": d.num_frames or d.max_frames, "trained_from": recipe.model.path})
    return side


def run_training(recipe: TrainRecipe, extra_callbacks: list | None = None) -> dict:
    """Train per `recipe`; resumes from the last complete checkpoint; returns the run summary.

    The model path, the output folder and the data are checked before anything is written."""
    out = Path(recipe.run.output_dir)
    check_paths(recipe)
    skips = Skips()
    samples, eval_samples = prepare_data(recipe, skips)  # a missing mixture file fails here
    if not samples:
        raise TrainingError(f"no usable training samples: {skips.total} skipped ({skips.counts})")
    out.mkdir(parents=True, exist_ok=True)
    resume = _resume_point(recipe)
    truncate_log(out / LOG_NAME, int(resume.name.split("-")[-1]) if resume else 0)
    if resume is None:
        (out / LOG_NAME).unlink(missing_ok=True)
        (out / "skipped.jsonl").unlink(missing_ok=True)
    write_json(out / "recipe.json", recipe_to_dict(recipe))
    model, processor = build_model(recipe)
    d = recipe.data
    inputs = InputOptions(
        fps=d.fps,
        min_frames=d.min_frames,
        max_frames=d.max_frames,
        min_pixels=d.min_pixels,
        max_pixels=d.max_pixels,
        total_pixels=d.total_pixels,
        system_prompt=recipe.model.system_prompt,
        chat_template=recipe.model.chat_template,
    )
    inputs.apply(processor)
    spec = inputs.policy(recipe.model.path, processor, d.num_frames)
    if d.num_frames is None and recipe.run.batch_size > 1:
        raise ConfigError(
            "data.fps with run.batch_size > 1: videos in a batch need equal frame counts; "
            "set data.num_frames (or run.batch_size=1 with run.grad_accum)"
        )
    system = recipe.model.system_prompt
    train_ds = TrainDataset(
        samples,
        processor,
        spec,
        d.video_root,
        d.max_length,
        out / "skipped.jsonl",
        cache_samples=d.cache_samples,
        allow_outside=d.allow_outside_root,
        system=system,
    )
    eval_ds = (
        TrainDataset(
            eval_samples,
            processor,
            spec,
            d.video_root,
            d.max_length,
            cache_samples=d.cache_samples,
            allow_outside=d.allow_outside_root,
            system=system,
        )
        if eval_samples
        else None
    )
    trainer = VideoTrainer(
        model=model,
        args=training_arguments(recipe, eval_ds is not None, resume is not None),
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        data_collator=Collator(processor.tokenizer.pad_token_id),
        processing_class=processor,
        callbacks=[JsonlLogCallback(out / LOG_NAME), SidecarCallback(_sidecar(recipe)), *(extra_callbacks or [])],
    )
    trainer.vision_lr = recipe.tune.vision_lr
    trainable = trainable_summary(model)
    start = time.time()
    trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    seconds = time.time() - start
    _save_final(trainer, model, processor, recipe, out)
    summary = _summary(trainer, skips, out, seconds, resume)
    summary["trainable"] = trainable
    summary["train_samples"] = len(samples)
    write_json(out / "train_summary.json", summary)
    return summary


def _save_final(trainer, model, processor, recipe: TrainRecipe, out: Path) -> None:
    if recipe.tune.lora.enabled:
        model.save_pretrained(out / "adapter")
        merged = model.merge_and_unload()
        merged.save_pretrained(out, safe_serialization=True)
    else:
        trainer.save_model(str(out))
    processor.save_pretrained(out)
    write_json(out / "videoutr.json", _sidecar(recipe))


def _summary(trainer, skips: Skips, out: Path, seconds: float, resume) -> dict:
    state = trainer.state
    losses = [h["loss"] for h in state.log_history if "loss" in h]
    evals = [h["eval_loss"] for h in state.log_history if "eval_loss" in h]
    tokens = state.num_input_tokens_seen - getattr(trainer, "_initial_num_input_tokens_seen", 0)
    skipped_at_load = read_skip_log(out / "skipped.jsonl")
    return {
        "output_dir": str(out),
        "steps": state.global_step,
        "resumed_from": str(resume) if resume else None,
        "train_loss_first": losses[0] if losses else None,
        "train_loss_last": losses[-1] if losses else None,
        "eval_loss_first": evals[0] if evals else None,
        "eval_loss_last": evals[-1] if evals else None,
        "seconds": round(seconds, 2),
        "tokens_seen": int(tokens),
        "tokens_per_s": round(tokens / seconds, 1) if seconds > 0 else math.nan,
        "skipped_before_training": skips.as_dict(),
        "skipped_during_training": {"total": len(skipped_at_load), "examples": dict(list(skipped_at_load.items())[:5])},
    }
