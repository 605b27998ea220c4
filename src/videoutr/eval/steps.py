"""The two steps of evaluation, as functions of typed records that any executor runs.

`read_items` (a CPU task): find and decode each `EvalJob`'s video per the model's frame policy.
`EvalScoring` (one per worker: it holds the model): score each job under its frame conditions,
one record per (item, condition). Neither step knows where it runs or where its records go.
"""

from __future__ import annotations

from dataclasses import dataclass

from videoutr.errors import VideoutrError
from videoutr.eval.benchmarks import VIDEO_SUFFIXES, BenchItem
from videoutr.models.sampling import FramePolicy, ModelVideo
from videoutr.paths import find_in_roots


@dataclass(frozen=True)
class EvalJob:
    """A benchmark item and the frame conditions still to score for it."""

    item: BenchItem
    conditions: tuple[str, ...]


@dataclass(frozen=True)
class ReadJob:
    """A job with its video, or the reason it could not be read."""

    job: EvalJob
    video: ModelVideo | None = None
    error: str | None = None


def read_items(
    jobs: list[EvalJob], video_roots: list[str], allow_outside_root: bool, policy: FramePolicy
) -> list[ReadJob]:
    """Find and decode each job's video (within the item's `clip_s` when it has one)."""
    from videoutr.models.load import read_video_frames

    read = []
    for job in jobs:
        item = job.item
        try:
            path = find_in_roots(item.video, video_roots, VIDEO_SUFFIXES, allow_outside=allow_outside_root)
            if path is None:
                raise VideoutrError(f"{item.video}: video not found under {video_roots or ['.']}")
            read.append(ReadJob(job, video=read_video_frames(path, policy, item.extra.get("clip_s"))))
        except VideoutrError as exc:
            read.append(ReadJob(job, error=str(exc)))
    return read


class EvalScoring:
    """Holds one model; called on batches of `ReadJob`s, returns each job's records.

    `cfg` is the run's `EvalConfig`; `model` and `processor`, when given, are used instead of
    loading `cfg.model` (a model already in memory, in this process).
    """

    def __init__(self, cfg, model=None, processor=None) -> None:
        from videoutr.models.load import load_run_model

        self.model, self.processor = load_run_model(cfg, model, processor)
        self.cfg = cfg

    def __call__(self, batch: list[ReadJob]) -> list[list[dict]]:
        from videoutr.eval.runner import item_records

        return [item_records(self.model, self.processor, read.job, read.video, read.error, self.cfg) for read in batch]
