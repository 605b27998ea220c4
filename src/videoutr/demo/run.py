"""`videoutr demo`: the whole experiment, top to bottom, resumable stage by stage.

    world -> engine (train core videos) -> data pools -> TPL of every pool under the base (no arm)
    + TPL-filtered captions -> train every arm -> evaluate every arm under full / first / last /
    shuffled / none -> frame use (masking) and frame activation (attention) -> report.

Every stage writes its outputs atomically, then `DIR/stages/<name>.done` (a JSON with what it
produced); a rerun of `videoutr demo --out DIR` skips finished stages and resumes unfinished ones
(training from its last checkpoint, evaluation and TPL from their per-item JSONL). Jobs that run
side by side (training, evaluation, probes) write their logs to `DIR/logs/`; the terminal shows
one progress display.

    results = run_demo(demo_preset("smallest"), "runs/demo-small")
    (Path("runs/demo-small") / "report.md").is_file()
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from videoutr.demo.config import MOMENT_QUESTIONS, TPL_POOLS, DemoConfig
from videoutr.demo.jobs import Jobs, Stages
from videoutr.errors import ConfigError
from videoutr.jsonio import read_json, write_json
from videoutr.resources import package_path
from videoutr.runfolder import lock_settings

ARM_RECIPE = package_path("recipes", "demo_arm.yaml")


def _check_config(out: Path, cfg: DemoConfig) -> None:
    lock_settings(
        out / "demo_config.json", cfg.to_dict(), locked=True, what=f"{out}: the demo run", hint="use a new --out folder"
    )


def base_checkpoint(cfg: DemoConfig) -> Path:
    from videoutr.base.build import BUILTIN

    path = BUILTIN if cfg.base == "builtin" else Path(cfg.base)
    if not (path / "config.json").is_file():
        raise ConfigError(
            f"base checkpoint {path} not found; rebuild it with "
            "`videoutr base build --out src/videoutr/assets/tiny_base`"
        )
    return path


def stage_world(cfg: DemoConfig, out: Path) -> dict:
    from videoutr.world import generate_world

    generate_world(cfg.world(), out / "world", workers=cfg.workers)
    return {"dir": str(out / "world")}


def engine_config(cfg: DemoConfig):
    """The engine as the demo runs it: its short-answer tasks (a moment question of `MOMENT_QUESTIONS`
    only when the demo asks it), several per dialogue, and no fallback question (a video with nothing
    sure to ask gets no dialogue)."""
    from videoutr.engine import EngineConfig
    from videoutr.engine.query.short import SHORT_TASKS

    unasked = {engine for _, engine in MOMENT_QUESTIONS.values()} - {engine for _, engine in cfg.moment_questions()}
    tasks = [t for t in SHORT_TASKS if t not in unasked]
    return EngineConfig.from_dict(
        {
            "query": {
                "samples_per_video": 2,
                "turns_per_sample": len(tasks),
                "summary": False,
                "tasks": tasks,
                "fallback_tasks": [],
                "seed": cfg.world_seed,
            }
        }
    ).validate()


def stage_engine(cfg: DemoConfig, out: Path) -> dict:
    """Run the data engine on the core train videos (links to them in engine/videos/), then check
    its answers against the world's truth (`videoutr engine eval`'s correctness)."""
    from videoutr.demo.data import core_videos, train_split
    from videoutr.engine import run_engine

    core = core_videos(train_split(out / "world"), cfg.core_fraction)
    links = out / "engine" / "videos"
    links.mkdir(parents=True, exist_ok=True)
    for video_id in core:
        link = links / f"{video_id}.mp4"
        if not link.exists():
            os.symlink((out / "world" / "videos" / f"{video_id}.mp4").resolve(), link)
    stats = run_engine(links, out / "engine" / "out", engine_config(cfg), workers=cfg.workers, progress=False)
    return {
        "core_videos": len(core),
        "samples": stats.get("samples"),
        "ok": stats.get("ok"),
        "correctness": _engine_correctness(out),
    }


def _engine_correctness(out: Path) -> dict:
    """`videoutr engine eval`'s answer correctness of the engine's output against the world."""
    from videoutr.data.llava import load_samples
    from videoutr.engine.quality.correctness import answer_correctness
    from videoutr.engine.quality.metrics import load_trajectories, load_truth

    engine = out / "engine" / "out"
    return answer_correctness(
        load_samples(engine / "utr.json"), load_trajectories(engine / "trajectories.jsonl"), load_truth(out / "world")
    )


def stage_data(cfg: DemoConfig, out: Path) -> dict:
    """The training pools and arms; checks that no benchmark question appears in any of them."""
    from videoutr.demo.data import build_pools, core_videos, paraphrase_overlap, tpl_subset, train_split, write_arm

    train = train_split(out / "world")
    core = core_videos(train, cfg.core_fraction)
    pools = build_pools(out / "world", out / "engine" / "videos", out / "engine" / "out", core, train, out / "data")
    arms = {arm: str(write_arm(arm, pools, out / "data", cfg.world_seed)) for arm in cfg.arms if arm != "captions_tpl"}
    tpl_sets = {
        pool: str(
            tpl_subset(
                pools[pool],
                cfg.tpl_samples * (1 + (pool == "captions_x2")),
                cfg.world_seed,
                out / "data" / f"tpl_{pool}.json",
            )
        )
        for pool in TPL_POOLS
    }
    return {
        "pools": {k: str(v) for k, v in pools.items()},
        "tpl_sets": tpl_sets,
        "arms": arms,
        "core": len(core),
        "train": len(train),
        "bench_questions_in_training": paraphrase_overlap(out / "world" / "bench.json", list(pools.values())),
    }


def video_roots(out: Path) -> list[Path]:
    """Where the pools' relative video paths resolve: world (captions), engine links (UTR), data (stills)."""
    return [out / "world", out / "engine" / "videos", out / "data"]


