"""`videoutr train --config RECIPE.yaml [key=value ...]` (also `python -m videoutr.train.launch`)."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def train_command(
    overrides: list[str] = typer.Argument(None, help="key=value overrides, e.g. optim.lr=5e-4 run.max_steps=100"),
    recipe: Path = typer.Option(
        None,
        "--config",
        "-c",
        help="Recipe YAML, or a packaged recipe by name (tiny_cpu, demo_arm, tiny_base; default: tiny_cpu).",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate the recipe and data mixture, then stop."),
    allow_outside_root: bool = typer.Option(
        False, "--allow-outside-root", help="Allow video paths that leave every data.video_root."
    ),
) -> None:
    """Train a video MLLM per a recipe: data mixture, trainable parts / LoRA, cosine schedule, resume.

    Exit code 1 when samples were skipped (missing, unreadable or outside the video roots; counted
    in the summary and listed in OUTPUT_DIR/skipped.jsonl)."""
    from videoutr.errors import raise_if_failed
    from videoutr.train.config import load_recipe, recipe_to_dict

    extra = ["data.allow_outside_root=true"] if allow_outside_root else []
    cfg = load_recipe(recipe, [*(overrides or []), *extra])
    if dry_run:
        from videoutr.errors import ConfigError, VideoutrError
        from videoutr.train.mixture import Skips
        from videoutr.train.parts import plan_parts
        from videoutr.train.trainer import check_paths, prepare_data

        check_paths(cfg)
        skips = Skips()
        samples, held = prepare_data(cfg, skips)
        try:
            parts = plan_parts(cfg.model.path, cfg.tune.mm_tunable_parts, cfg.model.trust_remote_code)
        except ConfigError:
            raise
        except VideoutrError as exc:  # the model may be built later (e.g. `videoutr model init`)
            parts = {"unchecked": str(exc)}
        typer.echo(
            json.dumps(
                {
                    "recipe": recipe_to_dict(cfg),
                    "train_samples": len(samples),
                    "eval_samples": len(held),
                    "skipped": skips.as_dict(),
                    "trainable_parts": parts,
                    "lora": cfg.tune.lora.enabled,
                },
                indent=2,
            )
        )
        return
    from videoutr.train.trainer import run_training

    summary = run_training(cfg)
    typer.echo(json.dumps(summary, indent=2))
    skipped = summary["skipped_before_training"]["total"] + summary["skipped_during_training"]["total"]
    raise_if_failed(
        skipped,
        summary["train_samples"] + summary["skipped_before_training"]["total"],
        "samples",
        f"{cfg.run.output_dir}/skipped.jsonl and the summary's skip counts",
    )
