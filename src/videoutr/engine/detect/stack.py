"""Clip-level pixel operations for the `motion` detector: a whole (T, H, W, 3) stack in a few calls.

sat = saturated(frames, 0.4)                     # (T, H, W) bool
background = masked_median(frames, sat)          # (H, W, 3): median of unsaturated samples
over, strong = differs(frames, background, 30)   # (T, H, W) bool: some channel off by > 30, > 60
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

NONE = 255  # label of pixels that belong to no layer


def saturated(frames: np.ndarray, saturation_min: float) -> np.ndarray:
    """Strongly saturated (S > `saturation_min` * 255), not dark (V > 50) pixels of RGB frames
    (..., H, W, 3) -> (..., H, W) bool."""
    flat = np.ascontiguousarray(frames).reshape(-1, frames.shape[-2], 3)
    hsv = cv2.cvtColor(flat, cv2.COLOR_RGB2HSV)
    inside = cv2.inRange(hsv, (0, int(np.floor(saturation_min * 255)) + 1, 51), (255, 255, 255))
    return inside.view(bool).reshape(frames.shape[:-1])


def masked_median(stack: np.ndarray, skip: np.ndarray) -> np.ndarray:
    """Per-pixel lower median over time of a (T, H, W, 3) stack, leaving out `skip` (T, H, W)
    samples (of all samples where every one is skipped)."""
    flat_skip = np.repeat(skip.reshape(len(skip), -1), 3, axis=1)
    return lower_median(stack.reshape(len(stack), -1), flat_skip).reshape(stack.shape[1:])


def lower_median(samples: np.ndarray, skip: np.ndarray) -> np.ndarray:
    """The lower median of each column of (T, N) uint8 `samples`, leaving out `skip` (T, N)
    samples (of all samples where every one is skipped) -> (N,) uint8.

    Each column's `s` skipped samples are replaced by `a` zeros and `s - a` 255s, `a` chosen so
    that the lower median of all values is the lower median of the kept ones (padding to a
    power of two the same way); a sorting network then selects the middle of every column at once.
    """
    length = len(samples)
    size = 1 << max(0, (length - 1).bit_length())
    skip = skip & ~skip.all(axis=0)  # nothing kept: the median of all values
    kept = length - skip.sum(axis=0, dtype=np.int32)
    low = ((size - 1) // 2 - (kept - 1) // 2).astype(np.uint8)  # fillers (skipped, then padding) set to 0
    planes, rank = [], np.zeros(skip.shape[1], np.uint8)
    any_skip = skip.any(axis=1)
    for t in range(size):
        if t < length and not any_skip[t]:
            planes.append(samples[t])
            continue
        rank += skip[t].view(np.uint8) if t < length else 1
        filler = (rank > low).view(np.uint8) * np.uint8(255)
        if t < length:
            np.copyto(filler, samples[t], where=~skip[t])
        planes.append(filler)
    return _select(planes, (size - 1) // 2)


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


def differs(frames: np.ndarray, background: np.ndarray, threshold: int) -> tuple[np.ndarray, np.ndarray]:
    """Where some channel of a (T, H, W, 3) stack differs from the background by more than
    `threshold`, and by more than twice that -> two (T, H, W) bool.

    Each channel's difference is mapped to 0, 9 or 255 (within, over, over twice) and the three
    are combined by OpenCV's fixed-point grey conversion, (4899 R + 9617 G + 1868 B + 2^13) >> 14:
    the grey is at least 29 exactly when some channel is 255, and at least 1 when some is 9.
    """
    return differs_each(frames, np.tile(background, (len(frames), 1, 1)), threshold)


def differs_each(frames: np.ndarray, backgrounds: np.ndarray, threshold: int) -> tuple[np.ndarray, np.ndarray]:
    """`differs` with a background of each frame's own ((T, H, W, 3), or stacked as (T * H, W, 3))."""
    length, height, width = frames.shape[:3]
    diff = cv2.absdiff(
        np.ascontiguousarray(frames).reshape(-1, width, 3), np.ascontiguousarray(backgrounds).reshape(-1, width, 3)
    )
    grey = cv2.cvtColor(cv2.LUT(diff, _levels(threshold)), cv2.COLOR_RGB2GRAY).reshape(length, height, width)
    return grey > 0, grey >= 29


@lru_cache(maxsize=4)
def _levels(threshold: int) -> np.ndarray:
    lut = np.zeros(256, np.uint8)
    lut[threshold + 1 :] = 9
    lut[2 * threshold + 1 :] = 255
    return lut
