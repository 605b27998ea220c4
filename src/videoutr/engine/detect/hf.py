"""`hf:<model id or local dir>`: transformers object detectors through the Auto classes, batched
over frames (`batch_size`), at the score threshold, text threshold and NMS of each model type's
card unless given (`CARD_SETTINGS`).

Zero-shot, open-vocabulary detectors (OWLv2, OWL-ViT, Grounding DINO) take text `prompts`;
closed-set detectors (DETR, RT-DETR, ...) name their own classes (`config.id2label`). Weights are
whatever the id or folder holds: nothing is downloaded unless the id is a hub id and the
machine can reach the hub.

    videoutr engine run --videos DIR --out OUT --detector hf:google/owlv2-base-patch16-ensemble \\
        --detector-arg 'prompts=[a person, a dog, a ball]' --detector-arg device=cuda --detector-arg batch_size=16
    videoutr engine run --videos DIR --out OUT --detector hf:PekingU/rtdetr_r50vd --detector-arg device=cuda

    det = HFDetector("/models/detr-resnet-50", threshold=0.7)
    det.detect_clip(frames)[0].data["class_name"]
"""

from __future__ import annotations

import inspect

import numpy as np
import supervision as sv

from videoutr.engine.detect.base import Detector, empty_detections
from videoutr.errors import ConfigError

ZERO_SHOT_TYPES = ("owlv2", "owlvit", "grounding-dino", "mm-grounding-dino")
# Settings of each model type's card / transformers' usage example, used unless given: score
# threshold, Grounding DINO's text threshold, and class-wise NMS IoU (OWL models score every patch,
# so one object yields several boxes; 0.3 is the IoU transformers' OWL image-guided post-processing
# suppresses at). DETR-family models predict a set: no NMS.
CARD_SETTINGS: dict[str, dict[str, float]] = {
    "owlv2": {"threshold": 0.1, "nms_iou": 0.3},
    "owlvit": {"threshold": 0.1, "nms_iou": 0.3},
    "grounding-dino": {"threshold": 0.4, "text_threshold": 0.3},
    "mm-grounding-dino": {"threshold": 0.4, "text_threshold": 0.3},
    "detr": {"threshold": 0.9},
    "rt_detr": {"threshold": 0.5},
    "rt_detr_v2": {"threshold": 0.5},
}
FALLBACK = {"threshold": 0.3, "text_threshold": 0.25}


