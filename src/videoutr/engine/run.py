"""Run the engine over a folder of videos: discover, skip finished ones, execute, finalize.

stats = run_engine("runs/world/videos", "runs/utr", EngineConfig(), executor="local", workers=2)
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from videoutr.engine.config import EngineConfig
from videoutr.engine.query.build import check_tasks
from videoutr.engine.records import EngineStats, VideoRecord
from videoutr.engine.steps import (
    DetectVideos,
    VideoItem,
    batch_size,
    decode_videos,
    finish_videos,
    is_model_detector,
    process_videos,
)
from videoutr.engine.writers import EngineOutputs
from videoutr.errors import ConfigError
from videoutr.executors import Step, make_executor
from videoutr.jsonio import write_json

VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v")


def discover_videos(videos_dir: str | Path) -> list[VideoItem]:
    """Video files under `videos_dir` (recursive, sorted); ids are relative paths without suffix."""
    root = Path(videos_dir)
    if not root.is_dir():
        raise ConfigError(f"--videos {root}: not a folder")
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES and not p.name.startswith("."))
    items, seen = [], set()
    for path in files:
        rel = path.relative_to(root).as_posix()
        video_id = rel.rsplit(".", 1)[0].replace("/", "__")
        if video_id in seen:
            video_id = rel.replace("/", "__")
        seen.add(video_id)
        items.append(VideoItem(video_id, str(path.resolve()), rel))
    return items


def run_engine(
    videos_dir: str | Path,
    out_dir: str | Path,
    cfg: EngineConfig,
    executor: str = "local",
    workers: int = 1,
    ray_address: str | None = None,
    progress: bool = True,
    shard: tuple[int, int] = (0, 1),
    gpus_per_worker: float = 0.0,
) -> dict[str, Any]:
    """Process every video not yet recorded in `out_dir`, then write the final outputs.

    On Ray a model detector (`hf:`) runs in `workers` actors (`gpus_per_worker` GPUs each), the
    CPU steps around it as tasks (`engine_steps`).

    With `shard=(i, n)` only every n-th video from the i-th is processed (see `writers`); the
    stats then say `"complete": False` until the last shard has finished.
    """
    from videoutr.engine.detect import check_detector_name

    cfg.validate()
    check_detector_name(cfg.detector)
    check_tasks([*cfg.query.tasks, *cfg.query.fallback_tasks])
    items = discover_videos(videos_dir)
    if not items:
        raise ConfigError(f"--videos {videos_dir}: no video files ({', '.join(VIDEO_SUFFIXES)})")
    index, count = shard
    if not (count >= 1 and 0 <= index < count):
        raise ConfigError(f"--shard {index}/{count}: expected INDEX/COUNT with 0 <= INDEX < COUNT")
    outputs = EngineOutputs(out_dir, cfg, shard)
    write_json(Path(out_dir) / "run.json", {"videos_root": str(Path(videos_dir).resolve()), "executor": executor})
    mine = items[index::count]
    todo = [i for i in mine if i.video_id not in outputs.done]
    size = batch_size(len(todo), workers)
    bar = _progress(len(mine), len(mine) - len(todo), progress)
    started = time.perf_counter()

    def on_records(records: list[VideoRecord]) -> None:
        outputs.add(records)
        bar.update(len(records))

    try:
        with make_executor(executor, workers, ray_address, gpus_per_worker) as run:
            run.map(
                engine_steps(cfg, executor, gpus_per_worker),
                [todo[i : i + size] for i in range(0, len(todo), size)],
                on_records,
            )
    finally:
        bar.close()
        outputs.records.close()
    final = outputs.finalize([i.video_id for i in items])
    stats = {**(final or EngineStats.of(outputs.recorded())).to_dict(), "complete": final is not None}
    stats["processed_now"] = len(todo)
    stats["seconds_now"] = round(time.perf_counter() - started, 3)
    return stats


def engine_steps(cfg: EngineConfig, executor: str, gpus_per_worker: float = 0.0) -> list[Step]:
    """The steps an executor runs over batches of videos: all of them in one step, or on Ray with
    a model detector, decode (task) -> detect (one model per actor) -> the rest (task)."""
    if executor == "ray" and is_model_detector(cfg):
        return [
            Step(decode_videos, init=(cfg,)),
            Step(DetectVideos, init=(cfg,), gpus=gpus_per_worker),
            Step(finish_videos, init=(cfg,)),
        ]
    return [Step(process_videos, init=(cfg,))]


def _progress(total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="video", desc="engine", disable=not enabled, dynamic_ncols=True)