def stage_tpl(cfg: DemoConfig, out: Path, pool: str, data: str, key_frame: str) -> dict:
    """TPL of one pool's scored subset under the base checkpoint (none of the arms) with one key frame."""
    from videoutr.tpl.run import TplRunConfig, run_tpl

    root = {"captions": "world", "captions_x2": "world", "utr": "engine/videos", "control": "data"}[pool]
    scores = out / "tpl" / f"{pool}.{key_frame}.jsonl"
    run_tpl(
        TplRunConfig(
            model=str(base_checkpoint(cfg)),
            data=data,
            out=str(scores),
            video_root=str(out / root),
            frames=cfg.frames,
            key_frame=key_frame,
            key_view=cfg.tpl_key_view,
            batch_size=8,
        ),
        progress=False,
    )
    return {"scores": str(scores)}


def stage_filter(cfg: DemoConfig, out: Path, tpl: dict[str, dict[str, str]], pool: str) -> dict:
    """captions_tpl: the top share of the scored x2 caption subset by TPL (mean over the key frames)."""
    from videoutr.demo.collect import combine_tpl
    from videoutr.jsonio import write_jsonl
    from videoutr.tpl.filter import filter_by_tpl

    combined = out / "tpl" / "captions_x2.mean.jsonl"
    write_jsonl(combined, [{"id": k, "tpl": v} for k, v in combine_tpl(tpl["captions_x2"]).items()])
    path = out / "data" / "arm_captions_tpl.json"
    res = filter_by_tpl(combined, pool, path, top_fraction=cfg.tpl_keep_fraction)
    return {"path": str(path), "kept": res.kept, "dropped": res.dropped}


def train_dir(out: Path, arm: str, seed: int) -> Path:
    return out / "models" / arm / f"seed{seed}"