class HFDetector(Detector):
    """A transformers detector; `prompts` are required for zero-shot models."""

    name = "hf"
    track_partition = "class_name"

    def __init__(
        self,
        model: str,
        prompts: list[str] | str | None = None,
        threshold: float | None = None,
        text_threshold: float | None = None,
        nms_iou: float | None = None,
        device: str = "cpu",
        batch_size: int = 8,
    ) -> None:
        try:
            import torch  # noqa: F401
            from transformers import AutoConfig
        except ImportError:
            raise ConfigError("hf detectors need torch and transformers: pip install torch transformers") from None
        try:
            config = AutoConfig.from_pretrained(model)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"hf:{model}: cannot load a model config ({exc})") from None
        card = {**FALLBACK, **CARD_SETTINGS.get(config.model_type, {})}
        self.model_id = model
        self.threshold = float(card["threshold"] if threshold is None else threshold)
        self.text_threshold = float(card["text_threshold"] if text_threshold is None else text_threshold)
        self.nms_iou = card.get("nms_iou") if nms_iou is None else float(nms_iou)
        self.device, self.batch_size = device, max(1, int(batch_size))
        self.zero_shot = config.model_type in ZERO_SHOT_TYPES
        if isinstance(prompts, str):
            prompts = [p.strip() for p in prompts.split(",") if p.strip()]
        self.prompts = list(prompts or [])
        if self.zero_shot and not self.prompts:
            raise ConfigError(
                f"hf:{model} is a zero-shot detector ({config.model_type}): "
                "give --detector-arg 'prompts=[a cat, a dog]'"
            )
        self.model, self.processor = self._load(model)

    def _load(self, model: str):
        from transformers import (
            AutoImageProcessor,
            AutoModelForObjectDetection,
            AutoModelForZeroShotObjectDetection,
            AutoProcessor,
        )

        try:
            if self.zero_shot:
                net = AutoModelForZeroShotObjectDetection.from_pretrained(model, use_safetensors=True)
                processor = AutoProcessor.from_pretrained(model)
            else:
                net = AutoModelForObjectDetection.from_pretrained(model, use_safetensors=True)
                processor = AutoImageProcessor.from_pretrained(model)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"hf:{model}: cannot load the model or its processor ({exc})") from None
        return net.to(self.device).eval(), processor

    def detect_clip(self, frames: np.ndarray) -> list[sv.Detections]:
        return self._detect_frames(list(frames))

    def detect_videos(self, clips: list[np.ndarray]) -> list[list[sv.Detections]]:
        """The frames of all `clips` in forwards of `batch_size` frames (a forward may span videos)."""
        found = self._detect_frames([frame for clip in clips for frame in clip])
        ends = np.cumsum([len(clip) for clip in clips])
        return [found[end - len(clip) : end] for clip, end in zip(clips, ends)]

    def _detect_frames(self, frames: list[np.ndarray]) -> list[sv.Detections]:
        out: list[sv.Detections] = []
        for start in range(0, len(frames), self.batch_size):
            out.extend(self._detect_batch(frames[start : start + self.batch_size]))
        return out

    def detect_frame(self, rgb: np.ndarray) -> sv.Detections:
        return self._detect_batch([rgb])[0]

    def _detect_batch(self, images: list[np.ndarray]) -> list[sv.Detections]:
        import torch

        sizes = [img.shape[:2] for img in images]
        if self.zero_shot:
            inputs = self.processor(images=images, text=[self.prompts] * len(images), return_tensors="pt")
        else:
            inputs = self.processor(images=images, return_tensors="pt")
        inputs = inputs.to(self.device)
        with torch.inference_mode():
            outputs = self.model(**inputs)
        return [self._to_detections(r) for r in self._post_process(outputs, inputs, sizes)]

    def _post_process(self, outputs, inputs, sizes) -> list[dict]:
        if not self.zero_shot:
            return self.processor.post_process_object_detection(outputs, threshold=self.threshold, target_sizes=sizes)
        post = self.processor.post_process_grounded_object_detection
        wanted = {
            "threshold": self.threshold,
            "text_threshold": self.text_threshold,
            "target_sizes": sizes,
            "text_labels": [self.prompts] * len(sizes),
            "input_ids": inputs.get("input_ids"),
        }
        accepted = inspect.signature(post).parameters
        return post(outputs, **{k: v for k, v in wanted.items() if k in accepted})

    def _suppressed(self, result: dict) -> dict:
        """`result` after class-wise NMS at `nms_iou` (unchanged without it)."""
        if self.nms_iou is None or len(result["boxes"]) == 0:
            return result
        import torch
        from torchvision.ops import batched_nms

        labels = result.get("labels")
        groups = labels if isinstance(labels, torch.Tensor) else torch.zeros(len(result["boxes"]), dtype=torch.int64)
        keep = batched_nms(result["boxes"].float(), result["scores"].float(), groups, self.nms_iou)
        return {k: ([v[i] for i in keep.tolist()] if isinstance(v, list) else v[keep]) for k, v in result.items()}

    def _to_detections(self, result: dict) -> sv.Detections:
        result = self._suppressed(result)
        boxes = result["boxes"].detach().cpu().float().numpy().reshape(-1, 4)
        if len(boxes) == 0:
            dets = empty_detections()
            dets.data["class_name"] = np.empty(0, dtype=object)
            return dets
        labels = result.get("text_labels") or result.get("labels")
        if not self.zero_shot or labels is None or not isinstance(labels[0], str):
            ids = [int(i) for i in result["labels"]]
            id2label = self.model.config.id2label
            names = [self.prompts[i] if self.zero_shot else id2label.get(i, str(i)) for i in ids]
        else:
            names = [str(n) for n in labels]
        ids = (
            [self.prompts.index(n) if n in self.prompts else -1 for n in names]
            if self.zero_shot
            else [int(i) for i in result["labels"]]
        )
        return sv.Detections(
            xyxy=boxes.astype(np.float32),
            confidence=result["scores"].detach().cpu().float().numpy().clip(0, 1),
            class_id=np.array(ids, dtype=int),
            data={"class_name": np.array(names, dtype=object)},
        )
