"""`videoutr eval run` and `videoutr eval probe` (eval under all five frame conditions)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from videoutr.config_options import ConfigFile, Overrides, command_settings, flags_of, typed, with_options
from videoutr.executors.options import EXECUTION_OPTIONS
from videoutr.models.options import INPUT_OPTIONS, Device, Dtype, Model, input_flags

eval_app = typer.Typer(
    help="Evaluate a model on a benchmark, probe its use of frames, or write lmms-eval tasks.",
    no_args_is_help=True,
)

ALL_CONDITIONS = "full,single,shuffled,reversed,none"


def _run(config: Path | None, overrides: list[str] | None, defaults: dict, flags: dict) -> None:
    """Lay `defaults`, `--config`, the `a.b=value` overrides and the typed flags into one `EvalConfig`; run it."""
    from videoutr.errors import raise_if_failed
    from videoutr.eval.runner import EvalConfig, run_eval
    from videoutr.schema import load_config

    inputs = input_flags(flags)
    if flags["conditions"] is not None:
        flags["conditions"] = flags["conditions"].split(",")
    flags["video_root"] = [str(p) for p in flags["video_root"]] if flags["video_root"] else None
    cfg = load_config(
        EvalConfig, config, overrides or [], name="eval config", base=defaults, values=typed(**flags, **inputs)
    )
    summary = run_eval(cfg)
    brief = {c: v["overall"] for c, v in summary["conditions"].items()}
    typer.echo(
        json.dumps(
            {"out": cfg.out, "conditions": brief, "verdict": summary.get("verdict", {}).get("statement")}, indent=2
        )
    )
    raise_if_failed(summary["items"]["failed"], summary["items"]["total"], "items", Path(cfg.out) / "errors.jsonl")


# The options of `eval` and `probe` (key = EvalConfig field); None: --config's value, else the default.
Bench = Annotated[
    Path | None,
    typer.Option(
        "--bench",
        "-b",
        help="Benchmark JSON (world bench.json, MVBench, TempCompass, MSVD/MSRVTT/TGIF/ActivityNet-QA).",
    ),
]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="Results folder (resumable).")]
VideoRoot = Annotated[list[Path] | None, typer.Option("--video-root", help="Folder(s) the videos are relative to.")]
Format = Annotated[str | None, typer.Option("--format", help="auto (default) | world | mcq | tempcompass | openqa")]
Method = Annotated[str | None, typer.Option(help="MCQ scoring: loglik (default) | generate | both")]
Conditions = Annotated[
    str | None,
    typer.Option(
        help="Comma list from full, single, first, last, ends, shuffled, reversed, "
        "none (run: full; probe: full,single,shuffled,reversed,none)"
    ),
]
KeyFrame = Annotated[
    str | None, typer.Option(help="Frame of the `single` condition: first|middle|last|random (run: first; probe: last)")
]
Frames = Annotated[int | None, typer.Option(help="Frames per video (default: the model's own policy).")]
LlTarget = Annotated[str | None, typer.Option(help="Log-likelihood of the option text (default), or of its letter.")]
LlNorm = Annotated[str | None, typer.Option(help="sum (default) | mean (per-token) log-likelihood")]
MaxNewTokens = Annotated[int | None, typer.Option(help="Generation length (default 32).")]
Limit = Annotated[int | None, typer.Option(help="Only the first N items.")]
Judge = Annotated[str | None, typer.Option(help="Optional HF chat model folder judging open-QA answers.")]
Seed = Annotated[int | None, typer.Option(help="Seed of the shuffled / random key-frame conditions (default 0).")]
BatchSize = Annotated[int | None, typer.Option("--batch-size", help="Items per batch handed to a worker (default 1).")]
AllowOutsideRoot = Annotated[
    bool | None, typer.Option("--allow-outside-root", help="Open videos whose path leaves every --video-root.")
]


@eval_app.command("run")
@with_options(INPUT_OPTIONS, EXECUTION_OPTIONS)
def eval_command(
    overrides: Overrides = None,
    config: ConfigFile = None,
    model: Model = None,
    bench: Bench = None,
    out: Out = None,
    video_root: VideoRoot = None,
    fmt: Format = None,
    method: Method = None,
    conditions: Conditions = None,
    key_frame: KeyFrame = None,
    frames: Frames = None,
    ll_target: LlTarget = None,
    ll_norm: LlNorm = None,
    max_new_tokens: MaxNewTokens = None,
    limit: Limit = None,
    judge: Judge = None,
    device: Device = None,
    dtype: Dtype = None,
    seed: Seed = None,
    allow_outside_root: AllowOutsideRoot = None,
    batch_size: BatchSize = None,
    **shared,
) -> None:
    """Score a model on a benchmark: per-task accuracy, per-sample JSONL, summary, bar chart.

    Example: videoutr eval run --config eval.yaml limit=20 --device cuda

    Exit code 1 when some items failed (listed in OUT/errors.jsonl), 2 when none could be scored."""
    _run(config, overrides, {}, flags_of(locals()))


def _probe(config: Path | None = None, overrides: list[str] | None = None, **params) -> None:
    """Frame-ablation probes: full, single key frame, shuffled, reversed, no video; says if time is ignored."""
    _run(config, overrides, {"conditions": ALL_CONDITIONS.split(","), "key_frame": "last"}, flags_of(params))


# `eval probe` takes exactly the options of `eval run` (its own defaults differ): one signature serves both
probe_command = eval_app.command("probe")(
    functools.update_wrapper(_probe, eval_command, assigned=("__module__", "__annotations__"), updated=())
)


@dataclass
class LmmsTasksSettings:
    """The lmms-eval task `videoutr eval lmms-tasks` writes (keys of its --config and a.b=value)."""

    out: str  # folder to write the task folder into (lmms-eval's --include_path)
    name: str  # task name (letters, digits, underscores)
    bench: str  # local benchmark JSON
    video_root: str  # folder the videos are relative to
    kind: str = "mcq"  # mcq (generation + option log-likelihood tasks) | open (EM / F1)


@eval_app.command("lmms-tasks")
def lmms_tasks_command(
    overrides: Overrides = None,
    config: ConfigFile = None,
    out: Path = typer.Option(
        None, "--out", "-o", help="Folder to write the task folder into (--include_path; required)."
    ),
    name: str = typer.Option(None, "--name", help="Task name (letters, digits, underscores; required)."),
    bench: Path = typer.Option(None, "--bench", "-b", help="Local benchmark JSON (required)."),
    video_root: Path = typer.Option(None, "--video-root", help="Folder the videos are relative to (required)."),
    kind: str = typer.Option(None, help="mcq (default: generation + option log-likelihood tasks) | open (EM / F1)"),
) -> None:
    """Write lmms-eval task YAMLs for a local benchmark, scored like `videoutr eval run`.

    Example: videoutr eval lmms-tasks --out tasks --name world --bench runs/world/bench.json --video-root runs/world"""
    from videoutr.eval.lmms.tasks import write_task

    cfg = command_settings(
        LmmsTasksSettings,
        "eval lmms-tasks",
        config,
        overrides,
        out=out,
        name=name,
        bench=bench,
        video_root=video_root,
        kind=kind,
    )
    for path in write_task(Path(cfg.out), cfg.name, Path(cfg.bench), Path(cfg.video_root), cfg.kind):
        typer.echo(str(path))
