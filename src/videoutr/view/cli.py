"""`videoutr view`: build the static site of a run."""

from __future__ import annotations

from pathlib import Path

import typer


def default_out(run: Path) -> Path:
    """RUN/view for a run folder, SCORES.view/ for a TPL scores file."""
    return run.with_name(run.name + ".view") if run.is_file() else run / "view"


def view_command(
    run: Path = typer.Argument(..., help="A run: an engine, eval or probe folder, a TPL scores .jsonl, or a demo folder."),
    out: Path = typer.Option(None, "--out", help="Site folder (default: RUN/view, or SCORES.jsonl.view)."),
    videos: Path = typer.Option(None, "--videos", help="Videos folder of an engine run (default: the one it used)."),
    max_videos: int = typer.Option(500, "--max-videos", help="Videos to make frame sheets of, per run (the rest show without frames)."),
    max_side: int = typer.Option(240, "--max-side", help="Longest side of a frame in the site, in pixels."),
) -> None:
    """Make a static site to look at a run in a browser (opens from file://, no server, no network).

    Example: videoutr view runs/utr && xdg-open runs/utr/view/index.html
    """
    from videoutr.errors import ConfigError
    from videoutr.view import build_site

    if max_videos < 0 or max_side < 16:
        raise ConfigError("--max-videos must be >= 0 and --max-side >= 16")
    built = build_site(run, out or default_out(run), videos=videos, max_videos=max_videos, max_side=max_side)
    for warning in built.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"{built.title}: {built.rows} rows, {len(built.warnings)} warnings")
    typer.echo(f"  {built.index}")
