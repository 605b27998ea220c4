"""Resumable stages and side-by-side jobs of the demo, with one progress display.

`Stages.run(name, fn)` runs a stage once: its result is kept in `DIR/stages/<name>.done`, and a
rerun returns it without running again. `Jobs.run(jobs)` runs jobs (training of each arm, its
evaluation, ...) `workers` at a time in spawned processes with one torch thread each, each as soon
as the jobs it needs are done (so an arm's evaluation runs beside another arm's training), the
earlier-listed first;
a job's own output (trainer logs, progress bars) goes to `DIR/logs/<job>.log`, and the terminal
shows one line per job - stage, job, step of total, ETA - refreshed from what the job writes to
disk (`progress`: a callable giving the steps done, and the total). Markers are written by the
parent when a job returns, so a killed run redoes only unfinished jobs, and those resume from
their own checkpoints or per-item JSONL.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from videoutr.jsonio import read_json
from videoutr.runfolder import StageMarkers

# job name -> ((function, *args), progress or None, names of the jobs it needs);
# progress = (steps done -> int, total or None)
Job = tuple[tuple, "tuple[Callable[[], int], int | None] | None", tuple[str, ...]]
REFRESH_S = 1.0


class Stages:
    """Done-markers under DIR/stages and the run's progress display (on stderr)."""

    def __init__(
        self,
        out: Path,
        show_progress: bool = True,
        log: Callable[[str], None] | None = None,
        on_done: Callable[[], None] | None = None,
    ) -> None:
        """`log` gets a line per stage or job done or skipped; `on_done` is called after each is done."""
        self.out = out
        self.log = log or (lambda message: None)
        self.on_done = on_done or (lambda: None)
        self.markers = StageMarkers(
            out / "stages",
            on_done=self._done,
            on_skip=lambda name: self.log(f"[skip] {name} (done)"),
        )
        self.dir = self.markers.dir
        self.timings = self.markers.timings
        self.progress = _progress() if show_progress else None
        if self.progress is not None:
            self.progress.start()

    def _done(self, name: str, seconds: float) -> None:
        self.log(f"[done] {name} in {seconds:.1f}s")
        self.on_done()

    def marker(self, name: str) -> Path:
        return self.markers.marker(name)

    def done(self, name: str) -> Any | None:
        """The recorded result of a finished stage, else None."""
        return self.markers.done(name)

    def record(self, name: str, result: Any, seconds: float) -> None:
        self.markers.record(name, result, seconds)

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        if self.markers.is_done(name):
            return self.markers.run(name, fn)
        task = self.task(name, None)
        result = self.markers.run(name, fn)
        self.finish(task)
        return result

    def task(self, name: str, total: int | None, done: int = 0, started: bool = True):
        """A progress line; its clock runs from now, or with `started=False` from `start(task)`."""
        if self.progress is None:
            return None
        return self.progress.add_task(name, total=total, completed=done, start=started)

    def start(self, task) -> None:
        if task is not None:
            self.progress.start_task(task)

    def update(self, task, done: int) -> None:
        if task is not None:
            self.progress.update(task, completed=done)

    def finish(self, task) -> None:
        if task is not None:
            total = self.progress.tasks[self._index(task)].total
            self.progress.update(task, total=total or 1, completed=total or 1)

    def _index(self, task) -> int:
        return next(i for i, t in enumerate(self.progress.tasks) if t.id == task)

    def all_timings(self) -> dict[str, float]:
        return {p.stem.replace("__", "/"): read_json(p).get("seconds") for p in sorted(self.dir.glob("*.done"))}

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _progress():
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        refresh_per_second=2,
    )


def _init_worker(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def _run_logged(log_path: str, call: tuple) -> tuple[Any, float]:
    """Run `call` = (function, *args) with this process's stdout and stderr in `log_path`."""
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        sys.stdout = sys.stderr = log
        fn, *args = call
        start = time.perf_counter()
        result = fn(*args)
        log.flush()
    return result, round(time.perf_counter() - start, 2)


class Jobs:
    """Jobs, `workers` at a time, each once the jobs it needs are done (see the module doc)."""

    def __init__(self, stages: Stages, workers: int, threads: int) -> None:
        self.stages, self.workers, self.threads = stages, workers, threads

    def run(self, jobs: dict[str, Job]) -> dict[str, Any]:
        """Run the unfinished `jobs`; returns job name -> result (finished ones too)."""
        import multiprocessing as mp
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

        results = {name: self.stages.done(name) for name in jobs if self.stages.markers.is_done(name)}
        todo = {name: job for name, job in jobs.items() if name not in results}
        unknown = {need for job in todo.values() for need in job[2]} - set(jobs)
        if unknown:
            raise ValueError(f"jobs need unknown jobs: {', '.join(sorted(unknown))}")
        if not todo:
            return results
        tasks = {name: self.stages.task(name, (job[1] or (None, None))[1], started=False) for name, job in todo.items()}
        ctx = mp.get_context("spawn")
        workers = min(self.workers, len(todo))
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(self.threads,)) as pool:
            running: dict = {}
            while todo or running:
                ready = [name for name, job in todo.items() if all(need in results for need in job[2])]
                if not ready and not running:
                    raise ValueError(f"jobs that need each other: {', '.join(todo)}")
                for name in ready[: workers - len(running)]:
                    self.stages.start(tasks[name])
                    log = str(self.stages.out / "logs" / f"{self.stages.marker(name).stem}.log")
                    running[pool.submit(_run_logged, log, todo.pop(name)[0])] = name
                finished, _ = wait(running, timeout=REFRESH_S, return_when=FIRST_COMPLETED)
                for future in finished:
                    name = running.pop(future)
                    result, seconds = future.result()
                    self.stages.record(name, result, seconds)
                    self.stages.finish(tasks[name])
                    results[name] = result
                for name in running.values():
                    progress = jobs[name][1]
                    if progress is not None:
                        self.stages.update(tasks[name], progress[0]())
        return results
