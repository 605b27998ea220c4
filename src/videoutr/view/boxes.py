"""Stated boxes in dialogue text: `frame 6: [0.78, 0.75, 0.88, 0.88]` becomes a clickable span.

A box is four numbers in [0, 1] in square brackets (xyxy, normalised, as the engine writes them);
its frame is the last `frame N` said before it in the same turn. A box with no frame before it
stays plain text.

    >>> parts = stated_boxes("At frame 15: [0.12, 0.22, 0.38, 0.47] and [0.5, 0.5, 0.6, 0.6].")
    >>> parts[0], parts[1], parts[2]
    ('At frame 15: ', {'t': '[0.12, 0.22, 0.38, 0.47]', 'f': 15, 'b': [0.12, 0.22, 0.38, 0.47]}, ' and ')
    >>> parts[3:]
    [{'t': '[0.5, 0.5, 0.6, 0.6]', 'f': 15, 'b': [0.5, 0.5, 0.6, 0.6]}, '.']
"""

from __future__ import annotations

import re

_NUMBER = r"\s*(\d+(?:\.\d+)?)\s*"
_BOX = re.compile(r"\[" + ",".join([_NUMBER] * 4) + r"\]")
_FRAME = re.compile(r"\bframe (\d+)\b")


def stated_boxes(text: str) -> list[str | dict]:
    """`text` split into plain strings and stated boxes `{"t": text, "f": frame, "b": xyxy}`."""
    parts: list[str | dict] = []
    start = 0
    for match in _BOX.finditer(text):
        box = [float(v) for v in match.groups()]
        frames = _FRAME.findall(text, 0, match.start())
        if not frames or not all(0.0 <= v <= 1.0 for v in box) or box[0] > box[2] or box[1] > box[3]:
            continue
        if match.start() > start:
            parts.append(text[start : match.start()])
        parts.append({"t": match.group(0), "f": int(frames[-1]), "b": box})
        start = match.end()
    if start < len(text):
        parts.append(text[start:])
    return parts
