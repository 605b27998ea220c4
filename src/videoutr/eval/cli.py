"""`videoutr eval` and `videoutr probe` (eval under all five frame conditions)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

ALL_CONDITIONS = "full,single,shuffled,reversed,none"


def _run(**kwargs) -> None:
    from videoutr.eval.runner import EvalConfig, run_eval

    kwargs["conditions"] = kwargs["conditions"].split(",")
    kwargs["video_root"] = [str(p) for p in kwargs["video_root"] or []]
    for key in ("model", "bench", "out"):
        kwargs[key] = str(kwargs[key])
    summary = run_eval(EvalConfig(**kwargs))
    brief = {c: v["overall"] for c, v in summary["conditions"].items()}
    typer.echo(json.dumps({"out": kwargs["out"], "conditions": brief,
                           "verdict": summary.get("verdict", {}).get("statement")}, indent=2))


def eval_command(
    model: str = typer.Option(..., "--model", "-m", help="Model folder (HF form) or hub id."),
    bench: Path = typer.Option(..., "--bench", "-b", help="Benchmark JSON (world bench.json, MVBench, "
                               "TempCompass, MSVD/MSRVTT/TGIF/ActivityNet-QA)."),
    out: Path = typer.Option(..., "--out", "-o", help="Results folder (resumable)."),
    video_root: list[Path] = typer.Option(None, "--video-root", help="Folder(s) the videos are relative to."),
    fmt: str = typer.Option("auto", "--format", help="auto | world | mcq | tempcompass | openqa"),
    method: str = typer.Option("loglik", help="MCQ scoring: loglik | generate | both"),
    conditions: str = typer.Option("full", help=f"Comma list from {ALL_CONDITIONS}"),
    key_frame: str = typer.Option("first", help="Frame of the `single` condition: first|middle|last|random"),
    frames: int = typer.Option(None, help="Frames per video (default: the model's own policy)."),
    ll_target: str = typer.Option("text", help="Log-likelihood of the option text, or of its letter."),
    ll_norm: str = typer.Option("sum", help="sum | mean (per-token) log-likelihood"),
    max_new_tokens: int = typer.Option(32, help="Generation length."),
    limit: int = typer.Option(None, help="Only the first N items."),
    judge: str = typer.Option(None, help="Optional HF chat model folder judging open-QA answers."),
    device: str = typer.Option("cpu", help="cpu | cuda | cuda:N"),
    dtype: str = typer.Option("auto", help="auto | float32 | bfloat16 | float16"),
    seed: int = typer.Option(0, help="Seed of shuffled / random key-frame conditions."),
) -> None:
    """Score a model on a benchmark: per-task accuracy, per-sample JSONL, summary, bar chart."""
    _run(**locals())


def probe_command(
    model: str = typer.Option(..., "--model", "-m", help="Model folder (HF form) or hub id."),
    bench: Path = typer.Option(..., "--bench", "-b", help="Benchmark JSON."),
    out: Path = typer.Option(..., "--out", "-o", help="Results folder (resumable)."),
    video_root: list[Path] = typer.Option(None, "--video-root", help="Folder(s) the videos are relative to."),
    fmt: str = typer.Option("auto", "--format", help="auto | world | mcq | tempcompass | openqa"),
    method: str = typer.Option("loglik", help="MCQ scoring: loglik | generate | both"),
    conditions: str = typer.Option(ALL_CONDITIONS, help="Comma list of conditions."),
    key_frame: str = typer.Option("last", help="Frame of the `single` condition: first|middle|last|random"),
    frames: int = typer.Option(None, help="Frames per video (default: the model's own policy)."),
    ll_target: str = typer.Option("text", help="Log-likelihood of the option text, or of its letter."),
    ll_norm: str = typer.Option("sum", help="sum | mean"),
    max_new_tokens: int = typer.Option(32, help="Generation length."),
    limit: int = typer.Option(None, help="Only the first N items."),
    judge: str = typer.Option(None, help="Optional HF chat model folder judging open-QA answers."),
    device: str = typer.Option("cpu", help="cpu | cuda | cuda:N"),
    dtype: str = typer.Option("auto", help="auto | float32 | bfloat16 | float16"),
    seed: int = typer.Option(0, help="Seed of the shuffled / random key-frame conditions."),
) -> None:
    """Frame-ablation probes: full, single key frame, shuffled, reversed, no video; says if time is ignored."""
    _run(**locals())


def lmms_tasks_command(
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the task folder into (--include_path)."),
    name: str = typer.Option(..., "--name", help="Task name (letters, digits, underscores)."),
    bench: Path = typer.Option(..., "--bench", "-b", help="Local benchmark JSON."),
    video_root: Path = typer.Option(..., "--video-root", help="Folder the videos are relative to."),
    kind: str = typer.Option("mcq", help="mcq (generation + option log-likelihood tasks) | open (EM / F1)"),
) -> None:
    """Write lmms-eval task YAMLs for a local benchmark, scored like `videoutr eval`."""
    from videoutr.eval.lmms.tasks import write_task

    for path in write_task(out, name, bench, video_root, kind):
        typer.echo(str(path))
