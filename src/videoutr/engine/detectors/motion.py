"""`motion`: background modelling plus connected components, for static-camera video.

The background is the per-pixel median of the clip (pixels that look like colourful foreground
are left out of the median, so an object that stands still most of the clip leaves no ghost).
A pixel is foreground when it differs from the background by more than `diff_threshold`, or,
with `saturation_min` set, when it is strongly saturated (flat coloured objects over a
low-saturation scene, like the synthetic world, are then found even when they never move).
With `split_by_colour`, foreground pixels are labelled with their nearest palette colour
before the connected components, so touching objects of different colours stay apart.

    >>> det = MotionDetector()
    >>> per_frame = det.detect_clip(frames)   # (T, H, W, 3) uint8 RGB
    >>> per_frame[0].data["shape"], per_frame[0].data["colour"]
    (array(['circle'], dtype=object), array(['red'], dtype=object))
"""

from __future__ import annotations

import cv2
import numpy as np
import supervision as sv

from videoutr.engine.attributes import colour_name, resolve_palette, shape_of_mask
from videoutr.engine.detectors.base import Detector, empty_detections

_KERNEL = np.ones((3, 3), np.uint8)


class MotionDetector(Detector):
    """Median background + frame differencing (+ saturation cue) + connected components."""

    name = "motion"

    def __init__(
        self,
        diff_threshold: int = 30,
        saturation_min: float | None = 0.4,
        min_area: int = 12,
        split_by_colour: bool = True,
        palette: str | dict = "auto",
        max_background_frames: int = 48,
        shape_block: int = 2,
        work_side: int | None = 256,
    ) -> None:
        self.diff_threshold = int(diff_threshold)
        self.saturation_min = saturation_min
        self.min_area = int(min_area)
        self.split_by_colour = split_by_colour
        self.palette = resolve_palette(palette)
        self.max_background_frames = int(max_background_frames)
        self.track_partition = "colour" if split_by_colour else None  # colour labels are exact here
        self.shape_block = int(shape_block)  # compare shapes at chroma resolution (2 for yuv420p video)
        self.work_side = work_side  # larger frames are shrunk to this longer side first (boxes scaled back)
        self._block = self.shape_block
        rgb = np.array(list(self.palette.values()), dtype=np.uint8).reshape(1, -1, 3)
        self._palette_lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)
        self._names = list(self.palette)

    def detect_clip(self, frames: np.ndarray) -> list[sv.Detections]:
        if len(frames) == 0:
            return []
        height, width = frames.shape[1:3]
        scale = min(1.0, self.work_side / max(height, width)) if self.work_side else 1.0
        if scale < 1.0:  # chroma blocks are averaged away by the shrink
            frames = np.stack([cv2.resize(f, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) for f in frames])
        self._block = self.shape_block if scale == 1.0 else 1
        background = self.background(frames)
        per_frame = [self.detect_with_background(frame, background) for frame in frames]
        if scale < 1.0:
            for dets in per_frame:
                dets.xyxy = np.clip(dets.xyxy / scale, 0, [width, height, width, height]).astype(np.float32)
                if "area_px" in dets.data:
                    dets.data["area_px"] = np.round(dets.data["area_px"] / scale**2).astype(np.int64)
        return per_frame

    def background(self, frames: np.ndarray) -> np.ndarray:
        """Per-pixel median over (a uniform subset of) the clip, ignoring saturated pixels.

        Saturated values are pushed past 255 before one sort along time; the median is then read
        at the middle of each pixel's unsaturated values (all values where none is unsaturated).
        """
        step = max(1, int(np.ceil(len(frames) / self.max_background_frames)))
        stack = np.asarray(frames[::step])
        if self.saturation_min is None:
            return np.median(stack, axis=0).astype(np.uint8)
        sat = np.stack([self._saturated(f) for f in stack])  # (T, H, W)
        keep = (~sat).sum(axis=0)  # unsaturated samples per pixel
        values = stack.astype(np.uint16) + (sat[..., None].astype(np.uint16) << 9)
        values.sort(axis=0)
        count = np.where(keep > 0, keep, len(stack))[None, ..., None]
        middle = np.take_along_axis(values, np.broadcast_to((count - 1) // 2, (1, *values.shape[1:])), axis=0)[0]
        return (middle & 511).astype(np.uint8)

    def _saturated(self, rgb: np.ndarray) -> np.ndarray:
        hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
        return (hsv[..., 1] > self.saturation_min * 255) & (hsv[..., 2] > 50)

    def foreground(self, rgb: np.ndarray, background: np.ndarray, diff: np.ndarray | None = None) -> np.ndarray:
        """Boolean foreground mask of one frame (`diff`: its per-pixel max channel difference, if known)."""
        diff = cv2.absdiff(rgb, background).max(axis=2) if diff is None else diff
        mask = diff > self.diff_threshold
        if self.saturation_min is not None:
            mask |= self._saturated(rgb)
        if self.split_by_colour:
            return mask  # opened per colour layer later, then grown back (thin tips survive)
        return cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, _KERNEL).astype(bool)

    def detect_with_background(self, rgb: np.ndarray, background: np.ndarray) -> sv.Detections:
        """Detect in one frame against a given background."""
        diff = cv2.absdiff(rgb, background).max(axis=2)
        mask = self.foreground(rgb, background, diff)
        if not mask.any():
            return empty_detections()
        if self.split_by_colour:
            labels = self._colour_labels(rgb, mask)
            counts = np.bincount(labels[mask], minlength=len(self._names))
            layers = [(int(c), labels == c) for c in np.flatnonzero(counts >= self.min_area)]
        else:
            layers = [(-1, mask)]
        rows: list[tuple] = []
        big = np.zeros_like(mask)  # pixels of every layer big enough to hold an object
        for _, raw in layers:
            big |= raw
        claimed = big if self.split_by_colour else np.zeros_like(mask)
        for colour_idx, raw in layers:
            opened = cv2.morphologyEx(raw.astype(np.uint8), cv2.MORPH_OPEN, _KERNEL) if colour_idx >= 0 else raw
            rows.extend(self._components(rgb, diff, raw, opened.astype(bool), colour_idx, mask & ~claimed))
        if not rows:
            return empty_detections()
        rows.sort(key=lambda r: (r[0][1], r[0][0]))
        return sv.Detections(
            xyxy=np.array([r[0] for r in rows], dtype=np.float32),
            confidence=np.array([r[1] for r in rows], dtype=np.float32),
            class_id=np.zeros(len(rows), dtype=int),
            data={
                "colour": np.array([r[2] for r in rows], dtype=object),
                "shape": np.array([r[3] for r in rows], dtype=object),
                "class_name": np.array([r[3] for r in rows], dtype=object),
                "area_px": np.array([r[4] for r in rows], dtype=np.int64),
            },
        )

    def _colour_labels(self, rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
        lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[mask].astype(np.float32)
        dist = ((lab[:, None, :] - self._palette_lab[None, :, :]) ** 2).sum(axis=2)
        labels = np.full(mask.shape, -1, dtype=np.int32)
        labels[mask] = dist.argmin(axis=1)
        return labels

    def _components(self, rgb, diff, raw, opened, colour_idx, fg=None) -> list[tuple]:
        """Components of the opened layer, grown back to the raw layer (opening trims corners)."""
        count, comp, stats, _ = cv2.connectedComponentsWithStats(opened.astype(np.uint8), connectivity=8)
        height, width = raw.shape
        rows = []
        for k in range(1, count):
            x, y, w, h, area = (int(v) for v in stats[k])
            if area < self.min_area:
                continue
            x0, y0, x1, y1 = max(0, x - 4), max(0, y - 4), min(width, x + w + 4), min(height, y + h + 4)
            grown = _grow(comp[y0:y1, x0:x1] == k, raw[y0:y1, x0:x1], fg[y0:y1, x0:x1] if fg is not None else None)
            ys, xs = np.nonzero(grown)
            x, y, w, h = x0 + int(xs.min()), y0 + int(ys.min()), int(xs.max() - xs.min()) + 1, int(ys.max() - ys.min()) + 1
            blob = grown[y - y0 : y - y0 + h, x - x0 : x - x0 + w]
            area = int(blob.sum())
            crop = rgb[y : y + h, x : x + w]
            strength = float((diff[y : y + h, x : x + w][blob] > 2 * self.diff_threshold).mean())
            size_term = min(1.0, area / (3.0 * self.min_area))
            confidence = round(min(1.0, 0.35 + 0.35 * size_term + 0.3 * strength), 4)
            if colour_idx >= 0:
                colour = self._names[colour_idx]
            else:
                colour = colour_name(np.median(crop[blob], axis=0), self.palette)
            shape = shape_of_mask(blob, origin=(x, y), block=self._block)
            rows.append(((x, y, x + w, y + h), confidence, colour, shape, area))
        return rows


def _grow(core: np.ndarray, raw: np.ndarray, stray: np.ndarray | None = None) -> np.ndarray:
    """The raw pixels connected to an opened component (opening trims thin tips and corners),
    plus `stray` foreground pixels right next to it (edge pixels whose blended colour was named
    after another, absent, palette colour)."""
    count, labels = cv2.connectedComponents(raw.astype(np.uint8), connectivity=8)
    touching = np.unique(labels[core & raw])
    touching = touching[touching > 0]
    grown = (np.isin(labels, touching) & cv2.dilate(core.astype(np.uint8), _KERNEL, iterations=4).astype(bool)) | core
    if stray is not None:
        grown |= stray & cv2.dilate(grown.astype(np.uint8), _KERNEL, iterations=1).astype(bool)
    return grown
