"""`videoutr eval run`: score a model on a benchmark under one or more frame conditions, resumably.

    cfg = EvalConfig(model="runs/tiny/train", bench="world/bench.json", video_root=["world"],
                     out="runs/eval", conditions=["full", "shuffled", "reversed", "single", "none"])
    summary = run_eval(cfg)

Outputs in `out`: `samples.jsonl` (one record per item x condition, in benchmark order; a killed
run resumes where it stopped and ends with the same file), `summary.json`, `report.md`,
`accuracy.png`, `config.json`, `errors.jsonl`. Items whose video is missing, unreadable or outside
the video roots are recorded with an `error` and counted, never scored; malformed benchmark items
are listed in `errors.jsonl` and the others are still scored.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from videoutr.checks import Checks
from videoutr.errors import ConfigError
from videoutr.eval.benchmarks import FORMATS, BenchItem, load_benchmark
from videoutr.eval.lmms_rules import answered, extract_choice
from videoutr.eval.metrics import open_qa_scores
from videoutr.eval.probes import condition_indices, parse_conditions
from videoutr.eval.results import GROUP_KEYS
from videoutr.eval.scoring import (
    LL_TARGETS,
    _dialogue,
    dialogue_logliks,
    generate_answer,
    generation_prompt,
    option_dialogues,
    pick_by_loglik,
)
from videoutr.eval.steps import EvalJob, EvalScoring, read_items
from videoutr.executors import Step, check_options, make_executor
from videoutr.jsonio import write_jsonl
from videoutr.models.options import InputOptions
from videoutr.resume import ResumableJsonl
from videoutr.runfolder import lock_settings
from videoutr.video.keyframe import KEY_FRAMES

METHODS = ("loglik", "generate", "both")
# settings that change the scores: a rerun into the same folder must use the same ones
# where and how the run goes, kept out of config.json (it records what was scored, and with what)
_RUN_KEYS = ("executor", "workers", "ray_address", "gpus_per_worker", "attn_implementation", "batch_size")
_SCORING_KEYS = (
    "model",
    "bench",
    "fmt",
    "method",
    "key_frame",
    "frames",
    "ll_target",
    "ll_norm",
    "max_new_tokens",
    "seed",
    "dtype",
    "inputs",
)


@dataclass
class EvalConfig:
    model: str
    bench: str
    out: str
    video_root: list[str] = field(default_factory=list)
    fmt: str = "auto"
    method: str = "loglik"  # MCQ: option log-likelihood, generation + option extraction, or both
    conditions: list[str] = field(default_factory=lambda: ["full"])
    key_frame: str = "first"  # the `single` condition's frame
    frames: int | None = None  # None: the model's own frame policy (videoutr.json / processor)
    ll_target: str = "text"  # score option text after the question, or the letter after listed options
    ll_norm: str = "sum"  # sum | mean (per token) log-likelihood
    max_new_tokens: int = 32
    device: str = "cpu"
    dtype: str = "auto"
    limit: int | None = None
    seed: int = 0
    judge: str | None = None  # an HF chat model folder for the optional open-QA judge
    allow_outside_root: bool = False  # open videos whose path leaves every video root
    inputs: InputOptions = field(default_factory=InputOptions)  # fps / pixel bounds / prompt overrides
    executor: str = "local"  # local (this process or a process pool) or ray (Ray Data)
    workers: int = 1  # processes (local) or model actors (ray)
    ray_address: str | None = None  # a running cluster ("auto", "ray://head:10001"); None: start one here
    gpus_per_worker: float = 0.0  # GPUs per model actor (ray)
    attn_implementation: str | None = None  # sdpa, eager, flash_attention_2 (None: the model's default)
    batch_size: int = 1  # items per batch handed to a worker (each is recorded when its batch is back)

    def validate(self, model_given: bool = False) -> None:
        """Raise `ConfigError` listing every invalid option at once (with `model_given`, a loaded
        model passed to `run_eval`, `model` is only its name)."""
        checks = Checks("eval")
        if not model_given:
            checks.model("--model", self.model)
        if self.judge:
            checks.model("--judge", self.judge)
        checks.input_file("--bench", self.bench)
        for root in self.video_root:
            checks.need(Path(root).is_dir(), "--video-root", "an existing folder", root)
        checks.output("--out", self.out, inputs={"--bench": self.bench}, folder=True)
        checks.choice("--format", self.fmt, FORMATS)
        checks.at_least("--frames", self.frames, 1)
        checks.at_least("--limit", self.limit, 1)
        checks.at_least("--max-new-tokens", self.max_new_tokens, 1)
        checks.dtype("--dtype", self.dtype)
        check_options(checks, self.executor, self.workers, self.ray_address, self.gpus_per_worker, self.device)
        checks.at_least("--batch-size", self.batch_size, 1)
        problems = checks.problems
        if self.method not in METHODS:
            problems.append(f"method {self.method!r}: choose from {', '.join(METHODS)}")
        if self.ll_target not in LL_TARGETS:
            problems.append(f"ll_target {self.ll_target!r}: choose from {', '.join(LL_TARGETS)}")
        if self.ll_norm not in ("sum", "mean"):
            problems.append(f"ll_norm {self.ll_norm!r}: choose sum or mean")
        if self.key_frame not in KEY_FRAMES:
            problems.append(f"key_frame {self.key_frame!r}: choose from {', '.join(KEY_FRAMES)}")
        try:
            self.conditions = parse_conditions(self.conditions)
        except ConfigError as exc:
            problems.append(str(exc))
        if problems:
            raise ConfigError("eval: " + "; ".join(problems))


def score_mcq(model, processor, item: BenchItem, frames, cfg: EvalConfig) -> dict:
    """Log-likelihood and/or generation scoring of one MCQ item under given frames."""
    rec: dict = {}
    if cfg.method in ("loglik", "both"):
        sums, counts = dialogue_logliks(
            model, processor, option_dialogues(item, cfg.ll_target), frames, system=cfg.inputs.system_prompt
        )
        scores = [s / n for s, n in zip(sums, counts)] if cfg.ll_norm == "mean" else sums
        pred = pick_by_loglik(scores)
        rec.update(
            logliks=[round(v, 5) for v in scores], pred_loglik=pred, correct_loglik=int(pred == item.answer_index)
        )
        rec["answer_logprob"] = sums[item.answer_index]
        rec["answer_logprob_per_token"] = sums[item.answer_index] / max(counts[item.answer_index], 1)
    if cfg.method in ("generate", "both"):
        text = generate_answer(
            model, processor, generation_prompt(item), frames, cfg.max_new_tokens, system=cfg.inputs.system_prompt
        )
        benchmark = item.extra.get("benchmark")
        pred = extract_choice(benchmark, text, item.candidates, item.extra)
        rec.update(
            generation=text,
            pred_generate=pred,
            correct_generate=int(pred == item.answer_index),
            answered_generate=answered(benchmark, text, pred),
        )
    return rec


def score_open(model, processor, item: BenchItem, frames, cfg: EvalConfig) -> dict:
    """Generated answer with API-free metrics, plus the reference answer's log-likelihood."""
    system = cfg.inputs.system_prompt
    text = generate_answer(model, processor, generation_prompt(item), frames, cfg.max_new_tokens, system=system)
    if not item.references:  # judge-only (TempCompass captioning): the answer waits for a judge
        return {"generation": text, "judge_only": True}
    sums, counts = dialogue_logliks(
        model, processor, [_dialogue(item.id, item.question, item.references[0])], frames, system=system
    )
    return {
        "generation": text,
        **open_qa_scores(text, item.references),
        "answer_logprob": sums[0],
        "answer_logprob_per_token": sums[0] / max(counts[0], 1),
    }


