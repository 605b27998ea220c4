"""Training dataset and collator: LLaVA `Sample`s + their frames → batches, via `videoutr.models.inputs`.

Videos are sampled and decoded as the model's reference pipeline does (`FramePolicy`,
`videoutr.models.sampling`). An image sample goes through the model's image path (anyres for
LLaVA-OneVision), as in LLaVA-NeXT's mixtures, unless its text writes a `<video>` placeholder:
then the image is shown as a still video of `num_frames` frames.

Bad samples never crash a run: a missing video is dropped before training (counted), and one that
fails to decode, or encodes longer than `max_length` with the cut inside the video, is replaced
by the next good sample (deterministically, so a resumed run sees the same data) and recorded in
`skipped.jsonl` beside the run.

    ds = TrainDataset(samples, processor, FramePolicy(num_frames=8), ["world/"], max_length=2048)
    batch = Collator(pad_id=processor.tokenizer.pad_token_id)([ds[0], ds[1]])
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from videoutr.data.llava import HUMAN, IMAGE_TOKEN, VIDEO_TOKEN, Sample
from videoutr.errors import DataFormatError, TrainingError, VideoReadError
from videoutr.models.sampling import FramePolicy, ModelVideo, read_model_video
from videoutr.paths import PathOutsideRoot, find_in_roots
from videoutr.train.mixture import Skips

MAX_FALLBACKS = 64  # consecutive bad samples tolerated before the run is declared broken


def find_media(sample: Sample, roots: list[str | Path], allow_outside: bool = False) -> Path | None:
    """The file of a sample's video (or image) under the first root that has it (the working
    folder when no root is given); `PathOutsideRoot` when its path leaves every root."""
    name = sample.video or sample.image
    if name is None:
        return None
    return find_in_roots(name, roots, allow_outside=allow_outside)


def check_media(
    samples: list[Sample], roots: list[str | Path], skips: Skips, allow_outside: bool = False
) -> list[Sample]:
    """Keep samples whose video/image file exists inside the roots; count the rest (text-only ones too)."""
    kept = []
    for sample in samples:
        if sample.video is None and sample.image is None:
            skips.add("no video or image (text-only samples are not trained here)", sample.id)
            continue
        try:
            found = find_media(sample, roots, allow_outside)
        except PathOutsideRoot:
            skips.add("video or image path leaves the video roots", sample.id)
            continue
        if found is None:
            skips.add("video or image file not found", sample.id)
        else:
            kept.append(sample)
    return kept


def read_image(path: Path) -> np.ndarray:
    """(H, W, 3) uint8 RGB of an image file."""
    from PIL import Image

    try:
        with Image.open(path) as img:
            return np.asarray(img.convert("RGB"))
    except OSError as exc:
        raise VideoReadError(path, f"unreadable image ({exc})") from None


def image_media(sample: Sample) -> str:
    """How an image sample is shown: through the model's image path ("image"), unless its text
    asks for a video (`<video>` placeholder: the image is shown as a still video, "video")."""
    first = next((t.value for t in sample.conversations if t.role == HUMAN), "")
    return "video" if VIDEO_TOKEN in first and IMAGE_TOKEN not in first else "image"


def load_frames(path: Path, policy: FramePolicy, is_image: bool) -> ModelVideo:
    """The frames a video sample shows; an image becomes a still video of `policy.num_frames`.
    With a fixed `num_frames`, a shorter video's frames repeat uniformly (equal counts batch)."""
    if is_image:
        rgb = read_image(path)[None]
        count = policy.num_frames or 1
        return ModelVideo(
            frames=np.repeat(rgb, count, axis=0),
            frame_idx=[0] * count,
            timestamps_s=[0.0] * count,
            total_frames=1,
            video_fps=1.0,
        )
    clip = read_model_video(path, policy)
    if policy.num_frames is not None and len(clip) != policy.num_frames:
        clip = clip.select([int(i) for i in np.linspace(0, len(clip) - 1, policy.num_frames).round()])
    return clip


class TrainDataset:
    """Map-style dataset of encoded samples (a torch `Dataset` by duck typing)."""

    def __init__(
        self,
        samples: list[Sample],
        processor,
        spec: FramePolicy,
        roots: list[str | Path],
        max_length: int,
        skip_log: str | Path | None = None,
        cache_samples: int = 0,
        allow_outside: bool = False,
        system: str | None = None,
    ) -> None:
        if not samples:
            raise TrainingError("no usable training samples (all were skipped; see the skip counts)")
        self.samples, self.processor, self.spec, self.system = samples, processor, spec, system
        self.roots, self.max_length = [Path(r) for r in roots], max_length
        self.skip_log = Path(skip_log) if skip_log else None
        self.allow_outside = allow_outside
        self._bad: dict[int, str] = {}
        self.cache_samples = cache_samples  # decoding + the processor cost as much as a tiny step
        self._cache: dict[int, object] = {}

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int):
        for step in range(MAX_FALLBACKS):
            i = (index + step) % len(self.samples)
            if i in self._bad:
                continue
            if i in self._cache:
                return self._cache[i]
            try:
                enc = self.encode(i)
            except (VideoReadError, DataFormatError) as exc:
                self._record(i, str(exc))
                continue
            if len(self._cache) < self.cache_samples:
                self._cache[i] = enc
            return enc
        raise TrainingError(f"{MAX_FALLBACKS} consecutive unusable samples from index {index}; check the data")

    def encode(self, i: int):
        """Encode sample `i` (raises `VideoReadError` / `DataFormatError` when unusable)."""
        from videoutr.models.inputs import encode_sample

        sample = self.samples[i]
        path = find_media(sample, self.roots, self.allow_outside)
        if path is None:
            raise VideoReadError(sample.video or sample.image, "file not found")
        if sample.video is None and image_media(sample) == "image":
            enc = encode_sample(self.processor, sample, read_image(path), media="image", system=self.system)
        else:
            frames = load_frames(path, self.spec, is_image=sample.video is None)
            enc = encode_sample(self.processor, sample, frames, system=self.system)
        if len(enc) > self.max_length:
            if enc.video_span is not None and enc.video_span[1] >= self.max_length:
                raise DataFormatError(f"sample {sample.id}", f"{len(enc)} tokens, video cut by max_length")
            enc.input_ids, enc.labels = enc.input_ids[: self.max_length], enc.labels[: self.max_length]
            enc.turn_ids = enc.turn_ids[: self.max_length]
            enc.token_extras = {k: v[: self.max_length] for k, v in enc.token_extras.items()}
            if int((enc.labels != -100).sum()) == 0:
                raise DataFormatError(f"sample {sample.id}", "no answer token left within max_length")
        return enc

    def _record(self, i: int, reason: str) -> None:
        self._bad[i] = reason
        if self.skip_log is not None:
            line = json.dumps({"id": self.samples[i].id, "index": i, "reason": reason}) + "\n"
            fd = os.open(self.skip_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)


class Collator:
    """Pads encoded samples into a model batch with labels (assistant tokens only)."""

    def __init__(self, pad_id: int) -> None:
        self.pad_id = pad_id

    def __call__(self, encoded: list) -> dict:
        from videoutr.models.inputs import collate, model_inputs

        return model_inputs(collate(encoded, pad_id=self.pad_id), with_labels=True)


def read_skip_log(path: str | Path) -> dict[str, str]:
    """Skipped sample id -> reason, from a run's `skipped.jsonl` (each sample once)."""
    path = Path(path)
    if not path.is_file():
        return {}
    seen: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line torn by a kill
        seen.setdefault(str(record.get("id")), str(record.get("reason")))
    return seen
