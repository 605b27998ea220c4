"""Typed configs from plain data: dataclasses are the schema, YAML / `key=value` give the values.

`build(Recipe, raw, problems)` makes the dataclass from nested mappings, checking every key and
every value's type against the field's type hint (nested dataclasses, `X | None`, `list[X]`,
`tuple[X, ...]`, `dict[str, Any]`, bool / int / float / str); each problem is appended to
`problems` (so that a command reports all of them at once) and a placeholder value used.

    >>> problems = []
    >>> cfg = build(TrackConfig, {"split_penalty": "abc"}, problems, prefix="track.")
    >>> problems
    ["track.split_penalty: expected a number, got 'abc'"]
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import fields
from typing import Any, get_args, get_origin, get_type_hints


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
