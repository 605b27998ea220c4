"""Attribute experts: colour names, grid places, size classes, shapes from masks."""

import cv2
import numpy as np
import pytest

from videoutr.engine.detect.attributes import (
    basic_palette,
    colour_name,
    location_phrase,
    resolve_palette,
    shape_of_mask,
    size_class,
)
from videoutr.errors import ConfigError


@pytest.mark.parametrize(
    "rgb, name",
    [
        ((230, 30, 40), "red"),
        ((40, 180, 60), "green"),
        ((30, 70, 220), "blue"),
        ((240, 220, 30), "yellow"),
        ((250, 250, 250), "white"),
        ((20, 20, 20), "black"),
    ],
)
def test_colour_name_basic_palette(rgb, name):
    assert colour_name(rgb, basic_palette()) == name


def test_world_palette_names_its_own_colours():
    from videoutr.world.palette import PALETTE

    palette = resolve_palette("world")
    for name, rgb in PALETTE.items():
        assert colour_name(rgb, palette) == name
        darker = tuple(int(c * 0.85) for c in rgb)  # compression shifts colours a little
        assert colour_name(darker, palette) == name


def test_unknown_palette_lists_known():
    with pytest.raises(ConfigError, match="basic"):
        resolve_palette("rainbow")


@pytest.mark.parametrize(
    "box, place",
    [
        ((0.0, 0.0, 0.2, 0.2), "top left"),
        ((0.4, 0.4, 0.6, 0.6), "center"),
        ((0.8, 0.1, 0.95, 0.2), "top right"),
        ((0.4, 0.8, 0.5, 0.95), "bottom center"),
        ((0.0, 0.4, 0.1, 0.6), "middle left"),
    ],
)
def test_location_phrase_grid(box, place):
    assert location_phrase(box) == place


@pytest.mark.parametrize("side, size", [(0.10, "small"), (0.14, "small"), (0.20, "medium"), (0.27, "large")])
def test_size_class_matches_world_sizes(side, size):
    assert size_class(side * side) == size


def _render(shape: str, size: int) -> np.ndarray:
    """The world's own geometry for `shape`, rasterised at `size` px (independent of our templates)."""
    from videoutr.world.render import _unit_shape

    grid = (np.arange(size + 4) + 0.5 - (size + 4) / 2) / (size / 2)
    return _unit_shape(shape, grid[None, :], grid[:, None])


@pytest.mark.parametrize("shape", ["circle", "square", "triangle", "star", "diamond"])
@pytest.mark.parametrize("size", [18, 26, 35])
def test_shape_of_clean_world_masks(shape, size):
    assert shape_of_mask(_render(shape, size)) == shape


def test_shape_elongated_and_tiny():
    assert shape_of_mask(np.ones((6, 20), bool)) == "rectangle"
    assert shape_of_mask(np.ones((3, 3), bool)) == "blob"


def test_shape_at_chroma_resolution_on_blocky_mask():
    mask = np.zeros((40, 40), np.uint8)
    cv2.fillPoly(mask, [np.array([[20, 4], [36, 20], [20, 36], [4, 20]], np.int32)], 1)  # a diamond
    blocky = cv2.resize(
        cv2.resize(mask, (20, 20), interpolation=cv2.INTER_AREA), (40, 40), interpolation=cv2.INTER_NEAREST
    )
    assert shape_of_mask(blocky.astype(bool), origin=(0, 0), block=2) == "diamond"


@pytest.mark.parametrize("shape", ["circle", "diamond"])
def test_circles_and_diamonds_at_chroma_resolution_at_every_grid_phase(shape):
    """The world's 17 px shape at every quarter-pixel offset within one 2x2 chroma cell, compared at
    chroma resolution: where the grid cuts a circle's outline its pooled mask looks like a diamond."""
    from videoutr.world.render import shape_mask

    names = []
    for cx in np.arange(20, 22, 0.25):
        for cy in np.arange(20, 22, 0.25):
            mask, x0, y0 = shape_mask(shape, (cx, cy), 17)
            frame = np.zeros((48, 48), bool)
            frame[y0 : y0 + mask.shape[0], x0 : x0 + mask.shape[1]] = mask
            names.append(shape_of_mask(frame, origin=(0, 0), block=2))
    assert names == [shape] * 64


def test_clip_places_and_world_places_follow_one_grid():
    from videoutr.engine.detect.attributes import _grid_cells
    from videoutr.grid import GRID_PLACES, grid_place

    rng = np.random.default_rng(0)
    corners = np.sort(rng.uniform(-0.05, 1.05, size=(500, 2, 2)), axis=1)
    boxes = np.stack([corners[:, 0, 0], corners[:, 0, 1], corners[:, 1, 0], corners[:, 1, 1]], axis=1)
    for box, cell in zip(boxes, _grid_cells(boxes)):
        centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        assert location_phrase(box) == GRID_PLACES[cell] == grid_place(*centre, 1.0, 1.0)
    assert len(set(_grid_cells(boxes).tolist())) == 9  # every cell was tried
