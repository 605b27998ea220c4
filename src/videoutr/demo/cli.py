"""`videoutr demo`: the main job, end to end, with a report.

videoutr demo --out runs/demo            # defaults: <= 10 minutes on 2 CPU cores
videoutr demo --out runs/demo-full --full
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def demo_command(
    overrides: Annotated[
        list[str] | None, typer.Argument(help="DemoConfig overrides key=value, e.g. eval_limit=24 bootstrap=500.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder of the run (resumed if it exists).")] = Path("runs/demo"),
    seeds: Annotated[int | None, typer.Option(help="Training seeds per arm (intervals over seeds).")] = None,
    full: Annotated[
        bool, typer.Option("--full", help="3 training seeds, every arm under every condition (~30 min).")
    ] = False,
    preset: Annotated[str | None, typer.Option(help="default | full | smallest (overrides --full).")] = None,
    steps: Annotated[int | None, typer.Option(help="Optimizer steps per arm.")] = None,
    base: Annotated[str | None, typer.Option(help="Base checkpoint folder (default: the committed one).")] = None,
    world_seed: Annotated[int | None, typer.Option(help="Seed of the demo world (videos, benchmark).")] = None,
    train_seed: Annotated[int | None, typer.Option(help="First training seed of every arm.")] = None,
    config: Annotated[Path | None, typer.Option(help="YAML of DemoConfig values over the preset.")] = None,
) -> None:
    """Reproduce temporal hacking and its cure on the synthetic world; write OUT/report.md and results.json.

    Example: videoutr demo --out runs/demo
    """
    from videoutr.demo.config import DemoConfig, demo_preset
    from videoutr.demo.run import run_demo
    from videoutr.schema import load_config

    flags = {"seeds": seeds, "steps": steps, "base": base, "world_seed": world_seed, "train_seed": train_seed}
    cfg = load_config(
        DemoConfig,
        config,
        overrides or [],
        name="demo config",
        base=demo_preset(preset or ("full" if full else "default")),
        values=flags,
        check=DemoConfig.problems,
    )
    results = run_demo(cfg, out)
    for c in results["claims"]:
        value = "-" if c["value"] is None else f"{c['value']:+.3f}"
        typer.echo(f"{c['verdict']:>13}  {c['id']:<32} {value:>7}  (target {c['target']:g})")
    typer.echo(f"report: {out / 'report.md'} ({results['wall_s']:.0f} s)")
