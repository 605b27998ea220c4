"""The command-line options that choose where a stage runs (`engine run`, `tpl score`, `eval run`,
`eval probe`), declared once: `EXECUTION_OPTIONS` for `videoutr.config_options.with_options`."""

from __future__ import annotations

from typing import Annotated

import typer

Executor = Annotated[
    str | None,
    typer.Option(
        "--executor",
        help="local (default): this process (or --workers "
        "processes); ray: Ray Data, decoding in CPU tasks, models (and hf: detectors) in an actor pool.",
    ),
]
Workers = Annotated[
    int | None, typer.Option("--workers", help="Worker processes (local) or model actors (ray); default 1.")
]
RayAddress = Annotated[
    str | None,
    typer.Option("--ray-address", help="Cluster to join (auto, ray://HEAD:10001); default: start a local one."),
]
GpusPerWorker = Annotated[
    float | None, typer.Option("--gpus-per-worker", help="GPUs per model actor (ray); default 0.")
]
AttnImplementation = Annotated[
    str | None, typer.Option("--attn-implementation", help="sdpa | eager | flash_attention_2 (default: the model's).")
]

EXECUTION_OPTIONS = {
    "executor": Executor,
    "workers": Workers,
    "ray_address": RayAddress,
    "gpus_per_worker": GpusPerWorker,
    "attn_implementation": AttnImplementation,
}
