"""The site folder: the static page, the run's data as scripts (details paged), and media.

Data travel as `<script>` files (`data/run.js`, `data/detail-00000.js`, ...) rather than JSON
fetched at run time, because a page opened from `file://` may load scripts but not fetch files.
Details (a video's tracks and dialogues, a sample's turns) are cut into chunks of `CHUNK` that the
page loads when one of them is opened, so a run of 10,000 samples opens as fast as one of ten.

    site = Site(Path("runs/utr/view"), max_videos=200)
    sheet = site.sheet(Path("videos/v1.mp4"), [0, 1, 2])
    site.finish({"kind": "engine", "title": "..."}, details=[...])
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from videoutr.errors import ConfigError, VideoReadError
from videoutr.jsonio import atomic_write_text
from videoutr.view.media import frame_sheet

MARKER = ".videoutr-view"  # marks a folder as a site, so a rebuild may replace it
CHUNK = 100
STATIC = ("index.html", "app.js", "style.css")


def column(key: str, label: str | None = None, kind: str = "num") -> dict[str, str]:
    """One column of a run's table: the row `key` it shows, its heading (default: the key) and how the
    page sorts and filters it (`num`, `text` or `outcome`)."""
    return {"key": key, "label": key if label is None else label, "type": kind}


def prepare_out(out: Path) -> None:
    """Create `out`, or reuse it when it holds an earlier site; refuse any other non-empty folder."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ConfigError(f"--out {out}: not empty and not a site made by `videoutr view`; choose another folder")
    for sub in ("data", "media", "runs"):
        shutil.rmtree(out / sub, ignore_errors=True)
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "media").mkdir(exist_ok=True)
    (out / MARKER).write_text("made by videoutr view\n", encoding="utf-8")
    static = resources.files("videoutr.view") / "static"
    for name in STATIC:
        (out / name).write_bytes((static / name).read_bytes())


def js_call(function: str, *args: Any) -> str:
    """`function(<args as JSON>);`: JSON is valid JavaScript, NaN and Infinity included."""
    return f"{function}({','.join(json.dumps(a, separators=(',', ':'), ensure_ascii=False) for a in args)});\n"


class Site:
    """One site being written: media budget, warnings, and the final data files."""

    def __init__(self, out: Path, max_videos: int = 500, max_side: int = 240, max_frames: int = 256) -> None:
        prepare_out(out)
        self.out = out
        self.max_videos, self.max_side, self.max_frames = max_videos, max_side, max_frames
        self.warnings: list[str] = []
        self._sheets: dict[tuple, dict | None] = {}
        self._images = 0

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def sheet(self, path: Path | None, frames: list[int]) -> dict | None:
        """A frame sheet of `frames` of the video at `path` (made once per video and frames), or
        None when the video is missing or unreadable (warned) or the media budget is spent."""
        if path is None or not frames:
            return None
        key = (str(path), tuple(frames))
        if key in self._sheets:
            return self._sheets[key]
        if len(self._sheets) >= self.max_videos:
            return None
        sheet = None
        if not path.is_file():
            self.warn(f"{path}: video not found; shown without frames")
        else:
            try:
                sheet = frame_sheet(
                    path,
                    frames,
                    self.out / "media" / f"v{len(self._sheets):05d}.jpg",
                    max_side=self.max_side,
                    max_frames=self.max_frames,
                )
            except VideoReadError as exc:
                self.warn(f"{exc.path}: {exc.reason}; shown without frames")
        self._sheets[key] = sheet
        return sheet

    def image(self, path: Path) -> str:
        """Copy a plot into media/ and return its address in the site."""
        target = self.out / "media" / f"i{self._images}-{path.name}"
        self._images += 1
        shutil.copyfile(path, target)
        return f"media/{target.name}"

    def finish(self, run: dict[str, Any], details: list[Any]) -> Path:
        """Write data/run.js and the detail chunks; return index.html's path."""
        run = {**run, "chunk": CHUNK, "n_details": len(details), "warnings": self.warnings}
        for start in range(0, len(details), CHUNK):
            atomic_write_text(
                self.out / "data" / f"detail-{start // CHUNK:05d}.js",
                js_call("viewDetails", start // CHUNK, details[start : start + CHUNK]),
            )
        atomic_write_text(self.out / "data" / "run.js", js_call("viewRun", run))
        return self.out / "index.html"
