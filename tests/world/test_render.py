"""Rendering: exact shape masks on the 2x2 chroma grid, pure frames, measured boxes and visibility."""

from __future__ import annotations

import numpy as np
import pytest

from videoutr.world import render_frames, shape_mask
from videoutr.world.palette import PALETTE, SHAPES


@pytest.mark.parametrize(
    "shape, fill", [("square", 1.0), ("circle", 0.785), ("diamond", 0.5), ("triangle", 0.5), ("star", 0.35)]
)
def test_shape_masks_fill_their_box_as_expected(shape, fill):
    mask, x0, y0 = shape_mask(shape, (32.0, 32.0), 24)
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    assert 20 <= width <= 26 and 18 <= height <= 26
    assert mask.sum() / (24 * 24) == pytest.approx(fill, abs=0.1)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("center", [(20.0, 21.3), (33.7, 18.2), (10.5, 40.9)])
def test_masks_sit_on_the_2x2_chroma_grid(shape, center):
    mask, x0, y0 = shape_mask(shape, center, 13)
    assert x0 % 2 == 0 and y0 % 2 == 0 and mask.shape[0] % 2 == 0 and mask.shape[1] % 2 == 0
    blocks = mask.reshape(mask.shape[0] // 2, 2, mask.shape[1] // 2, 2)
    assert (blocks.all(axis=(1, 3)) == blocks.any(axis=(1, 3))).all()


def test_distinct_shapes_give_distinct_masks():
    masks = {s: shape_mask(s, (32.0, 32.0), 24)[0] for s in SHAPES}
    for a in SHAPES:
        for b in SHAPES:
            if a < b:
                assert (masks[a] != masks[b]).sum() > 20, (a, b)


def test_render_is_pure_and_draws_flat_colours(make_ann):
    ann = make_ann(
        [{"shape": "square", "size_px": 12, "center_xy": [[20.0, 20.0]] * 3, "colour": ["red", "blue", "blue"]}]
    )
    first, second = render_frames(ann), render_frames(ann)
    assert first.dtype == np.uint8 and first.shape == (3, 64, 64, 3)
    assert np.array_equal(first, second)
    x1, y1, x2, y2 = ann.objects[0].box_xyxy[0]
    assert (x2 - x1, y2 - y1) == (12, 12)
    assert (first[0, y1:y2, x1:x2] == PALETTE["red"]).all()
    assert (first[1, y1:y2, x1:x2] == PALETTE["blue"]).all()
    assert (first[0, :y1] == 120).all()


def test_occlusion_off_frame_and_partial_visibility_are_measured(make_ann):
    ann = make_ann(
        [
            {"shape": "square", "size_px": 12, "depth": 0, "center_xy": [[20.0, 20.0], [-30.0, 20.0], [2.0, 20.0]]},
            {"shape": "square", "size_px": 12, "depth": 1, "center_xy": [[26.0, 20.0]] * 3, "colour": ["green"] * 3},
        ]
    )
    back, front = ann.objects
    assert front.visible_fraction == [1.0, 1.0, 1.0]
    assert back.visible_fraction[0] == pytest.approx(0.5)  # its right half is behind the front square
    assert back.box_xyxy[0] == [14, 14, 26, 26]  # the box covers the whole shape, hidden part included
    assert back.box_xyxy[1] is None and back.visible_fraction[1] == 0.0
    assert back.box_xyxy[2] == [0, 14, 8, 26]  # clipped to the frame
    assert back.visible_fraction[2] == pytest.approx(8 / 12, abs=1e-4)


def test_reversed_twin_renders_the_reversed_frames(scenes):
    for original, twin in scenes[:5]:
        assert np.array_equal(render_frames(twin), render_frames(original)[::-1])


def test_labels_agree_with_frames_and_visible_fractions(scenes):
    from videoutr.world import render_labels

    for ann, _ in scenes[:10]:
        labels, frames = render_labels(ann), render_frames(ann)
        for obj in ann.objects:
            for t in range(ann.num_frames):
                seen = labels[t] == obj.id + 1
                assert (frames[t][seen] == PALETTE[obj.colour[t]]).all()
                full_t = int(shape_mask(obj.shape, tuple(obj.center_xy[t]), obj.size_px)[0].sum())
                assert seen.sum() / full_t == pytest.approx(obj.visible_fraction[t], abs=1e-4)
