"""Still-frame data of the base checkpoint: one frame of a scene shown as a one-frame video, with
questions that frame answers (count, shape, colour, place) and a caption.

    >>> import random
    >>> from videoutr.world.simulate import world_scene
    >>> ann = world_scene(base_world(1, seed=5), "v0")
    >>> sample = still_samples(ann, t=0, rng=random.Random(0))[0]
    >>> sample.conversations[0].value.startswith("<video>")
    True
"""

from __future__ import annotations

import random
from pathlib import Path

from videoutr.data.llava import Sample, save_samples
from videoutr.world.annotation import VideoAnnotation
from videoutr.world.captions import PROMPTS, describe_frame, visible_objects
from videoutr.world.config import WorldConfig
from videoutr.world.palette import box_place


def base_world(num_videos: int, seed: int = 0, test_fraction: float = 0.25) -> WorldConfig:
    """The world the committed base checkpoint was pre-trained on (`videoutr.base`): frames of
    64x64 with 1-3 medium or large objects over any background, every heading and event - a broader
    world than the demo's, of which the base only ever sees still frames and cuts."""
    return WorldConfig(
        num_videos=num_videos,
        seed=seed,
        frames=16,
        fps=8.0,
        height=64,
        width=64,
        min_objects=1,
        max_objects=3,
        sizes=("medium", "large"),
        test_fraction=test_fraction,
        captions_per_video=2,
    ).validate()


MAX_QUESTIONS = 5
WHEN = ("",)  # still frames carry no time: no "at the start / end" phrases
QUESTION_KINDS = ("count", "shape", "colour", "place")


def still_questions(
    ann: VideoAnnotation, t: int, rng: random.Random, kinds: tuple[str, ...] = QUESTION_KINDS
) -> list[tuple[str, str]]:
    """(question, answer) pairs answerable from frame t alone, in the benchmark's phrasing;
    only the question `kinds` asked for (count, shape, colour, place)."""
    objects = visible_objects(ann, t)
    qa = [("count", "How many objects are there?", str(len(objects)))]
    for obj in objects:
        colour = obj.colour[t]
        same_colour = [o for o in objects if o.colour[t] == colour]
        if len(same_colour) == 1:
            qa.append(("shape", f"What shape is the {colour} object?", obj.shape))
        if sum(o.shape == obj.shape for o in objects) == 1:
            qa.append(("colour", f"What colour is the {obj.shape}?", colour))
        place = box_place(obj.box_xyxy[t], ann.width, ann.height)
        if place is not None and len(same_colour) == 1:
            qa.append(("place", f"Where is the {colour} {obj.shape}{rng.choice(WHEN)}?", place))
    wanted = [(question, answer) for kind, question, answer in qa if kind in kinds]
    rng.shuffle(wanted)
    return wanted


def still_samples(
    ann: VideoAnnotation,
    t: int,
    rng: random.Random,
    image: str = "",
    caption: bool = True,
    max_questions: int = MAX_QUESTIONS,
    kinds: tuple[str, ...] = QUESTION_KINDS,
) -> list[Sample]:
    """One dialogue about frame t: up to `max_questions` still-frame questions of `kinds`, then a
    caption (last, so that no answer can be read off the caption's text) unless `caption=False`.
    Without a caption, a frame with no question of `kinds` gives no sample."""
    qa = still_questions(ann, t, rng, kinds)[:max_questions]
    if caption:
        qa.append((rng.choice(PROMPTS), describe_frame(ann, t, rng.randrange(4))))
    if not qa:
        return []
    return [Sample.from_qa(f"{ann.id}_t{t}", qa, image=image, source="still")]


def build_base_data(
    out_dir: str | Path,
    num_videos: int = 1200,
    seed: int = 1000,
    frames_per_video: int = 3,
    caption: bool = True,
    max_questions: int = MAX_QUESTIONS,
    kinds: tuple[str, ...] = QUESTION_KINDS,
    name: str = "still.json",
) -> Path:
    """Render `frames_per_video` still frames per video of a fresh demo world; write PNGs + `name`."""
    from PIL import Image

    from videoutr.world.render import render_frame
    from videoutr.world.simulate import numbered_scenes

    cfg = base_world(num_videos, seed=seed, test_fraction=0.0)
    out = Path(out_dir)
    (out / "frames").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    samples = []
    for ann in numbered_scenes(cfg, "p"):
        for t in sorted(rng.sample(range(ann.num_frames), frames_per_video)):
            frame_name = f"frames/{ann.id}_t{t:02d}.png"
            Image.fromarray(render_frame(ann, t)).save(out / frame_name)
            samples += still_samples(ann, t, rng, frame_name, caption, max_questions, kinds)
    save_samples(out / name, samples)
    return out
