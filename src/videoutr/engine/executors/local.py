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

from videoutr.engine.steps import process_item_dict


def run_local(
    items: list[dict[str, str]],
    cfg: dict[str, Any],
    on_record: Callable[[dict[str, Any]], None],
    workers: int = 1,
    **_: Any,
) -> None:
    """Process `items`, calling `on_record` in this process for each finished video.

    At most `2 * workers` videos are in flight, so memory stays bounded on long lists.
    """
    fn = partial(process_item_dict, cfg=cfg)
    if workers <= 1:
        for item in items:
            on_record(fn(item))
        return
    context = multiprocessing.get_context(_start_method())
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = set()
        queue = iter(items)
        for item in queue:
            pending.add(pool.submit(fn, item))
            if len(pending) >= 2 * workers:
                break
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                on_record(future.result())
                nxt = next(queue, None)
                if nxt is not None:
                    pending.add(pool.submit(fn, nxt))


def _start_method() -> str:
    threaded = any(name in sys.modules for name in ("torch", "ray"))
    return "fork" if "fork" in multiprocessing.get_all_start_methods() and not threaded else "spawn"
