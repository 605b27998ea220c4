"""`videoutr export`: MOTChallenge / FiftyOne for engine runs, Parquet for TPL and eval runs; a
folder of runs (a demo) exports each run below it that has the format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from videoutr.config_options import ConfigFile, Overrides, command_settings

FORMATS = {"engine": ("mot", "fiftyone"), "tpl": ("parquet",), "eval": ("parquet",)}


def default_out(run: Path, kind: str, fmt: str) -> Path:
    if kind == "tpl":
        return run.with_suffix(".parquet")
    if kind == "eval":
        return run / "samples.parquet"
    return run / f"export-{fmt}"


def export_run(
    run: Path, kind: str, fmt: str, target: Path, truth: Path | None, videos: Path | None, symlink: bool
) -> str:
    """Export one run; returns a line saying what was written."""
    if fmt == "parquet":
        from videoutr.export.parquet import eval_rows, tpl_rows, write_parquet

        rows = tpl_rows(run) if kind == "tpl" else eval_rows(run)
        return f"{len(rows)} rows -> {write_parquet(rows, target)}"
    from videoutr.engine.quality.metrics import load_trajectories

    clips = load_trajectories(run / "trajectories.jsonl")
    if fmt == "mot":
        from videoutr.engine.quality.metrics import load_truth
        from videoutr.export.mot import write_mot

        written = write_mot(clips, target, load_truth(truth) if truth else None)
        return f"{len(clips)} sequences, {len(written)} files -> {target}"
    from videoutr.export.fiftyone import write_fiftyone
    from videoutr.jsonio import read_json

    root = videos or Path(read_json(run / "run.json")["videos_root"])
    return f"{len(clips)} videos -> {write_fiftyone(clips, target, root, symlink=symlink)}"


@dataclass
class ExportSettings:
    """What `videoutr export` writes (keys of its --config and a.b=value)."""

    format: str | None = None  # mot | fiftyone (engine runs), parquet (tpl, eval); None: mot or parquet
    out: str | None = None  # output folder or .parquet file; None: beside the run
    truth: str | None = None  # mot: also write ground truth from a world folder or annotations.jsonl
    videos: str | None = None  # fiftyone: videos folder; None: the one the engine used
    symlink_media: bool = False  # fiftyone: link the videos instead of copying them


def export_command(
    run: Path = typer.Argument(
        ..., help="An engine folder, a TPL scores .jsonl, an eval / probe folder, or a folder of runs (a demo)."
    ),
    overrides: Overrides = None,
    fmt: str = typer.Option(
        None, "--format", help="mot | fiftyone (engine runs), parquet (tpl, eval); default: mot or parquet."
    ),
    out: Path = typer.Option(
        None,
        "--out",
        help="Output folder (mot, fiftyone, a folder of runs) or .parquet file (default: beside the run).",
    ),
    truth: Path = typer.Option(
        None, "--truth", help="mot: also write ground truth from a world folder or annotations.jsonl."
    ),
    videos: Path = typer.Option(None, "--videos", help="fiftyone: videos folder (default: the one the engine used)."),
    symlink: bool = typer.Option(None, "--symlink-media", help="fiftyone: link the videos instead of copying them."),
    config: ConfigFile = None,
) -> None:
    """Write a run's results for other tools: TrackEval / CVAT (MOT), FiftyOne, pandas / polars (Parquet).

    Example: videoutr export runs/utr --format mot --truth runs/world --out runs/utr-mot
    """
    from videoutr.errors import ConfigError
    from videoutr.view.collection import slug
    from videoutr.view.kinds import find_runs, run_kind

    cfg = command_settings(
        ExportSettings,
        "export",
        config,
        overrides,
        format=fmt,
        out=out,
        truth=truth,
        videos=videos,
        symlink_media=symlink,
    )
    fmt, symlink = cfg.format, cfg.symlink_media
    out, truth, videos = (Path(value) if value else None for value in (cfg.out, cfg.truth, cfg.videos))
    kind = run_kind(run)
    if kind is not None:
        fmt = fmt or FORMATS[kind][0]
        if fmt not in FORMATS[kind]:
            article = "an" if kind == "engine" else "a"
            raise ConfigError(f"--format {fmt}: {article} {kind} run exports as {' or '.join(FORMATS[kind])}")
        typer.echo(export_run(run, kind, fmt, out or default_out(run, kind, fmt), truth, videos, symlink))
        return
    fmt = fmt or "parquet"
    runs = [(p, k) for p, k in (find_runs(run) if run.is_dir() else []) if fmt in FORMATS[k]]
    if not runs:
        raise ConfigError(f"{run}: no engine, TPL or eval run with format {fmt!r} in or below it")
    target = out or run / f"export-{fmt}"
    for relative, sub_kind in runs:
        name = slug(relative) + (".parquet" if fmt == "parquet" else "")
        typer.echo(f"{relative}: " + export_run(run / relative, sub_kind, fmt, target / name, truth, videos, symlink))
