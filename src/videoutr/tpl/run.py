"""Score a LLaVA dataset with TPL: read videos, batch by frame count, resume, report bad input.

The corpus is streamed (`videoutr.data.stream`: a JSON list, JSONL or a mixture YAML), one chunk
of `chunk_size` samples at a time, so memory holds one chunk's records, not the corpus. Within a
chunk, samples are sorted by video and packed into batches of `batch_size` (a video's samples
together); an executor
(`videoutr.executors`: in this process, a process pool, or Ray Data on a cluster) decodes each
batch's videos in a CPU task and scores it with the model of a worker (`videoutr.tpl.steps`).

Bookkeeping: each chunk's finished samples are appended to `<out>.parts/chunk-NNNNN.jsonl.partial`
(`videoutr.resume.ResumableJsonl`) as batches come back, in whatever order, and skipped on a
rerun; a finished chunk is written in input order as `chunk-NNNNN.jsonl`, and at the end the
chunks are concatenated into `<out>` (and the parts removed), so a run killed at any moment and
rerun -- on any executor -- ends with the bytes of an uninterrupted one. The run's settings are
recorded in `<out>.config.json` and a rerun with other settings is refused instead of mixing
scores. A bad sample (missing or unreadable video, no assistant turn, malformed record,
duplicate id) gets a one-line error naming it, is listed in `<out>.errors.jsonl`, and the run
goes on; a video shorter than the requested frames is scored on the frames it has and the
record says how many (`num_frames` vs `frames_requested`).

    cfg = TplRunConfig(model="runs/tiny-model", data="data.json", video_root="videos",
                       out="scores.jsonl", frames=8)
    summary = run_tpl(cfg)
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path

from videoutr.checks import Checks
from videoutr.data.llava import Sample
from videoutr.data.stream import iter_records
from videoutr.errors import DataFormatError
from videoutr.executors import Step, check_options, make_executor
from videoutr.jsonio import atomic_writer, iter_jsonl, write_jsonl
from videoutr.models.options import InputOptions
from videoutr.paths import PathOutsideRoot, find_in_roots
from videoutr.resume import ResumableJsonl
from videoutr.runfolder import lock_settings
from videoutr.tpl.steps import TplJob, TplOutcome, TplScoring, decode_jobs

HOW_SETTINGS = (
    "batch_size",
    "device",
    "out",
    "allow_outside_root",
    "executor",
    "workers",
    "ray_address",
    "gpus_per_worker",
    "attn_implementation",
    "chunk_size",
)  # where and how, not what is scored


@dataclass(frozen=True)
class TplRunConfig:
    """Settings of one `videoutr tpl score` run (recorded beside its output)."""

    model: str
    data: str
    out: str
    video_root: str = "."
    frames: int | None = None  # None: the model's own frame policy (processor / videoutr.json)
    key_frame: str = "first"  # the paper's chart is "TPL (frame1-frame32)"
    key_view: str = "frame"  # the key frame as a one-frame video (the paper), or "still": repeated T times
    mode: str = "diff"
    batch_size: int = 4
    seed: int = 0  # for key_frame="random"
    dtype: str = "auto"
    device: str = "cpu"
    allow_outside_root: bool = False  # open videos whose path leaves video_root
    inputs: InputOptions = field(default_factory=InputOptions)  # fps / pixel bounds / prompt overrides
    executor: str = "local"  # local (this process or a process pool) or ray (Ray Data)
    workers: int = 1  # processes (local) or model actors (ray)
    ray_address: str | None = None  # a running cluster ("auto", "ray://head:10001"); None: start one here
    gpus_per_worker: float = 0.0  # GPUs per model actor (ray)
    attn_implementation: str | None = None  # sdpa, eager, flash_attention_2 (None: the model's default)
    chunk_size: int = 16384  # samples read, sorted by video and recorded together

    def scoring_settings(self) -> dict:
        """What a resumed run must share with the first one."""
        return {k: v for k, v in asdict(self).items() if k not in HOW_SETTINGS}

    def validate(self, model_given: bool = False) -> TplRunConfig:
        """Raise `ConfigError` listing every invalid option at once; return self when valid. With
        `model_given` (a loaded model passed to `run_tpl`), `model` is only its name."""
        from videoutr.tpl.score import KEY_VIEWS, MODES
        from videoutr.video.keyframe import KEY_FRAMES

        checks = Checks("tpl score")
        if not model_given:
            checks.model("--model", self.model)
        checks.input_file("--data", self.data)
        checks.need(Path(self.video_root).is_dir(), "--video-root", "an existing folder", self.video_root)
        checks.output("--out", self.out, inputs={"--data": self.data})
        checks.at_least("--frames", self.frames, 1)
        checks.choice("--key-frame", self.key_frame, KEY_FRAMES)
        checks.choice("--key-view", self.key_view, KEY_VIEWS)
        checks.choice("--mode", self.mode, MODES)
        checks.at_least("--batch-size", self.batch_size, 1)
        checks.dtype("--dtype", self.dtype)
        check_options(checks, self.executor, self.workers, self.ray_address, self.gpus_per_worker, self.device)
        checks.at_least("--chunk-size", self.chunk_size, 1)
        checks.done()
        return self


def iter_samples(path: str | Path, report: Callable[[str, str], None]) -> Iterator[Sample]:
    """LLaVA samples of a .json list, .jsonl or mixture .yaml, streamed; malformed records and
    repeated ids are reported and skipped (only the first of an id is kept)."""
    seen: set[str] = set()
    for where, record in iter_records(path, report):
        try:
            sample = Sample.from_llava(record, where=where)
        except DataFormatError as exc:
            report(exc.where, exc.reason)
            continue
        if sample.id in seen:
            report(f"{where} (id {sample.id})", "duplicate id; only the first is scored")
            continue
        seen.add(sample.id)
        yield sample


def read_samples_lenient(path: str | Path, report: Callable[[str, str], None]) -> list[Sample]:
    """All samples of `iter_samples` in a list (for small files)."""
    return list(iter_samples(path, report))


class _Errors:
    """Collects one-line errors: printed to stderr at once, written to `<out>.errors.jsonl`."""

    def __init__(self, out: Path):
        self.path = out.with_name(out.name + ".errors.jsonl")
        self.items: list[dict] = []

    def __call__(self, where: str, reason: str) -> None:
        self.items.append({"where": where, "error": reason})
        print(f"error: {where}: {reason}", file=sys.stderr)

    def warn(self, where: str, reason: str) -> None:
        self.items.append({"where": where, "warning": reason})
        print(f"warning: {where}: {reason}", file=sys.stderr)

    def add(self, outcome: TplOutcome) -> None:
        for where, reason in outcome.warnings:
            self.warn(where, reason)
        for where, reason in outcome.errors:
            self(where, reason)

    @property
    def n_errors(self) -> int:
        return sum("error" in item for item in self.items)

    def write(self) -> None:
        if self.items:
            write_jsonl(self.path, self.items)
        else:
            self.path.unlink(missing_ok=True)


class _Held:
    """Reports held back until `release` (then passed straight on): the bad records of a first
    chunk are reported only once the file has proved readable that far."""

    def __init__(self, report: Callable[[str, str], None]) -> None:
        self.report, self.held = report, []

    def __call__(self, where: str, reason: str) -> None:
        if self.held is None:
            self.report(where, reason)
        else:
            self.held.append((where, reason))

    def release(self) -> None:
        for where, reason in self.held or []:
            self.report(where, reason)
        self.held = None


def _job(sample: Sample, cfg: TplRunConfig, report) -> TplJob | None:
    """The sample with its video's path, or None (reported) when it cannot be scored."""
    label = f"sample {sample.id}"
    if not sample.assistant_turns:
        report(label, "no assistant turn to score")
        return None
    if not sample.video:
        report(label, "no 'video' field")
        return None
    try:
        found = find_in_roots(sample.video, [cfg.video_root], allow_outside=cfg.allow_outside_root)
    except PathOutsideRoot as exc:
        report(f"{label}: {exc.where}", exc.reason)
        return None
    return TplJob(sample, str(found or Path(cfg.video_root) / sample.video))  # a missing file is named by the reader


