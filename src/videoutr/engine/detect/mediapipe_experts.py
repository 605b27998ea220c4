"""People's faces, bodies and poses from the expert models that ship inside the mediapipe 0.10.21
wheel (nothing is downloaded): `mp-face` (BlazeFace face detection, category `face`),
`mp-person` (selfie segmentation, one `person` box per connected region of the mask) and
`mp-pose` (BlazePose, one `person` per frame with its 33 landmarks and a simple action from
`pose_actions.py`).

    per_frame = MediaPipePoseDetector().detect_clip(frames)   # frames: (T, H, W, 3) uint8 RGB
    per_frame[t].data["action"]                                 # e.g. ["raising a hand"]
"""

from __future__ import annotations

from types import ModuleType

import cv2
import numpy as np
import supervision as sv

from videoutr.engine.detect.base import Detector, category_detections
from videoutr.engine.detect.pose_actions import pose_actions
from videoutr.errors import ConfigError

INSTALL = "pip install --no-deps mediapipe==0.10.21 && pip install absl-py attrs flatbuffers 'protobuf>=4.25.3,<5'"
NUM_LANDMARKS = 33


def mediapipe_solutions(detector: str) -> ModuleType:
    """`mediapipe.solutions`, or a ConfigError naming `detector` and the install command. The
    detectors hold no module, so they pickle (Ray workers, processes)."""
    try:
        from mediapipe.python import solutions
    except ImportError:
        raise ConfigError(f"{detector} needs mediapipe 0.10.21: {INSTALL}") from None
    return solutions


class MediaPipeFaceDetector(Detector):
    """Faces: the full-range model (`model="full"`, faces up to about 5 m from the camera: the
    default, as footage is rarely a selfie) or the short-range one (`model="short"`, within about
    2 m, faces that fill much of the frame); confidence is the model's score."""

    name = "mp-face"
    track_partition = None

    def __init__(self, model: str = "full", min_confidence: float = 0.5) -> None:
        if model not in ("short", "full"):
            raise ConfigError(f"mp-face: model must be 'short' or 'full', got {model!r}")
        mediapipe_solutions(self.name)  # fail now, naming the install, not at the first clip
        self.model_selection = 0 if model == "short" else 1
        self.min_confidence = float(min_confidence)

    def detect_clip(self, frames: np.ndarray) -> list[sv.Detections]:
        with mediapipe_solutions(self.name).face_detection.FaceDetection(
            model_selection=self.model_selection, min_detection_confidence=self.min_confidence
        ) as model:
            return [self._faces(model.process(np.ascontiguousarray(rgb)), rgb.shape) for rgb in frames]

    def detect_frame(self, rgb: np.ndarray) -> sv.Detections:
        return self.detect_clip(rgb[None])[0]

    @staticmethod
    def _faces(result, shape: tuple[int, ...]) -> sv.Detections:
        height, width = shape[:2]
        boxes, scores = [], []
        for detection in result.detections or []:
            box = detection.location_data.relative_bounding_box
            boxes.append(
                [box.xmin * width, box.ymin * height, (box.xmin + box.width) * width, (box.ymin + box.height) * height]
            )
            scores.append(detection.score[0])
        xyxy = np.clip(np.asarray(boxes, np.float32).reshape(-1, 4), 0, [width, height, width, height])
        return category_detections(xyxy, np.asarray(scores, np.float32), "face")


