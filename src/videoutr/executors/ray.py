"""Ray Data executor: function steps as CPU tasks, class steps in an actor pool, batches streamed.

`ray.init()` starts a local cluster of `2 * workers` CPUs (actors and the tasks feeding them)
when no address is given, else joins the cluster at `ray_address` (`auto`: the one this machine
belongs to). Each row of the Ray dataset is one batch, carried as a Python object (Ray
serialises it between processes), so that typed records and ragged frame arrays need no Arrow
schema. Class steps get `workers` actors with
`gpus_per_worker` GPUs each; Ray Data restarts an actor whose process died and gives its batch
to the pool again, and retries a task whose worker died.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from videoutr.errors import ConfigError
from videoutr.executors import Step, apply_steps

COLUMN = "batch"


class _Carried:
    """A batch as one opaque Python object: Ray pickles it whole instead of converting its
    records to Arrow (which would turn tuples and lists of numbers into arrays)."""

    __slots__ = ("batch",)

    def __init__(self, batch: list) -> None:
        self.batch = batch


def _wrap(batch: list) -> dict[str, np.ndarray]:
    column = np.empty(1, dtype=object)
    column[0] = _Carried(batch)
    return {COLUMN: column}


def _unwrap(rows: dict[str, np.ndarray]) -> list[list]:
    return [carried.batch for carried in rows[COLUMN]]


def _one_cpu() -> dict[str, float]:
    """Remote args given as a function: it keeps Ray Data from fusing the CPU tasks into the
    actors of the next step, so that decoding runs in tasks beside the models."""
    return {"num_cpus": 1}


def _task(rows: dict[str, np.ndarray], step: Step) -> dict[str, np.ndarray]:
    [batch] = _unwrap(rows)
    return _wrap(apply_steps([step], batch, {}))


class _Actor:
    """Holds one built class step (e.g. one model) for the life of the actor."""

    def __init__(self, step: Step) -> None:
        self.step, self.built = step, {}

    def __call__(self, rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        [batch] = _unwrap(rows)
        return _wrap(apply_steps([self.step], batch, self.built))


class RayExecutor:
    """See the module docstring."""

    def __init__(self, workers: int = 1, ray_address: str | None = None, gpus_per_worker: float = 0.0) -> None:
        try:
            import ray
        except ImportError:
            raise ConfigError("the ray executor needs Ray: pip install 'videoutr[ray]'") from None
        self.ray = ray
        self.workers = max(1, workers)
        self.address = ray_address
        self.gpus = gpus_per_worker
        self._started_here = False

    def __enter__(self) -> RayExecutor:
        ray = self.ray
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if self.address:
                ray.init(address=self.address, **kwargs)
            else:
                # a CPU each for the actors and for the tasks feeding them (decoding overlaps scoring)
                ray.init(num_cpus=2 * self.workers, num_gpus=self._local_gpus(), **kwargs)
            self._started_here = True
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        return self

    def __exit__(self, *exc: object) -> None:
        if self._started_here:
            self.ray.shutdown()
            self._started_here = False

    def _local_gpus(self) -> int:
        """GPUs of this machine to give a local cluster (none unless steps ask for them)."""
        if not self.gpus:
            return 0
        import torch

        return torch.cuda.device_count()

    def map(self, steps: Sequence[Step], batches: Iterable[list], on_batch: Callable[[list], None]) -> None:
        rows = [{COLUMN: _Carried(batch)} for batch in batches]
        if not rows:
            return
        data = self.ray.data.from_items(rows, override_num_blocks=len(rows))
        for step in steps:
            if step.stateful:
                data = data.map_batches(
                    _Actor,
                    fn_constructor_args=(step,),
                    batch_size=1,
                    batch_format="numpy",
                    compute=self.ray.data.ActorPoolStrategy(size=self.workers),
                    num_cpus=1,
                    num_gpus=step.gpus or self.gpus or None,
                )
            else:
                data = data.map_batches(
                    _task,
                    fn_kwargs={"step": step},
                    batch_size=1,
                    batch_format="numpy",
                    ray_remote_args_fn=_one_cpu,
                    compute=self.ray.data.TaskPoolStrategy(size=self.workers),
                )
        for out in data.iter_batches(batch_size=1, batch_format="numpy"):
            for batch in _unwrap(out):
                on_batch(batch)
