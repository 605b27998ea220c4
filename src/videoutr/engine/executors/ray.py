"""Ray Data executor: `ray.init()` on a local cluster when no address is given, else joins one.

Records travel as JSON strings (nested, ragged structures do not fit Arrow columns).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from videoutr.engine.steps import batch_size, process_item_dicts
from videoutr.errors import ConfigError

MAX_BLOCKS = 1000


def _map_batch(batch: dict[str, Any], cfg: dict[str, Any]) -> dict[str, list[str]]:
    items = [{"video_id": str(v), "path": str(p), "rel": str(r)} for v, p, r in zip(batch["video_id"], batch["path"], batch["rel"])]
    return {"video_id": [i["video_id"] for i in items], "record": [json.dumps(r) for r in process_item_dicts(items, cfg)]}


def run_ray(
    items: list[dict[str, str]],
    cfg: dict[str, Any],
    on_records: Callable[[list[dict[str, Any]]], None],
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
        # one block per batch: finished videos stream back (and are recorded) soon after they are done
        size = batch_size(len(items), workers)
        dataset = ray.data.from_items(items, override_num_blocks=min(-(-len(items) // size), MAX_BLOCKS))
        mapped = dataset.map_batches(_map_batch, batch_size=size, fn_kwargs={"cfg": cfg}, concurrency=max(1, workers), num_cpus=1)
        for batch in mapped.iter_batches(batch_size=None, batch_format="numpy"):  # a block: one batch
            on_records([json.loads(record) for record in batch["record"]])
    finally:
        if started_here:
            ray.shutdown()
