"""Per-detection attributes: colour name, shape, size class, location phrase.

>>> colour_name((230, 30, 40), basic_palette())
'red'
>>> location_phrase((0.0, 0.0, 0.2, 0.2))
'top left'
>>> size_class(0.01)  # a box 10 % of the frame side
'small'
"""

from __future__ import annotations

import colorsys
from functools import lru_cache
from typing import Any

import cv2
import numpy as np
import supervision as sv

from videoutr.errors import ConfigError
from videoutr.grid import GRID_PLACES, grid_cells, grid_place

_BASIC = {
    "red": (220, 30, 30),
    "orange": (245, 140, 20),
    "yellow": (240, 220, 30),
    "green": (40, 180, 60),
    "cyan": (30, 210, 220),
    "blue": (30, 70, 220),
    "purple": (130, 50, 200),
    "magenta": (220, 40, 200),
    "pink": (250, 150, 190),
    "brown": (130, 80, 40),
    "white": (245, 245, 245),
    "black": (15, 15, 15),
    "grey": (128, 128, 128),
}
# Box side (sqrt of area) as a fraction of the frame side: small < 0.17 <= medium < 0.235 <= large
# (midpoints between the world's size classes 0.14 / 0.20 / 0.27).
SIZE_BOUNDS = (0.17, 0.235)


def basic_palette() -> dict[str, tuple[int, int, int]]:
    """A general colour-name palette for real videos."""
    return dict(_BASIC)


def resolve_palette(name: str | dict = "auto") -> dict[str, tuple[int, int, int]]:
    """`"world"` (the synthetic world's palette), `"basic"`, `"auto"` (world when installed), or a dict."""
    if isinstance(name, dict):
        return {str(k): tuple(int(c) for c in v) for k, v in name.items()}
    if name in ("world", "auto"):
        try:
            from videoutr.world.palette import PALETTE
        except ImportError:
            if name == "world":
                raise ConfigError("palette 'world' needs videoutr.world, which is not installed") from None
            return basic_palette()
        return {str(k): tuple(int(c) for c in v) for k, v in PALETTE.items()}
    if name == "basic":
        return basic_palette()
    raise ConfigError(f"unknown palette {name!r}; known: auto, world, basic, or a name -> RGB mapping")


def _hsv(rgb: Any) -> tuple[float, float, float]:
    r, g, b = (float(c) / 255.0 for c in rgb)
    return colorsys.rgb_to_hsv(r, g, b)


def colour_distance(rgb_a: Any, rgb_b: Any) -> float:
    """Distance in HSV space on the hue circle (hue matters only when both are saturated)."""
    ha, sa, va = _hsv(rgb_a)
    hb, sb, vb = _hsv(rgb_b)
    dh = min(abs(ha - hb), 1 - abs(ha - hb)) * 2  # 0..1
    chroma = min(sa * va, sb * vb)
    return float(np.sqrt((dh * 2.0 * min(1.0, chroma * 3)) ** 2 + (sa - sb) ** 2 + (va - vb) ** 2))


def colour_name(rgb: Any, palette: dict[str, tuple[int, int, int]]) -> str:
    """The palette name nearest to `rgb` in HSV."""
    return min(palette, key=lambda name: colour_distance(rgb, palette[name]))


def colour_distances(rgb: np.ndarray, palette: dict[str, tuple[int, int, int]]) -> np.ndarray:
    """`colour_distance` of every (N, 3) RGB value to every palette colour -> (N, len(palette))."""
    ours = _hsv_array(np.asarray(rgb, dtype=np.float64).reshape(-1, 3))[:, None, :]
    theirs = _hsv_array(np.array(list(palette.values()), dtype=np.float64))[None, :, :]
    dh = np.minimum(np.abs(ours[..., 0] - theirs[..., 0]), 1 - np.abs(ours[..., 0] - theirs[..., 0])) * 2
    chroma = np.minimum(ours[..., 1] * ours[..., 2], theirs[..., 1] * theirs[..., 2])
    return np.sqrt(
        (dh * 2.0 * np.minimum(1.0, chroma * 3)) ** 2
        + (ours[..., 1] - theirs[..., 1]) ** 2
        + (ours[..., 2] - theirs[..., 2]) ** 2
    )


