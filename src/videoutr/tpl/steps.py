"""The two steps of TPL scoring, as functions of typed records that any executor runs.

`decode_jobs` (a CPU task): read each distinct video of a batch of `TplJob`s once, per the
model's frame policy. `TplScoring` (one per worker: it holds the model): score the decoded jobs,
grouped by frame count in their batch order, through `TplScorer`; each job comes back as a
`TplOutcome` -- its record, or the error that names it, and a warning when the video was shorter
than the frames asked for. Neither step knows where it runs or where its results go.
"""

from __future__ import annotations

from dataclasses import dataclass

from videoutr.data.llava import Sample
from videoutr.errors import VideoReadError, VideoutrError
from videoutr.models.sampling import FramePolicy, ModelVideo


@dataclass(frozen=True)
class TplJob:
    """One sample to score and the video file it is about."""

    sample: Sample
    path: str


@dataclass(frozen=True)
class DecodedJob:
    """A job with its video's frames, or the reason they could not be read."""

    job: TplJob
    video: ModelVideo | None = None
    error: tuple[str, str] | None = None  # (where, reason)


@dataclass(frozen=True)
class TplOutcome:
    """What scoring one job gave: its record (None when it failed), errors and warnings."""

    sample_id: str
    record: dict | None
    errors: tuple[tuple[str, str], ...] = ()
    warnings: tuple[tuple[str, str], ...] = ()


def decode_jobs(jobs: list[TplJob], policy: FramePolicy) -> list[DecodedJob]:
    """Decode each video of `jobs` once (jobs about one video share its frames)."""
    from videoutr.models.load import read_video_frames

    videos: dict[str, ModelVideo | VideoReadError] = {}
    decoded = []
    for job in jobs:
        if job.path not in videos:
            try:
                videos[job.path] = read_video_frames(job.path, policy)
            except VideoReadError as exc:
                videos[job.path] = exc
        video = videos[job.path]
        if isinstance(video, VideoReadError):
            decoded.append(DecodedJob(job, error=(f"sample {job.sample.id}: {video.path}", video.reason)))
        else:
            decoded.append(DecodedJob(job, video=video))
    return decoded


class TplScoring:
    """Holds one model and its `TplScorer`; called on batches of `DecodedJob`s.

    `cfg` is the run's `TplRunConfig`; `model` and `processor`, when given, are used instead of
    loading `cfg.model` (a model already in memory, in this process).
    """

    def __init__(self, cfg, model=None, processor=None) -> None:
        from videoutr.models.load import load_run_model
        from videoutr.tpl.score import TplScorer

        model, processor = load_run_model(cfg, model, processor)
        self.requested = cfg.inputs.policy(cfg.model, processor, cfg.frames).num_frames
        # no video cache across calls: a score depends on its batch alone, not on what this worker saw before
        self.scorer = TplScorer(
            model,
            processor,
            key_frame=cfg.key_frame,
            mode=cfg.mode,
            seed=cfg.seed,
            key_view=cfg.key_view,
            system=cfg.inputs.system_prompt,
            cache_videos=0,
        )

    def __call__(self, batch: list[DecodedJob]) -> list[TplOutcome]:
        outcomes: dict[int, TplOutcome] = {}
        groups: dict[int, list[int]] = {}
        for n, item in enumerate(batch):
            if item.error is not None:
                outcomes[n] = TplOutcome(item.job.sample.id, None, errors=(item.error,))
            else:
                groups.setdefault(len(item.video), []).append(n)
        for members in groups.values():
            for n, outcome in zip(members, self._score([batch[n] for n in members])):
                outcomes[n] = outcome
        return [outcomes[n] for n in range(len(batch))]

    def _score(self, items: list[DecodedJob]) -> list[TplOutcome]:
        """Score items of one frame count in one call; on an error, one by one to name the culprit."""
        try:
            scored = self.scorer.score([self._item(d) for d in items])
            return [self._outcome(d, record) for d, record in zip(items, scored)]
        except VideoutrError:
            outcomes = []
            for d in items:
                try:
                    [record] = self.scorer.score([self._item(d)])
                    outcomes.append(self._outcome(d, record))
                except VideoutrError as exc:
                    outcomes.append(
                        TplOutcome(
                            d.job.sample.id,
                            None,
                            errors=((f"sample {d.job.sample.id}", str(exc)),),
                            warnings=self._warnings(d),
                        )
                    )
            return outcomes

    @staticmethod
    def _item(d: DecodedJob) -> tuple:
        return d.job.sample, d.video, (d.job.path, tuple(int(i) for i in d.video.frame_idx))

    def _outcome(self, d: DecodedJob, record: dict) -> TplOutcome:
        full = {**record, **d.video.record(), "frames_requested": self.requested}
        return TplOutcome(d.job.sample.id, full, warnings=self._warnings(d))

    def _warnings(self, d: DecodedJob) -> tuple[tuple[str, str], ...]:
        if self.requested is not None and len(d.video) < self.requested:
            return (
                (
                    f"sample {d.job.sample.id}",
                    f"video has {len(d.video)} frames, fewer than the {self.requested} requested; scored on those",
                ),
            )
        return ()
