"""Ray Data executor: `ray.init()` on a local cluster when no address is given, else joins one.

Records travel as JSON strings (nested, ragged structures do not fit Arrow columns).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from videoutr.engine.steps import process_item_dict
from videoutr.errors import ConfigError

MAX_BLOCKS = 1000


def _map_row(row: dict[str, Any], cfg: dict[str, Any]) -> dict[str, Any]:
    item = {"video_id": row["video_id"], "path": row["path"], "rel": row["rel"]}
    return {"video_id": row["video_id"], "record": json.dumps(process_item_dict(item, cfg))}


def run_ray(
    items: list[dict[str, str]],
    cfg: dict[str, Any],
    on_record: Callable[[dict[str, Any]], None],
    workers: int = 1,
    ray_address: str | None = None,
    **_: Any,
) -> None:
    """Process `items` with Ray Data; `workers` bounds concurrency (and the local cluster's CPUs)."""
    try:
        import ray
    except ImportError:
        raise ConfigError("the ray executor needs Ray: pip install 'videoutr[ray]'") from None
    if not items:
        return
    started_here = not ray.is_initialized()
    if started_here:
        kwargs = {"include_dashboard": False, "log_to_driver": False}
        if ray_address:
            ray.init(address=ray_address, **kwargs)
        else:
            ray.init(num_cpus=max(1, workers), **kwargs)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        # small blocks: finished videos stream back (and are recorded) soon after they are done
        dataset = ray.data.from_items(items, override_num_blocks=min(len(items), MAX_BLOCKS))
        mapped = dataset.map(_map_row, fn_kwargs={"cfg": cfg}, concurrency=max(1, workers), num_cpus=1)
        for row in mapped.iter_rows():
            on_record(json.loads(row["record"]))
    finally:
        if started_here:
            ray.shutdown()