def _hsv_array(rgb: np.ndarray) -> np.ndarray:
    """`colorsys.rgb_to_hsv` of (N, 3) RGB values in 0..255, vectorised -> (N, 3) in [0, 1]."""
    rgb = rgb / 255.0
    high, low = rgb.max(axis=1), rgb.min(axis=1)
    span = high - low
    safe = np.where(span > 0, span, 1.0)
    r, g, b = ((high - rgb[:, k]) / safe for k in range(3))
    hue = np.where(rgb[:, 0] == high, b - g, np.where(rgb[:, 1] == high, 2.0 + r - b, 4.0 + g - r))
    hue = np.where(span > 0, (hue / 6.0) % 1.0, 0.0)
    sat = np.where(high > 0, span / np.where(high > 0, high, 1.0), 0.0)
    return np.stack([hue, sat, high], axis=1)


class DominantColour:
    """The colour name most of a subject's own pixels have (`colour_name` of each pixel, looked up
    in a table over RGB quantised to `bits` bits per channel): the name of a textured subject,
    whose median colour may be none of its colours.

        DominantColour(basic_palette())(pixels)       # pixels: (N, 3) uint8 RGB of the subject's mask
    """

    def __init__(self, palette: dict[str, tuple[int, int, int]], bits: int = 5) -> None:
        self.names = list(palette)
        self.shift = 8 - bits
        levels = (np.arange(1 << bits) << self.shift) + (1 << self.shift >> 1)  # each cell's middle value
        grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
        self.table = colour_distances(grid, palette).argmin(axis=1).astype(np.uint8)
        self.bits = bits

    def indices(self, pixels: np.ndarray) -> np.ndarray:
        """The palette index of each (N, 3) uint8 RGB pixel."""
        q = (np.asarray(pixels, dtype=np.uint8).reshape(-1, 3) >> self.shift).astype(np.int32)
        return self.table[(q[:, 0] << (2 * self.bits)) | (q[:, 1] << self.bits) | q[:, 2]]

    def shares(self, pixels: np.ndarray) -> dict[str, float]:
        """Each colour name's share of the pixels, largest first."""
        counts = np.bincount(self.indices(pixels), minlength=len(self.names))
        total = max(1, int(counts.sum()))
        order = np.argsort(-counts, kind="stable")
        return {self.names[i]: round(int(counts[i]) / total, 4) for i in order if counts[i]}

    def __call__(self, pixels: np.ndarray) -> str:
        counts = np.bincount(self.indices(pixels), minlength=len(self.names))
        return self.names[int(counts.argmax())]


