"""Up-front checks of a command's options: every problem is collected and reported at once.

A command builds a `Checks`, states what each option must be, and calls `done()` before any work
(and before anything is written to its output), so that a bad option never costs a run:

    checks = Checks("tpl score")
    checks.need(batch_size >= 1, "--batch-size", ">= 1", batch_size)
    checks.device("--device", device)
    checks.output("--out", out, inputs={"--data": data})
    checks.done()          # ConfigError: "tpl score: --batch-size: expected >= 1, got 0; --device ..."
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from pathlib import Path

from videoutr.errors import ConfigError

DTYPES = ("auto", "float32", "fp32", "bfloat16", "bf16", "float16", "fp16")
_DEVICE = re.compile(r"^(cpu|mps|meta|(cuda|xpu|npu|hpu)(:\d+)?)$")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")


class Checks:
    """Collects the problems of one command's options; `done()` raises them together."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.problems: list[str] = []

    def add(self, problem: str) -> None:
        self.problems.append(problem)

    def need(self, ok: bool, option: str, expected: str, value: object) -> None:
        if not ok:
            self.add(f"{option}: expected {expected}, got {value!r}")

    def at_least(self, option: str, value: float | None, low: float) -> None:
        """`value` (when given) is a finite number >= `low`."""
        if value is not None:
            self.need(_finite(value) and value >= low, option, f">= {low:g}", value)

    def in_range(self, option: str, value: float | None, low: float, high: float, low_open: bool = False) -> None:
        """`value` (when given) lies in [low, high] ((low, high] with `low_open`)."""
        if value is not None:
            ok = _finite(value) and (low < value if low_open else low <= value) and value <= high
            self.need(ok, option, f"a number in {'(' if low_open else '['}{low:g}, {high:g}]", value)

    def choice(self, option: str, value: str, known: Iterable[str]) -> None:
        known = tuple(known)
        self.need(value in known, option, f"one of {', '.join(known)}", value)

    def device(self, option: str, value: str) -> None:
        self.need(bool(_DEVICE.match(value)), option, "cpu, cuda, cuda:N (or mps, xpu:N)", value)

    def dtype(self, option: str, value: str) -> None:
        self.choice(option, value, DTYPES)

    def model(self, option: str, name: str) -> None:
        """A model that looks like a local path must exist (it is never tried as a hub id)."""
        if not Path(name).exists() and looks_local(name):
            self.add(f"{option} {name}: no such model folder")

    def input_file(self, option: str, path: str | Path) -> None:
        path = Path(path)
        if not path.exists():
            self.add(f"{option} {path}: file not found")
        elif not path.is_file():
            self.add(f"{option} {path}: not a file")

    def output(
        self, option: str, path: str | Path, inputs: dict[str, str | Path | None] | None = None, folder: bool = False
    ) -> None:
        """An output path that is writable, of the right kind (file or folder), and no input's path
        (nor a file the command writes next to it, `<out>.*`, nor one of a folder's own files)."""
        path = Path(path)
        if folder and path.is_file():
            self.add(f"{option} {path}: is a file; give a folder")
        elif not folder and path.is_dir():
            self.add(f"{option} {path}: is a folder; give a file path")
        elif not _writable(path):
            self.add(f"{option} {path}: cannot be written (no such folder, read-only or no permission)")
        for name, source in (inputs or {}).items():
            if source is not None and _overlaps(path, Path(source), folder):
                self.add(f"{option} {path}: would overwrite the input {name} {source}; choose another output")

    def done(self) -> None:
        if self.problems:
            raise ConfigError(f"{self.command}: " + "; ".join(self.problems))


def looks_local(name: str) -> bool:
    """Whether a model name is meant as a local path rather than a hub id (`org/name`): an absolute
    or relative path (`./x`, `~/x`, `a/b/c`), or one whose first part is a local folder."""
    if not _HUB_ID.match(name):
        return True
    return Path(name.split("/", 1)[0]).is_dir()


def _finite(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _writable(path: Path) -> bool:
    """Whether `path` can be created or replaced: its nearest existing ancestor is a writable folder."""
    probe = path.absolute()
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    if probe == path.absolute() and probe.is_file():
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)


def _overlaps(out: Path, source: Path, folder: bool) -> bool:
    out, source = Path(os.path.abspath(out)), Path(os.path.abspath(source))
    if out == source or (out.exists() and source.exists() and os.path.samefile(out, source)):
        return True
    if folder:  # the input sits in the output folder under the name of one of its outputs
        return source.parent == out and source.name in FOLDER_OUTPUTS
    return source.parent == out.parent and source.name.startswith(out.name + ".")


# files that commands writing into a folder (eval, probe, engine) create there
FOLDER_OUTPUTS = frozenset(
    {
        "samples.jsonl",
        "samples.jsonl.partial",
        "summary.json",
        "report.md",
        "config.json",
        "accuracy.png",
        "records.jsonl",
        "records.jsonl.partial",
        "utr.json",
        "data.yaml",
        "trajectories.jsonl",
        "errors.jsonl",
        "stats.json",
        "engine_config.json",
        "run.json",
        "attention.json",
        "attention.png",
    }
)
