"""The colour layers of a clip, each processed on the rows where it appears.

A (T, H, W) label stack holds the colour layers of every frame. For each layer, the rows of each
frame that hold its pixels (plus a margin) are gathered into one compact image, a separator row
after each run, so that one OpenCV call (erosion, dilation, connected components) serves every
layer of the whole clip while the work stays proportional to the layers' size. Each run is
treated as if its frame and layer were alone: erosion sees a frame's edges as OpenCV's border
does, and components never cross from one run into the next.

    >>> rows = gather_rows(present, H)     # present: (T * H, colours) bool, the rows holding each colour
    >>> layer = take_rows(labels.reshape(-1, W), rows, fill=NONE) == rows.layer[:, None]
    >>> cores = LayerComponents.of(layer.view(np.uint8), rows)
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

KERNEL = np.ones((3, 3), np.uint8)
MARGIN = 5  # rows kept above and below a layer's pixels: 4 to grow a component back, 1 for strays


@dataclass(frozen=True)
class LayerRows:
    """Rows gathered from a (T * H, W) label stack, one run per frame and layer it holds: `src[i]`
    is gathered row i's row in the stack (-1 on separators), `layer[i]` the layer of its run (-1
    on separators), `top[i]` / `bottom[i]` bound its run's rows (bottom exclusive); `sep` lists
    the separator rows."""

    src: np.ndarray
    layer: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    sep: np.ndarray


def gather_rows(present: np.ndarray, height: int, margin: int = MARGIN) -> LayerRows | None:
    """The rows to gather for layers present on the rows of a stack (`present`: (T * H, layers)
    bool), `margin` rows around them: for each layer, one run per frame holding it (from the
    frame's first to its last row holding it), layer after layer."""
    per_frame = present.reshape(-1, height, present.shape[1])
    layers, frames = np.nonzero(per_frame.any(axis=1).T)
    if len(frames) == 0:
        return None
    hits = per_frame[frames, :, layers]
    top = np.maximum(0, hits.argmax(axis=1) - margin)
    bottom = np.minimum(height, height - hits[:, ::-1].argmax(axis=1) + margin)
    lengths = bottom - top + 1  # plus the separator
    ends = np.cumsum(lengths)
    starts = ends - lengths
    run = np.repeat(np.arange(len(frames)), lengths)
    src = frames[run] * height + top[run] + np.arange(ends[-1]) - starts[run]
    sep = ends - 1
    src[sep] = -1
    layer = layers[run]
    layer[sep] = -1
    return LayerRows(src, layer, starts[run], sep[run], sep)


def take_rows(stack2d: np.ndarray, rows: LayerRows, fill: int = 0) -> np.ndarray:
    """The gathered rows of a (T * H, W) array, separators set to `fill`."""
    out = stack2d[np.maximum(rows.src, 0)]
    out[rows.sep] = fill
    return out


@dataclass
class LayerComponents:
    """A gathered layer's 3x3-opened components (`core`: labels; `boxes`: (x, y, w, h) and the
    first pixel (x, y) in reading order of each) and the 8-connected components of the raw layer
    (`raw`: labels)."""

    core: np.ndarray
    boxes: list[tuple[tuple[int, int, int, int], tuple[int, int]]]
    raw: np.ndarray

    @classmethod
    def of(cls, layer: np.ndarray, rows: LayerRows) -> LayerComponents:
        """Components of a gathered uint8 0/1 `layer` (separators 0). Boxes come from each
        component's outer contour (cheaper than OpenCV's component stats), which starts at the
        component's first pixel."""
        eroded = layer.copy()
        eroded[rows.sep] = 1  # a frame's edge does not erode, as with OpenCV's default border
        eroded = cv2.erode(eroded, KERNEL)
        eroded[rows.sep] = 0
        opened = cv2.dilate(eroded, KERNEL)
        opened[rows.sep] = 0
        _, core = cv2.connectedComponentsWithAlgorithm(opened, 8, cv2.CV_32S, cv2.CCL_BBDT)
        _, raw = cv2.connectedComponentsWithAlgorithm(layer, 8, cv2.CV_32S, cv2.CCL_BBDT)
        contours, _ = cv2.findContours(opened, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        boxes = [(cv2.boundingRect(c), tuple(c[0, 0].tolist())) for c in contours]
        return cls(core, boxes, raw)
