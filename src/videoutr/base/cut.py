"""Cut videos for the base checkpoint: two moments of one scene, with place questions by frame.

A base pre-trained on still frames reads a video's place from its first frames whatever it is
asked (a square in cell A for frames 0-3 and cell B for frames 4-7 is placed in A
six times of nine, in B never). Real video MLLMs learn to address frames from multi-image and
video data before instruction tuning. The world's analogue: frames 0..k-1 show one moment of a
world video, frames k..7 another (the objects have moved), and the questions ask where an object
is "in the first frame" or "in the last frame" - not the benchmark's "at the start / end of the
video", which the demo's arms must learn from their own data.

    qa = cut_questions(ann, 2, 11, random.Random(0))
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from videoutr.base.still import base_world
from videoutr.data.llava import Sample, save_samples
from videoutr.world.annotation import VideoAnnotation
from videoutr.world.captions import visible_objects
from videoutr.world.palette import box_place

FRAME_PHRASES = ("in the first frame", "in the last frame")
MAX_CUT_QUESTIONS = 3
CUT_FRAMES = 8  # the model's frames per video: every frame of a cut video is seen


def _places(ann: VideoAnnotation, t: int) -> dict[str, str]:
    """Name -> place of every object at frame t that its colour names and that is not on a grid line."""
    objects = visible_objects(ann, t)
    out = {}
    for obj in objects:
        place = box_place(obj.box_xyxy[t], ann.width, ann.height)
        if place is not None and sum(o.colour[t] == obj.colour[t] for o in objects) == 1:
            out[f"the {obj.colour[t]} {obj.shape}"] = place
    return out


def cut_questions(ann: VideoAnnotation, t_first: int, t_last: int, rng: random.Random) -> list[tuple[str, str]]:
    """Up to `MAX_CUT_QUESTIONS` (question, place) pairs about the moment shown first and the one
    shown last; objects whose place differs between the two moments come first."""
    first, last = _places(ann, t_first), _places(ann, t_last)
    qa = [(f"Where is {name} {FRAME_PHRASES[0]}?", place, last.get(name) != place) for name, place in first.items()]
    qa += [(f"Where is {name} {FRAME_PHRASES[1]}?", place, first.get(name) != place) for name, place in last.items()]
    rng.shuffle(qa)
    qa.sort(key=lambda item: not item[2])
    return [(question, place) for question, place, _ in qa[:MAX_CUT_QUESTIONS]]


def build_cut_data(
    out_dir: str | Path, num_videos: int, seed: int, per_video: int = 2, name: str = "still.json"
) -> Path:
    """`per_video` cut videos (MP4) per scene of a fresh demo world, with their place questions, in `name`."""
    from videoutr.video.write import write_video
    from videoutr.world.render import render_frame
    from videoutr.world.simulate import numbered_scenes

    cfg = base_world(num_videos, seed=seed, test_fraction=0.0)
    out = Path(out_dir)
    rng = random.Random(seed)
    samples = []
    for ann in numbered_scenes(cfg, "c"):
        for j in range(per_video):
            t_first, t_last = rng.sample(range(ann.num_frames), 2)  # either order: a cut may go back in time
            cut = rng.randint(1, CUT_FRAMES - 1)
            qa = cut_questions(ann, t_first, t_last, rng)
            if not qa:
                continue
            video = f"videos/{ann.id}_{j}.mp4"
            frames = np.stack([render_frame(ann, t_first)] * cut + [render_frame(ann, t_last)] * (CUT_FRAMES - cut))
            write_video(out / video, frames, fps=cfg.fps)
            samples.append(Sample.from_qa(f"{ann.id}_{j}", qa, video=video, source="cut"))
    save_samples(out / name, samples)
    return out
