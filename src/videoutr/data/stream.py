"""Read a corpus one record at a time: a JSON list, JSONL, or a LLaVA-NeXT mixture YAML.

Memory stays bounded by one record (and the read buffer), not by the corpus: a 1 M-sample JSON
list is parsed element by element with the json module's own decoder (`raw_decode`), a JSONL
line by line, and a mixture's files one after the other with their `sampling_strategy` applied
on the fly (`first`/`end`/`random` count the file first; `random` keeps only the chosen indices).

Each record comes with where it was read (`file:line` for JSONL, `file[i]` for a JSON list), so
that a malformed one is reported by name; with `report`, malformed records are reported and
skipped, otherwise the first one raises `DataFormatError`.

    for where, record in iter_records("data/sft.yaml", report=print):
        sample = Sample.from_llava(record, where=where)
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from videoutr.errors import DataFormatError
from videoutr.jsonio import iter_jsonl_numbered

Report = Callable[[str, str], None] | None
_CHUNK = 1 << 20  # characters read at a time from a JSON list
_WHITESPACE = " \t\n\r"
MIXTURE_SUFFIXES = (".yaml", ".yml")


def iter_records(path: str | Path, report: Report = None) -> Iterator[tuple[str, Any]]:
    """(where, record) for every record of a .json list, a .jsonl or a mixture .yaml/.yml."""
    path = Path(path)
    if path.suffix in MIXTURE_SUFFIXES:
        yield from iter_mixture(path, report)
    elif path.suffix == ".jsonl":
        for number, record in iter_jsonl_numbered(path, report=report):
            yield f"{path}:{number}", record
    else:
        for i, record in enumerate(iter_json_list(path)):
            yield f"{path}[{i}]", record


def iter_json_list(path: str | Path) -> Iterator[Any]:
    """The elements of a file holding one JSON list, parsed one at a time."""
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(path, "file not found")
    decoder = json.JSONDecoder()
    with path.open("r", encoding="utf-8") as handle:
        reader = _Buffer(handle, path)
        if reader.next_char() != "[":
            raise DataFormatError(path, "expected a JSON list of LLaVA samples")
        reader.pos += 1
        if reader.next_char() == "]":
            return
        while True:
            yield reader.decode(decoder)
            char = reader.next_char()
            reader.pos += 1
            if char == "]":
                break
            if char != ",":
                raise reader.error(f"expected ',' or ']' after a list element, found {char!r}")
        if reader.next_char() != "":
            raise reader.error("extra data after the JSON list")


class _Buffer:
    """A sliding window over a text file for `raw_decode`; knows line numbers for errors."""

    def __init__(self, handle, path: Path) -> None:
        self.handle, self.path = handle, path
        self.text, self.pos, self.line_base, self.eof = "", 0, 1, False

    def _more(self) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.handle.read(_CHUNK)
        except UnicodeDecodeError:
            raise DataFormatError(self.path, "not UTF-8 text") from None
        if not chunk:
            self.eof = True
            return False
        self.line_base += self.text.count("\n", 0, self.pos)
        self.text, self.pos = self.text[self.pos :] + chunk, 0
        return True

    def next_char(self) -> str:
        """The next character that is not whitespace ('' at the end of the file); not consumed."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._more():
                return ""

    def decode(self, decoder: json.JSONDecoder) -> Any:
        """The JSON value at the cursor, reading more of the file until it is complete."""
        self.next_char()
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                raise self.error(f"malformed JSON: {exc.msg}", exc.pos) from None
            if end == len(self.text) and self._more():  # a number may go on in the next chunk
                continue
            self.pos = end
            return value

    def error(self, reason: str, at: int | None = None) -> DataFormatError:
        line = self.line_base + self.text.count("\n", 0, self.pos if at is None else at)
        return DataFormatError(f"{self.path}:{line}", reason)


def iter_mixture(path: str | Path, report: Report = None, seed: int = 0) -> Iterator[tuple[str, Any]]:
    """The records of a LLaVA-NeXT mixture YAML, file after file, each through its sampling strategy
    (the same selection as `videoutr.train.mixture.apply_strategy`, without loading the file)."""
    from videoutr.train.mixture import parse_mixture_file, parse_strategy

    for entry in parse_mixture_file(path):
        strategy = parse_strategy(entry.sampling_strategy)
        if strategy.kind == "all":
            yield from iter_records(entry.json_path, report)
            continue
        total = sum(1 for _ in iter_records(entry.json_path, _silent))
        n = strategy.size(total)
        if strategy.kind == "first":
            keep = range(n)
        elif strategy.kind == "end":
            keep = range(total - n, total)
        else:
            keep = set(random.Random(seed).sample(range(total), n)) if n < total else range(total)
        for i, (where, record) in enumerate(iter_records(entry.json_path, report)):
            if i in keep:
                yield where, record


def _silent(where: str, reason: str) -> None:
    """Counting pass: malformed records are reported by the pass that reads them."""
