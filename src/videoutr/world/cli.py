"""`videoutr world`: generate the synthetic video world."""

from __future__ import annotations

from pathlib import Path

import typer


def world_command(
    overrides: list[str] = typer.Argument(None, help="WorldConfig overrides key=value, e.g. p_turn=0.5 max_objects=3."),
    out: Path = typer.Option(..., "--out", help="Folder to write the world to (resumed if it exists)."),
    num_videos: int = typer.Option(
        None, "--num-videos", help="Number of original videos (preset default: 200; tiny: 6)."
    ),
    seed: int = typer.Option(None, "--seed", help="Random seed: the same seed gives the same world (default 0)."),
    frames: int = typer.Option(None, "--frames", help="Frames per video (default 32)."),
    fps: float = typer.Option(None, "--fps", help="Frames per second (default 8)."),
    size: tuple[int, int] | None = typer.Option(None, "--size", help="Frame height and width, even (default 128 128)."),
    test_fraction: float = typer.Option(
        None, "--test-fraction", help="Share of videos in the test split (default 0.2)."
    ),
    event_density: float = typer.Option(None, "--event-density", help="Scales every event probability (default 1)."),
    preset: str = typer.Option("default", "--preset", help="Base config: default or tiny."),
    config: Path = typer.Option(
        None, "--config", help="YAML of WorldConfig values over the preset (see docs/world.md)."
    ),
    workers: int = typer.Option(1, "--workers", help="Processes rendering and encoding videos (same output)."),
) -> None:
    """Generate videos, annotations.jsonl, captions.json and bench.json under --out.

    Example: videoutr world --out runs/world --num-videos 200 --seed 0 p_turn=0.5
    """
    from videoutr.checks import Checks
    from videoutr.errors import ConfigError
    from videoutr.jsonio import read_json
    from videoutr.schema import load_config
    from videoutr.world.config import WorldConfig, world_preset
    from videoutr.world.generate import generate_world

    checks = Checks("world")
    checks.output("--out", out, folder=True)
    checks.at_least("--workers", workers, 1)
    height, width = size if size is not None else (None, None)
    flags = {
        "num_videos": num_videos,
        "seed": seed,
        "frames": frames,
        "fps": fps,
        "height": height,
        "width": width,
        "test_fraction": test_fraction,
        "event_density": event_density,
    }
    try:
        cfg = load_config(
            WorldConfig,
            config,
            overrides or [],
            name="world config",
            base=world_preset(preset),
            values=flags,
            check=WorldConfig.problems,
        )
    except ConfigError as exc:
        checks.add(str(exc))
    checks.done()
    path = generate_world(cfg, out, progress=True, workers=workers)
    videos = len(list((path / "videos").glob("*.mp4")))
    captions, bench = (len(read_json(path / name)) for name in ("captions.json", "bench.json"))
    typer.echo(
        f"wrote world (seed {cfg.seed}: {cfg.num_videos} videos + {videos - cfg.num_videos} reversed twins, "
        f"{captions} captions, {bench} benchmark questions) to {path}"
    )
    for name in ("videos/", "annotations.jsonl", "captions.json", "bench.json", "world.json"):
        typer.echo(f"  {path / name}")
