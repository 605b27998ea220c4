"""`foreground`: class-agnostic subjects of real footage by background subtraction.

The background is a robust per-pixel median of the clip (of at most `max_background_frames`
frames spread over it; with a static camera only where a channel's values vary by more than the
threshold, elsewhere the lowest value does as well). With a moving camera (see `camera.py`) every
frame is warped into the first frame's pixels, the median is taken over the frames that see each
scene pixel, and the background is warped back into each frame; where fewer than
`min_background_share` of the clip's frames see a scene pixel, nothing is claimed there. Frames and background are
box-blurred (`blur` pixels) before they are compared, which keeps sensor and codec noise on textures
under the threshold. A pixel is foreground when some channel differs by more than `diff_threshold`;
a shadow (darker by a similar ratio in all three channels, `shadow_ratio`) is not. The foreground
is opened (specks), closed (`close_px`: a textured subject that resembles its background in places
stays whole), its holes filled, and each connected component of at least `min_area_frac` of the
frame is a subject: its box, a confidence from its size and contrast, and its colour named from
its own pixels (`attributes.DominantColour`), never from the box.

Each frame's `Detections.metadata["camera"]` holds its 2 x 3 map to the first frame's pixels (the
identity for a static camera); the engine removes it before it reads motion.

    per_frame = ForegroundDetector().detect_clip(frames)      # (T, H, W, 3) uint8 RGB
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import supervision as sv

from videoutr.engine.detect.attributes import DominantColour, resolve_palette
from videoutr.engine.detect.base import Detector, empty_detections
from videoutr.engine.detect.motion import halved_to
from videoutr.engine.detect.stack import differs, differs_each, lower_median
from videoutr.engine.track.camera import camera_maps

_OPEN = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))


@dataclass
class PreparedFootage:
    """A clip at working size, its camera maps (None: static), the shrink scale and original size."""

    frames: np.ndarray
    maps: np.ndarray | None
    scale: float
    width: int
    height: int


class ForegroundDetector(Detector):
    """Median background (camera motion removed) + differencing + morphology + components."""

    name = "foreground"
    track_partition = None
    part_colours = False  # a textured subject's part may show another colour: colour changes need whole views

    def __init__(
        self,
        diff_threshold: int = 24,
        min_area_frac: float = 0.0015,
        blur: int = 3,
        close_px: int = 7,
        shadow_ratio: tuple[float, float] = (0.45, 0.9),
        camera: str = "auto",
        palette: str | dict = "basic",
        max_background_frames: int = 16,
        min_background_share: float = 0.3,
        work_side: int | None = 320,
    ) -> None:
        if camera not in ("auto", "static"):
            from videoutr.errors import ConfigError

            raise ConfigError(f"foreground: camera expected auto or static, got {camera!r}")
        self.diff_threshold, self.min_area_frac = int(diff_threshold), float(min_area_frac)
        self.blur, self.close_px = int(blur), int(close_px)
        self.shadow_ratio = (float(shadow_ratio[0]), float(shadow_ratio[1])) if shadow_ratio else None
        self.camera, self.max_background_frames, self.work_side = camera, int(max_background_frames), work_side
        self.min_background_share = float(min_background_share)
        self.namer = DominantColour(resolve_palette(palette))
        self._close = (
            cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (self.close_px, self.close_px)) if self.close_px > 1 else None
        )

    def detect_clip(self, frames: np.ndarray) -> list[sv.Detections]:
        return self.detect_prepared(self.prepare_clip(frames))

    def prepare_clip(self, frames: np.ndarray) -> PreparedFootage:
        """Frames at working size and the camera's motion (OpenCV calls: the engine runs this ahead)."""
        height, width = frames.shape[1:3]
        frames, scale = halved_to(frames, self.work_side)
        frames = np.ascontiguousarray(frames)
        maps = camera_maps(frames) if self.camera == "auto" and len(frames) > 1 else None
        return PreparedFootage(frames, maps, scale, width, height)

    def detect_prepared(self, prepared: PreparedFootage) -> list[sv.Detections]:
        frames = prepared.frames
        if len(frames) == 0:
            return []
        length, height, width = frames.shape[:3]
        # the clip as one tall image: a blur bleeds at most one row into the next frame
        smooth = (
            cv2.blur(frames.reshape(-1, width, 3), (self.blur, self.blur)).reshape(frames.shape)
            if self.blur > 1
            else frames
        )
        if prepared.maps is None:
            backgrounds = self._static_background(smooth)
            mask, strong = differs(smooth, backgrounds, self.diff_threshold)
        else:
            backgrounds, seen = self._moving_background(smooth, prepared.maps)
            mask, strong = differs_each(smooth, backgrounds, self.diff_threshold)
            mask &= seen
        if self.shadow_ratio is not None:
            self._drop_shadows(mask, smooth, backgrounds)
        min_area = max(4, int(self.min_area_frac * height * width))
        found: list[list[tuple]] = [[] for _ in range(length)]
        for t, row in self._blobs(frames, mask, strong, min_area):
            found[t].append(row)
        maps = prepared.maps
        return [
            _in_video_pixels(_detections(rows), prepared, None if maps is None else maps[t])
            for t, rows in enumerate(found)
        ]

    def _static_background(self, frames: np.ndarray) -> np.ndarray:
        """Per-pixel median where a channel varies by more than the threshold, else the lowest value."""
        low, high = frames.min(axis=0), frames.max(axis=0)
        varying = np.flatnonzero(cv2.absdiff(high, low).reshape(-1) > self.diff_threshold)
        if len(varying):
            step = max(1, -(-len(frames) // self.max_background_frames))
            sample = frames[::step].reshape(-(-len(frames) // step), -1)
            samples = np.take(sample, varying, axis=1)
            low.reshape(-1)[varying] = lower_median(samples, np.zeros(samples.shape, bool))
        return low

    def _moving_background(self, frames: np.ndarray, maps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each frame's background and the pixels it is known at: frames warped into the first
        frame's pixels (on a canvas that holds them all), the median over the frames seeing each
        scene pixel, warped back."""
        length, height, width = frames.shape[:3]
        corners = np.array([[0, 0], [width, 0], [0, height], [width, height]], dtype=np.float64)
        placed = np.concatenate([corners @ m[:, :2].T + m[:, 2] for m in maps])
        low = np.floor(placed.min(axis=0)).astype(int)
        size = tuple((np.ceil(placed.max(axis=0)).astype(int) - low + 1).tolist())
        shift = np.array([[0, 0, -low[0]], [0, 0, -low[1]]], dtype=np.float64)
        to_canvas = [m + shift for m in maps]
        step = max(1, -(-length // self.max_background_frames))
        ones = np.ones((height, width), np.uint8)
        warped, known = [], []
        for t in range(0, length, step):
            warped.append(cv2.warpAffine(frames[t], to_canvas[t], size, flags=cv2.INTER_LINEAR))
            known.append(cv2.warpAffine(ones, to_canvas[t], size, flags=cv2.INTER_NEAREST, borderValue=0))
        known_stack = np.stack([cv2.erode(k, _OPEN) for k in known]).astype(bool)
        skip = np.repeat(~known_stack.reshape(len(known), -1, 1), 3, axis=2).reshape(len(known), -1)
        canvas = lower_median(np.stack(warped).reshape(len(warped), -1), skip).reshape(size[1], size[0], 3)
        count = known_stack.sum(axis=0, dtype=np.uint8)
        min_samples = min(len(known), max(3, -(-self.min_background_share * length // step)))
        backgrounds = np.empty_like(frames)
        seen = np.empty((length, height, width), bool)
        for t in range(length):
            back = cv2.invertAffineTransform(to_canvas[t])
            backgrounds[t] = cv2.warpAffine(
                canvas, back, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
            )
            # a background taken from a few frames is no majority: nothing is claimed there
            seen[t] = cv2.warpAffine(count, back, (width, height), flags=cv2.INTER_NEAREST) >= min_samples
        return backgrounds, seen

    def _drop_shadows(self, mask: np.ndarray, frames: np.ndarray, backgrounds: np.ndarray) -> None:
        """Clear foreground pixels (in place) that are darker than the background by a similar
        ratio in every channel: a shadow cast on it, not a subject. `backgrounds`: (H, W, 3), the
        same for every frame, or (T, H, W, 3)."""
        index = np.flatnonzero(mask)
        if len(index) == 0:
            return
        pixels = np.take(frames.reshape(-1, 3), index, axis=0).astype(np.float32) + 1
        flat = backgrounds.reshape(-1, 3)
        behind = np.take(flat, index % len(flat) if backgrounds.ndim == 3 else index, axis=0)
        ratio = pixels / (behind.astype(np.float32) + 1)
        low, high = self.shadow_ratio
        top, bottom = ratio.max(axis=1), ratio.min(axis=1)
        shadow = (top <= high) & (bottom >= low) & (top - bottom <= 0.1)
        mask.reshape(-1)[index[shadow]] = False

    def _blobs(self, frames: np.ndarray, mask: np.ndarray, strong: np.ndarray, min_area: int):
        """(frame, (box, confidence, colour, area)) of every subject: the frames' foreground masks
        stacked into one tall image, `_GAP` empty rows apart (the morphology never reaches across),
        opened, closed, and outlined in one call each."""
        length, height, width = mask.shape
        pitch = height + _GAP
        tall = np.zeros((length, pitch, width), np.uint8)
        tall[:, :height] = mask
        tall = tall.reshape(-1, width)
        raw = cv2.morphologyEx(tall, cv2.MORPH_OPEN, _OPEN)
        solid = cv2.morphologyEx(raw, cv2.MORPH_CLOSE, self._close) if self._close is not None else raw.copy()
        solid.reshape(length, pitch, width)[:, height:] = 0  # what the closing left in the gaps
        contours, _ = cv2.findContours(solid, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            x, y, w, h = cv2.boundingRect(contour)
            if w * h < min_area:
                continue
            blob = np.zeros((h, w), np.uint8)
            cv2.drawContours(blob, [contour], -1, 1, thickness=cv2.FILLED, offset=(-x, -y))
            area = cv2.countNonZero(blob)
            if area < min_area:
                continue
            t, top = divmod(y, pitch)
            inside = blob.view(bool)
            own = inside & raw[y : y + h, x : x + w].view(bool)
            pixels = frames[t, top : top + h, x : x + w][own if own.any() else inside]
            contrast = cv2.countNonZero((strong[t, top : top + h, x : x + w] & inside).view(np.uint8)) / area
            confidence = round(min(1.0, 0.35 + 0.35 * min(1.0, area / (3.0 * min_area)) + 0.3 * contrast), 4)
            yield t, ((x, top, x + w, top + h), confidence, self.namer(pixels), area)


_GAP = 8  # empty rows between stacked frames: more than the closing's reach


def _detections(rows: list[tuple]) -> sv.Detections:
    """One frame's subjects in reading order (top to bottom, then left to right)."""
    if not rows:
        return empty_detections()
    rows.sort(key=lambda r: (r[0][1], r[0][0]))
    count = len(rows)
    return sv.Detections(
        xyxy=np.array([r[0] for r in rows], dtype=np.float32),
        confidence=np.array([r[1] for r in rows], dtype=np.float32),
        class_id=np.zeros(count, dtype=int),
        data={
            "colour": np.array([r[2] for r in rows], dtype=object),
            "class_name": np.array(["object"] * count, dtype=object),
            "area_px": np.array([r[3] for r in rows], dtype=np.int64),
        },
    )


def _in_video_pixels(dets: sv.Detections, prepared: PreparedFootage, fit: np.ndarray | None) -> sv.Detections:
    """Boxes and the camera map of a working-size frame in the clip's own pixels."""
    scale = prepared.scale
    if scale != 1.0:
        size = [prepared.width, prepared.height, prepared.width, prepared.height]
        dets.xyxy = np.clip(dets.xyxy / scale, 0, size).astype(np.float32)
        if "area_px" in dets.data:
            dets.data["area_px"] = np.round(dets.data["area_px"] / scale**2).astype(np.int64)
    camera = np.eye(2, 3) if fit is None else fit.copy()
    camera[:, 2] /= scale
    dets.metadata["camera"] = camera
    return dets
