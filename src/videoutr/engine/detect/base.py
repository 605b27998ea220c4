"""The detector interface: frames in, one `supervision.Detections` per frame out."""

from __future__ import annotations

from typing import Any

import numpy as np
import supervision as sv


class Detector:
    """Base class. Subclasses implement `detect_frame`, or `detect_clip` when they need the clip
    (a background model does). A detector whose clip-level pixel work can run apart splits
    `detect_clip` into `prepare_clip` (which the engine runs ahead, beside decoding) and
    `detect_prepared`.

    Every returned `Detections` has `xyxy` in pixels, `confidence` in [0, 1] and `class_id`;
    `data["class_name"]` names the category when the detector knows it.
    """

    name = "detector"

    def prepare_clip(self, frames: np.ndarray) -> Any:
        """The work on a (T, H, W, 3) clip that can run apart, ahead of `detect_prepared`
        (default: none, the frames themselves)."""
        return frames

    def detect_prepared(self, prepared: Any) -> list[sv.Detections]:
        """`detect_clip` of a clip that went through `prepare_clip`."""
        return self.detect_clip(prepared)

    def detect_frame(self, rgb: np.ndarray) -> sv.Detections:
        raise NotImplementedError

    def detect_clip(self, frames: np.ndarray) -> list[sv.Detections]:
        """Detect in each frame of a (T, H, W, 3) uint8 RGB clip."""
        return [self.detect_frame(frame) for frame in frames]

    def detect_videos(self, clips: list[np.ndarray]) -> list[list[sv.Detections]]:
        """`detect_clip` of each clip; a model detector runs the frames of all of them together."""
        return [self.detect_clip(clip) for clip in clips]


def empty_detections() -> sv.Detections:
    """Detections with zero rows but every column the engine relies on."""
    return sv.Detections(
        xyxy=np.empty((0, 4), dtype=np.float32),
        confidence=np.empty((0,), dtype=np.float32),
        class_id=np.empty((0,), dtype=int),
    )


def category_detections(xyxy: np.ndarray, confidence: np.ndarray, category: str, **data: np.ndarray) -> sv.Detections:
    """Detections of one `category` (`data["class_name"]`), confidence clipped to [0, 1]; `data`
    holds the detector's own columns (empty ones too)."""
    if len(xyxy) == 0:
        dets = empty_detections()
        dets.data.update(class_name=np.empty(0, dtype=object), **data)
        return dets
    return sv.Detections(
        xyxy=np.asarray(xyxy, np.float32).reshape(-1, 4),
        confidence=np.clip(np.asarray(confidence, np.float32), 0.0, 1.0),
        class_id=np.zeros(len(xyxy), dtype=int),
        data={"class_name": np.array([category] * len(xyxy), dtype=object), **data},
    )


def rescale_detections(per_frame: list[sv.Detections], scale: float, width: int, height: int) -> list[sv.Detections]:
    """Detections found in frames shrunk by `scale`, in place, back in the pixels of (`width`,
    `height`) frames: boxes (clipped to the frame) and `data["area_px"]`."""
    if scale == 1.0:
        return per_frame
    for dets in per_frame:
        dets.xyxy = np.clip(dets.xyxy / scale, 0, [width, height, width, height]).astype(np.float32)
        if "area_px" in dets.data:
            dets.data["area_px"] = np.round(dets.data["area_px"] / scale**2).astype(np.int64)
        if "camera" in dets.metadata:
            camera = np.array(dets.metadata["camera"], dtype=np.float64)
            camera[:, 2] /= scale
            dets.metadata["camera"] = camera
    return per_frame
