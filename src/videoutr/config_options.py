"""`--config FILE` and the positional `a.b=value` settings, one spelling for every command.

A command lays its settings in the order of `videoutr.schema.load_config`: the command's defaults,
the YAML of `--config`, the `a.b=value` arguments, then the flags given on the command line (flags
default to None, so only the ones typed win). Every problem of every layer is reported at once.

    videoutr eval run --config eval.yaml limit=20 --device cuda
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

T = TypeVar("T")

ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="YAML of this command's settings (its config's keys); positional a.b=value and flags win over it.",
    ),
]
Overrides = Annotated[
    list[str] | None,
    typer.Argument(
        help="Settings key=value over --config (values read as YAML), e.g. limit=20 inputs.fps=1.", show_default=False
    ),
]


def typed(**flags) -> dict:
    """A command's flags as config values: paths as text; None (a flag not typed) is skipped by `load_config`."""
    return {key: str(value) if isinstance(value, Path) else value for key, value in flags.items()}


def flags_of(params: dict[str, Any]) -> dict[str, Any]:
    """A command's flags from its `locals()`: its own options and its `shared` ones (`with_options`),
    without `config` and `overrides`."""
    own = {key: value for key, value in params.items() if key not in ("config", "overrides", "shared")}
    return own | params.get("shared", {})


def command_settings(cls: type[T], command: str, config: Path | None, overrides: list[str] | None, **flags) -> T:
    """`cls` (a command's settings dataclass, with an optional `problems()`) from its defaults, `--config`,
    the `a.b=value` overrides and the typed `flags`; every problem raised at once, named after `command`."""
    from videoutr.schema import load_config

    check = getattr(cls, "problems", None)
    return load_config(cls, config, overrides or [], name=f"{command} config", values=typed(**flags), check=check)


def with_options(*groups: dict[str, Any]) -> Callable[[Callable], Callable]:
    """Give a command the options of `groups` (parameter name -> typer `Annotated` type, declared once for
    every command that takes them), after its own; each defaults to None (only a typed flag wins over
    --config) and reaches the command in its `**shared` keyword arguments.

        @app.command("score")
        @with_options(INPUT_OPTIONS, EXECUTION_OPTIONS)
        def score(model: Model = None, **shared) -> None: ...
    """

    def decorate(func: Callable) -> Callable:
        signature = inspect.signature(func, eval_str=True)
        own = [p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        added = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind)
            for group in groups
            for name, kind in group.items()
        ]

        @functools.wraps(func)
        def command(**params):
            return func(**params)

        command.__signature__ = signature.replace(parameters=[*own, *added])  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in [*own, *added]}
        return command

    return decorate
