"""`videoutr tpl score`, `videoutr tpl filter` and `videoutr tpl attention` commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import typer

from videoutr.config_options import ConfigFile, Overrides, command_settings, flags_of, with_options
from videoutr.executors.options import EXECUTION_OPTIONS
from videoutr.models.options import INPUT_OPTIONS, Device, Dtype, InputOptions, Model, input_flags

tpl_app = typer.Typer(
    help="Temporal Perplexity: score samples, keep the high-TPL ones, see which frames a model attends to.",
    no_args_is_help=True,
)


@tpl_app.command("score")
@with_options(INPUT_OPTIONS, EXECUTION_OPTIONS)
def tpl_command(
    overrides: Overrides = None,
    config: ConfigFile = None,
    model: Model = None,
    data: Path = typer.Option(None, "--data", help="LLaVA-format .json list, .jsonl, or a mixture .yaml (streamed)."),
    out: Path = typer.Option(None, "--out", help="Per-sample scores (.jsonl); summary and plots beside it."),
    video_root: Path = typer.Option(None, "--video-root", help="Folder the 'video' paths are relative to (default .)."),
    frames: int = typer.Option(None, "--frames", help="Frames per video (default: the model's; 8 tiny, 32 LLaVA-OV)."),
    key_frame: str = typer.Option(
        None, "--key-frame", help="Single-frame condition: first (default), middle, last or random."
    ),
    key_view: str = typer.Option(
        None,
        "--key-view",
        help="frame (default): the key frame as a one-frame video (the "
        "paper); still: the key frame repeated T times (models never shown one frame).",
    ),
    mode: str = typer.Option(
        None, "--mode", help="diff (default): PPL(1 frame) - PPL(all); ratio: PPL(1 frame) / PPL(all)."
    ),
    batch_size: int = typer.Option(None, "--batch-size", help="Samples per forward (default 4)."),
    seed: int = typer.Option(None, "--seed", help="Seed of the random key frame (per sample id; default 0)."),
    dtype: Dtype = None,
    device: Device = None,
    allow_outside_root: bool = typer.Option(
        None, "--allow-outside-root", help="Open videos whose path leaves --video-root."
    ),
    chunk_size: int = typer.Option(
        None, "--chunk-size", help="Samples read, sorted by video and recorded together (default 16384)."
    ),
    **shared,
) -> None:
    """Temporal Perplexity of every sample: PPL with one key frame vs with all frames.

    Example: videoutr tpl score --config tpl.yaml batch_size=8 --device cuda

    Exit code 1 when some samples failed (listed in OUT.errors.jsonl), 2 when none could be scored."""
    flags = flags_of(locals())
    from videoutr.errors import raise_if_failed
    from videoutr.tpl.run import TplRunConfig, run_tpl

    inputs = input_flags(flags)
    cfg = command_settings(TplRunConfig, "tpl score", config, overrides, **flags, **inputs)
    out = cfg.out
    summary = run_tpl(cfg)
    overall = summary["overall"]
    typer.echo(f"scored {summary['n_scored']} samples ({summary['n_errors']} errors) -> {out}")
    if overall["count"]:
        typer.echo(f"TPL mean {overall['mean']:.4f} median {overall['median']:.4f}")
    for name, stats in summary["by_subset"].items():
        if stats["count"]:
            typer.echo(f"  {name}: mean {stats['mean']:.4f} median {stats['median']:.4f} n={stats['count']}")
    raise_if_failed(summary["n_errors"], summary["n_scored"] + summary["n_errors"], "samples", f"{out}.errors.jsonl")


@dataclass
class FilterSettings:
    """What `videoutr tpl filter` keeps (keys of its --config and a.b=value)."""

    scores: str  # scores JSONL written by `videoutr tpl score`
    data: str  # the LLaVA data that was scored
    out: str  # filtered LLaVA data (.json list or .jsonl)
    min_tpl: float | None = None  # keep samples with TPL >= this
    top_fraction: float | None = None  # keep this fraction (0-1] with the highest TPL
    per_subset: bool = False  # apply top_fraction within each subset


@tpl_app.command("filter")
def filter_command(
    overrides: Overrides = None,
    config: ConfigFile = None,
    scores: Path = typer.Option(None, "--scores", help="Scores JSONL written by `videoutr tpl score` (required)."),
    data: Path = typer.Option(None, "--data", help="The LLaVA data that was scored (required)."),
    out: Path = typer.Option(None, "--out", help="Filtered LLaVA data (.json list or .jsonl; required)."),
    min_tpl: float = typer.Option(None, "--min-tpl", help="Keep samples with TPL >= this."),
    top_fraction: float = typer.Option(None, "--top-fraction", help="Keep this fraction (0-1] with the highest TPL."),
    per_subset: bool = typer.Option(None, "--per-subset", help="Apply --top-fraction within each subset."),
) -> None:
    """Keep the high-TPL samples (the paper's TPL-based data selection); LLaVA records unchanged.

    Example: videoutr tpl filter --scores runs/tpl.jsonl --data runs/utr/utr.json --out kept.json top_fraction=0.5"""
    cfg = command_settings(FilterSettings, "tpl filter", config, overrides, **flags_of(locals()))
    from videoutr.tpl.filter import filter_by_tpl

    result = filter_by_tpl(
        cfg.scores, cfg.data, cfg.out, min_tpl=cfg.min_tpl, top_fraction=cfg.top_fraction, per_subset=cfg.per_subset
    )
    typer.echo(f"kept {result.kept}, dropped {result.dropped} -> {cfg.out}")
    for reason, count in result.reasons.most_common():
        typer.echo(f"  dropped {count}: {reason}")


@dataclass
class AttentionSettings:
    """One `videoutr tpl attention` run (keys of its --config and a.b=value)."""

    model: str
    video: str
    prompt: str
    out: str
    answer: str | None = None  # None: generated greedily
    frames: int | None = None  # None: the model's own frame policy
    layers: str = "all"  # all, last:K, or e.g. 0,2,-1
    threshold: float | None = None  # share making a frame active (None: 1/T)
    max_new_tokens: int = 32
    dtype: str = "auto"
    device: str = "cpu"
    inputs: InputOptions = field(default_factory=InputOptions)


@tpl_app.command("attention")
@with_options(INPUT_OPTIONS)
def attention_command(
    overrides: Overrides = None,
    config: ConfigFile = None,
    model: Model = None,
    video: Path = typer.Option(None, "--video", help="The video file."),
    prompt: str = typer.Option(None, "--prompt", help="The question (a <video> placeholder is added if missing)."),
    out: Path = typer.Option(None, "--out", help="Folder for attention.json and attention.png."),
    answer: str = typer.Option(None, "--answer", help="Answer to attribute; generated greedily when omitted."),
    frames: int = typer.Option(None, "--frames", help="Frames to sample (default: the model's own)."),
    layers: str = typer.Option(None, "--layers", help="LM layers to average: all (default), last:K, or e.g. 0,2,-1."),
    threshold: float = typer.Option(None, "--threshold", help="Share making a frame active (default 1/T)."),
    max_new_tokens: int = typer.Option(
        None, "--max-new-tokens", help="Generation budget without --answer (default 32)."
    ),
    dtype: Dtype = None,
    device: Device = None,
    **shared,
) -> None:
    """Frame activation: attention of each output token on each frame, heat map + JSON."""
    flags = flags_of(locals())
    from videoutr.checks import Checks
    from videoutr.errors import ConfigError
    from videoutr.jsonio import write_json
    from videoutr.tpl.attention import check_layer_spec

    inputs = input_flags(flags)
    cfg = command_settings(AttentionSettings, "tpl attention", config, overrides, **flags, **inputs)
    model, video, out, prompt = cfg.model, Path(cfg.video), Path(cfg.out), cfg.prompt
    checks = Checks("tpl attention")
    checks.model("--model", model)
    checks.input_file("--video", video)
    checks.output("--out", out, inputs={"--video": video}, folder=True)
    checks.at_least("--frames", cfg.frames, 1)
    checks.in_range("--threshold", cfg.threshold, 0, 1, low_open=True)
    checks.at_least("--max-new-tokens", cfg.max_new_tokens, 1)
    checks.need(bool(prompt.strip()), "--prompt", "a question", prompt)
    checks.dtype("--dtype", cfg.dtype)
    checks.device("--device", cfg.device)
    try:
        check_layer_spec(cfg.layers)
    except ConfigError as exc:
        checks.add(str(exc))
    checks.done()
    from videoutr.models.load import load_video_model, read_video_frames
    from videoutr.tpl.attention import frame_activation, plot_heatmap

    net, processor = load_video_model(model, dtype=cfg.dtype, device=cfg.device)
    cfg.inputs.apply(processor)
    sampled = read_video_frames(video, cfg.inputs.policy(model, processor, cfg.frames))
    result = frame_activation(
        net,
        processor,
        sampled,
        prompt,
        answer=cfg.answer,
        layers=cfg.layers,
        threshold=cfg.threshold,
        max_new_tokens=cfg.max_new_tokens,
        system=cfg.inputs.system_prompt,
    )
    out.mkdir(parents=True, exist_ok=True)
    record = {"model": model, "video": str(video), "prompt": prompt, **sampled.record(), **result.to_json()}
    write_json(out / "attention.json", record, indent=None)
    plot_heatmap(result, out / "attention.png", title=Path(video).name)
    typer.echo(f"answer: {result.answer}")
    unit = "frames" if result.frames_per_row == 1 else f"groups of {result.frames_per_row} frames"
    typer.echo(
        f"frame activation: {result.activation_number}/{result.matrix.shape[0]} {unit} "
        f"(share >= {result.threshold:.3f}), effective frames {result.effective_frames:.2f} -> {out}"
    )
