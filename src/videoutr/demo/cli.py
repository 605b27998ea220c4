"""`videoutr demo`: the main job, end to end, with a report.

    videoutr demo --out runs/demo            # defaults: <= 10 minutes on 2 CPU cores
    videoutr demo --out runs/demo-full --full
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def demo_command(
    out: Annotated[Path, typer.Option(help="Folder of the run (resumed if it exists).")] = Path("runs/demo"),
    seeds: Annotated[int | None, typer.Option(help="Training seeds per arm (intervals over seeds).")] = None,
    full: Annotated[bool, typer.Option("--full", help="3 seeds, 300 steps, every arm ablated: tighter intervals (~45 min).")] = False,
    preset: Annotated[str | None, typer.Option(help="default | full | smallest (overrides --full).")] = None,
    steps: Annotated[int | None, typer.Option(help="Optimizer steps per arm.")] = None,
    base: Annotated[str | None, typer.Option(help="Base checkpoint folder (default: the committed one).")] = None,
) -> None:
    """Reproduce temporal hacking and its cure on the synthetic world; write OUT/report.md and results.json.

    Example: videoutr demo --out runs/demo
    """
    from videoutr.demo.config import demo_preset
    from videoutr.demo.run import run_demo

    cfg = demo_preset(preset or ("full" if full else "default"), seeds=seeds, steps=steps, base=base)
    results = run_demo(cfg, out, log=lambda m: typer.echo(m, err=True))
    for f in results["findings"]:
        typer.echo(f"{f['verdict']:>13}  {f['claim']}: {f['evidence']}")
    typer.echo(f"report: {out / 'report.md'}")
