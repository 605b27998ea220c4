"""`videoutr model ...`: build the project's tiny LLaVA-OneVision."""

from __future__ import annotations

from pathlib import Path

import typer

model_app = typer.Typer(help="The model layer: build the tiny LLaVA-OneVision.", no_args_is_help=True)


@model_app.command("init")
def init_command(
    out: Path = typer.Option(..., "--out", help="Folder to write the checkpoint (HF format) to."),
    preset: str = typer.Option("tiny", "--preset", help="Model shape: tiny or small."),
    seed: int = typer.Option(0, "--seed", help="Random-init seed."),
    corpus: Path = typer.Option(None, "--corpus", help="Extra text (one sample per line) for the tokenizer."),
) -> None:
    """Build a random-init LLaVA-OneVision (SigLIP + Qwen2) with a tokenizer trained here."""
    from videoutr.checks import Checks
    from videoutr.models.tiny import PRESETS, init_tiny_model

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
    typer.echo(f"wrote {preset} model to {path} ({cfg.image_size} px frames, "
               f"{cfg.tokens_per_frame} tokens/frame, {cfg.num_frames} frames/video)")
