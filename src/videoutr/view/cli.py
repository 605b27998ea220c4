"""`videoutr view`: build the static site of a run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from videoutr.config_options import ConfigFile, Overrides, command_settings


def default_out(run: Path) -> Path:
    """RUN/view for a run folder, SCORES.view/ for a TPL scores file."""
    return run.with_name(run.name + ".view") if run.is_file() else run / "view"


@dataclass
class ViewSettings:
    """How `videoutr view` builds a site (keys of its --config and a.b=value)."""

    out: str | None = None  # site folder (None: RUN/view, or SCORES.jsonl.view)
    videos: str | None = None  # videos folder of an engine run (None: the one it used)
    max_videos: int = 500  # videos to make frame sheets of, per run
    max_side: int = 240  # longest side of a frame in the site, in pixels

    def problems(self) -> list[str]:
        return [
            f"{key}: expected >= {low}, got {value}"
            for key, value, low in (("max_videos", self.max_videos, 0), ("max_side", self.max_side, 16))
            if value < low
        ]


def view_command(
    run: Path = typer.Argument(
        ..., help="A run: an engine, eval or probe folder, a TPL scores .jsonl, or a demo folder."
    ),
    overrides: Overrides = None,
    out: Path = typer.Option(None, "--out", help="Site folder (default: RUN/view, or SCORES.jsonl.view)."),
    videos: Path = typer.Option(None, "--videos", help="Videos folder of an engine run (default: the one it used)."),
    max_videos: int = typer.Option(
        None,
        "--max-videos",
        help="Videos to make frame sheets of, per run (the rest show without frames; default 500).",
    ),
    max_side: int = typer.Option(
        None, "--max-side", help="Longest side of a frame in the site, in pixels (default 240)."
    ),
    config: ConfigFile = None,
) -> None:
    """Make a static site to look at a run in a browser (opens from file://, no server, no network).

    Example: videoutr view runs/utr && xdg-open runs/utr/view/index.html
    """
    from videoutr.view import build_site

    cfg = command_settings(
        ViewSettings, "view", config, overrides, out=out, videos=videos, max_videos=max_videos, max_side=max_side
    )
    built = build_site(
        run,
        Path(cfg.out) if cfg.out else default_out(run),
        videos=Path(cfg.videos) if cfg.videos else None,
        max_videos=cfg.max_videos,
        max_side=cfg.max_side,
    )
    for warning in built.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"{built.title}: {built.rows} rows, {len(built.warnings)} warnings")
    typer.echo(f"  {built.index}")