def _chunks(samples: Iterable[Sample], size: int) -> Iterator[list[Sample]]:
    it = iter(samples)
    while chunk := list(islice(it, size)):
        yield chunk


class _Parts:
    """`<out>.parts/`: one resumable JSONL per chunk, concatenated into `<out>` at the end.

    A rerun after a finished run (no parts left) takes its records back from `<out>`, which
    holds them in input order: each chunk's records are the next ones there.
    """

    def __init__(self, out: Path) -> None:
        self.out, self.dir = out, out.with_name(out.name + ".parts")
        earlier = out.is_file() and not self.dir.is_dir()
        self._earlier = _Peekable(iter_jsonl(out)) if earlier else None
        self.files: list[Path] = []

    def store(self, index: int, ids: list[str]) -> ResumableJsonl:
        path = self.dir / f"chunk-{index:05d}.jsonl"
        self.files.append(path)
        if self._earlier is not None and not path.is_file():
            wanted = set(ids)
            write_jsonl(path, self._earlier.take_while(lambda record: str(record["id"]) in wanted))
        return ResumableJsonl(path, key="id")

    def merge(self) -> None:
        """Concatenate the chunks into `<out>` (atomically) and remove the parts."""
        with atomic_writer(self.out) as handle:
            for path in self.files:
                with path.open("r", encoding="utf-8") as part:
                    shutil.copyfileobj(part, handle)
        shutil.rmtree(self.dir, ignore_errors=True)


