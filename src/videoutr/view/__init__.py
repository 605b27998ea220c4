"""`videoutr view`: a static site to look at a run (engine, tpl, eval / probe, demo) in a browser.

The site opens from `file://` with no server and no network: one `index.html` with its script and
style, the run's data as script files (details loaded page by page), and frame sheets of the
videos. A demo folder (or any folder of runs) gets its report, plots and claims, and one linked
sub-site per run found below it.

    built = build_site(Path("runs/utr"), Path("runs/utr/view"))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from videoutr.view.kinds import classify
from videoutr.view.site import Site


@dataclass
class Built:
    """A written site: its page, how many rows (or linked runs) it lists, and its warnings
    (those of its sub-sites included, prefixed with their run's path)."""

    index: Path
    title: str
    rows: int
    warnings: list[str] = field(default_factory=list)


def build_site(
    run: Path,
    out: Path,
    videos: Path | None = None,
    max_videos: int = 500,
    max_side: int = 240,
    parent: str | None = None,
    label: str | None = None,
) -> Built:
    """Write the site of the run at `run` into `out` (`parent`: the page a sub-site links back to)."""
    kind = classify(run)
    site = Site(out, max_videos=max_videos, max_side=max_side)
    details: list[dict] = []
    inherited: list[str] = []
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

        def sub(path: Path, site_dir: Path) -> dict:
            relative = str(path.relative_to(run))
            built = build_site(path, site_dir, None, max_videos, max_side, "../../index.html", relative)
            inherited.extend(f"{relative}: {w}" for w in built.warnings)
            return {"rows": built.rows, "warnings": len(built.warnings)}

        data = collection_view(run, site, sub)
    data["title"] = f"{data['kind']} {label}" if label else data["title"]
    data["parent"] = parent
    index = site.finish(data, details)
    rows = len(data["table"]["rows"]) if "table" in data else len(data.get("runs", []))
    return Built(index, data["title"], rows, site.warnings + inherited)
