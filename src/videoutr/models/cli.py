"""`videoutr model ...`: build the project's tiny LLaVA-OneVision."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from videoutr.config_options import ConfigFile, Overrides, command_settings

model_app = typer.Typer(help="The model layer: build the tiny LLaVA-OneVision.", no_args_is_help=True)


@dataclass
class InitSettings:
    """What `videoutr model init` builds (keys of its --config and a.b=value)."""

    preset: str = "tiny"  # model shape: a name of videoutr.models.tiny.PRESETS
    seed: int = 0  # random-init seed
    corpus: str | None = None  # extra text (one sample per line) for the tokenizer


@model_app.command("init")
def init_command(
    overrides: Overrides = None,
    out: Path = typer.Option(..., "--out", help="Folder to write the checkpoint (HF format) to."),
    preset: str = typer.Option(
        None,
        "--preset",
        help="Model shape: tiny (default), small, or ov-geometry / ov-0.5b (LLaVA-OneVision's frames; GPU).",
    ),
    seed: int = typer.Option(None, "--seed", help="Random-init seed (default 0)."),
    corpus: Path = typer.Option(None, "--corpus", help="Extra text (one sample per line) for the tokenizer."),
    config: ConfigFile = None,
) -> None:
    """Build a random-init LLaVA-OneVision (SigLIP + Qwen2) with a tokenizer trained here."""
    from videoutr.checks import Checks
    from videoutr.models.tiny import PRESETS, init_tiny_model

    settings = command_settings(InitSettings, "model init", config, overrides, preset=preset, seed=seed, corpus=corpus)
    preset, seed = settings.preset, settings.seed
    corpus = Path(settings.corpus) if settings.corpus is not None else None

    checks = Checks("model init")
    checks.choice("--preset", preset, PRESETS)  # unknown names fail before any work
    checks.output("--out", out, folder=True)
    if corpus is not None:
        checks.input_file("--corpus", corpus)
    checks.done()
    extra: tuple[str, ...] = ()
    if corpus is not None:
        extra = tuple(corpus.read_text(encoding="utf-8").splitlines())
    path = init_tiny_model(out, preset=preset, seed=seed, extra_text=extra)
    cfg = PRESETS[preset]
    typer.echo(
        f"wrote {preset} model to {path} ({cfg.image_size} px frames, "
        f"{cfg.tokens_per_frame} tokens/frame, {cfg.num_frames} frames/video)"
    )