class _Peekable:
    def __init__(self, items: Iterator) -> None:
        self.items, self.head = items, next(items, None)

    def take_while(self, keep: Callable) -> list:
        taken = []
        while self.head is not None and keep(self.head):
            taken.append(self.head)
            self.head = next(self.items, None)
        return taken


def run_tpl(cfg: TplRunConfig, model=None, processor=None, progress: bool = True) -> dict:
    """Score every sample of `cfg.data`; write scores, errors, summary and plots. Returns the summary."""
    from videoutr.models.load import load_video_processor
    from videoutr.tpl.summary import write_summary

    cfg.validate(model_given=model is not None)
    out = Path(cfg.out)
    errors = _Errors(out)
    held = _Held(errors)
    samples = iter_samples(cfg.data, held)
    first = next(_chunks(samples, cfg.chunk_size), [])  # a file unreadable within its first chunk stops here, alone
    held.release()
    parts = _Parts(out)
    lock_settings(
        parts.dir / "batching.json",
        {"batch_size": cfg.batch_size, "chunk_size": cfg.chunk_size},
        locked=parts.dir.is_dir(),
        what=f"{out}: the unfinished run",
        hint="resume with the same --batch-size and --chunk-size (its batches decide the last bits of the scores)",
    )
    lock_settings(
        out.with_name(out.name + ".config.json"),
        cfg.scoring_settings(),
        locked=out.is_file() or parts.dir.is_dir(),
        what=f"{out}: the scores",
        hint="use another --out or delete the old outputs",
    )
    if processor is None:
        processor = load_video_processor(cfg.model)
    cfg.inputs.apply(processor)
    policy = cfg.inputs.policy(cfg.model, processor, cfg.frames)
    steps = [
        Step(decode_jobs, init=(policy,)),
        Step(TplScoring, init=(cfg, model, processor) if model is not None else (cfg,), gpus=cfg.gpus_per_worker),
    ]
    bar = _progress(progress)
    with make_executor(cfg.executor, cfg.workers, cfg.ray_address, cfg.gpus_per_worker) as executor:
        for index, chunk in enumerate(_chain(first, _chunks(samples, cfg.chunk_size))):
            store = parts.store(index, [s.id for s in chunk])
            jobs = [job for s in chunk if (job := _job(s, cfg, errors)) is not None]
            batches = [b for b in _batches(jobs, cfg.batch_size) if any(j.sample.id not in store.done for j in b)]
            bar.update(len(chunk) - sum(map(len, batches)))
            found: dict[int, list[TplOutcome]] = {}

            def on_batch(outcomes: list[TplOutcome], store=store, found=found) -> None:
                store.extend([o.record for o in outcomes if o.record is not None])
                found[len(found)] = outcomes
                bar.update(len(outcomes))

            executor.map(steps, batches, on_batch)
            for outcomes in _in_batch_order(found, batches):
                for outcome in outcomes:
                    errors.add(outcome)
            store.finalize(order=[s.id for s in chunk])
    bar.close()
    parts.merge()
    errors.write()
    return write_summary(_light(out), out, cfg, n_errors=errors.n_errors)


def _batches(jobs: list[TplJob], size: int) -> list[list[TplJob]]:
    """The chunk's jobs sorted by video and packed into batches of at most `size`, a video's jobs
    in one batch when they fit. Batches depend only on the chunk, never on what a killed run had
    finished or on which worker scores them, so every run computes each score in the same batch."""
    runs: dict[str, list[TplJob]] = {}
    for job in sorted(jobs, key=lambda job: str(job.sample.video)):  # stable: input order within a video
        runs.setdefault(job.path, []).append(job)
    batches: list[list[TplJob]] = []
    for run in runs.values():
        for piece in (run[i : i + size] for i in range(0, len(run), size)):
            if batches and len(batches[-1]) + len(piece) <= size:
                batches[-1].extend(piece)
            else:
                batches.append(list(piece))
    return batches


def _chain(first: list, rest: Iterator[list]) -> Iterator[list]:
    if first:
        yield first
    yield from rest


def _in_batch_order(found: dict[int, list[TplOutcome]], batches: list[list[TplJob]]) -> list[list[TplOutcome]]:
    """The outcomes of each batch in the order the batches were made (they come back in any order)."""
    position = {batch[0].sample.id: n for n, batch in enumerate(batches)}
    return sorted(found.values(), key=lambda outcomes: position[outcomes[0].sample_id])


def _light(out: Path) -> list[dict]:
    """What the summary and plots need of each record (not its turns)."""
    keys = ("id", "source", "subset", "tpl")
    return [{k: record[k] for k in keys if k in record} for record in iter_jsonl(out)]


def _progress(enabled: bool):
    from tqdm import tqdm

    return tqdm(desc="tpl", unit="sample", file=sys.stderr, disable=not enabled)
