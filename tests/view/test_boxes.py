import pytest

from videoutr.view.boxes import stated_boxes


@pytest.mark.parametrize(
    "text, boxes",
    [
        ("frame 6: [0.78, 0.75, 0.88, 0.88]", [(6, [0.78, 0.75, 0.88, 0.88])]),
        (
            "frame 0: [0.1, 0.2, 0.3, 0.4]; frame 4: [0.5, 0.5, 0.6, 0.7].",
            [(0, [0.1, 0.2, 0.3, 0.4]), (4, [0.5, 0.5, 0.6, 0.7])],
        ),
        ("At 1.9 seconds (frame 15), where? (frame 15: [0.12, 0.22, 0.38, 0.47])", [(15, [0.12, 0.22, 0.38, 0.47])]),
        ("no frame said: [0.1, 0.2, 0.3, 0.4]", []),  # no frame before it: plain text
        ("frame 2: [1, 2, 3, 4]", []),  # not normalised
        ("frame 2: [0.5, 0.5, 0.1, 0.9]", []),  # x2 < x1: not a box
    ],
)
def test_stated_boxes_find_each_box_with_the_frame_said_before_it(text, boxes):
    parts = stated_boxes(text)
    assert [(p["f"], p["b"]) for p in parts if isinstance(p, dict)] == boxes
    assert "".join(p if isinstance(p, str) else p["t"] for p in parts) == text  # nothing lost or reordered
