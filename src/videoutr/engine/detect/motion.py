"""`motion`: background modelling plus connected components, for static-camera video.

The background is the per-pixel median of the clip (of at most `max_background_frames` frames
spread evenly over it; pixels that look like colourful foreground are left out of the median, so
an object that stands still most of the clip leaves no ghost).
A pixel is foreground when it differs from the background by more than `diff_threshold`, or,
with `saturation_min` set, when it is strongly saturated (flat coloured objects over a
low-saturation scene, like the synthetic world, are then found even when they never move).
With `split_by_colour`, foreground pixels are labelled with their nearest palette colour
before the connected components, so touching objects of different colours stay apart.

The whole clip is processed at once: the foreground of all frames in a few OpenCV calls (see
`stack.py`; the median background only where a pixel's values vary enough to matter), then the
colour layers of all frames, cut out and packed into one canvas (see `layers.py`: opening,
connected components, contours in one call each); only growing each component back to its raw
pixels, scoring and naming it remain per object (a shape is named once per distinct blob). Each
frame's detections are those of the frame alone against the same background.

    det = MotionDetector()
    per_frame = det.detect_clip(frames)   # (T, H, W, 3) uint8 RGB
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import supervision as sv

from videoutr.engine.detect.attributes import colour_name, resolve_palette, shape_of_blob
from videoutr.engine.detect.base import Detector, empty_detections, rescale_detections
from videoutr.engine.detect.layers import KERNEL, Crops, LayerComponents, pack_crops
from videoutr.engine.detect.stack import NONE, differs, lower_median, masked_median, saturated
from videoutr.video.halve import halve_stack, halvings

_REACH = np.ones((9, 9), np.uint8)  # 4 pixels around: how far a component is grown back


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
        max_background_frames: int = 16,
        shape_block: int = 2,
        work_side: int | None = 320,
    ) -> None:
        self.diff_threshold = int(diff_threshold)
        self.saturation_min = saturation_min
        self.min_area = int(min_area)
        self.split_by_colour = split_by_colour
        self.palette = resolve_palette(palette)
        self.max_background_frames = int(max_background_frames)
        self.track_partition = "colour" if split_by_colour else None  # colour labels are exact here
        self.shape_block = int(shape_block)  # compare shapes at chroma resolution (2 for yuv420p video)
        self.work_side = (
            work_side  # larger frames are halved until their longer side is at most this (boxes scaled back)
        )
        rgb = np.array(list(self.palette.values()), dtype=np.uint8).reshape(1, -1, 3)
        self._palette_lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.int32)
        self._palette_sq = (self._palette_lab**2).sum(axis=1)
        self._names = list(self.palette)
        self._lut: np.ndarray | None = None  # RGB -> palette index, filled lazily (see `_nearest`)

    def detect_clip(self, frames: np.ndarray) -> list[sv.Detections]:
        return self.detect_prepared(self.prepare_clip(frames))

    def prepare_clip(self, frames: np.ndarray) -> PreparedClip:
        """The frames halved to the working size and their saturation masks: a few OpenCV calls on
        the whole stack, which release the GIL (the engine runs them in its decoding thread)."""
        height, width = frames.shape[1:3]
        frames, scale = halved_to(frames, self.work_side)
        frames = np.ascontiguousarray(frames)
        sat = saturated(frames, self.saturation_min) if self.saturation_min is not None and len(frames) else None
        return PreparedClip(frames, sat, scale, width, height)

    def detect_prepared(self, prepared: PreparedClip) -> list[sv.Detections]:
        """Detections of a prepared clip, boxes in the clip's own pixels."""
        frames, sat = prepared.frames, prepared.sat
        if len(frames) == 0:
            return []
        # chroma blocks are averaged away by the shrink (clips the engine halved while decoding come
        # at scale 1 and keep `shape_block`: their shapes and answers came out the same either way)
        block = self.shape_block if prepared.scale == 1.0 else 1
        mask, strong = self._foreground(frames, self.clip_background(frames, sat), sat)
        found = self._detect_foreground(frames, mask, strong, block)
        return rescale_detections(found, prepared.scale, prepared.width, prepared.height)

    def background(self, frames: np.ndarray, sat: np.ndarray | None = None) -> np.ndarray:
        """Per-pixel median over (a uniform subset of) the clip, ignoring saturated pixels.

        The median is the lower middle of each pixel's unsaturated values (of all its values
        where none is unsaturated). `sat`: the frames' saturation masks, if known.
        """
        step = self._background_step(len(frames))
        stack = np.ascontiguousarray(frames[::step])
        if self.saturation_min is None:
            return np.median(stack, axis=0).astype(np.uint8)
        return masked_median(stack, saturated(stack, self.saturation_min) if sat is None else sat[::step])

    def clip_background(self, frames: np.ndarray, sat: np.ndarray | None = None) -> np.ndarray:
        """`background` where it matters: the median of each colour channel whose values over the
        clip span more than `diff_threshold`, elsewhere their lowest value. Every frame then gives
        the same detections as against `background`: wherever a channel's span is smaller,
        |frame - any value in the span| <= `diff_threshold` (never foreground, never strong)."""
        low, high = frames.min(axis=0), frames.max(axis=0)
        varying = np.flatnonzero(cv2.absdiff(high, low).reshape(-1) > self.diff_threshold)
        if len(varying) == 0:
            return low
        step = self._background_step(len(frames))
        samples = np.take(frames[::step].reshape(-(-len(frames) // step), -1), varying, axis=1)
        if self.saturation_min is None:
            median = np.median(samples, axis=0).astype(np.uint8)
        else:
            sat = saturated(frames[::step], self.saturation_min) if sat is None else sat[::step]
            median = lower_median(samples, np.take(sat.reshape(len(samples), -1), varying // 3, axis=1))
        low.reshape(-1)[varying] = median
        return low

    def _background_step(self, length: int) -> int:
        return max(1, int(np.ceil(length / self.max_background_frames)))

    def detect_with_background(self, rgb: np.ndarray, background: np.ndarray) -> sv.Detections:
        """Detect in one frame against a given background."""
        return self.detect_stack(rgb[None], background)[0]

    def detect_stack(
        self, frames: np.ndarray, background: np.ndarray, sat: np.ndarray | None = None
    ) -> list[sv.Detections]:
        """Detect in every frame of a (T, H, W, 3) stack against one background (`sat`: the
        frames' saturation masks, if known)."""
        frames = np.ascontiguousarray(frames)
        return self._detect_foreground(frames, *self._foreground(frames, background, sat), self.shape_block)

    def _foreground(
        self, frames: np.ndarray, background: np.ndarray, sat: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Foreground and strong-difference (T, H, W) masks of a contiguous stack."""
        mask, strong = differs(frames, background, self.diff_threshold)
        if self.saturation_min is not None:
            mask |= saturated(frames, self.saturation_min) if sat is None else sat
        return mask, strong

    def _detect_foreground(
        self, frames: np.ndarray, mask: np.ndarray, strong: np.ndarray, block: int
    ) -> list[sv.Detections]:
        """Every frame's colour layers of the foreground cut out and packed into one canvas (see
        `layers.py`); each opened component is grown back, scored and named (shapes compared at
        `block` resolution)."""
        if self.split_by_colour:
            labels, stray, rows_of, cols_of = self._colour_layers(frames, mask)
        else:
            labels, stray, rows_of, cols_of = (
                np.where(mask, 0, NONE).astype(np.uint8),
                mask,
                mask.any(axis=2)[..., None],
                mask.any(axis=1)[..., None],
            )
        crops = pack_crops(rows_of, cols_of)
        if crops is None:
            return [empty_detections() for _ in frames]
        layer = crops.paste(lambda t, c, ys, xs: labels[t, ys, xs] == c)
        clip = _Clip(crops, LayerComponents.of(layer, crops), stray, strong, frames, block)
        found = [self._component(clip, box, first) for box, first in clip.comps.boxes]
        return self._detections([f for f in found if f is not None], len(frames))

    def _colour_layers(
        self, frames: np.ndarray, mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each foreground pixel labelled with its nearest palette colour (LAB), kept when its
        colour covers at least `min_area` pixels of its frame (`NONE` elsewhere); the `stray`
        foreground pixels of colours too rare to hold an object; and which rows and columns of
        each frame hold each colour's layer ((T, H, palette) and (T, W, palette) bool)."""
        palette = len(self._names)
        index = np.flatnonzero(mask)
        labels = np.full(mask.shape, NONE, np.uint8)
        if len(index) == 0:
            return (
                labels,
                mask,
                np.zeros((*mask.shape[:2], palette), bool),
                np.zeros((mask.shape[0], mask.shape[2], palette), bool),
            )
        nearest = self._nearest(np.take(frames.reshape(-1, 3), index, axis=0))
        length, height, width = mask.shape
        frame = index // (height * width)
        key = frame * palette + nearest  # (frame, colour)
        kept = np.bincount(key, minlength=length * palette)[key] >= self.min_area
        labels.reshape(-1)[index] = np.where(kept, nearest, NONE)
        stray = np.zeros(mask.shape, bool)
        stray.reshape(-1)[index[~kept]] = True
        index, frame, nearest = index[kept], frame[kept], nearest[kept]
        row = index // width  # frame * height + y
        rows = np.bincount(row * palette + nearest, minlength=length * height * palette)
        cols = np.bincount(
            ((frame * width) + (index - row * width)) * palette + nearest, minlength=length * width * palette
        )
        return labels, stray, rows.reshape(length, height, palette) > 0, cols.reshape(length, width, palette) > 0

    def _nearest(self, pixels: np.ndarray) -> np.ndarray:
        """Index of the nearest palette colour (in LAB) of each (N, 3) RGB pixel. Results are
        kept in a table over all 2^24 RGB values (16 MB, filled as colours are met), so a colour
        seen in an earlier frame or clip is not converted and compared again."""
        if len(self._names) > 127:
            return self._nearest_lab(pixels)
        if self._lut is None:
            self._lut = np.full(1 << 24, -1, np.int8)
        packed = (pixels[:, 0].astype(np.int32) << 16) | (pixels[:, 1].astype(np.int32) << 8) | pixels[:, 2]
        found = self._lut[packed]
        missing = found < 0
        if missing.any():
            new = np.unique(packed[missing])
            rgb = np.stack([new >> 16, (new >> 8) & 255, new & 255], axis=1).astype(np.uint8)
            self._lut[new] = self._nearest_lab(rgb)
            found = self._lut[packed]
        return found.astype(np.int64)

    def _nearest_lab(self, pixels: np.ndarray) -> np.ndarray:
        lab = cv2.cvtColor(pixels.reshape(-1, 1, 3), cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.int32)
        # squared LAB distance less |lab|^2 (the same for every colour), in exact integers
        dist = self._palette_sq - 2 * lab[:, :1] * self._palette_lab[:, 0]
        dist -= 2 * lab[:, 1:2] * self._palette_lab[:, 1]
        dist -= 2 * lab[:, 2:] * self._palette_lab[:, 2]
        return dist.argmin(axis=1)

    def _component(
        self, clip: _Clip, box: tuple[int, int, int, int], first: tuple[int, int]
    ) -> tuple[int, tuple] | None:
        """One opened component (`box`, `first` pixel, on the canvas) grown back to its raw layer
        (opening trims corners), boxed, scored, named; returns its frame and its row, or None when
        it is smaller than `min_area`."""
        x, y, w, h = box
        fx, fy = first
        crops = clip.crops
        i = clip.crops.owner[fy, fx].item()
        left, top = crops.cx[i], crops.cy[i]
        y0, y1 = max(top, y - 4), min(top + crops.h[i], y + h + 4)
        x0, x1 = max(left, x - 4), min(left + crops.w[i], x + w + 4)
        core = clip.comps.core[y0:y1, x0:x1] == clip.comps.core[fy, fx]
        core_area = cv2.countNonZero(core.view(np.uint8))
        if core_area < self.min_area:
            return None
        t, dx, dy = crops.frame[i], crops.x[i] - left, crops.y[i] - top  # canvas + (dx, dy): frame position
        stray = clip.stray[t, y0 + dy : y1 + dy, x0 + dx : x1 + dx] if clip.has_stray[t] else None
        grown = _grow(core, core_area, clip.comps.raw[y0:y1, x0:x1] == clip.comps.raw[fy, fx], stray)
        bx, by, w, h = cv2.boundingRect(grown.view(np.uint8))
        blob = grown[by : by + h, bx : bx + w]
        x, top = x0 + bx + dx, y0 + by + dy
        area = cv2.countNonZero(blob.view(np.uint8))
        strength = cv2.countNonZero((clip.strong[t, top : top + h, x : x + w] & blob).view(np.uint8)) / area
        size_term = min(1.0, area / (3.0 * self.min_area))
        confidence = round(min(1.0, 0.35 + 0.35 * size_term + 0.3 * strength), 4)
        colour_idx = crops.layer[i] if self.split_by_colour else -1
        if colour_idx >= 0:
            colour = self._names[colour_idx]
        else:
            colour = colour_name(np.median(clip.frames[t, top : top + h, x : x + w][blob], axis=0), self.palette)
        shape = shape_of_blob(blob, area, origin=(x, top), block=clip.block)
        return t, ((x, top, x + w, top + h), confidence, colour, shape, area, (colour_idx, (fy + dy, fx + dx)))

    @staticmethod
    def _detections(found: list[tuple[int, tuple]], length: int) -> list[sv.Detections]:
        """Each of `length` frames' rows (`found`: (frame, row) pairs) in reading order (top to
        bottom, then left to right; ties by layer, then by the component's first pixel, as
        per-layer labelling orders them); the clip's columns are built once and sliced per frame."""
        found.sort(key=lambda f: (f[0], f[1][0][1], f[1][0][0], f[1][5]))
        rows = [row for _, row in found]
        xyxy = np.array([r[0] for r in rows], dtype=np.float32)
        confidence = np.array([r[1] for r in rows], dtype=np.float32)
        colour = np.array([r[2] for r in rows], dtype=object)
        shape = np.array([r[3] for r in rows], dtype=object)
        class_name = np.array([r[3] for r in rows], dtype=object)
        area = np.array([r[4] for r in rows], dtype=np.int64)
        counts = np.bincount([t for t, _ in found], minlength=length).tolist()
        out, start = [], 0
        for count in counts:
            if count == 0:
                out.append(empty_detections())
                continue
            end = start + count
            out.append(
                sv.Detections(
                    xyxy=xyxy[start:end],
                    confidence=confidence[start:end],
                    class_id=np.zeros(count, dtype=int),
                    data={
                        "colour": colour[start:end],
                        "shape": shape[start:end],
                        "class_name": class_name[start:end],
                        "area_px": area[start:end],
                    },
                )
            )
            start = end
        return out


@dataclass
class PreparedClip:
    """A clip ready for `MotionDetector.detect_prepared`: its frames at working size, their
    saturation masks ((T, H, W) bool; None without a saturation cue), the scale they were shrunk
    by and the original frame size."""

    frames: np.ndarray
    sat: np.ndarray | None
    scale: float
    width: int
    height: int


class _Clip:
    """A clip's packed colour layers (see `layers.py`) with their components, the clip's stray
    and strong pixels and frames, and the block size shapes are compared at."""

    def __init__(
        self,
        crops: Crops,
        comps: LayerComponents,
        stray: np.ndarray,
        strong: np.ndarray,
        frames: np.ndarray,
        block: int,
    ) -> None:
        self.crops, self.comps, self.stray, self.strong, self.frames, self.block = (
            crops,
            comps,
            stray,
            strong,
            frames,
            block,
        )
        self.has_stray = stray.reshape(len(stray), -1).any(axis=1)


def halved_to(frames: np.ndarray, side: int | None) -> tuple[np.ndarray, float]:
    """A (T, H, W, 3) stack halved until its longer side is at most `side` (see `video/halve.py`),
    with the scale it was shrunk by (1.0: untouched; None: never shrink)."""
    times = halvings(frames.shape[2], frames.shape[1], side)
    return halve_stack(frames, times), 0.5**times


def _grow(core: np.ndarray, core_area: int, raw: np.ndarray, stray: np.ndarray | None) -> np.ndarray:
    """An opened component's `raw` component (opening trims thin tips and corners) within 4 pixels
    of it, plus `stray` foreground pixels right next to that (edge pixels whose blended colour was
    named after another, absent, palette colour). `core_area`: the opened component's pixels; the
    raw component holds it, so when it holds no more pixels here, opening trimmed nothing."""
    if cv2.countNonZero(raw.view(np.uint8)) == core_area:
        grown = raw
    else:
        grown = raw & cv2.dilate(core.view(np.uint8), _REACH).view(bool)
    if stray is not None and stray.any():
        grown |= stray & cv2.dilate(grown.view(np.uint8), KERNEL).view(bool)
    return grown
