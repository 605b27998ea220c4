"""Read a built site's data scripts back as Python values."""

from __future__ import annotations

import json
from pathlib import Path


def site_data(site: Path) -> tuple[dict, list[dict]]:
    """(run, details) of a site: data/run.js is `viewRun(<json>);`, each chunk `viewDetails(k,<json>);`."""
    run = json.loads((site / "data" / "run.js").read_text()[len("viewRun(") : -3])
    details = []
    for path in sorted((site / "data").glob("detail-*.js")):
        text = path.read_text()
        details += json.loads(text[text.index(",") + 1 : -3])
    return run, details