def stage_train(cfg: DemoConfig, out: Path, arm: str, seed: int, data_json: str) -> dict:
    from videoutr.train import load_recipe, run_training
    from videoutr.train.config import DatasetEntry, validate

    run_dir = train_dir(out, arm, seed)
    recipe = load_recipe(ARM_RECIPE, semantic=False)
    recipe.model.path = str(base_checkpoint(cfg))
    recipe.data.datasets = [DatasetEntry(json_path=data_json, sampling_strategy="all")]
    recipe.data.video_root = [str(p) for p in video_roots(out)]
    recipe.data.num_frames, recipe.data.eval_fraction = cfg.frames, 0.0
    recipe.optim.lr, recipe.optim.warmup_steps, recipe.optim.scheduler = cfg.lr, cfg.warmup_steps, cfg.scheduler
    recipe.tune.vision_lr = cfg.vision_lr
    run = recipe.run
    run.output_dir, run.max_steps, run.batch_size, run.seed = str(run_dir), cfg.steps, cfg.batch_size, seed
    run.save_steps = max(cfg.steps // 2, 1)
    problems = validate(recipe)
    if problems:
        raise ConfigError(f"{ARM_RECIPE}: " + "; ".join(problems))
    summary = run_training(recipe)
    return {
        "model": str(run_dir),
        "seconds": summary["seconds"],
        "loss_first": summary["train_loss_first"],
        "loss_last": summary["train_loss_last"],
        "data": data_json,
    }


def eval_conditions(cfg: DemoConfig, arm: str) -> list[str]:
    """Every condition for the ablation arms; full (+ none, against the answer prior) for the others."""
    if arm in cfg.ablation_arms:
        return list(cfg.conditions)
    return [c for c in cfg.conditions if c in ("full", "none")]


def stage_eval(cfg: DemoConfig, out: Path, model: str, arm: str, seed: int) -> dict:
    from videoutr.eval.runner import EvalConfig, run_eval

    name = f"{arm}/seed{seed}"
    ecfg = EvalConfig(
        model=model,
        bench=str(out / "world" / "bench.json"),
        out=str(out / "eval" / name),
        video_root=[str(out / "world")],
        conditions=eval_conditions(cfg, arm),
        frames=cfg.frames,
        limit=cfg.eval_limit,
        key_frame="last",
    )
    run_eval(ecfg)
    return {"samples": str(out / "eval" / name / "samples.jsonl")}


def probe_questions(cfg: DemoConfig, out: Path) -> list:
    """The temporal questions (originals, not twins) of the first `probe_videos` test videos."""
    from videoutr.world import load_bench

    bench = [q for q in load_bench(out / "world") if q.temporal and "_rev" not in q.id]
    videos = sorted({q.video for q in bench})[: cfg.probe_videos]
    return [q for q in bench if q.video in videos]


def stage_probe(cfg: DemoConfig, out: Path, arm: str, model: str) -> dict:
    """Frame use (masking each frame) and frame activation (attention) of one arm's model."""
    from videoutr.demo.attention import attention_probe, masking_probe

    questions = probe_questions(cfg, out)
    masking = masking_probe(model, questions, str(out / "world"), cfg.frames)
    write_json(out / "probes" / f"{arm}.masking.json", masking, indent=None)
    attention = attention_probe(model, questions, str(out / "world"), cfg.frames)
    write_json(out / "probes" / f"{arm}.attention.json", attention, indent=None)
    return {
        "masking": str(out / "probes" / f"{arm}.masking.json"),
        "attention": str(out / "probes" / f"{arm}.attention.json"),
    }


class CallLog:
    """This call's entry in DIR/calls.json - its wall seconds, whether it finished a stage - kept
    current after every stage or job, so that a call killed part-way still counts its time up to
    the last one it finished. `wall_s` sums the calls that finished a stage."""

    def __init__(self, out: Path) -> None:
        self.path = out / "calls.json"
        self.calls = read_json(self.path) if self.path.is_file() else []
        self.calls.append({"wall_s": 0.0, "ran_stages": False, "finished": False})
        self.started = time.perf_counter()
        write_json(self.path, self.calls)

    def update(self, ran_stage: bool = True, finished: bool = False) -> float:
        """Record this call's time so far (and that it finished a stage); returns it."""
        wall = round(time.perf_counter() - self.started, 1)
        this = self.calls[-1]
        self.calls[-1] = {"wall_s": wall, "ran_stages": this["ran_stages"] or ran_stage, "finished": finished}
        write_json(self.path, self.calls)
        return wall

    @property
    def wall_s(self) -> float:
        return round(sum(c["wall_s"] for c in self.calls if c["ran_stages"]), 1)


def _steps_done(run_dir: Path) -> int:
    """The last logged optimizer step of a training run (0 before the first log line)."""
    import json

    log = run_dir / "log.jsonl"
    if not log.is_file():
        return 0
    for line in reversed(log.read_text(encoding="utf-8").splitlines()):
        try:
            return int(json.loads(line).get("step", 0))
        except (ValueError, AttributeError):
            continue
    return 0


def _lines(path: Path) -> int:
    return sum(1 for _ in path.open(encoding="utf-8")) if path.is_file() else 0


def run_demo(cfg: DemoConfig, out_dir: str | Path, log=None, show_progress: bool = True) -> dict:
    """Run (or resume) the demo in `out_dir`; returns results.json's content."""
    import torch

    from videoutr.demo.report import collect_results, write_report

    cfg = cfg.validate()
    torch.set_num_threads(cfg.threads)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _check_config(out, cfg)
    base_checkpoint(cfg)
    calls = CallLog(out)
    stages = Stages(out, show_progress, log, on_done=calls.update)
    jobs = Jobs(stages, cfg.workers, cfg.threads)
    stages.run("world", lambda: stage_world(cfg, out))
    engine = stages.run("engine", lambda: stage_engine(cfg, out))
    data = stages.run("data", lambda: stage_data(cfg, out))
    pools = data["tpl_sets"]
    tpl_jobs = {
        f"tpl/{pool}/{key}": ((stage_tpl, cfg, out, pool, path, key), None, ())
        for pool, path in pools.items()
        for key in cfg.tpl_key_frames
    }
    tpl_done = jobs.run(tpl_jobs)
    tpl = {pool: {key: tpl_done[f"tpl/{pool}/{key}"]["scores"] for key in cfg.tpl_key_frames} for pool in pools}
    if "captions_tpl" in cfg.arms:
        data["arms"]["captions_tpl"] = stages.run(
            "filter", lambda: stage_filter(cfg, out, tpl, data["tpl_sets"]["captions_x2"])
        )["path"]
    first_seed = cfg.train_seeds()[0]
    probed = [a for a in ("captions", "control", "utr") if a in cfg.arms]
    train, evaluate, probe = {}, {}, {}
    for arm in cfg.arms:
        for seed in cfg.train_seeds():
            model, trained = str(train_dir(out, arm, seed)), f"train/{arm}/seed{seed}"
            train[trained] = (
                (stage_train, cfg, out, arm, seed, data["arms"][arm]),
                (lambda a=arm, s=seed: _steps_done(train_dir(out, a, s)), cfg.steps),
                (),
            )
            evaluate[f"eval/{arm}/seed{seed}"] = (
                (stage_eval, cfg, out, model, arm, seed),
                (lambda a=arm, s=seed: _lines(out / "eval" / a / f"seed{s}" / "samples.jsonl"), None),
                (trained,),
            )
            if arm in probed and seed == first_seed:
                probe[f"probe/{arm}"] = ((stage_probe, cfg, out, arm, model), None, (trained,))
    jobs.run({**train, **evaluate, **probe})
    results = collect_results(cfg, out, data, tpl, stages.all_timings())
    results["engine"] = engine
    results["wall_seconds_this_call"] = calls.update(ran_stage=False, finished=True)
    results["calls"] = calls.calls
    results["wall_s"] = calls.wall_s
    write_report(results, out)
    stages.close()
    return results
