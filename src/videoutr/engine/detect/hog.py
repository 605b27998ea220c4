"""`hog-person`: OpenCV's built-in HOG + linear SVM people detector (needs OpenCV < 5).

dets = HogPersonDetector().detect_frame(rgb)
"""

from __future__ import annotations

import cv2
import numpy as np
import supervision as sv

from videoutr.engine.detect.base import Detector, category_detections
from videoutr.errors import ConfigError


class HogPersonDetector(Detector):
    """Upright people; confidence is the SVM margin squashed to (0, 1)."""

    name = "hog-person"
    track_partition = None

    def __init__(self, win_stride: int = 8, scale: float = 1.05, min_height: int = 128) -> None:
        if not hasattr(cv2, "HOGDescriptor_getDefaultPeopleDetector"):
            raise ConfigError("hog-person needs OpenCV's HOG people detector: pip install 'opencv-python<5'")
        self.hog = cv2.HOGDescriptor()
        self.hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
        self.win_stride = (int(win_stride), int(win_stride))
        self.scale = float(scale)
        self.min_height = int(min_height)  # the HOG window is 64 x 128: smaller frames are upscaled

    def detect_frame(self, rgb: np.ndarray) -> sv.Detections:
        height = rgb.shape[0]
        factor = max(1.0, self.min_height / max(1, height))
        image = cv2.resize(rgb, None, fx=factor, fy=factor) if factor > 1 else rgb
        if image.shape[0] < 128 or image.shape[1] < 64:
            return category_detections(np.empty((0, 4)), np.empty(0), "person")
        boxes, weights = self.hog.detectMultiScale(
            cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), winStride=self.win_stride, scale=self.scale
        )
        boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4) / factor
        xyxy = np.concatenate([boxes[:, :2], boxes[:, :2] + boxes[:, 2:]], axis=1)
        confidence = 1.0 / (1.0 + np.exp(-np.asarray(weights, dtype=np.float32).reshape(-1)))
        return category_detections(xyxy, confidence, "person")
