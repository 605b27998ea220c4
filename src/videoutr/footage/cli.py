"""`videoutr footage`: real-footage test clips with exact ground truth."""

from __future__ import annotations

from pathlib import Path

import typer


def footage_command(
    out: Path = typer.Option(..., "--out", help="Folder to write videos/, annotations.jsonl and footage.json to."),
    num_videos: int = typer.Option(6, "--num-videos", help="Number of videos."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same clips."),
    camera: str = typer.Option("both", "--camera", help="static, pan, or both (in turn)."),
    frames: int = typer.Option(40, "--frames", help="Frames per video (at least 24)."),
    fps: float = typer.Option(8.0, "--fps", help="Frames per second."),
    size: tuple[int, int] = typer.Option((240, 320), "--size", help="Frame height and width, even."),
) -> None:
    """Photo cut-outs (scikit-image's bundled photos) moving over photo backgrounds, static or panning camera.

    Example: videoutr footage --out runs/footage --num-videos 6 && videoutr engine run --videos runs/footage/videos
    --out runs/footage-utr --detector foreground && videoutr engine eval --out runs/footage-utr --truth runs/footage
    """
    from videoutr.footage.generate import FootageConfig, generate_footage

    cfg = FootageConfig(num_videos=num_videos, seed=seed, camera=camera, frames=frames, fps=fps, height=size[0], width=size[1])
    path = generate_footage(cfg, out)
    typer.echo(f"wrote {num_videos} footage videos (seed {seed}, camera {camera}) to {path}")
    for name in ("videos/", "annotations.jsonl", "footage.json"):
        typer.echo(f"  {path / name}")
