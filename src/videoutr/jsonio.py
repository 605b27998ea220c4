"""JSON / JSONL / YAML reading with clear errors, and atomic writes.

Every reader names the file (and line) at fault; every writer writes to a temporary file in the
same folder and renames it, so a killed process never leaves a half-written output behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import yaml

from videoutr.errors import DataFormatError


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[TextIO]:
    """A text handle whose content replaces `path` atomically when the block ends without error
    (temp file in the same folder, fsync, rename); for outputs written piece by piece."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; outputs are data to share
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write `text` to `path` atomically (see `atomic_writer`)."""
    with atomic_writer(path) as handle:
        handle.write(text)


def write_json(path: str | Path, obj: Any, indent: int | None = 2) -> None:
    """Write `obj` as JSON atomically."""
    atomic_write_text(path, json.dumps(obj, indent=indent, ensure_ascii=False) + "\n")


def write_json_array(path: str | Path, items: Iterable[Any]) -> None:
    """Write a JSON array atomically, one item per line: compact items go through the json
    module's C encoder (`indent` takes its pure-Python one, ~5x slower on large outputs)."""
    lines = [json.dumps(item, ensure_ascii=False) for item in items]
    atomic_write_text(path, "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n")


def jsonl_line(record: dict) -> str:
    """One JSON object as a JSONL line, newline included (how every JSONL file here is written)."""
    return json.dumps(record, ensure_ascii=False) + "\n"


def write_jsonl(path: str | Path, records: Iterable[dict]) -> None:
    """Write one JSON object per line, atomically."""
    atomic_write_text(path, "".join(map(jsonl_line, records)))


def read_json(path: str | Path) -> Any:
    """Read a JSON file; a missing or malformed file raises `DataFormatError` naming it."""
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(path, "file not found")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataFormatError(path, f"malformed JSON at line {exc.lineno}: {exc.msg}") from None
    except UnicodeDecodeError:
        raise DataFormatError(path, "not UTF-8 text") from None


def iter_jsonl(
    path: str | Path, skip_torn_tail: bool = False, report: Callable[[str, str], None] | None = None
) -> Iterator[dict]:
    """Yield the objects of a JSONL file (see `iter_jsonl_numbered`)."""
    for _, obj in iter_jsonl_numbered(path, skip_torn_tail, report):
        yield obj


def iter_jsonl_numbered(
    path: str | Path, skip_torn_tail: bool = False, report: Callable[[str, str], None] | None = None
) -> Iterator[tuple[int, dict]]:
    """Yield `(line number, object)` for a JSONL file, naming file and line on a malformed one.

    With `skip_torn_tail`, an unparsable *last* line without a trailing newline (a write cut by a
    kill) is ignored instead of raising: that is how resumable outputs are re-read. With `report`,
    a malformed line (or one that is not an object) is reported as `report("file:line", reason)`
    and skipped, so that the other records are still used.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(path, "file not found")
    with path.open("r", encoding="utf-8") as handle:  # one line at a time: memory holds a line, not the file
        number = 0
        while True:
            try:
                line = handle.readline()
            except UnicodeDecodeError:
                raise DataFormatError(path, "not UTF-8 text") from None
            if not line:
                return
            number += 1
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                if skip_torn_tail and not line.endswith("\n"):  # the last line, cut by a kill
                    return
                problem = DataFormatError(f"{path}:{number}", f"malformed JSON line: {exc.msg}")
            else:
                if isinstance(obj, dict):
                    yield number, obj
                    continue
                problem = DataFormatError(f"{path}:{number}", "expected a JSON object per line")
            if report is None:
                raise problem
            report(problem.where, problem.reason)


def read_yaml(path: str | Path) -> Any:
    """Read a YAML file (safe loader); a missing or malformed file raises `DataFormatError`."""
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(path, "file not found")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise DataFormatError(path, "not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise DataFormatError(where, f"malformed YAML: {getattr(exc, 'problem', exc)}") from None
