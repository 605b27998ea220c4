"""Global camera motion: where each frame's pixels lie in the first frame's (the scene's) pixels.

Corners (`cv2.goodFeaturesToTrack`) of one frame are followed into the next with pyramidal
Lucas-Kanade flow (`cv2.calcOpticalFlowPyrLK`), and a rotation + uniform scale + translation
(`cv2.estimateAffinePartial2D`, RANSAC) is fitted to them: moving subjects are outliers as long as
the background holds most of the corners. Chaining the frame-to-frame fits gives each frame's map
to the first frame. A static camera is recognised first from a few frames far apart (`checkpoints`),
so that static footage costs a handful of fits.

    maps = camera_maps(frames)          # (T, H, W, 3) uint8 RGB
    to_scene(maps[5], np.array([[160.0, 120.0]]))   # frame 5's centre in scene pixels
"""

from __future__ import annotations

import cv2
import numpy as np

STATIC_PX = 0.5  # a camera whose frames all lie within this many pixels of the first is static
CHECK_EVERY = 8  # frames between the checkpoints of the static test


def _grey(frame: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    """A frame in grey, shrunk (area) to at most `side` pixels on its longer side, and the factor."""
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    factor = min(1.0, side / max(grey.shape))
    if factor < 1.0:
        grey = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return grey, factor


def pair_map(a: np.ndarray, b: np.ndarray, factor: float, corners: int = 150) -> np.ndarray:
    """The 2 x 3 map from grey image `b`'s pixels to grey image `a`'s (both shrunk by `factor`),
    in full-size pixels; the identity when too few corners can be followed."""
    points = cv2.goodFeaturesToTrack(a, corners, qualityLevel=0.01, minDistance=6, blockSize=5)
    if points is None or len(points) < 8:
        return np.eye(2, 3)
    moved, status, _ = cv2.calcOpticalFlowPyrLK(a, b, points, None, winSize=(15, 15), maxLevel=3)
    good = status.reshape(-1) == 1
    if good.sum() < 8:
        return np.eye(2, 3)
    fit, _ = cv2.estimateAffinePartial2D(moved[good], points[good], method=cv2.RANSAC, ransacReprojThreshold=1.0)
    if fit is None:
        return np.eye(2, 3)
    fit[:, 2] /= factor
    return fit


def compose(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The 2 x 3 map `first` after `second` (apply `second`, then `first`)."""
    return (np.vstack([first, [0, 0, 1]]) @ np.vstack([second, [0, 0, 1]]))[:2]


def _moved(fit: np.ndarray, width: int, height: int) -> float:
    """How far (pixels) a map moves the frame's corners at most."""
    corners = np.array([[0, 0], [width, 0], [0, height], [width, height]], dtype=np.float64)
    return float(np.abs(to_scene(fit, corners) - corners).max())


def camera_maps(frames: np.ndarray, side: int = 160) -> np.ndarray | None:
    """(T, 2, 3) maps of each frame's pixels to the first frame's, or None for a static camera
    (checkpoints every `CHECK_EVERY` frames all within `STATIC_PX` of the first). Fits run on grey
    frames shrunk to `side` pixels."""
    length = len(frames)
    if length < 2:
        return None
    height, width = frames.shape[1:3]
    greys = [None] * length

    def grey(t: int) -> np.ndarray:
        if greys[t] is None:
            greys[t] = _grey(frames[t], side)
        return greys[t][0]

    factor = _grey(frames[0], side)[1]
    checkpoints = sorted(set(range(0, length, CHECK_EVERY)) | {length - 1})
    if all(_moved(pair_map(grey(0), grey(t), factor), width, height) <= STATIC_PX for t in checkpoints[1:]):
        return None
    maps = [np.eye(2, 3)]
    for t in range(1, length):
        maps.append(compose(maps[-1], pair_map(grey(t - 1), grey(t), factor)))
    return np.stack(maps)


def to_scene(fit: np.ndarray, points: np.ndarray) -> np.ndarray:
    """(N, 2) pixel points of a frame mapped by its 2 x 3 map."""
    return points @ fit[:, :2].T + fit[:, 2]
