"""`haar-face`: OpenCV's bundled Haar cascade for frontal faces (Viola-Jones; needs OpenCV < 5).

Run at the settings OpenCV's own samples use (scale step 1.1, 5 neighbours); the confidence is the
number of neighbouring windows that agreed (`detectMultiScale3` level weights), squashed to (0, 1).

    dets = HaarFaceDetector().detect_frame(rgb)
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import supervision as sv

from videoutr.engine.detect.base import Detector, category_detections
from videoutr.errors import ConfigError

CASCADE = "haarcascade_frontalface_default.xml"


class HaarFaceDetector(Detector):
    """Frontal faces at least `min_size` pixels wide."""

    name = "haar-face"
    track_partition = None

    def __init__(self, scale_factor: float = 1.1, min_neighbors: int = 5, min_size: int = 24) -> None:
        folder = getattr(getattr(cv2, "data", None), "haarcascades", None)
        path = Path(folder) / CASCADE if folder else None
        if path is None or not path.is_file():
            raise ConfigError(
                "haar-face needs the Haar cascades that ship with opencv-python<5: pip install 'opencv-python<5'"
            )
        self.cascade = cv2.CascadeClassifier(str(path))
        self.scale_factor, self.min_neighbors, self.min_size = float(scale_factor), int(min_neighbors), int(min_size)

    def detect_frame(self, rgb: np.ndarray) -> sv.Detections:
        grey = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
        boxes, _, weights = self.cascade.detectMultiScale3(
            grey,
            scaleFactor=self.scale_factor,
            minNeighbors=self.min_neighbors,
            minSize=(self.min_size, self.min_size),
            outputRejectLevels=True,
        )
        boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
        xyxy = np.concatenate([boxes[:, :2], boxes[:, :2] + boxes[:, 2:]], axis=1)
        confidence = (1.0 / (1.0 + np.exp(-np.asarray(weights, dtype=np.float32).reshape(-1) / 2.0))).astype(np.float32)
        return category_detections(xyxy, confidence, "face")
