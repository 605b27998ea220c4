"""`videoutr base build|probe`: rebuild the demo's base checkpoint, and check what it reads off one frame."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
import yaml

from videoutr.config_options import ConfigFile, Overrides, command_settings

base_app = typer.Typer(
    help="The base checkpoint the demo's arms fine-tune from: build it, probe it.", no_args_is_help=True
)


@dataclass
class BuildSettings:
    """What `videoutr base build` runs (keys of its --config and a.b=value). The recipe's sections
    (`run.batch_size=8`, `optim.lr=1e-3`) override the packaged `tiny_base` recipe in every phase."""

    out: str | None = None  # folder of the finished checkpoint (None: the committed one)
    work: str = "runs/base-build"  # the phases' data and checkpoints (a finished phase is not run again)
    phases: list[str] | None = None  # phases to run (None: all)
    start: str | None = None  # checkpoint to start from (None: a fresh tiny model)
    probe_videos: int = 200  # held-out frames of the probe run at the end
    model: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    tune: dict[str, Any] = field(default_factory=dict)
    optim: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)

    def recipe_overrides(self) -> list[str]:
        """The recipe sections as the `section.key=value` overrides `load_recipe` reads."""
        sections = {"model": self.model, "data": self.data, "tune": self.tune, "optim": self.optim, "run": self.run}
        return [f"{key}={_yaml_value(value)}" for key, value in _dotted(sections)]


def _dotted(tree: dict[str, Any], prefix: str = ""):
    for key, value in tree.items():
        if isinstance(value, dict):  # an empty section sets nothing
            yield from _dotted(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _yaml_value(value: Any) -> str:
    """`value` as the YAML text an override is read from (`null`, `8`, `'1.0'`, `[a, b]`)."""
    return yaml.safe_dump(value, default_flow_style=True, width=1 << 16).removesuffix("\n...\n").strip()


@base_app.command("build")
def build_command(
    overrides: Overrides = None,
    config: ConfigFile = None,
    out: Path = typer.Option(None, "--out", help="Folder of the finished checkpoint (default: the committed one)."),
    work: Path = typer.Option(
        None,
        "--work",
        help="Folder of the phases' data and checkpoints (default runs/base-build; a finished phase is not run again).",
    ),
    phases: str = typer.Option(None, "--phases", help="Comma-separated phases to run (default: all)."),
    start: Path = typer.Option(None, "--start", help="Checkpoint to start from (default: a fresh tiny model)."),
    probe_videos: int = typer.Option(None, "--probe-videos", help="Held-out frames of the probe run at the end (200)."),
) -> None:
    """Train the base phase by phase (about 2 hours on 2 CPU cores from scratch); write OUT/phases.json
    and OUT/probe.json. Settings a.b=value of the recipe's sections (run.batch_size=8) apply to every phase.

    Example: videoutr base build --phases frames --start CHECKPOINT --out runs/base run.batch_size=8
    """
    cfg = command_settings(
        BuildSettings,
        "base build",
        config,
        overrides,
        out=out,
        work=work,
        phases=phases.split(",") if phases else None,
        start=start,
        probe_videos=probe_videos,
    )
    from videoutr.base.build import BUILTIN, PHASE_NAMES, build_base
    from videoutr.base.probe import probe_base
    from videoutr.checks import Checks
    from videoutr.jsonio import write_json

    names = tuple(cfg.phases) if cfg.phases else PHASE_NAMES
    out = Path(cfg.out) if cfg.out else BUILTIN
    start = Path(cfg.start) if cfg.start else None
    checks = Checks("base build")
    unknown = sorted(set(names) - set(PHASE_NAMES))
    checks.need(not unknown, "--phases", f"phases from {', '.join(PHASE_NAMES)}", ",".join(unknown))
    if start is not None:
        checks.need(start.is_dir(), "--start", "a checkpoint folder", str(start))
    checks.at_least("--probe-videos", cfg.probe_videos, 1)
    checks.done()
    summaries = build_base(out, cfg.work, cfg.recipe_overrides(), names, start)
    typer.echo(", ".join(f"{name} {summary['steps']} steps" for name, summary in zip(names, summaries)))
    write_json(
        out / "phases.json",
        {"start": str(start) if start else "fresh tiny model", "phases": dict(zip(names, summaries))},
    )
    probe = probe_base(out, videos=cfg.probe_videos)
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
    """Accuracy per still-question kind (count, shape, colour, place), the 3x3 cell test, and the frame
    and boundary tests (frame addressing on moving videos), as JSON.

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
