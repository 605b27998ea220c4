"""Executors: run a pipeline of steps over batches of items, and hand each finished batch back.

The boundary, datatrove-style: a `Step` is a function of a batch of typed records (a list in, a
list out), or a class built once per worker that is then called on batches (a model held in an
actor). An executor receives the steps and the batches and knows nothing else: not what the
items are, not what the steps do, not where results go (`on_batch` decides that).

- `local`: in this process (`workers <= 1`), or a pool of `workers` spawned processes, each
  running the whole pipeline on a batch.
- `ray`: Ray Data, on a local cluster started here or on the cluster at `ray_address`: function
  steps run as CPU tasks, class steps in an actor pool of `workers` actors (`gpus_per_worker`
  GPUs each); batches stream through both and back as they finish. Ray retries a task or
  restarts an actor whose process died, and the batch is done again.

Batches may come back in any order; each is handed back exactly once.

    steps = [Step(decode_batch, init=(policy,)), Step(Scorer, init=(cfg,), gpus=1)]
    with make_executor("ray", workers=8, gpus_per_worker=1) as executor:
        executor.map(steps, batches, on_batch=store.extend)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from videoutr.errors import ConfigError

EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class Step:
    """One stage over batches. A function is called as `fn(batch, *init)`; a class is built once
    per worker as `fn(*init)` and the instance called as `instance(batch)`. `gpus`: GPUs each
    worker of this step holds on Ray (class steps)."""

    fn: Callable
    init: tuple = ()
    gpus: float = 0.0

    @property
    def stateful(self) -> bool:
        return isinstance(self.fn, type)


def apply_steps(steps: Sequence[Step], batch: list, built: dict[int, Any]) -> list:
    """Run `batch` through `steps` in this process; class steps are built once into `built`."""
    for n, step in enumerate(steps):
        if step.stateful:
            if n not in built:
                built[n] = step.fn(*step.init)
            batch = built[n](batch)
        else:
            batch = step.fn(batch, *step.init)
    return batch


class Executor(Protocol):
    def map(self, steps: Sequence[Step], batches: Iterable[list], on_batch: Callable[[list], None]) -> None: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


def check_options(
    checks, executor: str, workers: int, ray_address: str | None, gpus_per_worker: float, device: str
) -> None:
    """Add to `checks` (a `videoutr.checks.Checks`) every problem with a stage's executor options;
    `--device` is checked here only for a local run (on a cluster, the workers have the devices)."""
    if executor == "local":
        checks.device("--device", device)
    checks.choice("--executor", executor, EXECUTORS)
    checks.at_least("--workers", workers, 1)
    checks.need(gpus_per_worker >= 0, "--gpus-per-worker", "a number >= 0", gpus_per_worker)
    checks.need(executor == "ray" or not ray_address, "--ray-address", "--executor ray", ray_address)


def make_executor(
    name: str, workers: int = 1, ray_address: str | None = None, gpus_per_worker: float = 0.0
) -> Executor:
    """The executor `name` (local or ray); a local one refuses options only Ray understands."""
    if name == "local":
        if ray_address:
            raise ConfigError("--ray-address needs --executor ray")
        from videoutr.executors.local import LocalExecutor

        return LocalExecutor(workers)
    if name == "ray":
        from videoutr.executors.ray import RayExecutor

        return RayExecutor(workers, ray_address=ray_address, gpus_per_worker=gpus_per_worker)
    raise ConfigError(f"unknown executor {name!r}; known: {', '.join(EXECUTORS)}")
