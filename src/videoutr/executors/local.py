"""Local executor: the pipeline in this process, or in a pool of worker processes.

With `workers <= 1` every batch runs here, one after the other (class steps built once). With a
pool (forked when that is safe, else spawned), each worker builds the class steps once (its own
model) and runs whole batches; at most `2 * workers` batches are in flight, so memory stays
bounded on a long stream of batches.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from videoutr.executors import Step, apply_steps

_WORKER: dict[str, Any] = {}  # in a pool worker: its steps and their built instances


def _init_worker(steps: Sequence[Step], threads: int) -> None:
    os.environ["OMP_NUM_THREADS"] = str(threads)  # read when torch is first imported here
    if "torch" in sys.modules:  # forked from a process that had imported it
        sys.modules["torch"].set_num_threads(threads)
    _WORKER.update(steps=steps, built={})


def _run_batch(batch: list) -> list:
    return apply_steps(_WORKER["steps"], batch, _WORKER["built"])


class LocalExecutor:
    """See the module docstring."""

    def __init__(self, workers: int = 1, threads_per_worker: int = 1) -> None:
        self.workers = max(1, workers)
        self.threads = threads_per_worker
        self._built: dict[int, Any] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._steps: Sequence[Step] | None = None

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def map(self, steps: Sequence[Step], batches: Iterable[list], on_batch: Callable[[list], None]) -> None:
        if self.workers == 1:
            for batch in batches:
                on_batch(apply_steps(steps, batch, self._built))
            return
        pool = self._pool_for(steps)
        pending: set[Future] = set()
        queue = iter(batches)
        for batch in queue:
            pending.add(pool.submit(_run_batch, batch))
            if len(pending) >= 2 * self.workers:
                break
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                on_batch(future.result())
                nxt = next(queue, None)
                if nxt is not None:
                    pending.add(pool.submit(_run_batch, nxt))

    def _pool_for(self, steps: Sequence[Step]) -> ProcessPoolExecutor:
        """One pool for as long as the steps stay the same (its workers keep their models)."""
        if self._pool is None or self._steps != steps:
            self.__exit__()
            context = multiprocessing.get_context(_start_method())
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_init_worker, initargs=(list(steps), self.threads)
            )
            self._steps = steps
        return self._pool


def _start_method() -> str:
    """fork when it is safe (POSIX, and no torch or Ray threads in this process yet): it saves
    each worker the imports; else spawn."""
    threaded = any(name in sys.modules for name in ("torch", "ray"))
    return "fork" if "fork" in multiprocessing.get_all_start_methods() and not threaded else "spawn"
