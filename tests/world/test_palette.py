"""The world's vocabulary: separable colours, low-saturation backgrounds, directions, grid places."""

from __future__ import annotations

import colorsys
import itertools

import numpy as np
import pytest

from videoutr.grid import GRID_PLACES, grid_place
from videoutr.world import world_default
from videoutr.world.captions import stable_rng
from videoutr.world.palette import (
    DIRECTIONS,
    OPPOSITE,
    PALETTE,
    SHAPES,
    direction_name,
    hue_deg,
    near_grid_line,
    reflect,
)
from videoutr.world.render import background_image
from videoutr.world.simulate import _sample_background


def _hsv(rgb) -> tuple[float, float, float]:
    return colorsys.rgb_to_hsv(*(c / 255.0 for c in rgb))


def test_palette_colours_are_saturated_and_far_apart_in_hue():
    assert 6 <= len(PALETTE) <= 8
    for name, rgb in PALETTE.items():
        _, s, v = _hsv(rgb)
        assert s >= 0.95 and v >= 0.75, name
    for a, b in itertools.combinations(PALETTE, 2):
        gap = abs(hue_deg(a) - hue_deg(b)) % 360
        assert min(gap, 360 - gap) >= 29, (a, b)


def test_shapes_are_the_documented_ones():
    assert SHAPES[:4] == ("circle", "square", "triangle", "star")
    assert len(set(SHAPES)) == len(SHAPES)


def test_backgrounds_never_look_like_an_object_colour():
    cfg = world_default()
    for i in range(60):
        _, params = _sample_background(cfg, stable_rng(0, "bg", str(i)))
        image = background_image(params, 64, 64).reshape(-1, 3)
        sats = [_hsv(rgb)[1] for rgb in np.unique(image, axis=0)]
        assert max(sats) <= 0.25, params


@pytest.mark.parametrize(
    "dx, dy, name",
    [
        (3, 0, "right"),
        (-3, 0, "left"),
        (0, -2, "up"),
        (0, 2, "down"),
        (2, -2, "up-right"),
        (-2, -2, "up-left"),
        (-2, 2, "down-left"),
        (2, 2, "down-right"),
    ],
)
def test_direction_name(dx, dy, name):
    assert direction_name(dx, dy) == name
    ux, uy = DIRECTIONS[name]
    assert direction_name(ux, uy) == name
    assert direction_name(-dx, -dy) == OPPOSITE[name]


@pytest.mark.parametrize(
    "direction, flip_x, flip_y, out",
    [
        ("right", True, False, "left"),
        ("up-right", True, False, "up-left"),
        ("up-right", False, True, "down-right"),
        ("down-left", True, True, "up-right"),
        ("up", False, True, "down"),
        ("up", True, False, "up"),
    ],
)
def test_reflect(direction, flip_x, flip_y, out):
    assert reflect(direction, flip_x, flip_y) == out


@pytest.mark.parametrize(
    "x, y, place",
    [
        (5, 5, "top left"),
        (64, 5, "top center"),
        (120, 10, "top right"),
        (10, 64, "middle left"),
        (64, 64, "center"),
        (120, 64, "middle right"),
        (5, 120, "bottom left"),
        (64, 127, "bottom center"),
        (127, 127, "bottom right"),
    ],
)
def test_grid_place(x, y, place):
    assert grid_place(x, y, 128, 128) == place
    assert place in GRID_PLACES


def test_near_grid_line():
    assert near_grid_line(43, 10, 128, 128) and near_grid_line(10, 86, 128, 128)
    assert not near_grid_line(20, 20, 128, 128)


def test_box_place_is_the_centre_place_and_none_near_a_grid_line():
    from videoutr.world.palette import box_place

    assert box_place((4, 4, 24, 24), 128, 128) == grid_place(14, 14, 128, 128) == "top left"
    assert box_place((33, 4, 53, 24), 128, 128) is None  # centre x = 43, on the first grid line
