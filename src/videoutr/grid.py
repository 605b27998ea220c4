"""The 3x3 grid places the world's captions and the engine's questions share: one vocabulary, one rule.

A point's place is the cell of a 3x3 grid over the frame that holds it, named row-major from
"top left" to "bottom right" ("center" in the middle); points on or past an edge count as in the
edge's cell.

    >>> grid_place(10, 10, width=128, height=128), grid_place(0.5, 0.9, width=1.0, height=1.0)
    ('top left', 'bottom center')
"""

from __future__ import annotations

import numpy as np

GRID_PLACES: tuple[str, ...] = (
    "top left",
    "top center",
    "top right",
    "middle left",
    "center",
    "middle right",
    "bottom left",
    "bottom center",
    "bottom right",
)


def grid_place(x: float, y: float, width: float, height: float) -> str:
    """The grid place of a point (x, y) in a frame of `width` x `height` (pixels or 1.0 x 1.0)."""
    col = min(2, max(0, int(3 * x / width)))
    row = min(2, max(0, int(3 * y / height)))
    return GRID_PLACES[3 * row + col]


def grid_cells(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`grid_place`'s cell index (0-8, row-major) of many points in normalised coordinates at once."""
    col = np.clip((x * 3).astype(np.int64), 0, 2)
    row = np.clip((y * 3).astype(np.int64), 0, 2)
    return 3 * row + col
