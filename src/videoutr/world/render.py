"""Pure rendering of annotated scenes: backgrounds, shape masks, frames, and measured visibility.

Rendering reads only the fields that define a scene (background, per object shape, `size_px`,
`depth`, per-frame `center_xy` and `colour`), uses no randomness and no anti-aliasing (flat
colours, exact masks), so the boxes and visible fractions in the ground truth are measured from
the very masks that are drawn.

    frames = render_frames(annotation)             # (T, H, W, 3) uint8 RGB, no mp4 involved
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from videoutr.world.annotation import ObjectTrack, VideoAnnotation
from videoutr.world.palette import PALETTE

# A five-pointed star (outer radius 1, inner 0.5), centred vertically; literal values so that
# every platform rasterises the same pixels.
_STAR = np.array(
    [
        (0.0, -0.9045),
        (0.2939, -0.309),
        (0.9511, -0.2135),
        (0.4755, 0.25),
        (0.5878, 0.9045),
        (0.0, 0.5955),
        (-0.5878, 0.9045),
        (-0.4755, 0.25),
        (-0.9511, -0.2135),
        (-0.2939, -0.309),
    ]
)


def _inside_polygon(u: np.ndarray, v: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    u, v = np.broadcast_arrays(u, v)
    inside = np.zeros(u.shape, dtype=bool)
    for (x1, y1), (x2, y2) in zip(polygon, np.roll(polygon, -1, axis=0)):
        crosses = (y1 > v) != (y2 > v)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = (x2 - x1) * (v - y1) / (y2 - y1) + x1
        inside ^= crosses & (u < x_at)
    return inside


def _unit_shape(shape: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Whether points (u, v), in units of the half-size around the centre, lie in the shape."""
    if shape == "circle":
        return u * u + v * v <= 1.0
    if shape == "square":
        return np.maximum(np.abs(u), np.abs(v)) <= 1.0
    if shape == "diamond":
        return np.abs(u) + np.abs(v) <= 1.0
    if shape == "triangle":  # apex up
        return (v <= 1.0) & (np.abs(u) <= (v + 1.0) / 2.0)
    if shape == "star":
        return _inside_polygon(u, v, _STAR)
    raise ValueError(f"unknown shape {shape!r}")


def shape_mask(shape: str, center_xy: tuple[float, float], size_px: int, block: int = 2) -> tuple[np.ndarray, int, int]:
    """The shape's full pixel mask (unclipped) and the pixel (x0, y0) of its top-left corner.

    The shape is rasterised on a grid of `block` x `block` pixel cells aligned to even pixel
    coordinates (a cell belongs to the shape when its centre does): H.264's 4:2:0 chroma stores
    one colour per 2x2 pixels, so with `block=2` no chroma sample mixes an object with its
    background and decoded colours stay flat up to the object's box. `size_px` is the side of
    the shape's bounding square.

        >>> mask, x0, y0 = shape_mask("square", (10.0, 10.0), 8)
        >>> int(mask.sum()), x0 + int(mask.any(0).argmax()), y0 + int(mask.any(1).argmax())
        (64, 6, 6)
    """
    cx, cy = center_xy
    half = size_px / 2.0
    x0 = block * (int(np.floor((cx - half) / block)) - 1)
    y0 = block * (int(np.floor((cy - half) / block)) - 1)
    nx = int(np.ceil((cx + half - x0) / block)) + 1
    ny = int(np.ceil((cy + half - y0) / block)) + 1
    xs = (x0 + block * np.arange(nx) + block / 2.0 - cx) / half
    ys = (y0 + block * np.arange(ny) + block / 2.0 - cy) / half
    cells = _unit_shape(shape, xs[None, :], ys[:, None])
    return np.repeat(np.repeat(cells, block, axis=0), block, axis=1), x0, y0


def clip_mask(mask: np.ndarray, x0: int, y0: int, width: int, height: int) -> tuple[np.ndarray, int, int]:
    """The part of a mask placed at (x0, y0) that lies inside a width x height frame."""
    cx0, cy0 = max(x0, 0), max(y0, 0)
    cx1, cy1 = min(x0 + mask.shape[1], width), min(y0 + mask.shape[0], height)
    if cx1 <= cx0 or cy1 <= cy0:
        return np.zeros((0, 0), dtype=bool), cx0, cy0
    return mask[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0], cx0, cy0


