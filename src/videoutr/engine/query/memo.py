"""A memo for one clip's questions: while `build_samples` works on a clip, what depends only on
the clip's tracks and the config (a track's reliable points, the moments worth asking about) is
computed once instead of once per question (outside `clip_memo`, nothing is kept).

    with clip_memo():
        points = memoized(("reliable", id(traj), id(cfg)), lambda: reliable_points(clip, traj, cfg))
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("videoutr_query_memo", default=None)


@contextmanager
def clip_memo() -> Iterator[None]:
    """Keep `memoized` results until the block ends (keys may hold `id`s of objects alive meanwhile)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memoized(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once per `key` inside `clip_memo` (the result is shared: do not change it)."""
    memo = _MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
