"""Work started ahead in a background thread, so that it overlaps with what the caller does meanwhile.

PyAV decoding and OpenCV / numpy calls release the GIL, so a thread decoding the next video runs
alongside the detection of the current one, in one process.

    with ThreadPoolExecutor(1) as pool:
        for path, clip in ahead(pool, sample_frames, paths):   # path k + 1 decodes meanwhile
            handle(path, clip.result())                        # result() raises what fn raised
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ahead(pool: Executor, fn: Callable[[T], R], items: Iterable[T], depth: int = 1) -> Iterator[tuple[T, Future[R]]]:
    """Each item with the future of `fn(item)`, in order; while the caller holds item k, `fn` is
    already submitted for items k + 1 .. k + `depth` (and no further: memory stays bounded)."""
    pending: deque[tuple[T, Future[R]]] = deque()
    for item in items:
        pending.append((item, pool.submit(fn, item)))
        if len(pending) > depth:
            yield pending.popleft()
    while pending:
        yield pending.popleft()
