"""The photographs the clips are made of: subjects cut out of scikit-image's bundled photos
(an elliptical cut-out around each subject, with a hard edge so that its pixels are exactly
known) and whole photos as backgrounds. Nothing is downloaded.

    >>> rgb, mask = sprite("cat", side=60)      # (h, w, 3) uint8 and (h, w) bool, longer side 60
    >>> canvas = background("grass", (240, 400))
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from videoutr.errors import ConfigError


@dataclass(frozen=True)
class Cutout:
    """A subject of one bundled photo: its category and the ellipse (centre, semi-axes, in the
    photo's pixels) that cuts it out."""

    category: str
    photo: str
    centre: tuple[int, int]
    axes: tuple[int, int]


SUBJECTS = {
    "cat": Cutout("cat", "chelsea", (225, 162), (150, 130)),
    "astronaut": Cutout("astronaut", "astronaut", (180, 380), (150, 130)),
    "cup": Cutout("cup", "coffee", (300, 192), (150, 150)),
    "rocket": Cutout("rocket", "rocket", (320, 267), (30, 142)),
    "helmet": Cutout("helmet", "astronaut", (392, 430), (95, 75)),
}
BACKGROUNDS = ("grass", "gravel", "brick", "camera", "immunohistochemistry")


def photo(name: str) -> np.ndarray:
    """A bundled scikit-image photo as (H, W, 3) uint8 RGB (grey photos repeated over channels)."""
    try:
        from skimage import data
    except ImportError:
        raise ConfigError("footage needs scikit-image: pip install 'videoutr[footage]'") from None
    image = np.asarray(getattr(data, name)())
    return np.repeat(image[..., None], 3, axis=2) if image.ndim == 2 else image[..., :3]


@lru_cache(maxsize=32)
def sprite(name: str, side: int) -> tuple[np.ndarray, np.ndarray]:
    """Subject `name` cut out and shrunk (area interpolation) so that its longer side is `side`
    pixels: its RGB pixels and its mask (the ellipse drawn at the shrunk size)."""
    if name not in SUBJECTS:
        raise ConfigError(f"unknown footage subject {name!r}; known: {', '.join(SUBJECTS)}")
    cut = SUBJECTS[name]
    image = photo(cut.photo)
    (cx, cy), (ax, ay) = cut.centre, cut.axes
    crop = image[max(0, cy - ay) : cy + ay + 1, max(0, cx - ax) : cx + ax + 1]
    scale = side / max(crop.shape[:2])
    w, h = max(2, round(crop.shape[1] * scale)), max(2, round(crop.shape[0] * scale))
    rgb = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA)
    mask = np.zeros((h, w), np.uint8)
    cv2.ellipse(mask, (w // 2, h // 2), (max(1, (w - 1) // 2), max(1, (h - 1) // 2)), 0, 0, 360, 1, -1)
    rgb.setflags(write=False)
    return rgb, mask.astype(bool)


def background(name: str, size: tuple[int, int]) -> np.ndarray:
    """Photo `name` scaled to cover (height, width) and cropped around its centre."""
    if name not in BACKGROUNDS:
        raise ConfigError(f"unknown footage background {name!r}; known: {', '.join(BACKGROUNDS)}")
    image = photo(name)
    height, width = size
    scale = max(height / image.shape[0], width / image.shape[1])
    w, h = max(width, round(image.shape[1] * scale)), max(height, round(image.shape[0] * scale))
    resized = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    top, left = (h - height) // 2, (w - width) // 2
    return np.ascontiguousarray(resized[top : top + height, left : left + width])
