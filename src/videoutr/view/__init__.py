"""`videoutr view`: a static site to look at a run (engine, tpl, eval / probe, demo) in a browser.

The site opens from `file://` with no server and no network: one `index.html` with its script and
style, the run's data as script files (details loaded page by page), and frame sheets of the
videos. A demo folder (or any folder of runs) gets its report, plots and claims, and one linked
sub-site per run found below it.

    >>> index = build_site(Path("runs/utr"), Path("runs/utr/view"))
    >>> index.name
    'index.html'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from videoutr.view.kinds import classify
from videoutr.view.site import Site


def build_site(run: Path, out: Path, videos: Path | None = None, max_videos: int = 500, max_side: int = 240) -> Path:
    """Write the site of the run at `run` into `out`; return its index.html."""
    return _build(run, out, videos, max_videos, max_side)[0]


def _build(run: Path, out: Path, videos: Path | None, max_videos: int, max_side: int,
           parent: str | None = None, label: str | None = None) -> tuple[Path, dict[str, Any]]:
    kind = classify(run)
    site = Site(out, max_videos=max_videos, max_side=max_side)
    details: list[dict] = []
    if kind == "engine":
        from videoutr.view.engine import engine_view

        data, details = engine_view(run, site, videos)
    elif kind == "tpl":
        from videoutr.view.tpl import tpl_view

        data, details = tpl_view(run, site)
    elif kind == "eval":
        from videoutr.view.evals import eval_view

        data, details = eval_view(run, site)
    else:
        from videoutr.view.collection import collection_view

        def sub(path: Path, site_dir: Path) -> dict[str, Any]:
            _, line = _build(path, site_dir, None, max_videos, max_side, "../../index.html", str(path.relative_to(run)))
            return line

        data = collection_view(run, site, sub)
    data["title"] = f"{data['kind']} {label}" if label else data["title"]
    data["parent"] = parent
    data["source"] = run.name
    index = site.finish(data, details)
    rows = len(data["table"]["rows"]) if "table" in data else len(data.get("runs", []))
    return index, {"rows": rows, "title": data["title"], "warnings": len(site.warnings)}
