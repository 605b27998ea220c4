"""Resumable per-item JSONL outputs: the bookkeeping that makes "killed and rerun" exact.

A long job (TPL scoring, evaluation, the engine) processes items with stable string keys. Each
finished item is appended as one line to `<out>.partial` and flushed, so a SIGKILL loses at most
the line being written (a torn tail, dropped on reload). On restart the finished keys are skipped.
`finalize` writes the final file atomically in the *input order* of the keys and removes the
partial file, so an interrupted-then-resumed run ends with exactly the bytes of an uninterrupted
one.

    out = ResumableJsonl("scores.jsonl", key="id")
    for item in items:
        if item["id"] in out.done:
            continue
        out.append({"id": item["id"], "tpl": 0.3})
    out.finalize(order=[item["id"] for item in items])
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from videoutr.jsonio import atomic_write_text, iter_jsonl, jsonl_line, write_jsonl


class ResumableJsonl:
    """Append-only record store keyed by `key`, finalized atomically in a given order."""

    def __init__(self, path: str | Path, key: str = "id") -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.key = key
        self.records: dict[str, dict] = {}
        self._lines: dict[str, str] = {}  # lines appended in this run: `finalize` does not encode them again
        if self.partial.is_file():
            for record in iter_jsonl(self.partial, skip_torn_tail=True):
                self.records[str(record[key])] = record
            self._rewrite_partial()  # drop a torn tail so later appends start on a clean line
        elif self.path.is_file():
            for record in iter_jsonl(self.path):
                self.records[str(record[key])] = record
        self.partial.parent.mkdir(parents=True, exist_ok=True)
        self._handle = None

    @property
    def done(self) -> set[str]:
        """Keys already finished (in this run or an earlier one)."""
        return set(self.records)

    def append(self, record: dict) -> None:
        """Record one finished item durably."""
        self.extend([record])

    def extend(self, records: list[dict]) -> None:
        """Record several finished items durably, in one write and one fsync."""
        if not records:
            return
        if self._handle is None:
            self._handle = self.partial.open("a", encoding="utf-8")
        lines = [jsonl_line(record) for record in records]
        self._handle.write("".join(lines))
        self._handle.flush()
        os.fsync(self._handle.fileno())
        for record, line in zip(records, lines):
            key = str(record[self.key])
            self.records[key], self._lines[key] = record, line

    def finalize(self, order: Iterable[str] | None = None) -> list[dict]:
        """Write the final file atomically (in `order` of keys, else insertion order) and clean up."""
        self.close()
        keys = [str(k) for k in order] if order is not None else list(self.records)
        keys = [k for k in dict.fromkeys(keys) if k in self.records]
        atomic_write_text(self.path, "".join(self._lines.get(k) or jsonl_line(self.records[k]) for k in keys))
        self.partial.unlink(missing_ok=True)
        return [self.records[k] for k in keys]

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _rewrite_partial(self) -> None:
        write_jsonl(self.partial, self.records.values())
