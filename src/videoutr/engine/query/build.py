"""Assemble QAs into multi-turn `Sample`s: seeded by (seed, video id, sample index).

The first human turn carries `<video>` once; the summary turn (when enabled and allowed) closes
each sample. A task that has nothing reliable to ask is skipped and counted; a sample where no
task of `cfg.tasks` nor the summary has anything asks `cfg.fallback_tasks` instead (questions over a short sure
span, `span.py`).

    samples, skipped = build_samples(clip, QueryConfig(), video="videos/w0001.mp4")
    samples[0].conversations[0].value.startswith("<video>\\n")
"""

from __future__ import annotations

import random
from collections import Counter

from videoutr.data.llava import Sample
from videoutr.engine.config import QueryConfig
from videoutr.engine.query.memo import clip_memo
from videoutr.engine.query.tasks import QA, TASKS
from videoutr.engine.types import ClipTrajectories
from videoutr.errors import ConfigError


def check_tasks(names) -> None:
    unknown = [n for n in names if n not in TASKS]
    if unknown:
        raise ConfigError(f"unknown query task(s) {unknown}; known: {', '.join(sorted(TASKS))}")


def _qas_for_sample(clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig, skipped: Counter) -> list[QA]:
    qas = _ask_tasks(clip, rng, cfg, cfg.tasks, skipped)
    closing = TASKS["summary"](clip, rng, cfg) if cfg.summary else None
    if cfg.summary and closing is None:
        skipped["summary"] += 1
    if not qas and closing is None:
        qas = _ask_tasks(clip, rng, cfg, cfg.fallback_tasks, skipped)
    return qas + ([closing] if closing else [])


def _ask_tasks(
    clip: ClipTrajectories, rng: random.Random, cfg: QueryConfig, tasks: tuple[str, ...], skipped: Counter
) -> list[QA]:
    """Up to `cfg.turns_per_sample` QAs of `tasks` in a shuffled order, one per subject."""
    order = list(tasks)
    rng.shuffle(order)
    qas: list[QA] = []
    subjects: set[int] = set()  # one turn per subject: follow-ups ask about someone else
    for name in order:
        if len(qas) >= cfg.turns_per_sample:
            break
        qa = TASKS[name](clip, rng, cfg)
        if qa is None:
            skipped[name] += 1
            continue
        subject = qa.claims.get("track_id")
        if subject is not None and subject in subjects:
            continue
        subjects.add(subject)
        qas.append(qa)
    return qas


def build_samples(clip: ClipTrajectories, cfg: QueryConfig, video: str) -> tuple[list[Sample], Counter]:
    """`cfg.samples_per_video` samples for one clip, and the count of skipped questions by task."""
    check_tasks([*cfg.tasks, *cfg.fallback_tasks])
    skipped: Counter[str] = Counter()
    samples = []
    with clip_memo():
        for k in range(cfg.samples_per_video):
            rng = random.Random(f"{cfg.seed}:{clip.video_id}:{k}")
            qas = _qas_for_sample(clip, rng, cfg, skipped)
            if not qas:
                continue
            extra = {"utr": [{"task": qa.task, "claims": qa.claims} for qa in qas]}
            samples.append(
                Sample.from_qa(
                    f"{clip.video_id}-utr{k}",
                    [(qa.question, qa.answer) for qa in qas],
                    video=video,
                    source="utr",
                    extra=extra,
                )
            )
    return samples, skipped
