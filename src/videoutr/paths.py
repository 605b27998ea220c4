"""Paths named inside data files stay inside the roots they are given against.

A `video` of `../../etc/passwd` or `/home/x/secret.mp4` in a dataset must not be opened just
because a dataset says so: `find_in_roots` refuses a name that leaves every root (lexically, after
normalising `..`), unless the user allowed it (`--allow-outside-root`). A symlink placed inside a
root is the user's own choice and is followed.

    find_in_roots("videos/v1.mp4", ["runs/world"])          # runs/world/videos/v1.mp4 if it exists
    find_in_roots("../../etc/passwd", ["runs/world"])      # raises PathOutsideRoot
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from videoutr.errors import DataFormatError


class PathOutsideRoot(DataFormatError):
    """A path from a data file points outside every allowed root."""


def is_inside(path: str | Path, root: str | Path) -> bool:
    """Whether `path` lies in `root` once both are made absolute and normalised (no symlinks followed)."""
    path, root = os.path.normpath(os.path.abspath(path)), os.path.normpath(os.path.abspath(root))
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def find_in_roots(
    name: str, roots: Sequence[str | Path], suffixes: Sequence[str] = ("",), allow_outside: bool = False
) -> Path | None:
    """The first existing file `root / (name + suffix)` over `roots` (the working folder when
    none), or None; raises `PathOutsideRoot` when `name` leaves every root and that is not allowed."""
    roots = [Path(r) for r in roots] or [Path(".")]
    candidates = [root / name for root in roots]
    if not allow_outside:
        candidates = [c for c, root in zip(candidates, roots) if is_inside(c, root)]
        if not candidates:
            where = ", ".join(map(str, roots))
            raise PathOutsideRoot(name, f"path leaves the root ({where}); pass --allow-outside-root to allow it")
    for candidate in candidates:
        for suffix in suffixes:
            path = candidate.with_name(candidate.name + suffix) if suffix else candidate
            if path.is_file():
                return path
    return None
