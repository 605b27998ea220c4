"""`videoutr demo`: the whole experiment, top to bottom, resumable stage by stage.

    world -> engine (train core videos) -> data pools -> train the reference arm -> TPL of every
    training set under it + TPL-filtered captions -> train the other arms -> evaluate every model
    under full / single / shuffled / reversed / none -> frame activation -> report.

Every stage writes its outputs atomically, then `DIR/stages/<name>.done` (a JSON with what it
produced); a rerun of `videoutr demo --out DIR` skips finished stages and resumes unfinished ones
(training from its last checkpoint, evaluation and TPL from their per-item JSONL).

    >>> results = run_demo(demo_preset("smallest"), "runs/demo-small")
    >>> (Path("runs/demo-small") / "report.md").is_file()
    True
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from videoutr.demo.config import REFERENCE_ARM, DemoConfig
from videoutr.errors import ConfigError
from videoutr.jsonio import read_json, write_json

ARM_RECIPE = Path(__file__).resolve().parents[3] / "recipes" / "demo_arm.yaml"


class Stages:
    """Done-markers under DIR/stages: run a stage once, remember what it returned."""

    def __init__(self, out: Path, log: Callable[[str], None]) -> None:
        self.dir = out / "stages"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.log = log
        self.timings: dict[str, float] = {}

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        marker = self.dir / f"{name.replace('/', '__')}.done"
        if marker.is_file():
            self.log(f"[skip] {name} (done)")
            return read_json(marker)["result"]
        self.log(f"[run ] {name}")
        start = time.perf_counter()
        result = fn()
        seconds = round(time.perf_counter() - start, 2)
        self.timings[name] = seconds
        write_json(marker, {"result": result, "seconds": seconds})
        self.log(f"[done] {name} in {seconds:.1f}s")
        return result

    def all_timings(self) -> dict[str, float]:
        return {p.stem.replace("__", "/"): read_json(p).get("seconds") for p in sorted(self.dir.glob("*.done"))}


def _check_config(out: Path, cfg: DemoConfig) -> None:
    path = out / "demo_config.json"
    if path.is_file() and read_json(path) != cfg.to_dict():
        old = read_json(path)
        diff = ", ".join(f"{k}: {old.get(k)!r} -> {v!r}" for k, v in cfg.to_dict().items() if old.get(k) != v)
        raise ConfigError(f"{out} holds a demo run with another config ({diff}); use a new --out folder")
    write_json(path, cfg.to_dict())


def base_checkpoint(cfg: DemoConfig) -> Path:
    from videoutr.demo.base import BUILTIN

    path = BUILTIN if cfg.base == "builtin" else Path(cfg.base)
    if not (path / "config.json").is_file():
        raise ConfigError(f"base checkpoint {path} not found; rebuild it with "
                          "`python -m videoutr.demo.base --out src/videoutr/assets/tiny_base`")
    return path


def stage_world(cfg: DemoConfig, out: Path) -> dict:
    from videoutr.world import generate_world

    generate_world(cfg.world(), out / "world")
    return {"dir": str(out / "world")}


def stage_engine(cfg: DemoConfig, out: Path) -> dict:
    """Run the data engine on the core train videos (links to them in engine/videos/videos/)."""
    from videoutr.demo.data import core_videos, train_split
    from videoutr.engine import EngineConfig, run_engine

    core = core_videos(train_split(out / "world"), cfg.core_fraction)
    links = out / "engine" / "videos" / "videos"
    links.mkdir(parents=True, exist_ok=True)
    for video_id in core:
        link = links / f"{video_id}.mp4"
        if not link.exists():
            os.symlink((out / "world" / "videos" / f"{video_id}.mp4").resolve(), link)
    engine_cfg = EngineConfig.from_dict({"query": {"samples_per_video": 1, "turns_per_sample": 1,
                                                   "max_boxes": 4, "seed": cfg.world_seed}}).validate()
    stats = run_engine(out / "engine" / "videos", out / "engine" / "out", engine_cfg, progress=False)
    return {"core_videos": len(core), "samples": stats.get("samples"), "ok": stats.get("ok")}


def stage_data(cfg: DemoConfig, out: Path) -> dict:
    """The training pools and arms, and how far the UTR short-form answers agree with the truth."""
    from videoutr.demo.data import build_pools, core_videos, engine_clips, train_split, write_arm
    from videoutr.demo.utr_tasks import answer_agreement
    from videoutr.world.annotation import load_annotations

    train = train_split(out / "world")
    core = core_videos(train, cfg.core_fraction)
    pools = build_pools(out / "world", out / "engine" / "out", core, train, out / "data")
    arms = {arm: str(write_arm(arm, pools, out / "data", cfg.world_seed)) for arm in cfg.arms if arm != "captions_tpl"}
    agreement = answer_agreement(engine_clips(out / "engine" / "out", set(core)),
                                 {a.id: a for a in load_annotations(out / "world")})
    return {"pools": {k: str(v) for k, v in pools.items()}, "arms": arms, "core": len(core), "train": len(train),
            "utr_agreement": agreement}


def stage_train(cfg: DemoConfig, out: Path, arm: str, seed: int, data_json: str) -> dict:
    from videoutr.train import load_recipe, run_training

    run_dir = out / "models" / arm / f"seed{seed}"
    recipe = load_recipe(ARM_RECIPE, [
        f"model.path={base_checkpoint(cfg)}", f"run.output_dir={run_dir}",
        f"data.datasets=[{{json_path: {data_json}, sampling_strategy: all}}]", f"data.video_root=[{out / 'world'}]",
        f"data.num_frames={cfg.frames}", "data.eval_fraction=0", f"run.max_steps={cfg.steps}",
        f"run.batch_size={cfg.batch_size}", f"run.seed={seed}", f"optim.lr={cfg.lr}",
        f"optim.warmup_steps={cfg.warmup_steps}", "optim.scheduler=constant_with_warmup",
        f"run.save_steps={max(cfg.steps // 2, 1)}", "run.save_total_limit=1", "run.logging_steps=10",
    ])
    summary = run_training(recipe)
    return {"model": str(run_dir), "seconds": summary["seconds"], "loss_first": summary["train_loss_first"],
            "loss_last": summary["train_loss_last"], "data": data_json}


def stage_tpl(cfg: DemoConfig, out: Path, reference: str, datasets: dict[str, str]) -> dict:
    from videoutr.tpl.run import TplRunConfig, run_tpl

    result = {}
    for name, data in datasets.items():
        scores = out / "tpl" / f"{name}.jsonl"
        tcfg = TplRunConfig(model=reference, data=data, out=str(scores), video_root=str(out / "world"),
                            frames=cfg.frames, key_frame=cfg.tpl_key_frame, batch_size=8)
        run_tpl(tcfg, progress=False)
        result[name] = str(scores)
    return result


def stage_filter(cfg: DemoConfig, out: Path, scores: str, pool: str) -> dict:
    from videoutr.tpl.filter import filter_by_tpl

    path = out / "data" / "arm_captions_tpl.json"
    res = filter_by_tpl(scores, pool, path, top_fraction=cfg.tpl_keep_fraction)
    return {"path": str(path), "kept": res.kept, "dropped": res.dropped}


def eval_conditions(cfg: DemoConfig, arm: str) -> list[str]:
    """Every condition for the ablation arms; full (+ shuffled) for the others."""
    if arm in cfg.ablation_arms:
        return list(cfg.conditions)
    return [c for c in cfg.conditions if c in ("full", "shuffled")]


def stage_eval(cfg: DemoConfig, out: Path, model: str, arm: str, seed: int) -> dict:
    from videoutr.eval.runner import EvalConfig, run_eval

    name = f"{arm}/seed{seed}"
    ecfg = EvalConfig(model=model, bench=str(out / "world" / "bench.json"), out=str(out / "eval" / name),
                      video_root=[str(out / "world")], conditions=eval_conditions(cfg, arm), frames=cfg.frames,
                      limit=cfg.eval_limit, key_frame="last")
    run_eval(ecfg)
    return {"samples": str(out / "eval" / name / "samples.jsonl")}


def stage_attention(cfg: DemoConfig, out: Path, models: dict[str, str]) -> dict:
    from videoutr.demo.attention import attention_probe
    from videoutr.world import load_bench

    bench = [q for q in load_bench(out / "world") if q.temporal and "_rev" not in q.id]
    videos = sorted({q.video for q in bench})[: cfg.attention_videos]
    questions = [q for q in bench if q.video in videos]
    result = {}
    for arm, model in models.items():
        probe = attention_probe(model, questions, str(out / "world"), cfg.frames)
        write_json(out / "attention" / f"{arm}.json", probe, indent=None)
        result[arm] = str(out / "attention" / f"{arm}.json")
    return result


def _record_call(out: Path, wall_s: float, ran: bool) -> list[dict]:
    """Append this call to DIR/calls.json (wall seconds, whether it ran any stage); return all calls."""
    path = out / "calls.json"
    calls = read_json(path) if path.is_file() else []
    calls.append({"wall_s": wall_s, "ran_stages": ran})
    write_json(path, calls)
    return calls


def _init_worker(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


class Jobs:
    """Stage jobs run `workers` at a time in spawned processes (1 torch thread each); markers as
    in `Stages`, written by the parent when a job returns, so a killed run redoes only unfinished
    jobs (and those resume from their own checkpoints / per-item JSONL)."""

    def __init__(self, stages: Stages, workers: int, threads: int) -> None:
        self.stages, self.workers, self.threads = stages, workers, threads

    def run(self, jobs: dict[str, tuple]) -> dict[str, Any]:
        """jobs: name -> (function, *args). Returns name -> result."""
        results, todo = {}, {}
        for name, job in jobs.items():
            marker = self.stages.dir / f"{name.replace('/', '__')}.done"
            if marker.is_file():
                self.stages.log(f"[skip] {name} (done)")
                results[name] = read_json(marker)["result"]
            else:
                todo[name] = job
        if self.workers <= 1 or len(todo) <= 1:
            for name, (fn, *args) in todo.items():
                results[name] = self.stages.run(name, lambda: fn(*args))
            return results
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        ctx = mp.get_context("spawn")
        with ProcessPoolExecutor(min(self.workers, len(todo)), mp_context=ctx, initializer=_init_worker,
                                 initargs=(self.threads,)) as pool:
            started = {name: (pool.submit(_timed, fn, *args), name) for name, (fn, *args) in todo.items()}
            for name in todo:
                self.stages.log(f"[run ] {name}")
            for name, (future, _) in started.items():
                result, seconds = future.result()
                self.stages.timings[name] = seconds
                write_json(self.stages.dir / f"{name.replace('/', '__')}.done", {"result": result, "seconds": seconds})
                self.stages.log(f"[done] {name} in {seconds:.1f}s")
                results[name] = result
        return results


def _timed(fn: Callable, *args) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn(*args)
    return result, round(time.perf_counter() - start, 2)


def _train_jobs(cfg: DemoConfig, out: Path, arms: list[str], data: dict) -> dict[str, tuple]:
    return {f"train/{arm}/seed{seed}": (stage_train, cfg, out, arm, seed, data["arms"][arm])
            for arm in arms for seed in range(cfg.seeds)}


def _eval_jobs(cfg: DemoConfig, out: Path, arms: list[str], trained: dict) -> dict[str, tuple]:
    return {f"eval/{arm}/seed{seed}": (stage_eval, cfg, out, trained[f"train/{arm}/seed{seed}"]["model"], arm, seed)
            for arm in arms for seed in range(cfg.seeds)}


def run_demo(cfg: DemoConfig, out_dir: str | Path, log: Callable[[str], None] = print) -> dict:
    """Run (or resume) the demo in `out_dir`; returns results.json's content."""
    import torch

    from videoutr.demo.report import collect_results, write_report

    cfg = cfg.validate()
    torch.set_num_threads(cfg.threads)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _check_config(out, cfg)
    base_checkpoint(cfg)
    stages = Stages(out, log)
    jobs = Jobs(stages, cfg.workers, cfg.threads)
    started = time.perf_counter()
    stages.run("world", lambda: stage_world(cfg, out))
    stages.run("engine", lambda: stage_engine(cfg, out))
    data = stages.run("data", lambda: stage_data(cfg, out))
    first = [a for a in cfg.arms if a != "captions_tpl"]  # captions_tpl needs the reference's TPL
    trained = jobs.run(_train_jobs(cfg, out, first, data))
    reference = trained[f"train/{REFERENCE_ARM}/seed0"]["model"]
    tpl = stages.run("tpl", lambda: stage_tpl(cfg, out, reference, dict(data["pools"])))
    later = []
    if "captions_tpl" in cfg.arms:
        data["arms"]["captions_tpl"] = stages.run("filter", lambda: stage_filter(
            cfg, out, tpl["captions_x4"], data["pools"]["captions_x4"]))["path"]
        later = ["captions_tpl"]
    both = jobs.run({**_train_jobs(cfg, out, later, data), **_eval_jobs(cfg, out, first, trained)})
    trained.update(both)
    jobs.run(_eval_jobs(cfg, out, later, trained))
    shown = {a: trained[f"train/{a}/seed0"]["model"] for a in ("captions", REFERENCE_ARM) if a in cfg.arms}
    stages.run("attention", lambda: stage_attention(cfg, out, shown))
    results = collect_results(cfg, out, data, tpl, stages.all_timings())
    results["wall_seconds_this_call"] = round(time.perf_counter() - started, 1)
    results["calls"] = _record_call(out, results["wall_seconds_this_call"], ran=bool(stages.timings))
    write_report(results, out)
    log(f"report: {out / 'report.md'}")
    return results
