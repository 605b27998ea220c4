"""`videoutr engine run`, `videoutr engine eval`, `videoutr engine overlay`: the data engine's commands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from videoutr.config_options import ConfigFile, Overrides, command_settings
from videoutr.executors.options import Executor, GpusPerWorker, RayAddress, Workers

engine_app = typer.Typer(
    help="The UTR data engine: detect, track and query videos; check it against ground truth.",
    no_args_is_help=True,
)


def _given_detector(config: Path | None, overrides: list[str]) -> str | None:
    """The detector the user named in an override or the `--config` file (the last one wins)."""
    from videoutr.jsonio import read_yaml

    for pair in reversed(overrides):
        key, _, value = pair.partition("=")
        if key.strip() == "detector":
            return value.strip() or None
    data = read_yaml(config) if config is not None and config.is_file() else None
    return data.get("detector") if isinstance(data, dict) else None


def build_config(
    config: Path | None,
    overrides: list[str],
    flags: dict[str, Any],
    detector_args: list[str],
    videos: Path | None = None,
):
    """The engine's settings: the YAML of `--config`, then `a.b=value` overrides, then `--detector-arg`
    pairs (into `detector_args`), then the explicit flags; every problem reported at once. With
    `videos`, a missing or `auto` detector is picked for them and its profile lies beneath all of
    these (`engine.detect.profiles`)."""
    from videoutr.engine.config import EngineConfig
    from videoutr.engine.detect.profiles import profile_base, resolve_detector
    from videoutr.errors import ConfigError
    from videoutr.schema import load_config

    bad = [pair for pair in detector_args if "=" not in pair]
    if bad:
        raise ConfigError(f"--detector-arg {bad[0]!r}: expected key=value")
    pairs = [*overrides, *(f"detector_args.{pair.strip()}" for pair in detector_args)]
    base = None
    if videos is not None:
        asked = flags.get("detector") or _given_detector(config, pairs)
        base = profile_base(resolve_detector(asked, videos))
        flags = {**flags, "detector": base.detector}
    return load_config(
        EngineConfig, config, pairs, name="engine config", values=flags, check=EngineConfig.problems, base=base
    )


@engine_app.command("run")
def engine_command(
    overrides: Overrides = None,
    videos: Path = typer.Option(..., "--videos", help="Folder of videos (searched recursively)."),
    out: Path = typer.Option(..., "--out", help="Output folder; rerunning resumes it."),
    detector: str = typer.Option(
        None,
        "--detector",
        help="auto (default: motion for flat-coloured synthetic videos, foreground for real footage), "
        "motion, foreground, hog-person, haar-face, mp-face, mp-person, mp-pose, or hf:<model id or dir>.",
    ),
    detector_arg: list[str] = typer.Option(
        [], "--detector-arg", help="Detector option key=value (repeatable), e.g. prompts=[a cat]."
    ),
    executor: Executor = None,
    workers: Workers = None,
    ray_address: RayAddress = None,
    gpus_per_worker: GpusPerWorker = None,
    frames: int = typer.Option(None, "--frames", help="Sample this many frames per video (uniformly)."),
    fps: float = typer.Option(None, "--fps", help="Or sample at this rate; every frame when neither is given."),
    max_frames: int = typer.Option(None, "--max-frames", help="Cap on sampled frames (default 256)."),
    seed: int = typer.Option(None, "--seed", help="Seed of the question generator (default 0)."),
    samples_per_video: int = typer.Option(None, "--samples-per-video", help="Dialogues per video (default 2)."),
    config: ConfigFile = None,
    set_: list[str] = typer.Option([], "--set", hidden=True, help="Deprecated: give a.b=value as an argument."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    shard: str = typer.Option("0/1", "--shard", help="INDEX/COUNT: this run's share of the videos (one per machine)."),
) -> None:
    """Detect, track and query every video; write OUT/utr.json, data.yaml, trajectories.jsonl, errors.jsonl.

    Example: videoutr engine run --videos runs/world/videos --out runs/utr --workers 2 track.max_gap=4
    """
    from videoutr.checks import Checks
    from videoutr.engine.detect import check_detector_name
    from videoutr.engine.query.build import check_tasks
    from videoutr.engine.run import run_engine
    from videoutr.errors import ConfigError, raise_if_failed
    from videoutr.executors import EXECUTORS

    executor = executor or "local"
    workers = 1 if workers is None else workers
    gpus_per_worker = gpus_per_worker or 0.0
    checks = Checks("engine run")
    checks.need(videos.is_dir(), "--videos", "an existing folder", str(videos))
    checks.output("--out", out, inputs={"--videos": videos}, folder=True)
    checks.choice("--executor", executor, EXECUTORS)
    checks.at_least("--workers", workers, 1)
    checks.need(gpus_per_worker >= 0, "--gpus-per-worker", "a number >= 0", gpus_per_worker)
    index, _, count = shard.partition("/")
    checks.need(
        index.isdigit() and count.isdigit() and int(index) < int(count),
        "--shard",
        "INDEX/COUNT with 0 <= INDEX < COUNT, e.g. 0/4",
        shard,
    )
    flags = {
        "detector": detector,
        "num_frames": frames,
        "fps": fps,
        "max_frames": max_frames,
        "query.seed": seed,
        "query.samples_per_video": samples_per_video,
    }
    try:
        if detector not in (None, "auto"):  # checked apart: a bad override must not hide a bad --detector
            check_detector_name(detector)
    except ConfigError as exc:
        checks.add(str(exc))
    try:
        if set_:
            typer.echo("warning: --set is deprecated; give a.b=value as an argument", err=True)
        cfg = build_config(
            config, [*set_, *(overrides or [])], flags, detector_arg, videos=videos if videos.is_dir() else None
        )
        check_detector_name(cfg.detector)
        check_tasks(cfg.query.tasks)
    except ConfigError as exc:
        if str(exc) not in checks.problems:
            checks.add(str(exc))
    checks.done()
    stats = run_engine(
        videos,
        out,
        cfg,
        executor=executor,
        workers=workers,
        ray_address=ray_address,
        progress=progress,
        shard=(int(index), int(count)),
        gpus_per_worker=gpus_per_worker,
    )
    if not stats["complete"]:
        typer.echo(f"shard {shard} done ({stats['videos']} videos); the last shard to finish writes the final files")
        return
    typer.echo(
        f"{stats['ok']} videos ok, {stats['errors']} errors ({stats['processed_now']} processed now, "
        f"{stats['seconds_now']} s); {stats['tracks']} tracks, {stats['samples']} samples"
    )
    typer.echo(f"dropped tracks: {stats['dropped_tracks']}; skipped questions: {stats['skipped_questions']}")
    for name in ("utr.json", "data.yaml", "trajectories.jsonl", "errors.jsonl", "stats.json"):
        typer.echo(f"  {out / name}")
    raise_if_failed(stats["errors"], stats["videos"], "videos", out / "errors.jsonl")


@dataclass
class EvalSettings:
    """What `videoutr engine eval` checks (keys of its --config and a.b=value)."""

    out: str  # the engine output folder
    truth: str  # a world folder or its annotations.jsonl
    tol: int = 2  # frame tolerance for event and first/last-seen claims


@engine_app.command("eval")
def engine_eval_command(
    overrides: Overrides = None,
    config: ConfigFile = None,
    out: Path = typer.Option(None, "--out", help="An engine output folder (required)."),
    truth: Path = typer.Option(
        None, "--truth", help="Ground truth: a world folder or its annotations.jsonl (required)."
    ),
    tol: int = typer.Option(None, "--tol", help="Frame tolerance for event and first/last-seen claims (default 2)."),
) -> None:
    """Tracking quality (MOTA, IDF1, HOTA) and per-task answer correctness against ground truth.

    Writes OUT/eval.json. Example: videoutr engine eval --out runs/utr --truth runs/world tol=3
    """
    cfg = command_settings(EvalSettings, "engine eval", config, overrides, out=out, truth=truth, tol=tol)
    out, truth, tol = Path(cfg.out), Path(cfg.truth), cfg.tol
    from videoutr.checks import Checks
    from videoutr.data.llava import load_samples
    from videoutr.engine.quality.correctness import answer_correctness
    from videoutr.engine.quality.metrics import load_trajectories, load_truth, tracking_metrics
    from videoutr.jsonio import write_json

    checks = Checks("engine eval")
    for name in ("trajectories.jsonl", "utr.json"):
        checks.input_file("--out", out / name)
    checks.need(truth.exists(), "--truth", "a world folder or its annotations.jsonl", str(truth))
    checks.at_least("--tol", tol, 0)
    checks.done()
    gt = load_truth(truth)
    clips = load_trajectories(out / "trajectories.jsonl")
    report = {
        "tracking": tracking_metrics(clips, gt),
        "answers": answer_correctness(load_samples(out / "utr.json"), clips, gt, tol=tol),
    }
    write_json(out / "eval.json", report)
    t = report["tracking"]
    typer.echo(
        f"tracking over {t['videos']} videos: MOTA {t['MOTA']:.3f}  IDF1 {t['IDF1']:.3f}  "
        f"HOTA {t['HOTA']:.3f}  IDSW {t['IDSW']}"
    )
    a = report["answers"]
    typer.echo(f"answers: {a['accuracy']:.3f} correct of {a['answers']}")
    for task, row in a["by_task"].items():
        typer.echo(f"  {task:22s} {row['accuracy']:.3f} of {row['answers']:4d}  failures {row['failures']}")
    typer.echo(f"  {out / 'eval.json'}")


@dataclass
class OverlaySettings:
    """What `videoutr engine overlay` draws (keys of its --config and a.b=value)."""

    out: str  # the engine output folder
    video: str  # video id, as in trajectories.jsonl
    to: str  # output .png (a strip of frames) or .mp4 (every frame)
    videos: str | None = None  # videos folder (None: the one the run used)
    frames: int = 8  # frames in a PNG strip


@engine_app.command("overlay")
def overlay_command(
    overrides: Overrides = None,
    config: ConfigFile = None,
    out: Path = typer.Option(None, "--out", help="An engine output folder (required)."),
    video_id: str = typer.Option(None, "--video", help="Video id (as in trajectories.jsonl; required)."),
    to: Path = typer.Option(None, "--to", help="Output .png (a strip of frames) or .mp4 (every frame; required)."),
    videos: Path = typer.Option(None, "--videos", help="Videos folder (default: the one the run used)."),
    frames: int = typer.Option(None, "--frames", help="Frames in a PNG strip (default 8)."),
) -> None:
    """Draw the tracked boxes, ids, colours and shapes of one video for checking by eye.

    Example: videoutr engine overlay --out runs/utr --video v00003 --to v00003.png frames=12
    """
    cfg = command_settings(
        OverlaySettings,
        "engine overlay",
        config,
        overrides,
        out=out,
        video=video_id,
        to=to,
        videos=videos,
        frames=frames,
    )
    out, video_id, to, frames = Path(cfg.out), cfg.video, Path(cfg.to), cfg.frames
    videos = Path(cfg.videos) if cfg.videos is not None else None
    from videoutr.checks import Checks
    from videoutr.engine.quality.overlay import find_clip, overlay_strip, overlay_video, track_summary
    from videoutr.errors import ConfigError
    from videoutr.jsonio import read_json

    checks = Checks("engine overlay")
    checks.input_file("--out", out / "trajectories.jsonl")
    checks.need(to.suffix.lower() in (".png", ".mp4"), "--to", "a .png or .mp4 path", str(to))
    checks.output("--to", to, inputs={"--out": out / "trajectories.jsonl"})
    checks.at_least("--frames", frames, 1)
    checks.done()
    clip = find_clip(out, video_id)
    root = videos or Path(read_json(out / "run.json")["videos_root"])
    source = root / clip.video
    if to.suffix.lower() == ".png":
        overlay_strip(source, clip, to, num_frames=frames)
    elif to.suffix.lower() == ".mp4":
        overlay_video(source, clip, to)
    else:
        raise ConfigError(f"--to {to}: expected a .png or .mp4 path")
    for traj in clip.tracks:
        typer.echo(track_summary(traj))
    typer.echo(f"  {to}")


@dataclass
class RephraseSettings:
    """What `videoutr engine rephrase` rewrites with (keys of its --config and a.b=value)."""

    out: str  # the engine output folder (reads OUT/utr.json)
    model: str  # a chat model id or local folder (AutoModelForCausalLM)
    device: str = "cpu"
    max_new_tokens: int = 80  # longest rewrite


@engine_app.command("rephrase")
def engine_rephrase_command(
    overrides: Overrides = None,
    config: ConfigFile = None,
    out: Path = typer.Option(None, "--out", help="An engine output folder (reads OUT/utr.json; required)."),
    model: str = typer.Option(
        None, "--model", help="A chat model id or local folder (AutoModelForCausalLM; required)."
    ),
    device: str = typer.Option(None, "--device", help="cpu (default) or cuda."),
    max_new_tokens: int = typer.Option(None, "--max-new-tokens", help="Longest rewrite (default 80)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
) -> None:
    """Optional: reword the questions with a chat model, keeping every number and name (else the original stays).

    Writes OUT/utr_rephrased.json and OUT/data_rephrased.yaml. Example:
    videoutr engine rephrase --out runs/utr --model Qwen/Qwen2.5-0.5B-Instruct max_new_tokens=60
    """
    cfg = command_settings(
        RephraseSettings,
        "engine rephrase",
        config,
        overrides,
        out=out,
        model=model,
        device=device,
        max_new_tokens=max_new_tokens,
    )
    from videoutr.engine.query.rephrase import HFRephraser, rephrase_run

    rewrite = HFRephraser(cfg.model, max_new_tokens=cfg.max_new_tokens, device=cfg.device)
    stats = rephrase_run(cfg.out, rewrite, progress=progress)
    typer.echo(f"{stats['rephrased']} of {stats['questions']} questions reworded in {stats['samples']} samples")
    typer.echo(f"  {Path(cfg.out) / 'utr_rephrased.json'}")
