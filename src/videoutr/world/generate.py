"""Generate a world folder: videos, annotations, captions, benchmark, and the config used.

Layout (paths inside JSON are relative to DIR):

    DIR/world.json          the WorldConfig used (a rerun with another config is refused)
    DIR/videos/<id>.mp4     H.264; test videos also get <id>_rev.mp4, their time-reversed twin
    DIR/annotations.jsonl   one VideoAnnotation per line (twins carry `reversed_of`)
    DIR/captions.json       LLaVA samples, web-caption style, train split (source "captions")
    DIR/bench.json          multiple-choice questions on the test split and its twins

Resume is bookkeeping: each finished video's annotation is appended durably to
`annotations.jsonl.partial` after its mp4 is renamed into place, finished videos are skipped on
rerun, and the final files are written atomically in id order, so a killed and rerun generation
ends with the same bytes as an uninterrupted one.

    generate_world(world_tiny(seed=1), "runs/tiny-world")
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from videoutr.data.llava import save_samples
from videoutr.errors import ConfigError
from videoutr.jsonio import write_json
from videoutr.resume import ResumableJsonl
from videoutr.runfolder import lock_settings
from videoutr.video import write_video
from videoutr.world.annotation import VideoAnnotation
from videoutr.world.captions import caption_samples, stable_rng
from videoutr.world.config import WorldConfig
from videoutr.world.events import reverse_annotation
from videoutr.world.questions import bench_questions
from videoutr.world.render import render_frames
from videoutr.world.simulate import world_scene


def video_ids(cfg: WorldConfig) -> list[tuple[str, str]]:
    """(id, split) of every original video; the test split is a seeded choice of videos."""
    n = cfg.num_videos
    n_test = int(round(n * cfg.test_fraction))
    if cfg.test_fraction > 0 and n >= 2:
        n_test = max(1, min(n - 1, n_test))
    test = {int(i) for i in stable_rng(cfg.seed, "split").permutation(n)[:n_test]}
    return [(f"v{i:05d}", "test" if i in test else "train") for i in range(n)]


def _check_config(out: Path, cfg: WorldConfig) -> None:
    lock_settings(
        out / "world.json", cfg.to_dict(), locked=True, what=f"{out}: the world", hint="use a new --out folder"
    )


def _make_video(cfg: WorldConfig, out: Path, video_id: str, split: str) -> list[dict]:
    """Simulate, render and encode one video (and its reversed twin on the test split); returns
    the annotations as JSON records. A step that knows nothing of processes: any executor runs it."""
    ann = world_scene(cfg, video_id, split)
    frames = render_frames(ann)
    write_video(out / ann.video, frames, fps=cfg.fps, crf=cfg.crf)
    anns = [ann]
    if split == "test" and cfg.reversed_twins:
        twin = reverse_annotation(ann)
        write_video(out / twin.video, frames[::-1], fps=cfg.fps, crf=cfg.crf)
        anns.append(twin)
    return [a.to_json() for a in anns]


def _make_video_task(task: tuple[WorldConfig, Path, str, str]) -> list[dict]:
    return _make_video(*task)


def _results(tasks: list[tuple], workers: int) -> Iterator[list[dict]]:
    """Run `_make_video` over tasks in order, in this process or in `workers` processes."""
    if workers <= 1 or len(tasks) <= 1:
        yield from (_make_video(*task) for task in tasks)
        return
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(min(workers, len(tasks))) as pool:
        yield from pool.imap(_make_video_task, tasks)


def _progress(items: Iterator, total: int, enabled: bool) -> Iterator:
    if not enabled:
        return items
    from tqdm import tqdm

    return iter(tqdm(items, total=total, desc="world", unit="video", dynamic_ncols=True))


def generate_world(config: WorldConfig, out_dir: str | Path, progress: bool = False, workers: int = 1) -> Path:
    """Write a complete world to `out_dir` (resuming a partial one made with the same config).

    `workers` > 1 renders and encodes videos in that many processes; the outputs are the same.

        out = generate_world(world_tiny(), "runs/tiny")
        sorted(p.name for p in out.iterdir())
    """
    cfg = config.validate()
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a folder")
    out.mkdir(parents=True, exist_ok=True)
    _check_config(out, cfg)
    for stale in (out / "videos").glob(".v*.mp4"):  # temporary files of a killed run
        stale.unlink()
    store = ResumableJsonl(out / "annotations.jsonl", key="id")
    order: list[str] = []
    todo = []
    for video_id, split in video_ids(cfg):
        ids = [video_id] + ([f"{video_id}_rev"] if split == "test" and cfg.reversed_twins else [])
        order += ids
        if not all(i in store.done and (out / "videos" / f"{i}.mp4").is_file() for i in ids):
            todo.append((cfg, out, video_id, split))
    for records in _progress(_results(todo, workers), len(todo), progress):
        for record in records:
            store.append(record)
    annotations = [VideoAnnotation.from_json(r) for r in store.finalize(order)]
    write_outputs(cfg, out, annotations)
    return out


def write_outputs(cfg: WorldConfig, out: Path, annotations: list[VideoAnnotation]) -> None:
    """Write captions.json (train originals) and bench.json (test originals and twins)."""
    captions = [
        s for a in annotations if a.split == "train" for s in caption_samples(a, cfg.seed, cfg.captions_per_video)
    ]
    save_samples(out / "captions.json", captions)
    bench = [
        q.to_json()
        for a in annotations
        if a.split == "test"
        for q in bench_questions(a, cfg.seed, list(cfg.bench_tasks) or None, cfg.directions)
    ]
    write_json(out / "bench.json", bench)