def region_colour(rgb_frame: np.ndarray, xyxy: Any, mask: np.ndarray | None = None) -> tuple[int, int, int]:
    """Median colour of a box's central half (or of `mask` pixels inside the box)."""
    height, width = rgb_frame.shape[:2]
    x1, y1, x2, y2 = (int(round(v)) for v in xyxy)
    x1, y1, x2, y2 = max(0, x1), max(0, y1), min(width, x2), min(height, y2)
    if x2 <= x1 or y2 <= y1:
        return (0, 0, 0)
    crop = rgb_frame[y1:y2, x1:x2]
    if mask is not None and mask[y1:y2, x1:x2].any():
        pixels = crop[mask[y1:y2, x1:x2]]
    else:
        h, w = crop.shape[:2]
        pixels = crop[h // 4 : h - h // 4 or h, w // 4 : w - w // 4 or w].reshape(-1, 3)
    return tuple(int(v) for v in np.median(pixels, axis=0))  # type: ignore[return-value]


def location_phrase(box_norm: Any) -> str:
    """Where a box's centre lies on a 3x3 grid: "top left" ... "center" ... "bottom right"."""
    x1, y1, x2, y2 = box_norm
    return grid_place((x1 + x2) / 2, (y1 + y2) / 2, 1.0, 1.0)


def size_class(area_frac: float) -> str:
    """small / medium / large by the box's side (sqrt of its area fraction), see `SIZE_BOUNDS`."""
    side = float(np.sqrt(max(area_frac, 0.0)))
    if side < SIZE_BOUNDS[0]:
        return "small"
    return "medium" if side < SIZE_BOUNDS[1] else "large"


def shape_features(mask: np.ndarray) -> dict[str, float]:
    """Geometry of a blob: axis-aligned fill, rotated-rectangle fill, solidity, aspect, area."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return {"area": 0.0, "fill": 0.0, "rot_fill": 0.0, "solidity": 0.0, "aspect": 1.0}
    contour = max(contours, key=cv2.contourArea)
    area = float(mask.sum())
    x, y, w, h = cv2.boundingRect(contour)
    hull_area = cv2.contourArea(cv2.convexHull(contour)) + cv2.arcLength(contour, True) / 2
    (_, _), (rw, rh), _ = cv2.minAreaRect(contour)
    return {
        "area": area,
        "fill": area / max(w * h, 1),
        "rot_fill": area / max((rw + 1) * (rh + 1), 1.0),
        "solidity": min(1.0, area / max(hull_area, 1.0)),
        "aspect": max(w, h) / max(1, min(w, h)),
    }


_STAR = np.array(
    [  # a five-pointed star spanning [-1, 1] in both axes, apex up
        (0.0, -1.0),
        (0.309, -0.342),
        (1.0, -0.236),
        (0.5, 0.276),
        (0.618, 1.0),
        (0.0, 0.658),
        (-0.618, 1.0),
        (-0.5, 0.276),
        (-1.0, -0.236),
        (-0.309, -0.342),
    ]
)


def _inside_polygon(u: np.ndarray, v: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    inside = np.zeros(np.broadcast(u, v).shape, dtype=bool)
    for (x1, y1), (x2, y2) in zip(polygon, np.roll(polygon, -1, axis=0)):
        crosses = (y1 > v) != (y2 > v)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = (x2 - x1) * (v - y1) / (y2 - y1) + x1
        inside = inside ^ (crosses & (u < x_at))
    return inside


# Upright shape templates over the unit box [-1, 1]^2 (u right, v down).
SHAPE_TEMPLATES = {
    "circle": lambda u, v: u * u + v * v <= 1.0,
    "square": lambda u, v: np.maximum(np.abs(u), np.abs(v)) <= 1.0,
    "diamond": lambda u, v: np.abs(u) + np.abs(v) <= 1.0,
    "triangle": lambda u, v: np.abs(u) <= (v + 1.0) / 2.0,
    "star": lambda u, v: _inside_polygon(u, v, _STAR),
}


def _pool(mask: np.ndarray, origin: tuple[int, int], block: int, cover: float = 0.25) -> np.ndarray:
    """Pool a crop into `block` x `block` cells aligned with the frame's pixel grid; a cell is on
    when at least `cover` of it is (a chroma cell takes the object's colour when the object
    covers about a quarter of it: 0.25 names 95 % of single world shapes right, 0.5 only 88 %)."""
    left, top = origin[0] % block, origin[1] % block
    h, w = mask.shape
    hh, ww = -(-(top + h) // block) * block, -(-(left + w) // block) * block
    padded = np.zeros((hh, ww), dtype=np.float32)
    padded[top : top + h, left : left + w] = mask
    return padded.reshape(hh // block, block, ww // block, block).mean(axis=(1, 3)) >= cover


@lru_cache(maxsize=8192)
def _templates(h: int, w: int, block: int, left: int, top: int) -> tuple[tuple[str, np.ndarray], ...]:
    """Every template stretched to an h x w box (pooled at `block` for a crop at this grid phase)."""
    u = ((np.arange(w) + 0.5) / w * 2 - 1)[None, :]
    v = ((np.arange(h) + 0.5) / h * 2 - 1)[:, None]
    out = []
    for name, inside in SHAPE_TEMPLATES.items():
        template = np.broadcast_to(inside(u, v), (h, w))
        out.append((name, _pool(template, (left, top), block) if block > 1 else np.ascontiguousarray(template)))
    return tuple(out)


def shape_scores(mask: np.ndarray, origin: tuple[int, int] = (0, 0), block: int = 1) -> dict[str, float]:
    """IoU of a blob (cropped to its box) with each upright template stretched to that box.

    With `block=2` both are compared at the 2x2 resolution of the video's chroma (yuv420p), at
    which colour-based masks are blocky; `origin` is the crop's top-left pixel in the frame.
    """
    h, w = mask.shape
    observed = _pool(mask, origin, block) if block > 1 else mask.astype(bool)
    names, stack = _template_stack(h, w, block, origin[0] % block, origin[1] % block)
    inter = np.count_nonzero(stack & observed, axis=(1, 2))
    union = np.count_nonzero(stack | observed, axis=(1, 2))
    return {name: (int(i) / int(u) if u else 0.0) for name, i, u in zip(names, inter, union)}


@lru_cache(maxsize=8192)
def _template_stack(h: int, w: int, block: int, left: int, top: int) -> tuple[tuple[str, ...], np.ndarray]:
    templates = _templates(h, w, block, left, top)
    return tuple(name for name, _ in templates), np.stack([t for _, t in templates])


def solidity(mask: np.ndarray) -> float:
    """Blob area over its convex hull's area (plus half the outline, which the hull's area leaves out)."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return 0.0
    contour = max(contours, key=cv2.contourArea)
    hull_area = cv2.contourArea(cv2.convexHull(contour)) + cv2.arcLength(contour, True) / 2
    return min(1.0, float(np.count_nonzero(mask)) / max(hull_area, 1.0))


