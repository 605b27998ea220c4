"""`videoutr eval run` and `videoutr eval probe` (eval under all five frame conditions)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from videoutr.executors.options import AttnImplementation, Executor, GpusPerWorker, RayAddress, Workers
from videoutr.models.options import (
    ChatTemplate,
    Fps,
    MaxFrames,
    MaxPixels,
    MinFrames,
    MinPixels,
    SystemPrompt,
    TotalPixels,
)

eval_app = typer.Typer(
    help="Evaluate a model on a benchmark, probe its use of frames, or write lmms-eval tasks.",
    no_args_is_help=True,
)

ALL_CONDITIONS = "full,single,shuffled,reversed,none"


def _run(**kwargs) -> None:
    from videoutr.errors import raise_if_failed
    from videoutr.eval.runner import EvalConfig, run_eval
    from videoutr.models.options import InputOptions

    names = ("fps", "min_frames", "max_frames", "min_pixels", "max_pixels", "total_pixels", "system_prompt",
             "chat_template")
    kwargs["inputs"] = InputOptions(**{k: kwargs.pop(k) for k in names})
    kwargs["conditions"] = kwargs["conditions"].split(",")
    kwargs["video_root"] = [str(p) for p in kwargs["video_root"] or []]
    for key in ("model", "bench", "out"):
        kwargs[key] = str(kwargs[key])
    summary = run_eval(EvalConfig(**kwargs))
    brief = {c: v["overall"] for c, v in summary["conditions"].items()}
    typer.echo(json.dumps({"out": kwargs["out"], "conditions": brief,
                           "verdict": summary.get("verdict", {}).get("statement")}, indent=2))
    raise_if_failed(summary["items"]["failed"], summary["items"]["total"], "items",
                    Path(kwargs["out"]) / "errors.jsonl")


# The options of `eval` and `probe`; each command gives its own defaults.
Model = Annotated[str, typer.Option("--model", "-m", help="Model folder (HF form) or hub id.")]
Bench = Annotated[Path, typer.Option("--bench", "-b", help="Benchmark JSON (world bench.json, MVBench, "
                                     "TempCompass, MSVD/MSRVTT/TGIF/ActivityNet-QA).")]
Out = Annotated[Path, typer.Option("--out", "-o", help="Results folder (resumable).")]
VideoRoot = Annotated[list[Path] | None, typer.Option("--video-root", help="Folder(s) the videos are relative to.")]
Format = Annotated[str, typer.Option("--format", help="auto | world | mcq | tempcompass | openqa")]
Method = Annotated[str, typer.Option(help="MCQ scoring: loglik | generate | both")]
Conditions = Annotated[str, typer.Option(help="Comma list from full, single, first, last, shuffled, reversed, none")]
KeyFrame = Annotated[str, typer.Option(help="Frame of the `single` condition: first|middle|last|random")]
Frames = Annotated[int | None, typer.Option(help="Frames per video (default: the model's own policy).")]
LlTarget = Annotated[str, typer.Option(help="Log-likelihood of the option text, or of its letter.")]
LlNorm = Annotated[str, typer.Option(help="sum | mean (per-token) log-likelihood")]
MaxNewTokens = Annotated[int, typer.Option(help="Generation length.")]
Limit = Annotated[int | None, typer.Option(help="Only the first N items.")]
Judge = Annotated[str | None, typer.Option(help="Optional HF chat model folder judging open-QA answers.")]
Device = Annotated[str, typer.Option(help="cpu | cuda | cuda:N")]
Dtype = Annotated[str, typer.Option(help="auto | float32 | bfloat16 | float16")]
Seed = Annotated[int, typer.Option(help="Seed of the shuffled / random key-frame conditions.")]
BatchSize = Annotated[int, typer.Option("--batch-size", help="Items per batch handed to a worker.")]
AllowOutsideRoot = Annotated[bool, typer.Option("--allow-outside-root",
                                                help="Open videos whose path leaves every --video-root.")]


@eval_app.command("run")
def eval_command(
    model: Model, bench: Bench, out: Out, video_root: VideoRoot = None, fmt: Format = "auto",
    method: Method = "loglik", conditions: Conditions = "full", key_frame: KeyFrame = "first",
    frames: Frames = None, ll_target: LlTarget = "text", ll_norm: LlNorm = "sum", max_new_tokens: MaxNewTokens = 32,
    limit: Limit = None, judge: Judge = None, device: Device = "cpu", dtype: Dtype = "auto", seed: Seed = 0,
    allow_outside_root: AllowOutsideRoot = False,
    fps: Fps = None, min_frames: MinFrames = None, max_frames: MaxFrames = None, min_pixels: MinPixels = None,
    max_pixels: MaxPixels = None, total_pixels: TotalPixels = None, system_prompt: SystemPrompt = None,
    chat_template: ChatTemplate = None, executor: Executor = "local", workers: Workers = 1,
    ray_address: RayAddress = None, gpus_per_worker: GpusPerWorker = 0.0,
    attn_implementation: AttnImplementation = None, batch_size: BatchSize = 1,
) -> None:
    """Score a model on a benchmark: per-task accuracy, per-sample JSONL, summary, bar chart.

    Exit code 1 when some items failed (listed in OUT/errors.jsonl), 2 when none could be scored."""
    _run(**locals())


@eval_app.command("probe")
def probe_command(
    model: Model, bench: Bench, out: Out, video_root: VideoRoot = None, fmt: Format = "auto",
    method: Method = "loglik", conditions: Conditions = ALL_CONDITIONS, key_frame: KeyFrame = "last",
    frames: Frames = None, ll_target: LlTarget = "text", ll_norm: LlNorm = "sum", max_new_tokens: MaxNewTokens = 32,
    limit: Limit = None, judge: Judge = None, device: Device = "cpu", dtype: Dtype = "auto", seed: Seed = 0,
    allow_outside_root: AllowOutsideRoot = False,
    fps: Fps = None, min_frames: MinFrames = None, max_frames: MaxFrames = None, min_pixels: MinPixels = None,
    max_pixels: MaxPixels = None, total_pixels: TotalPixels = None, system_prompt: SystemPrompt = None,
    chat_template: ChatTemplate = None, executor: Executor = "local", workers: Workers = 1,
    ray_address: RayAddress = None, gpus_per_worker: GpusPerWorker = 0.0,
    attn_implementation: AttnImplementation = None, batch_size: BatchSize = 1,
) -> None:
    """Frame-ablation probes: full, single key frame, shuffled, reversed, no video; says if time is ignored."""
    _run(**locals())


@eval_app.command("lmms-tasks")
def lmms_tasks_command(
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the task folder into (--include_path)."),
    name: str = typer.Option(..., "--name", help="Task name (letters, digits, underscores)."),
    bench: Path = typer.Option(..., "--bench", "-b", help="Local benchmark JSON."),
    video_root: Path = typer.Option(..., "--video-root", help="Folder the videos are relative to."),
    kind: str = typer.Option("mcq", help="mcq (generation + option log-likelihood tasks) | open (EM / F1)"),
) -> None:
    """Write lmms-eval task YAMLs for a local benchmark, scored like `videoutr eval run`."""
    from videoutr.eval.lmms.tasks import write_task

    for path in write_task(out, name, bench, video_root, kind):
        typer.echo(str(path))