class MediaPipePersonDetector(Detector):
    """People as regions of the selfie-segmentation mask (probability >= `threshold`) covering at
    least `min_area` of the frame; confidence is the region's mean probability. `model="general"`
    (256 x 256 input) or `"landscape"` (144 x 256). The model separates people from background;
    people who touch in the image make one region."""

    name = "mp-person"
    track_partition = None

    def __init__(self, model: str = "general", threshold: float = 0.5, min_area: float = 0.01) -> None:
        if model not in ("general", "landscape"):
            raise ConfigError(f"mp-person: model must be 'general' or 'landscape', got {model!r}")
        mediapipe_solutions(self.name)  # fail now, naming the install, not at the first clip
        self.model_selection = 0 if model == "general" else 1
        self.threshold, self.min_area = float(threshold), float(min_area)

    def detect_clip(self, frames: np.ndarray) -> list[sv.Detections]:
        with mediapipe_solutions(self.name).selfie_segmentation.SelfieSegmentation(
            model_selection=self.model_selection
        ) as model:
            return [self._regions(model.process(np.ascontiguousarray(rgb)).segmentation_mask) for rgb in frames]

    def detect_frame(self, rgb: np.ndarray) -> sv.Detections:
        return self.detect_clip(rgb[None])[0]

    def _regions(self, probability: np.ndarray) -> sv.Detections:
        count, labels, stats, _ = cv2.connectedComponentsWithStats((probability >= self.threshold).astype(np.uint8))
        keep = [k for k in range(1, count) if stats[k, cv2.CC_STAT_AREA] >= self.min_area * probability.size]
        xyxy = np.array([[*stats[k, :2], *(stats[k, :2] + stats[k, 2:4])] for k in keep], np.float32)
        confidence = np.array([probability[labels == k].mean() for k in keep], np.float32)
        area = np.array([stats[k, cv2.CC_STAT_AREA] for k in keep], np.int64)
        return category_detections(xyxy, confidence, "person", area_px=area)


class MediaPipePoseDetector(Detector):
    """One person per frame from BlazePose (the full model, the one the wheel ships), tracked
    through the clip as its authors run it on video. The box is that of the pose model's own
    person mask (probability >= 0.5: the pixels of the person in view, where the landmarks also
    guess the joints out of view); confidence is the mean visibility of the 33 landmarks.
    `data["landmarks"]` holds each person's (33, 3) pixel x, y and visibility, and `data["action"]`
    the action the rules of `pose_actions.py` give that frame."""

    name = "mp-pose"
    track_partition = None

    def __init__(self, min_confidence: float = 0.5, window: int = 4, min_speed: float = 0.1) -> None:
        mediapipe_solutions(self.name)  # fail now, naming the install, not at the first clip
        self.min_confidence = float(min_confidence)
        self.window, self.min_speed = int(window), float(min_speed)

    def poses(self, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(T, 33, 3) pixel x, y and visibility of the person in each frame, and (T, 4) xyxy boxes
        of its mask (NaN where there is no person)."""
        landmarks = np.full((len(frames), NUM_LANDMARKS, 3), np.nan, np.float32)
        boxes = np.full((len(frames), 4), np.nan, np.float32)
        with mediapipe_solutions(self.name).pose.Pose(
            static_image_mode=False,
            model_complexity=1,
            enable_segmentation=True,
            min_detection_confidence=self.min_confidence,
            min_tracking_confidence=self.min_confidence,
        ) as model:
            for t, rgb in enumerate(frames):
                result = model.process(np.ascontiguousarray(rgb))
                ys, xs = np.nonzero(result.segmentation_mask >= 0.5) if result.pose_landmarks else ((), ())
                if len(xs):
                    height, width = rgb.shape[:2]
                    landmarks[t] = [(p.x * width, p.y * height, p.visibility) for p in result.pose_landmarks.landmark]
                    boxes[t] = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
        return landmarks, boxes

    def detect_clip(self, frames: np.ndarray) -> list[sv.Detections]:
        landmarks, boxes = self.poses(frames)
        actions = pose_actions(landmarks, window=self.window, min_speed=self.min_speed)
        return [_person(pose, box, action) for pose, box, action in zip(landmarks, boxes, actions)]

    def detect_frame(self, rgb: np.ndarray) -> sv.Detections:
        return self.detect_clip(rgb[None])[0]


def _person(pose: np.ndarray, xyxy: np.ndarray, action: str | None) -> sv.Detections:
    """The posed person of one frame, or no detection where there is none."""
    if action is None:
        nobody = {"landmarks": np.empty((0, NUM_LANDMARKS, 3), np.float32), "action": np.empty(0, object)}
        return category_detections(np.empty((0, 4)), np.empty(0), "person", **nobody)
    return category_detections(
        xyxy[None],
        np.array([pose[:, 2].mean()]),
        "person",
        landmarks=pose[None],
        action=np.array([action], dtype=object),
    )
