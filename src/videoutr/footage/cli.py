"""`videoutr footage`: real-footage test clips with exact ground truth."""

from __future__ import annotations

from pathlib import Path

import typer

from videoutr.config_options import ConfigFile, Overrides


def footage_command(
    overrides: Overrides = None,
    out: Path = typer.Option(..., "--out", help="Folder to write videos/, annotations.jsonl and footage.json to."),
    num_videos: int = typer.Option(None, "--num-videos", help="Number of videos (default 6)."),
    seed: int = typer.Option(None, "--seed", help="Random seed: the same seed gives the same clips (default 0)."),
    camera: str = typer.Option(None, "--camera", help="static, pan, or both (in turn; default)."),
    frames: int = typer.Option(None, "--frames", help="Frames per video (at least 24; default 40)."),
    fps: float = typer.Option(None, "--fps", help="Frames per second (default 8)."),
    size: tuple[int, int] | None = typer.Option(None, "--size", help="Frame height and width, even (default 240 320)."),
    config: ConfigFile = None,
) -> None:
    """Photo cut-outs (scikit-image's bundled photos) moving over photo backgrounds, static or panning camera.

    Example: videoutr footage --out runs/footage --num-videos 6 noise=1
    (then: videoutr engine run --videos runs/footage/videos)
    --out runs/footage-utr --detector foreground && videoutr engine eval --out runs/footage-utr --truth runs/footage
    """
    from videoutr.footage.generate import FootageConfig, generate_footage
    from videoutr.schema import load_config

    height, width = size if size is not None else (None, None)
    flags = {
        "num_videos": num_videos,
        "seed": seed,
        "camera": camera,
        "frames": frames,
        "fps": fps,
        "height": height,
        "width": width,
    }
    cfg = load_config(FootageConfig, config, overrides or [], name="footage config", values=flags)
    path = generate_footage(cfg, out)
    typer.echo(f"wrote {cfg.num_videos} footage videos (seed {cfg.seed}, camera {cfg.camera}) to {path}")
    for name in ("videos/", "annotations.jsonl", "footage.json"):
        typer.echo(f"  {path / name}")
