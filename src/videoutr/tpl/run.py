"""Score a LLaVA dataset with TPL: read videos, batch by frame count, resume, report bad input.

Bookkeeping: finished samples are appended to `<out>.partial` (`videoutr.resume.ResumableJsonl`)
and skipped on a rerun; the run's settings are recorded in `<out>.config.json` and a rerun with
other settings is refused instead of mixing scores. A bad sample (missing or unreadable video,
no assistant turn, malformed record, duplicate id) gets a one-line error naming it, is listed in
`<out>.errors.jsonl`, and the run goes on; a video shorter than the requested frames is scored
on the frames it has and the record says how many (`num_frames` vs `frames_requested`).
Samples are scored grouped by video (each video decoded and encoded once); the output keeps the
input order.

    cfg = TplRunConfig(model="runs/tiny-model", data="data.json", video_root="videos",
                       out="scores.jsonl", frames=8)
    summary = run_tpl(cfg)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from videoutr.checks import Checks
from videoutr.data.llava import Sample
from videoutr.errors import ConfigError, DataFormatError, VideoReadError, VideoutrError
from videoutr.jsonio import iter_jsonl_numbered, read_json, write_json, write_jsonl
from videoutr.models.options import InputOptions
from videoutr.paths import PathOutsideRoot, find_in_roots
from videoutr.resume import ResumableJsonl


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

    def scoring_settings(self) -> dict:
        """What a resumed run must share with the first one."""
        return {k: v for k, v in asdict(self).items()
                if k not in ("batch_size", "device", "out", "allow_outside_root")}

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
        checks.device("--device", self.device)
        checks.done()
        return self


def read_samples_lenient(path: str | Path, report: Callable[[str, str], None]) -> list[Sample]:
    """LLaVA samples from a .json list or .jsonl; malformed records are reported and skipped."""
    path = Path(path)
    if path.suffix == ".jsonl":
        raw = [(f"{path}:{number}", r) for number, r in iter_jsonl_numbered(path, report=report)]
    else:
        records = read_json(path)
        if not isinstance(records, list):
            raise DataFormatError(path, "expected a JSON list of LLaVA samples")
        raw = [(f"{path}[{i}]", r) for i, r in enumerate(records)]
    samples, seen = [], set()
    for where, record in raw:
        try:
            sample = Sample.from_llava(record, where=where)
        except DataFormatError as exc:
            report(exc.where, exc.reason)
            continue
        if sample.id in seen:
            report(f"{where} (id {sample.id})", "duplicate id; only the first is scored")
            continue
        seen.add(sample.id)
        samples.append(sample)
    return samples


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

    @property
    def n_errors(self) -> int:
        return sum("error" in item for item in self.items)

    def write(self) -> None:
        if self.items:
            write_jsonl(self.path, self.items)
        else:
            self.path.unlink(missing_ok=True)


def _check_resume(cfg: TplRunConfig, out: Path) -> None:
    config_path = out.with_name(out.name + ".config.json")
    settings = cfg.scoring_settings()
    partial = out.with_name(out.name + ".partial")
    if (partial.is_file() or out.is_file()) and config_path.is_file():
        before = read_json(config_path)
        changed = sorted(k for k in settings if before.get(k) != settings[k])
        if changed:
            raise ConfigError(f"{out}: an earlier run used other settings ({', '.join(changed)}); "
                              "use another --out or delete the old outputs")
    write_json(config_path, settings)


def _frames_for(samples: list[Sample], cfg: TplRunConfig, policy, report) -> Iterator[tuple]:
    from videoutr.models.load import read_video_frames

    last: tuple[str, object] | None = None  # samples of one video are adjacent: decode it once
    for sample in samples:
        label = f"sample {sample.id}"
        if not sample.assistant_turns:
            report(label, "no assistant turn to score")
            continue
        if not sample.video:
            report(label, "no 'video' field")
            continue
        try:
            found = find_in_roots(sample.video, [cfg.video_root], allow_outside=cfg.allow_outside_root)
        except PathOutsideRoot as exc:
            report(f"{label}: {exc.where}", exc.reason)
            continue
        path = str(found or Path(cfg.video_root) / sample.video)  # a missing file is named by the reader
        if last is None or last[0] != path:
            try:
                last = (path, read_video_frames(path, policy))
            except VideoReadError as exc:
                report(f"{label}: {exc.path}", exc.reason)
                continue
        yield sample, last[1], [int(i) for i in last[1].frame_idx], path


def run_tpl(cfg: TplRunConfig, model=None, processor=None, progress: bool = True) -> dict:
    """Score every sample of `cfg.data`; write scores, errors, summary and plots. Returns the summary."""
    from videoutr.models.load import load_video_model
    from videoutr.tpl.score import TplScorer
    from videoutr.tpl.summary import write_summary

    cfg.validate(model_given=model is not None)
    out = Path(cfg.out)
    errors = _Errors(out)
    samples = read_samples_lenient(cfg.data, errors)
    _check_resume(cfg, out)
    if model is None:
        model, processor = load_video_model(cfg.model, dtype=cfg.dtype, device=cfg.device)
    cfg.inputs.apply(processor)
    policy = cfg.inputs.policy(cfg.model, processor, cfg.frames)
    scorer = TplScorer(model, processor, key_frame=cfg.key_frame, mode=cfg.mode, seed=cfg.seed,
                       key_view=cfg.key_view, system=cfg.inputs.system_prompt)
    store = ResumableJsonl(out, key="id")
    todo = sorted((s for s in samples if s.id not in store.done), key=lambda s: str(s.video))  # stable
    buckets: dict[int, list[tuple]] = {}

    def flush(n_frames: int) -> None:
        for record in _score_bucket(scorer, buckets.pop(n_frames, []), errors):
            store.append({**record, "frames_requested": policy.num_frames})

    for sample, frames, idx, path in _iter_progress(_frames_for(todo, cfg, policy, errors), len(todo), progress):
        if policy.num_frames is not None and len(frames) < policy.num_frames:
            errors.warn(f"sample {sample.id}", f"video has {len(frames)} frames, fewer than the "
                   f"{policy.num_frames} requested; scored on those")
        buckets.setdefault(len(frames), []).append((sample, frames, idx, path))
        if len(buckets[len(frames)]) >= cfg.batch_size:
            flush(len(frames))
    for n_frames in list(buckets):
        flush(n_frames)
    records = store.finalize(order=[s.id for s in samples])
    errors.write()
    return write_summary(records, out, cfg, n_errors=errors.n_errors)


def _score_bucket(scorer, items: list[tuple], errors: _Errors) -> list[dict]:
    """Score (sample, frames, frame_idx, path) items in one call; on an error, one by one."""
    try:
        scored = scorer.score([(s, f, (path, tuple(idx))) for s, f, idx, path in items])
    except VideoutrError:  # find the culprit
        scored = []
        for s, f, idx, path in items:
            try:
                scored += scorer.score([(s, f, (path, tuple(idx)))])
            except VideoutrError as exc:
                errors(f"sample {s.id}", str(exc))
                scored.append(None)
    return [{**record, **video.record()} for record, (_, video, _, _) in zip(scored, items) if record is not None]


def _iter_progress(items, total: int, enabled: bool):
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc="tpl", unit="sample", file=sys.stderr)
