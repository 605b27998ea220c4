"""What kind of run a path holds, and the runs found under a folder (a demo, a runs/ tree).

- engine: a folder with `trajectories.jsonl` (written by `videoutr engine run`);
- eval: a folder with `samples.jsonl` and `config.json` (`videoutr eval run` / `videoutr eval probe`);
- tpl: a scores `.jsonl` file with its `.config.json` beside it (`videoutr tpl score`);
- collection: any other folder holding runs of those kinds below it (a `videoutr demo` folder).

    run_kind(Path("runs/demo/eval/utr/seed0"))
    [(str(p), k) for p, k in find_runs(Path("runs/demo"))][:2]
"""

from __future__ import annotations

import os
from pathlib import Path

from videoutr.errors import ConfigError

_SKIP = {"videos", "models", "stages", "__pycache__", ".git"}


def run_kind(path: Path) -> str | None:
    """ "engine", "eval" or "tpl" for a run, None for anything else."""
    if path.is_file():
        config = path.with_name(path.name + ".config.json")
        return "tpl" if path.suffix == ".jsonl" and config.is_file() else None
    if (path / "trajectories.jsonl").is_file():
        return "engine"
    if (path / "samples.jsonl").is_file() and (path / "config.json").is_file():
        return "eval"
    return None


def find_runs(root: Path) -> list[tuple[Path, str]]:
    """Runs below `root` (paths relative to it, sorted); sites, videos and checkpoints are skipped."""
    from videoutr.view.site import MARKER

    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if MARKER in files:
            dirs[:] = []
            continue
        if here != root and (kind := run_kind(here)):
            found.append((here.relative_to(root), kind))
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if d not in _SKIP)
        for name in sorted(files):
            if run_kind(here / name) == "tpl":
                found.append(((here / name).relative_to(root), "tpl"))
    return sorted(found)


def classify(path: Path) -> str:
    """The kind to view `path` as; a path holding no run is an error naming it."""
    if not path.exists():
        raise ConfigError(f"{path}: no such file or folder")
    kind = run_kind(path)
    if kind:
        return kind
    if path.is_dir() and find_runs(path):
        return "collection"
    raise ConfigError(
        f"{path}: not an engine, tpl, eval or demo run (expected trajectories.jsonl, "
        "samples.jsonl + config.json, a scores .jsonl with its .config.json, or runs below it)"
    )
