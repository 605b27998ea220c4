"""The world's fixed vocabulary: colours, shapes, sizes, backgrounds, directions (grid places: `videoutr.grid`).

Downstream code (the data engine's colour and shape experts, question generators, tests) imports
these constants, so every name here is part of the data format.

- Object colours are flat and saturated (HSV saturation 1, value >= 0.78) and at least 30 degrees
  apart in hue; backgrounds are greys and pastels with saturation <= 0.15, so no background pixel
  is ever classified as an object colour.
- Shapes are drawn upright, never rotated: a shape's outline alone tells it apart.

    >>> PALETTE["red"], hue_deg("blue")
    ((255, 0, 0), 224.9)
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Sequence

from videoutr.grid import grid_place

# name -> RGB; ordered by hue.
PALETTE: dict[str, tuple[int, int, int]] = {
    "red": (255, 0, 0),  # hue 0
    "orange": (255, 128, 0),  # hue 30
    "yellow": (255, 255, 0),  # hue 60
    "green": (0, 200, 0),  # hue 120
    "cyan": (0, 230, 230),  # hue 180
    "blue": (0, 64, 255),  # hue 225
    "purple": (140, 0, 255),  # hue 273
    "magenta": (255, 0, 200),  # hue 313
}
COLOURS: tuple[str, ...] = tuple(PALETTE)

SHAPES: tuple[str, ...] = ("circle", "square", "triangle", "star", "diamond")

# size class -> side of the shape's bounding square, as a fraction of min(height, width).
# 0.14-0.27 keeps shapes recognisable when frames are resized to 48-64 px downstream.
SIZE_CLASSES: dict[str, float] = {"small": 0.14, "medium": 0.20, "large": 0.27}

# Background styles and the phrase captions use for each.
BACKGROUNDS: dict[str, str] = {
    "plain": "a plain background",
    "stripes": "a striped background",
    "checker": "a checkered background",
    "gradient": "a gradient background",
}

# Compass directions in image coordinates (x right, y down); "up" is -y.
_D = 0.7071067811865476  # sqrt(1/2), written out so every platform uses the same bits
DIRECTIONS: dict[str, tuple[float, float]] = {
    "right": (1.0, 0.0),
    "up-right": (_D, -_D),
    "up": (0.0, -1.0),
    "up-left": (-_D, -_D),
    "left": (-1.0, 0.0),
    "down-left": (-_D, _D),
    "down": (0.0, 1.0),
    "down-right": (_D, _D),
}
OPPOSITE: dict[str, str] = {name: list(DIRECTIONS)[(i + 4) % 8] for i, name in enumerate(DIRECTIONS)}
AXIS_DIRECTIONS: tuple[str, ...] = ("right", "up", "left", "down")


NUMBER_WORDS: tuple[str, ...] = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight")


def hue_deg(colour: str) -> float:
    """Hue of a palette colour in degrees [0, 360)."""
    r, g, b = (c / 255.0 for c in PALETTE[colour])
    return round(colorsys.rgb_to_hsv(r, g, b)[0] * 360.0, 1) % 360.0


def direction_name(dx: float, dy: float) -> str:
    """Nearest compass direction of a displacement (image coordinates, y down).

    >>> direction_name(3.0, 0.0), direction_name(-2.0, -2.0)
    ('right', 'up-left')
    """
    angle = math.degrees(math.atan2(-dy, dx)) % 360.0
    return list(DIRECTIONS)[int(round(angle / 45.0)) % 8]


def reflect(direction: str, flip_x: bool, flip_y: bool) -> str:
    """The direction after bouncing off a vertical (`flip_x`) and/or horizontal (`flip_y`) wall."""
    dx, dy = DIRECTIONS[direction]
    return direction_name(-dx if flip_x else dx, -dy if flip_y else dy)


def near_grid_line(x: float, y: float, width: int, height: int, margin: float = 0.04) -> bool:
    """Whether a point lies within `margin` (fraction of the side) of a 3x3 grid line."""
    for value, side in ((x, width), (y, height)):
        for line in (side / 3.0, 2.0 * side / 3.0):
            if abs(value - line) < margin * side:
                return True
    return False


def box_place(box: Sequence[float], width: int, height: int) -> str | None:
    """The 3x3 grid place of an (x1, y1, x2, y2) pixel box's centre; None near a grid line, where
    the answer would be unclear."""
    cx, cy = (box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0
    return None if near_grid_line(cx, cy, width, height) else grid_place(cx, cy, width, height)
