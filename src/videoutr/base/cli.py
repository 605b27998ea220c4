"""`videoutr base build|probe`: rebuild the demo's base checkpoint, and check what it reads off one frame."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import typer

from videoutr.config_options import ConfigFile, Overrides, command_settings

base_app = typer.Typer(
    help="The base checkpoint the demo's arms fine-tune from: build it, probe it.", no_args_is_help=True
)


@base_app.command("build")
def build_command(
    overrides: list[str] = typer.Argument(None, help="Recipe overrides for every phase, e.g. run.batch_size=8."),
    out: Path = typer.Option(None, "--out", help="Folder of the finished checkpoint (default: the committed one)."),
    work: Path = typer.Option(
        Path("runs/base-build"),
        "--work",
        help="Folder of the phases' data and checkpoints (resumed: a finished phase is not run again).",
    ),
    phases: str = typer.Option(None, "--phases", help="Comma-separated phases to run (default: all)."),
    start: Path = typer.Option(None, "--start", help="Checkpoint to start from (default: a fresh tiny model)."),
    probe_videos: int = typer.Option(200, "--probe-videos", help="Held-out frames of the probe run at the end."),
) -> None:
    """Train the base phase by phase (about an hour on 2 CPU cores from scratch); write OUT/phases.json
    and OUT/probe.json.

    Example: videoutr base build --phases cut,cutmix --start CHECKPOINT --out runs/base
    """
    from videoutr.base.build import BUILTIN, PHASE_NAMES, PHASES, build_base
    from videoutr.base.probe import probe_base
    from videoutr.checks import Checks
    from videoutr.jsonio import write_json

    names = tuple(phases.split(",")) if phases else PHASE_NAMES
    out = out or BUILTIN
    checks = Checks("base build")
    unknown = sorted(set(names) - set(PHASE_NAMES))
    checks.need(not unknown, "--phases", f"phases from {', '.join(PHASE_NAMES)}", ",".join(unknown))
    if start is not None:
        checks.need(start.is_dir(), "--start", "a checkpoint folder", str(start))
    checks.at_least("--probe-videos", probe_videos, 1)
    checks.done()
    summaries = build_base(out, work, overrides or [], names, start)
    steps = {p.name: p.steps for p in PHASES}
    typer.echo(", ".join(f"{name} {steps[name]} steps" for name in names))
    write_json(
        out / "phases.json",
        {"start": str(start) if start else "fresh tiny model", "phases": dict(zip(names, summaries))},
    )
    probe = probe_base(out, videos=probe_videos)
    write_json(out / "probe.json", probe)
    typer.echo(json.dumps(probe["accuracy"]))
    typer.echo(f"  {out}")


@dataclass
class ProbeSettings:
    """What `videoutr base probe` asks (keys of its --config and a.b=value)."""

    model: str | None = None  # checkpoint folder (None: the committed base)
    videos: int = 60  # held-out frames to ask about


@base_app.command("probe")
def probe_command(
    overrides: Overrides = None,
    config: ConfigFile = None,
    model: Path = typer.Option(None, "--model", help="Checkpoint folder (default: the committed base)."),
    videos: int = typer.Option(None, "--videos", help="Held-out frames to ask about (default 60)."),
) -> None:
    """Accuracy per still-question kind (count, shape, colour, place) and the 3x3 cell test, as JSON.

    Example: videoutr base probe --model runs/base videos=200"""
    from videoutr.base.build import BUILTIN
    from videoutr.base.probe import probe_base
    from videoutr.checks import Checks

    cfg = command_settings(ProbeSettings, "base probe", config, overrides, model=model, videos=videos)
    checks = Checks("base probe")
    if cfg.model is not None:
        checks.model("--model", cfg.model)
    checks.at_least("--videos", cfg.videos, 1)
    checks.done()
    typer.echo(json.dumps(probe_base(Path(cfg.model) if cfg.model else BUILTIN, cfg.videos), indent=1))