def _base(item: BenchItem, cond: str) -> dict:
    groups = {k: item.extra[k] for k in GROUP_KEYS if item.extra.get(k) is not None}
    return {
        "key": f"{item.id}::{cond}",
        "id": item.id,
        "condition": cond,
        "task": item.task,
        "temporal": item.temporal,
        "kind": item.kind,
        "answer_index": item.answer_index,
        **groups,
    }


def item_records(model, processor, job: EvalJob, video, error: str | None, cfg: EvalConfig) -> list[dict]:
    """The records of one item under each of its conditions (each an error record when its
    video could not be read)."""
    item = job.item
    if error is not None:
        return [{**_base(item, c), "error": error} for c in job.conditions]
    records = []
    for cond in job.conditions:
        shown = condition_indices(len(video), cond, cfg.key_frame, seed=f"{cfg.seed}:{item.id}")
        view = None if shown is None else video.select(list(shown))
        scorer = score_mcq if item.kind == "mcq" else score_open
        records.append(
            {**_base(item, cond), "frames_shown": shown, **video.record(), **scorer(model, processor, item, view, cfg)}
        )
    return records


def run_eval(cfg: EvalConfig, model=None, processor=None) -> dict:
    """Score every item under every condition; resumable; returns the summary."""
    from tqdm import tqdm

    from videoutr.eval.results import summarise, write_outputs
    from videoutr.models.load import load_video_processor

    cfg.validate(model_given=model is not None)
    malformed: list[dict] = []
    items = load_benchmark(
        cfg.bench, cfg.fmt, report=lambda where, why: malformed.append({"where": where, "error": why})
    )[: cfg.limit]
    for problem in malformed:
        print(f"error: {problem['where']}: {problem['error']}", file=sys.stderr)
    if not items:
        raise ConfigError(f"eval: --bench {cfg.bench}: no usable item ({len(malformed)} malformed)")
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    scored = any((out / name).is_file() for name in ("samples.jsonl", "samples.jsonl.partial"))
    settings = {k: v for k, v in asdict(cfg).items() if k not in _RUN_KEYS}
    lock_settings(
        out / "config.json",
        settings,
        keys=_SCORING_KEYS,
        locked=scored,  # nothing scored locks nothing
        what=f"{out}: the results",
        hint="use a new --out folder or the same settings to resume",
    )
    if processor is None:
        processor = load_video_processor(cfg.model)
    cfg.inputs.apply(processor)
    policy = cfg.inputs.policy(cfg.model, processor, cfg.frames)
    store = ResumableJsonl(out / "samples.jsonl", key="key")
    order = [f"{item.id}::{c}" for item in items for c in cfg.conditions]
    jobs = [
        EvalJob(item, todo)
        for item in items
        if (todo := tuple(c for c in cfg.conditions if f"{item.id}::{c}" not in store.done))
    ]
    steps = [
        Step(read_items, init=(cfg.video_root, cfg.allow_outside_root, policy)),
        Step(EvalScoring, init=(cfg, model, processor) if model is not None else (cfg,), gpus=cfg.gpus_per_worker),
    ]
    bar = tqdm(total=len(items), initial=len(items) - len(jobs), desc="eval", unit="item")
    with make_executor(cfg.executor, cfg.workers, cfg.ray_address, cfg.gpus_per_worker) as executor:

        def on_batch(per_job: list[list[dict]]) -> None:
            store.extend([record for records in per_job for record in records])
            bar.update(len(per_job))

        executor.map(steps, [jobs[i : i + cfg.batch_size] for i in range(0, len(jobs), cfg.batch_size)], on_batch)
    bar.close()
    records = store.finalize(order)
    if cfg.judge:
        from videoutr.eval.judge import judge_records

        records = judge_records(cfg.judge, items, records, out / "samples.jsonl", device=cfg.device)
    summary = summarise(
        records,
        meta={
            "model": cfg.model,
            "bench": cfg.bench,
            "method": cfg.method,
            "frames": policy.num_frames,
            "key_frame": cfg.key_frame,
            "ll_target": cfg.ll_target,
            "ll_norm": cfg.ll_norm,
        },
    )
    failed = [{"id": r["id"], "condition": r["condition"], "error": r["error"]} for r in records if r.get("error")]
    write_jsonl(out / "errors.jsonl", malformed + failed)
    summary["items"] = {"total": len(items) + len(malformed), "failed": len(malformed) + len({r["id"] for r in failed})}
    write_outputs(out, summary)
    return summary


def load_summary(out_dir: str | Path) -> dict:
    """Read a finished evaluation's summary.json."""
    return json.loads((Path(out_dir) / "summary.json").read_text(encoding="utf-8"))
