"""Clip-level mask operations for the `motion` detector: a whole (T, H, W) stack in a few calls.

Frames are stacked vertically with one separator row between them, so one OpenCV call (colour
conversion, erosion, dilation, connected components) serves the whole clip; the separator's
value is chosen per operation so that each frame is treated exactly as if it were alone (erosion
and dilation see the frame's edge as OpenCV's default border does, and components never cross
from one frame into the next).

    >>> sat = saturated(frames, 0.4)                     # (T, H, W) bool
    >>> opened = open_labels(labels)                     # per-label 3x3 opening of a label stack
    >>> count, comp, stats = stack_components(opened)    # components of every frame at once
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

KERNEL = np.ones((3, 3), np.uint8)
NONE = 255  # label of pixels that belong to no layer


def saturated(frames: np.ndarray, saturation_min: float) -> np.ndarray:
    """Strongly saturated, not dark pixels of RGB frames (..., H, W, 3) -> (..., H, W) bool."""
    flat = np.ascontiguousarray(frames).reshape(-1, frames.shape[-2], 3)
    hsv = cv2.cvtColor(flat, cv2.COLOR_RGB2HSV)
    return ((hsv[..., 1] > saturation_min * 255) & (hsv[..., 2] > 50)).reshape(frames.shape[:-1])


def masked_median(stack: np.ndarray, skip: np.ndarray) -> np.ndarray:
    """Per-pixel lower median over time of a (T, H, W, 3) stack, leaving out `skip` (T, H, W)
    samples (of all samples where every one is skipped).

    Each pixel's `s` skipped samples are replaced by `a` zeros and `s - a` 255s, `a` chosen so
    that the lower median of all values is the lower median of the kept ones (padding to a
    power of two the same way); a sorting network then selects the middle of every pixel at once.
    """
    length = len(stack)
    size = 1 << max(0, (length - 1).bit_length())
    skip = skip & ~skip.all(axis=0)  # nothing kept: the median of all values
    flat_skip = np.repeat(skip.reshape(length, -1), 3, axis=1)
    kept = length - flat_skip.sum(axis=0, dtype=np.int32)
    low = ((size - 1) // 2 - (kept - 1) // 2).astype(np.uint8)  # fillers (skipped, then padding) set to 0
    planes, rank = [], np.zeros(flat_skip.shape[1], np.uint8)
    any_skip = flat_skip.any(axis=1)
    for t in range(size):
        if t < length and not any_skip[t]:
            planes.append(stack[t].reshape(-1))
            continue
        rank += flat_skip[t].view(np.uint8) if t < length else 1
        filler = (rank > low).view(np.uint8) * np.uint8(255)
        if t < length:
            np.copyto(filler, stack[t].reshape(-1), where=~flat_skip[t])
        planes.append(filler)
    return _select(planes, (size - 1) // 2).reshape(stack.shape[1:])


@lru_cache(maxsize=8)
def _selection_network(size: int, k: int) -> tuple[tuple[int, int, bool, bool], ...]:
    """Batcher's odd-even merge sort on `size` (a power of two) wires, pruned to what wire `k`
    needs: (i, j, keep min in i, keep max in j) per comparator."""
    pairs = []
    p = 1
    while p < size:
        k2 = p
        while k2 >= 1:
            for j in range(k2 % p, size - k2, 2 * k2):
                for i in range(min(k2, size - j - k2)):
                    if (i + j) // (2 * p) == (i + j + k2) // (2 * p):
                        pairs.append((i + j, i + j + k2))
            k2 //= 2
        p *= 2
    needed, kept = {k}, []
    for a, b in reversed(pairs):
        if a in needed or b in needed:
            kept.append((a, b, a in needed, b in needed))
            needed |= {a, b}
    return tuple(reversed(kept))


def _select(planes: list[np.ndarray], k: int) -> np.ndarray:
    """The k-th smallest of each position across equally long uint8 planes (a power of two of them)."""
    wires = list(planes)
    for a, b, want_min, want_max in _selection_network(len(wires), k):
        lo = np.minimum(wires[a], wires[b]) if want_min else None
        hi = np.maximum(wires[a], wires[b]) if want_max else None
        wires[a], wires[b] = lo, hi
    return wires[k]


def max_channel_diff(frames: np.ndarray, background: np.ndarray) -> np.ndarray:
    """max over R, G, B of |frame - background| for a (T, H, W, 3) stack -> (T, H, W) uint8."""
    length, height, width = frames.shape[:3]
    diff = cv2.absdiff(frames.reshape(-1, width, 3), np.tile(background, (length, 1, 1)))
    return np.maximum(np.maximum(diff[..., 0], diff[..., 1]), diff[..., 2]).reshape(length, height, width)


def _morph(op, stack: np.ndarray, separator: int) -> np.ndarray:
    """3x3 erosion or dilation of every (H, W) frame of a uint8 stack in one call."""
    length, height, width = stack.shape
    padded = np.full((length, height + 1, width), separator, np.uint8)
    padded[:, :height] = stack
    return op(padded.reshape(-1, width), KERNEL).reshape(length, height + 1, width)[:, :height]


def dilate_stack(stack: np.ndarray) -> np.ndarray:
    """3x3 maximum filter of each frame of a (T, H, W) uint8 stack."""
    return _morph(cv2.dilate, stack, 0)


def open_mask(mask: np.ndarray) -> np.ndarray:
    """3x3 morphological opening of each frame of a (T, H, W) bool stack."""
    eroded = _morph(cv2.erode, mask.view(np.uint8), 1)
    return _morph(cv2.dilate, eroded, 0).astype(bool)


def open_labels(labels: np.ndarray) -> np.ndarray:
    """The union over labels of each label layer's 3x3 opening, per frame (`NONE`: no label).

    A pixel survives erosion when its whole neighbourhood carries its label; the dilation of
    those pixels only reaches pixels of the same label, so one binary dilation serves all layers
    and an opened pixel's layer is its label.
    """
    low = _morph(cv2.erode, labels, NONE)
    high = _morph(cv2.dilate, labels, 0)
    eroded = (low == labels) & (high == labels) & (labels != NONE)
    return _morph(cv2.dilate, eroded.view(np.uint8), 0).astype(bool)


def stack_components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """8-connected components of every frame of a (T, H, W) bool stack.

    Returns the count (label 0 is the background), the (T, H, W) int32 labels and per-label
    stats rows (frame, x, y, w, h, area) in frame coordinates.
    """
    length, height, width = mask.shape
    padded = np.zeros((length, height + 1, width), np.uint8)
    padded[:, :height] = mask
    count, labels, stats, _ = cv2.connectedComponentsWithStats(padded.reshape(-1, width), connectivity=8)
    frame, y = np.divmod(stats[:, cv2.CC_STAT_TOP], height + 1)
    rows = np.stack([frame, stats[:, 0], y, stats[:, 2], stats[:, 3], stats[:, 4]], axis=1).astype(np.int64)
    return count, labels.reshape(length, height + 1, width)[:, :height], rows