STAR_SOLIDITY = 0.8
# a circle fills pi/4 of its box, a diamond half: between them, whatever the chroma grid's phase
CIRCLE_FILL = (np.pi / 4 + 0.5) / 2


def shape_of_mask(mask: np.ndarray, origin: tuple[int, int] = (0, 0), block: int = 1, min_area: int = 12) -> str:
    """Name an upright blob's shape: a star when far from convex (solidity < `STAR_SOLIDITY`), else
    the template (circle, square, diamond, triangle) that overlaps it best once stretched to its box;
    "rectangle" for an elongated square match, "blob" when too small to tell. `origin` / `block`: see `shape_scores`.

        >>> shape_of_mask(np.ones((9, 9), bool))
        'square'
    """
    ys, xs = np.nonzero(mask)
    if len(ys) < min_area:
        return "blob"
    crop = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    return shape_of_blob(crop, len(ys), (origin[0] + int(xs.min()), origin[1] + int(ys.min())), block, min_area)


def shape_of_blob(
    blob: np.ndarray, area: int, origin: tuple[int, int] = (0, 0), block: int = 1, min_area: int = 12
) -> str:
    """`shape_of_mask` of a blob already cropped to its box, with `area` pixels."""
    if area < min_area:
        return "blob"
    crop = blob if blob.dtype == bool else blob.astype(bool)
    return _shape_of_crop(crop.tobytes(), crop.shape, (origin[0] % block, origin[1] % block), block)


@lru_cache(maxsize=65536)
def _shape_of_crop(data: bytes, shape: tuple[int, int], phase: tuple[int, int], block: int) -> str:
    """`shape_of_mask` of a cropped blob; the same blob at the same chroma phase recurs from frame
    to frame, so it is named once."""
    crop = np.frombuffer(data, dtype=bool).reshape(shape)
    if solidity(crop) < STAR_SOLIDITY:
        return "star"  # far from convex: only the star is (measured 0.63-0.76; others 0.83-1.0)
    scores = shape_scores(crop, phase, block)
    scores.pop("star")
    best = max(scores, key=lambda k: scores[k])
    h, w = crop.shape
    if best in ("circle", "diamond"):  # where the chroma grid cuts a circle's outline, it pools like a diamond
        best = "circle" if np.count_nonzero(crop) / (h * w) >= CIRCLE_FILL else "diamond"
    if best == "square" and max(h, w) / max(1, min(h, w)) > 1.5:
        return "rectangle"
    return best


def annotate_clip(
    frames: np.ndarray, per_frame: list[sv.Detections], palette: dict[str, tuple[int, int, int]]
) -> list[sv.Detections]:
    """Fill each frame's `data` with `colour`, `shape`, `location`, `size` (keeps what the detector
    set); places and sizes of the whole clip's boxes at once (`location_phrase`, `size_class`)."""
    height, width = frames.shape[1:3]
    xyxy = np.concatenate([d.xyxy for d in per_frame]) if per_frame else np.empty((0, 4), np.float32)
    boxes_norm = xyxy / np.array([width, height, width, height], dtype=np.float32)
    locations = _PLACES[_grid_cells(boxes_norm)]
    areas = (boxes_norm[:, 2] - boxes_norm[:, 0]) * (boxes_norm[:, 3] - boxes_norm[:, 1])
    sizes = _SIZES[np.searchsorted(SIZE_BOUNDS, np.sqrt(np.maximum(areas.astype(np.float64), 0.0)), side="right")]
    start = 0
    for frame, dets in zip(frames, per_frame):
        data, end = dets.data, start + len(dets)
        if "colour" not in data:
            data["colour"] = np.array([colour_name(region_colour(frame, b), palette) for b in dets.xyxy], dtype=object)
        if "shape" not in data:
            data["shape"] = np.array(list(data.get("class_name", ["object"] * len(dets))), dtype=object)
        data["location"], data["size"], start = locations[start:end], sizes[start:end], end
    return per_frame


_PLACES = np.array(GRID_PLACES, dtype=object)
_SIZES = np.array(["small", "medium", "large"], dtype=object)


def _grid_cells(boxes_norm: np.ndarray) -> np.ndarray:
    """`location_phrase`'s grid cell of every (N, 4) box, in the boxes' own float type."""
    return grid_cells((boxes_norm[:, 0] + boxes_norm[:, 2]) / 2, (boxes_norm[:, 1] + boxes_norm[:, 3]) / 2)
