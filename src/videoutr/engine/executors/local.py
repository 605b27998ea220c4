"""Local executor: in this process (workers <= 1) or a pool of `workers` processes.

Workers are forked when that is safe (POSIX, and no torch / Ray threads in this process yet),
which saves each worker the imports; otherwise spawned.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from functools import partial
from typing import Any

from videoutr.engine.steps import batch_size, process_batch_dicts, process_item_dicts


def run_local(
    items: list[dict[str, str]],
    cfg: dict[str, Any],
    on_records: Callable[[list[dict[str, Any]]], None],
    workers: int = 1,
    **_: Any,
) -> None:
    """Process `items` in batches (see `steps.batch_size`),
    calling `on_records` in this process with each finished batch's records.

    In this process, one batch after another (the next video decoded meanwhile, across batches);
    with a pool, at most `2 * workers` batches are in flight, so memory stays bounded on long lists.
    """
    size = batch_size(len(items), workers)
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    if workers <= 1:
        for records in process_batch_dicts(batches, cfg):
            on_records(records)
        return
    fn = partial(process_item_dicts, cfg=cfg)
    context = multiprocessing.get_context(_start_method())
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = set()
        queue = iter(batches)
        for batch in queue:
            pending.add(pool.submit(fn, batch))
            if len(pending) >= 2 * workers:
                break
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                on_records(future.result())
                nxt = next(queue, None)
                if nxt is not None:
                    pending.add(pool.submit(fn, nxt))


def _start_method() -> str:
    threaded = any(name in sys.modules for name in ("torch", "ray"))
    return "fork" if "fork" in multiprocessing.get_all_start_methods() and not threaded else "spawn"
