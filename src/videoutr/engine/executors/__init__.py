"""Executors run `process_item_dicts` over batches of videos and hand each batch's records back as it finishes.

Both have the signature `run(items, cfg_dict, on_records, workers)`; neither knows the steps.
`local`: in-process (workers <= 1) or a process pool. `ray`: Ray Data, local or on a cluster.
"""

from __future__ import annotations

from collections.abc import Callable

from videoutr.errors import ConfigError

EXECUTORS = ("local", "ray")


def get_executor(name: str) -> Callable:
    if name == "local":
        from videoutr.engine.executors.local import run_local

        return run_local
    if name == "ray":
        from videoutr.engine.executors.ray import run_ray

        return run_ray
    raise ConfigError(f"unknown executor {name!r}; known: {', '.join(EXECUTORS)}")
