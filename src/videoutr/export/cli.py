"""`videoutr export`: MOTChallenge / FiftyOne for engine runs, Parquet for TPL and eval runs."""

from __future__ import annotations

from pathlib import Path

import typer

FORMATS = {"engine": ("mot", "fiftyone"), "tpl": ("parquet",), "eval": ("parquet",)}


def default_out(run: Path, kind: str, fmt: str) -> Path:
    if kind == "tpl":
        return run.with_suffix(".parquet")
    if kind == "eval":
        return run / "samples.parquet"
    return run / f"export-{fmt}"


def export_command(
    run: Path = typer.Argument(..., help="An engine folder, a TPL scores .jsonl, or an eval / probe folder."),
    fmt: str = typer.Option(None, "--format", help="mot | fiftyone (engine runs), parquet (tpl, eval); default: mot or parquet."),
    out: Path = typer.Option(None, "--out", help="Output folder (mot, fiftyone) or .parquet file (default: beside the run)."),
    truth: Path = typer.Option(None, "--truth", help="mot: also write ground truth from a world folder or annotations.jsonl."),
    videos: Path = typer.Option(None, "--videos", help="fiftyone: videos folder (default: the one the engine used)."),
    symlink: bool = typer.Option(False, "--symlink-media", help="fiftyone: link the videos instead of copying them."),
) -> None:
    """Write a run's results for other tools: TrackEval / CVAT (MOT), FiftyOne, pandas / polars (Parquet).

    Example: videoutr export runs/utr --format mot --truth runs/world --out runs/utr-mot
    """
    from videoutr.errors import ConfigError
    from videoutr.view.kinds import run_kind

    kind = run_kind(run)
    if kind is None:
        raise ConfigError(f"{run}: not an engine folder, TPL scores file or eval folder")
    fmt = fmt or FORMATS[kind][0]
    if fmt not in FORMATS[kind]:
        raise ConfigError(f"--format {fmt}: {'an' if kind == 'engine' else 'a'} {kind} run exports as {' or '.join(FORMATS[kind])}")
    target = out or default_out(run, kind, fmt)
    if fmt == "parquet":
        from videoutr.export.parquet import eval_rows, tpl_rows, write_parquet

        rows = tpl_rows(run) if kind == "tpl" else eval_rows(run)
        typer.echo(f"{len(rows)} rows")
        typer.echo(f"  {write_parquet(rows, target)}")
        return
    from videoutr.engine.metrics import load_trajectories

    clips = load_trajectories(run / "trajectories.jsonl")
    if fmt == "mot":
        from videoutr.engine.metrics import load_truth
        from videoutr.export.mot import write_mot

        written = write_mot(clips, target, load_truth(truth) if truth else None)
        typer.echo(f"{len(clips)} sequences, {len(written)} files")
        typer.echo(f"  {target}")
    else:
        from videoutr.export.fiftyone import write_fiftyone
        from videoutr.jsonio import read_json

        root = videos or Path(read_json(run / "run.json")["videos_root"])
        typer.echo(f"{len(clips)} videos")
        typer.echo(f"  {write_fiftyone(clips, target, root, symlink=symlink)}")
