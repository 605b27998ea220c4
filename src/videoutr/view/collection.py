"""A folder of runs (a `videoutr demo` folder, a runs/ tree): its report, plots, claims, and one
linked sub-site per run found below it.

Generic on purpose: `report.md` when present (rendered, its images copied), every PNG at the top
of the folder that the report does not already show, the `claims` list of `results.json` when it
has one (`{id, claim, value, ci, verdict}`), its `wall_s`, and links to each engine, tpl and eval
run found below.

    run = collection_view(Path("runs/demo"), site, build_sub)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from videoutr.jsonio import read_json
from videoutr.view.kinds import find_runs
from videoutr.view.markdown import render_markdown
from videoutr.view.site import Site


def slug(relative: Path) -> str:
    """A folder name for a sub-site: the run's relative path with separators as '__'."""
    return "__".join(relative.parts).replace(" ", "_")


def claims_of(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The `claims` rows of results.json, each with the keys the page shows (missing ones empty)."""
    rows = results.get("claims") if isinstance(results, dict) else None
    if not isinstance(rows, list):
        return []
    keys = ("id", "claim", "value", "ci", "verdict")
    return [{k: row.get(k) for k in keys} for row in rows if isinstance(row, dict)]


def collection_view(root: Path, site: Site, build_sub: Callable[[Path, Path], dict[str, Any]]) -> dict[str, Any]:
    """The collection page's data; `build_sub(run_path, site_dir)` builds one sub-site and returns
    its row count and warning count."""
    report = (root / "report.md").read_text(encoding="utf-8") if (root / "report.md").is_file() else ""
    html = render_markdown(report, root, site) if report else ""
    plots = [site.image(p) for p in sorted(root.glob("*.png")) if p.name not in report]  # the report shows its own
    results = read_json(root / "results.json") if (root / "results.json").is_file() else {}
    runs = []
    for relative, kind in find_runs(root):
        name = slug(relative)
        line = build_sub(root / relative, site.out / "runs" / name)
        runs.append({"path": str(relative), "kind": kind, "href": f"runs/{name}/index.html", **line})
    return {
        "kind": "collection",
        "title": f"{root.name}",
        "report_html": html,
        "plots": plots,
        "claims": claims_of(results),
        "wall_s": results.get("wall_s") if isinstance(results, dict) else None,
        "runs": runs,
    }