def background_image(params: dict, height: int, width: int) -> np.ndarray:
    """Render a background from its parameters (`style`, `colours`, `period`, `orientation`)."""
    style = params["style"]
    a, b = (np.array(c, dtype=np.float64) for c in params["colours"])
    ys, xs = np.mgrid[0:height, 0:width]
    coord = {"vertical": xs, "horizontal": ys, "diagonal": xs + ys}[params.get("orientation", "vertical")]
    period = max(2, int(params.get("period", 16)))
    if style == "plain":
        weight = np.zeros((height, width))
    elif style == "stripes":
        weight = ((coord // (period // 2)) % 2).astype(np.float64)
    elif style == "checker":
        weight = (((xs // period) + (ys // period)) % 2).astype(np.float64)
    elif style == "gradient":
        weight = coord / max(1, coord.max())
    else:
        raise ValueError(f"unknown background style {style!r}")
    image = a[None, None, :] * (1.0 - weight[..., None]) + b[None, None, :] * weight[..., None]
    return np.rint(image).astype(np.uint8)


def _layers(ann: VideoAnnotation, t: int) -> Iterator[tuple[ObjectTrack, np.ndarray, int, int]]:
    """Objects at frame t, back to front, with their unclipped masks."""
    for obj in sorted(ann.objects, key=lambda o: (o.depth, o.id)):
        mask, x0, y0 = shape_mask(obj.shape, tuple(obj.center_xy[t]), obj.size_px)
        yield obj, mask, x0, y0


def render_frame(ann: VideoAnnotation, t: int, background: np.ndarray | None = None) -> np.ndarray:
    """Frame t of an annotated video as (H, W, 3) uint8 RGB."""
    if background is None:
        background = background_image(ann.background_params, ann.height, ann.width)
    frame = background.copy()
    for obj, mask, x0, y0 in _layers(ann, t):
        part, px, py = clip_mask(mask, x0, y0, ann.width, ann.height)
        if part.size:
            region = frame[py : py + part.shape[0], px : px + part.shape[1]]
            region[part] = PALETTE[obj.colour[t]]
    return frame


def render_frames(ann: VideoAnnotation) -> np.ndarray:
    """All frames of an annotated video as (T, H, W, 3) uint8 RGB; pure and deterministic.

    render_frames(load_annotations("runs/world")[0]).dtype
    """
    background = background_image(ann.background_params, ann.height, ann.width)
    return np.stack([render_frame(ann, t, background) for t in range(ann.num_frames)])


def render_labels(ann: VideoAnnotation) -> np.ndarray:
    """Per-pixel object labels, (T, H, W) int16: 0 for background, `id + 1` for the object seen there.

    Dense ground truth for pre-training or checking segmentation (drawn exactly as the frames are).

        labels = render_labels(ann)
        (labels[0] == ann.objects[0].id + 1).sum()  # visible pixels of object 0 in frame 0
    """
    labels = np.zeros((ann.num_frames, ann.height, ann.width), dtype=np.int16)
    for t in range(ann.num_frames):
        for obj, mask, x0, y0 in _layers(ann, t):
            part, px, py = clip_mask(mask, x0, y0, ann.width, ann.height)
            if part.size:
                labels[t, py : py + part.shape[0], px : px + part.shape[1]][part] = obj.id + 1
    return labels


def measure_visibility(ann: VideoAnnotation) -> dict[int, tuple[list, list[float]]]:
    """Per object id: per-frame in-frame box `[x1, y1, x2, y2]` (or None) and visible fraction.

    The visible fraction is the share of the shape's pixels that are inside the frame and not
    covered by an object in front of it.
    """
    out = {obj.id: ([], []) for obj in ann.objects}
    for t in range(ann.num_frames):
        covered = np.zeros((ann.height, ann.width), dtype=bool)
        for obj, mask, x0, y0 in reversed(list(_layers(ann, t))):  # front to back
            part, px, py = clip_mask(mask, x0, y0, ann.width, ann.height)
            boxes, fractions = out[obj.id]
            if not part.any():
                boxes.append(None)
                fractions.append(0.0)
                continue
            region = covered[py : py + part.shape[0], px : px + part.shape[1]]
            seen = int((part & ~region).sum())
            region |= part
            cols, rows = np.flatnonzero(part.any(0)), np.flatnonzero(part.any(1))
            boxes.append([px + int(cols[0]), py + int(rows[0]), px + int(cols[-1]) + 1, py + int(rows[-1]) + 1])
            fractions.append(round(seen / max(1, int(mask.sum())), 4))
    return out
