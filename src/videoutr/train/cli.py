"""`videoutr train --recipe RECIPE.yaml [key=value ...]` (also `python -m videoutr.train.launch`)."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def train_command(
    overrides: list[str] = typer.Argument(None, help="key=value overrides, e.g. optim.lr=5e-4 run.max_steps=100"),
    recipe: Path = typer.Option(None, "--recipe", "-r", help="Recipe YAML (default: the embedded tiny_cpu values)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate the recipe and data mixture, then stop."),
) -> None:
    """Train a video MLLM per a recipe: data mixture, trainable parts / LoRA, cosine schedule, resume."""
    from videoutr.train.config import load_recipe, recipe_to_dict

    cfg = load_recipe(recipe, overrides or [])
    if dry_run:
        from videoutr.errors import ConfigError, VideoutrError
        from videoutr.train.mixture import Skips
        from videoutr.train.parts import plan_parts
        from videoutr.train.trainer import prepare_data

        skips = Skips()
        samples, held = prepare_data(cfg, skips)
        try:
            parts = plan_parts(cfg.model.path, cfg.tune.mm_tunable_parts, cfg.model.trust_remote_code)
        except ConfigError:
            raise
        except VideoutrError as exc:  # the model may be built later (e.g. `videoutr model init`)
            parts = {"unchecked": str(exc)}
        typer.echo(json.dumps({"recipe": recipe_to_dict(cfg), "train_samples": len(samples),
                               "eval_samples": len(held), "skipped": skips.as_dict(),
                               "trainable_parts": parts, "lora": cfg.tune.lora.enabled}, indent=2))
        return
    from videoutr.train.trainer import run_training

    summary = run_training(cfg)
    typer.echo(json.dumps(summary, indent=2))
