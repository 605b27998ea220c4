"""Detectors behind one small interface, chosen by short name.

A detector turns a clip's frames into one `supervision.Detections` per frame. It may put
per-detection attributes in `detections.data` (for example `"shape"` or `"class_name"`).

    detector = make_detector("motion")
    per_frame = detector.detect_clip(frames)          # frames: (T, H, W, 3) uint8 RGB

Names: `motion` (offline default; flat coloured objects), `motion-natural` (plain frame differencing
for natural static-camera footage), `foreground` (class-agnostic subjects of real footage:
a robust median background with camera motion removed, see `foreground.py`), `hog-person` (OpenCV
HOG people detector), `haar-face` (OpenCV's frontal-face Haar cascade),
`mp-face`, `mp-person`, `mp-pose` (the expert models inside the mediapipe wheel: faces, people
by segmentation, one person's pose and action, see `mediapipe_experts.py`), and
`hf:<model id or local dir>` (transformers OWLv2 / Grounding DINO / DETR / RT-DETR).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from videoutr.engine.detect.base import Detector
from videoutr.errors import ConfigError


def _motion(**kwargs: Any) -> Detector:
    from videoutr.engine.detect.motion import MotionDetector

    return MotionDetector(**kwargs)


def _hog(**kwargs: Any) -> Detector:
    from videoutr.engine.detect.hog import HogPersonDetector

    return HogPersonDetector(**kwargs)


def _motion_natural(**kwargs: Any) -> Detector:
    """`motion` for natural footage: plain frame differencing, no colour split, general colour names."""
    from videoutr.engine.detect.motion import MotionDetector

    defaults = {"saturation_min": None, "split_by_colour": False, "palette": "basic", "shape_block": 1}
    return MotionDetector(**{**defaults, **kwargs})


def _haar_face(**kwargs: Any) -> Detector:
    from videoutr.engine.detect.haar import HaarFaceDetector

    return HaarFaceDetector(**kwargs)


def _mp_face(**kwargs: Any) -> Detector:
    from videoutr.engine.detect.mediapipe_experts import MediaPipeFaceDetector

    return MediaPipeFaceDetector(**kwargs)


def _mp_person(**kwargs: Any) -> Detector:
    from videoutr.engine.detect.mediapipe_experts import MediaPipePersonDetector

    return MediaPipePersonDetector(**kwargs)


def _mp_pose(**kwargs: Any) -> Detector:
    from videoutr.engine.detect.mediapipe_experts import MediaPipePoseDetector

    return MediaPipePoseDetector(**kwargs)


def _foreground(**kwargs: Any) -> Detector:
    from videoutr.engine.detect.foreground import ForegroundDetector

    return ForegroundDetector(**kwargs)


_REGISTRY: dict[str, Callable[..., Detector]] = {
    "motion": _motion,
    "motion-natural": _motion_natural,
    "hog-person": _hog,
    "foreground": _foreground,
    "haar-face": _haar_face,
    "mp-face": _mp_face,
    "mp-person": _mp_person,
    "mp-pose": _mp_pose,
}


def known_detectors() -> list[str]:
    return sorted(_REGISTRY) + ["hf:<model id or dir>"]


def check_detector_name(name: str) -> None:
    """Fail early (before any video is read) on a name no detector answers to."""
    if not (name.startswith("hf:") and len(name) > 3) and name not in _REGISTRY:
        raise ConfigError(f"unknown detector {name!r}; known: {', '.join(known_detectors())}")


def make_detector(name: str, **kwargs: Any) -> Detector:
    """Build the detector called `name`; an unknown name lists the known ones."""
    if name.startswith("hf:"):
        from videoutr.engine.detect.hf import HFDetector

        return HFDetector(name[3:], **kwargs)
    factory = _REGISTRY.get(name)
    if factory is None:
        raise ConfigError(f"unknown detector {name!r}; known: {', '.join(known_detectors())}")
    try:
        return factory(**kwargs)
    except TypeError as exc:
        raise ConfigError(f"detector {name!r}: bad detector_args ({exc})") from None


__all__ = ["Detector", "check_detector_name", "known_detectors", "make_detector"]
