"""Web-caption style descriptions: what is there, answerable from a single frame.

This is the paper's hackable baseline data: each caption describes the objects seen in ONE frame
(the middle or the last, like a thumbnail-driven web caption), never motion or order. An object
is mentioned when at least half of it is visible in that frame, with its colour in that frame.

    samples = caption_samples(ann, seed=0, per_video=2)
"""

from __future__ import annotations

import zlib

import numpy as np

from videoutr.data.llava import Sample
from videoutr.world.annotation import ObjectTrack, VideoAnnotation
from videoutr.world.palette import BACKGROUNDS, NUMBER_WORDS

MENTION_MIN_VISIBLE = 0.5
PROMPTS = (
    "Describe this video briefly.",
    "What is in the video?",
    "Write a short caption for this video.",
    "What can you see in this video?",
)


def stable_rng(seed: int, *keys: str) -> np.random.Generator:
    """A generator seeded by the world seed and string keys (stable across runs and platforms)."""
    return np.random.default_rng([seed, *(zlib.crc32(k.encode("utf-8")) for k in keys)])


def visible_objects(ann: VideoAnnotation, t: int) -> list[ObjectTrack]:
    """Objects at least half visible in frame t, left to right."""
    seen = [o for o in ann.objects if o.visible_fraction[t] >= MENTION_MIN_VISIBLE]
    return sorted(seen, key=lambda o: (o.box_xyxy[t][0] + o.box_xyxy[t][2], o.id))


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe_frame(ann: VideoAnnotation, t: int, style: int) -> str:
    """One caption of frame t in one of four phrasings (`style` 0-3)."""
    objects = visible_objects(ann, t)
    background = BACKGROUNDS[ann.background]
    if not objects:
        return f"An empty scene with {background}."
    with_size = [f"{o.size} {o.colour[t]} {o.shape}" for o in objects]
    plain = [f"{o.colour[t]} {o.shape}" for o in objects]
    article = [("an " if p[0] in "aeiou" else "a ") + p for p in plain]
    count = NUMBER_WORDS[len(objects)] if len(objects) < len(NUMBER_WORDS) else str(len(objects))
    if style == 0:
        text = _join(article)
        return f"{text[0].upper()}{text[1:]} on {background}."
    if style == 1:
        noun = "object" if len(objects) == 1 else "objects"
        return f"{count.capitalize()} {noun}: {_join(article)}, against {background}."
    if style == 2:
        sized = [("an " if p[0] in "aeiou" else "a ") + p for p in with_size]
        return f"There {'is' if len(objects) == 1 else 'are'} {_join(sized)} on {background}."
    text = ", ".join(plain)
    return f"{text[0].upper()}{text[1:]}. {background[2:].capitalize()}."


def caption_samples(ann: VideoAnnotation, seed: int, per_video: int) -> list[Sample]:
    """`per_video` LLaVA samples for one video, each describing its middle or last frame."""
    rng = stable_rng(seed, "captions", ann.id)
    frames = [ann.num_frames // 2, ann.num_frames - 1]
    samples = []
    for k in range(per_video):
        t = frames[k % 2] if k < 2 else int(rng.choice(frames))
        prompt = PROMPTS[int(rng.integers(len(PROMPTS)))]
        answer = describe_frame(ann, t, style=int(rng.integers(4)))
        samples.append(
            Sample.from_qa(
                f"{ann.id}_cap{k}", [(prompt, answer)], video=ann.video, source="captions", extra={"caption_frame": t}
            )
        )
    return samples
