"""The run-folder layer every stage shares: a settings lock, stage markers, resumable JSONL, atomic writes.

A stage writes into a folder (or beside one output file) and may be killed and rerun at any
moment. Four pieces make that exact, and every stage uses these, never its own copy:

- `lock_settings`: the settings a run was started with are recorded; a rerun into the same place
  with other settings is refused (naming each changed setting) instead of mixing results.
- `StageMarkers`: `DIR/stages/<name>.done` holds a finished stage's result; a rerun returns it.
- `ResumableJsonl` (`videoutr.resume`): finished items appended and fsynced, skipped on a rerun,
  written in input order at the end.
- `atomic_write_text` / `write_json` / `write_jsonl` (`videoutr.jsonio`): temp file + rename.

    lock_settings(out / "config.json", {"model": "m", "frames": 8}, locked=True,
                  what=f"{out}: a run", hint="use another --out")
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from videoutr.errors import ConfigError
from videoutr.jsonio import atomic_write_text, read_json, write_json, write_jsonl
from videoutr.resume import ResumableJsonl

__all__ = [
    "ResumableJsonl",
    "StageMarkers",
    "atomic_write_text",
    "changed_settings",
    "lock_settings",
    "write_json",
    "write_jsonl",
]


def changed_settings(before: dict, now: dict, keys: Iterable[str] | None = None) -> list[str]:
    """The keys (all of both dicts' keys, or `keys`) whose values differ, sorted."""
    names = set(before) | set(now) if keys is None else set(keys)
    return sorted(k for k in names if before.get(k) != now.get(k))


def lock_settings(
    path: str | Path,
    settings: dict,
    *,
    locked: bool,
    what: str,
    hint: str,
    keys: Iterable[str] | None = None,
    record: dict | None = None,
) -> None:
    """Refuse a rerun with other settings, then record them.

    When `locked` (the place already holds results) and `path` holds settings that differ from
    `settings` on `keys` (default: every key), raise `ConfigError`: "`what` was made with another
    config (key: old -> new, ...); `hint`". Otherwise write `record` (default `settings`) to `path`.
    """
    path = Path(path)
    if locked and path.is_file():
        before = read_json(path)
        changed = changed_settings(before, settings, keys)
        if changed:
            changes = ", ".join(f"{k}: {before.get(k)!r} -> {settings.get(k)!r}" for k in changed)
            raise ConfigError(f"{what} was made with another config ({changes}); {hint}")
    write_json(path, settings if record is None else record)


class StageMarkers:
    """Done-markers `DIR/<name>.done` (`{"result": ..., "seconds": ...}`): a stage runs once."""

    def __init__(
        self,
        folder: str | Path,
        on_done: Callable[[str, float], None] | None = None,
        on_skip: Callable[[str], None] | None = None,
    ) -> None:
        self.dir = Path(folder)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.timings: dict[str, float] = {}
        self._on_done = on_done or (lambda name, seconds: None)
        self._on_skip = on_skip or (lambda name: None)

    def marker(self, name: str) -> Path:
        return self.dir / f"{name.replace('/', '__')}.done"

    def done(self, name: str) -> Any | None:
        """The recorded result of a finished stage, else None."""
        path = self.marker(name)
        return read_json(path)["result"] if path.is_file() else None

    def is_done(self, name: str) -> bool:
        return self.marker(name).is_file()

    def record(self, name: str, result: Any, seconds: float) -> None:
        self.timings[name] = seconds
        write_json(self.marker(name), {"result": result, "seconds": seconds})
        self._on_done(name, seconds)

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        """`fn()` once: its result is recorded; a rerun returns the recorded result."""
        if self.is_done(name):
            self._on_skip(name)
            return self.done(name)
        start = time.perf_counter()
        result = fn()
        self.record(name, result, round(time.perf_counter() - start, 2))
        return result
