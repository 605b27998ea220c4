"""Typed configs from plain data: dataclasses are the schema, YAML / `key=value` give the values.

Every stage's config (engine, training recipe, world, demo) is built here, the same way:

- `load_config(Cls, source, overrides, name, check)`: a YAML file or a mapping, then dotted
  `a.b=value` overrides (`apply_overrides`, values read as YAML), then `build`, then the class's own
  semantic `check`; every problem of every step is reported at once in one `ConfigError`;
- `build(Cls, raw, problems)` makes the dataclass from nested mappings, checking every key and
  every value's type against the field's type hint (nested dataclasses, `X | None`, `list[X]`,
  `tuple[X, ...]`, `dict[str, Any]`, bool / int / float / str); each problem is appended to
  `problems` and a placeholder value used.

    >>> from videoutr.engine.config import TrackConfig
    >>> problems = []
    >>> cfg = build(TrackConfig, {"split_penalty": "abc"}, problems, prefix="track.")
    >>> problems
    ["track.split_penalty: expected a number, got 'abc'"]
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

import yaml

from videoutr.errors import ConfigError

T = TypeVar("T")


def load_config(
    cls: type[T],
    source: str | Path | dict | None,
    overrides: Iterable[str] = (),
    *,
    name: str,
    values: dict[str, Any] | None = None,
    check: Callable[[T], list[str]] | None = None,
    base: Any = None,
) -> T:
    """A `cls` from `base` (an instance, e.g. a preset, or a mapping of a command's own defaults;
    default: the dataclass defaults) updated by
    `source` (a YAML file or a mapping), then `overrides`, then `values` (dotted key -> typed value,
    e.g. a command's own flags; None values skipped); unknown keys, mistyped values and `check`'s
    problems are all raised together, named after `name`."""
    from videoutr.jsonio import read_yaml

    if isinstance(source, dict):
        given: Any = _copy(source)
    else:
        given = (read_yaml(source) or {}) if source is not None else {}
    problems: list[str] = []
    if not isinstance(given, dict):
        where = name if isinstance(source, dict) else f"{name}: {source}"
        raise ConfigError(f"{where}: expected a mapping of settings, got {type(given).__name__}")
    if dataclasses.is_dataclass(base):
        base = dataclasses.asdict(base)
    raw = _merge(_copy(base), given) if base is not None else given
    apply_overrides(raw, overrides, problems)
    for key, value in (values or {}).items():
        if value is not None:
            _set(raw, key, value, problems)
    cfg = build(cls, raw, problems)
    if not problems and check is not None:
        problems.extend(check(cfg))
    if problems:
        raise ConfigError(f"{name}: {len(problems)} problem(s): " + "; ".join(problems))
    return cfg


def validated(cfg: T, name: str) -> T:
    """`cfg` when its `problems()` list is empty; else one `ConfigError` naming every problem."""
    problems = cfg.problems()  # type: ignore[attr-defined]
    if problems:
        raise ConfigError(f"{name}: {len(problems)} problem(s): " + "; ".join(problems))
    return cfg


def apply_overrides(raw: dict, overrides: Iterable[str], problems: list[str]) -> None:
    """Set each dotted `a.b=value` into nested `raw` (the value read as YAML: `5e-4`, `[a, b]`, `null`;
    text that is not YAML stays text; an empty value is None)."""
    for item in overrides:
        if "=" not in item:
            problems.append(f"override {item!r}: expected key=value (e.g. a.b=1)")
            continue
        key, text = item.split("=", 1)
        try:
            value = yaml.safe_load(text) if text != "" else None
        except yaml.YAMLError:
            value = text
        _set(raw, key.strip(), value, problems, f"override {item!r}: ")


def _set(raw: dict, key: str, value: Any, problems: list[str], label: str = "") -> None:
    node = raw
    *parents, leaf = key.split(".")
    for part in parents:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            problems.append(f"{label or key + ': '}{part!r} is not a section")
            return
    node[leaf] = value


def _merge(raw: dict, given: dict) -> dict:
    """`raw` with `given` laid over it, section by section."""
    for key, value in given.items():
        if isinstance(value, dict) and isinstance(raw.get(key), dict):
            _merge(raw[key], value)
        else:
            raw[key] = value
    return raw


def _copy(data: Any) -> Any:
    """A copy of nested mappings and lists (overrides never change the caller's data)."""
    if isinstance(data, dict):
        return {key: _copy(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_copy(value) for value in data]
    return data


def build(cls: type, raw: Any, problems: list[str], prefix: str = "") -> Any:
    """An instance of dataclass `cls` from mapping `raw`; unknown keys and bad values go to `problems`."""
    if not isinstance(raw, dict):
        problems.append(f"{prefix.rstrip('.') or 'config'}: expected a mapping, got {raw!r}")
        return cls()
    hints = get_type_hints(cls)
    names = [f.name for f in fields(cls)]
    for key in raw:
        if key not in names:
            problems.append(f"{prefix}{key}: unknown key (known: {', '.join(sorted(names))})")
    kwargs = {name: coerce(hints[name], raw[name], f"{prefix}{name}", problems) for name in names if name in raw}
    for f in fields(cls):
        if f.name not in raw and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            problems.append(f"{prefix}{f.name}: required, not given")
            kwargs[f.name] = None
    return cls(**kwargs)


def coerce(hint: Any, value: Any, key: str, problems: list[str]) -> Any:
    """`value` checked (and converted where lossless) against type `hint`."""
    origin, args = get_origin(hint), get_args(hint)
    if dataclasses.is_dataclass(hint):
        return build(hint, value, problems, key + ".")
    if args and type(None) in args:  # X | None
        if value is None:
            return None
        inner = [a for a in args if a is not type(None)]
        return coerce(inner[0], value, key, problems)
    if origin in (list, tuple):
        if isinstance(value, (str, dict)) or not isinstance(value, (list, tuple)):
            value = [value] if value is not None else []
        items = [coerce(args[0], v, f"{key}[{i}]", problems) for i, v in enumerate(value)]
        return items if origin is list else tuple(items)
    if origin is dict:
        if not isinstance(value, dict):
            problems.append(f"{key}: expected a mapping, got {value!r}")
            return {}
        return dict(value)
    return _scalar(hint, value, key, problems)


def _scalar(hint: Any, value: Any, key: str, problems: list[str]) -> Any:
    if hint is bool:
        if isinstance(value, bool):
            return value
        problems.append(f"{key}: expected true/false, got {value!r}")
        return False
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        problems.append(f"{key}: expected an integer, got {value!r}")
        return 0
    if hint is float:
        try:
            if isinstance(value, bool):
                raise ValueError
            number = float(value)  # YAML reads 1e-3 as a string; accept it
        except (TypeError, ValueError):
            problems.append(f"{key}: expected a number, got {value!r}")
            return 0.0
        if not math.isfinite(number):
            problems.append(f"{key}: expected a finite number, got {value!r}")
        return number
    if hint is str:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        problems.append(f"{key}: expected a string, got {value!r}")
        return ""
    return value
