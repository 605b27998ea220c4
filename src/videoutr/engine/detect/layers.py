"""The colour layers of a clip, each frame's layer cut out and all packed into one canvas.

A (T, H, W) label stack holds the colour layers of every frame. Each frame's layer is cut out
around its pixels (its box plus a margin) and the crops are packed side by side, one pixel
apart, into one canvas, so that one OpenCV call (erosion, dilation, connected components,
contours) serves every layer of the whole clip while the work stays proportional to the
layers' size. Each crop is treated as if its frame and layer were alone: erosion sees a frame's
edges as OpenCV's border does (a crop's other edges lie in its margin, where the layer is
absent), and nothing crosses from one crop into the next.

    crops = pack_crops(rows, cols)    # rows: (T, H, colours), cols: (T, W, colours) bool presence
    layer = crops.paste(lambda t, c, ys, xs: labels[t, ys, xs] == c)   # 0/1 canvas of every layer
    cores = LayerComponents.of(layer, crops)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

KERNEL = np.ones((3, 3), np.uint8)
MARGIN = 5  # pixels kept around a layer's pixels: 4 to grow a component back, 1 for strays


@dataclass(frozen=True)
class Crops:
    """Per crop (lists): its frame, layer, box in the frame (`x`, `y`, `w`, `h`) and place in the
    canvas (`cx`, `cy`); `owner`: the crop of each canvas pixel (-1 between crops)."""

    frame: list[int]
    layer: list[int]
    x: list[int]
    y: list[int]
    w: list[int]
    h: list[int]
    cx: list[int]
    cy: list[int]
    owner: np.ndarray

    def paste(self, crop: Callable[[int, int, slice, slice], np.ndarray]) -> np.ndarray:
        """A uint8 canvas holding `crop(frame, layer, rows, cols)` (0/1) of every crop, 0 elsewhere."""
        canvas = np.zeros(self.owner.shape, np.uint8)
        for t, c, x, y, w, h, cx, cy in zip(self.frame, self.layer, self.x, self.y, self.w, self.h, self.cx, self.cy):
            canvas[cy : cy + h, cx : cx + w] = crop(t, c, slice(y, y + h), slice(x, x + w))
        return canvas


def pack_crops(rows: np.ndarray, cols: np.ndarray, margin: int = MARGIN) -> Crops | None:
    """Crops of every (frame, layer) present (`rows`: (T, H, layers), `cols`: (T, W, layers) bool:
    which rows and columns hold each layer), packed into shelves, tallest first."""
    width = cols.shape[1]
    frames, layers = np.nonzero(rows.any(axis=1))
    if len(frames) == 0:
        return None
    y0, y1 = _span(rows[frames, :, layers], margin)
    x0, x1 = _span(cols[frames, :, layers], margin)
    h, w = (y1 - y0).tolist(), (x1 - x0).tolist()
    canvas_width = max(4 * width, max(w))
    cx, cy = [0] * len(h), [0] * len(h)
    x = y = shelf = 0
    for i in sorted(range(len(h)), key=lambda k: -h[k]):
        if x + w[i] > canvas_width:
            x, y, shelf = 0, y + shelf + 1, 0
        cx[i], cy[i] = x, y
        x, shelf = x + w[i] + 1, max(shelf, h[i])
    owner = np.full((y + shelf, canvas_width), -1, np.int32)
    for i in range(len(h)):
        owner[cy[i] : cy[i] + h[i], cx[i] : cx[i] + w[i]] = i
    return Crops(frames.tolist(), layers.tolist(), x0.tolist(), y0.tolist(), w, h, cx, cy, owner)


def _span(hits: np.ndarray, margin: int) -> tuple[np.ndarray, np.ndarray]:
    """First and one-past-last index holding each row's hits, `margin` wider (within the row)."""
    size = hits.shape[1]
    return np.maximum(0, hits.argmax(axis=1) - margin), np.minimum(size, size - hits[:, ::-1].argmax(axis=1) + margin)


@dataclass
class LayerComponents:
    """A canvas's 3x3-opened components (`core`: labels; `boxes`: (x, y, w, h) and the first
    pixel (x, y) in reading order of each) and the 8-connected components of the raw layer
    (`raw`: labels)."""

    core: np.ndarray
    boxes: list[tuple[tuple[int, int, int, int], tuple[int, int]]]
    raw: np.ndarray

    @classmethod
    def of(cls, layer: np.ndarray, crops: Crops) -> LayerComponents:
        """Components of a uint8 0/1 canvas `layer` (0 between crops). Boxes come from each
        component's outer contour (cheaper than OpenCV's component stats), which starts at the
        component's first pixel."""
        inside = (crops.owner >= 0).view(np.uint8)
        eroded = cv2.erode(layer | (1 - inside), KERNEL) & inside  # a frame's edge does not erode (OpenCV's border)
        opened = cv2.dilate(eroded, KERNEL) & inside
        _, core = cv2.connectedComponentsWithAlgorithm(opened, 8, cv2.CV_32S, cv2.CCL_BBDT)
        _, raw = cv2.connectedComponentsWithAlgorithm(layer, 8, cv2.CV_32S, cv2.CCL_BBDT)
        contours, _ = cv2.findContours(opened, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        boxes = [(cv2.boundingRect(c), tuple(c[0, 0].tolist())) for c in contours]
        return cls(core, boxes, raw)
