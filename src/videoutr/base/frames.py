"""Frame-addressing videos for the base checkpoint: moving videos of the demo's kind, with questions
about one frame ("Where is the red circle in frame 3?", "What colour is the star in the last frame?").

Still frames and cut videos teach a base to see and to tell a first frame from a last one, but
not to read a moving object's place at a given frame: arms fine-tuned from such a base on a
small pool memorise it (docs/demo.md). Real video MLLMs are pre-trained on far more video than
their instruction data; the world's analogue is this phase: many fresh videos (another world
seed than the demo's), asked about single frames by number, never in the benchmark's phrasing
("at the start / end of the video") and never about direction or change, which the arms must
learn from their own data.

    qa = frame_questions(ann, random.Random(0))
"""

from __future__ import annotations

import random
from pathlib import Path

from videoutr.data.llava import Sample, save_samples
from videoutr.world.annotation import VideoAnnotation
from videoutr.world.palette import box_place
from videoutr.world.questions import object_names

MAX_FRAME_QUESTIONS = 5
ORDINALS = {1: "first", 8: "last"}  # frame numbers that are also asked as "the first / last frame"
MIN_VISIBLE = 0.5  # an object's place is asked only where at least this share of it is in view


def frame_phrase(number: int, rng: random.Random) -> str:
    """"in frame 3"; for the first and last frame, half the time "in the first / last frame"."""
    if number in ORDINALS and rng.random() < 0.5:
        return f"in the {ORDINALS[number]} frame"
    return f"in frame {number}"


def frame_questions(ann: VideoAnnotation, rng: random.Random) -> list[tuple[str, str]]:
    """Up to `MAX_FRAME_QUESTIONS` (question, answer) pairs about single frames of `ann`: the place of
    every uniquely named object at each frame where it is in view, and the colour at each frame of an
    object that changes colour. Questions whose answer differs between frames come first."""
    names = object_names(ann)
    qa = []
    for obj in ann.objects:
        if obj.id not in names:
            continue
        name = names[obj.id]
        places = [
            box_place(obj.box_xyxy[t], ann.width, ann.height) if obj.visible_fraction[t] >= MIN_VISIBLE else None
            for t in range(ann.num_frames)
        ]
        for t in range(ann.num_frames):
            if places[t] is not None:
                informative = any(p not in (None, places[t]) for p in places)
                qa.append((f"Where is {name} {{when}}?", t, places[t], informative))
            if len(set(obj.colour)) > 1:
                qa.append((f"What colour is {name} {{when}}?", t, obj.colour[t], True))
    rng.shuffle(qa)
    qa.sort(key=lambda item: not item[3])
    return [(question.format(when=frame_phrase(t + 1, rng)), answer) for question, t, answer, _ in qa[:MAX_FRAME_QUESTIONS]]


def build_frame_data(out_dir: str | Path, num_videos: int, seed: int, name: str = "still.json") -> Path:
    """`num_videos` moving videos (MP4) of a fresh demo world with their frame questions, in `name`."""
    from videoutr.demo.config import demo_world
    from videoutr.video.write import write_video
    from videoutr.world.captions import stable_rng
    from videoutr.world.render import render_frames
    from videoutr.world.simulate import sample_scene

    cfg = demo_world(num_videos, seed=seed, test_fraction=0.0)
    out = Path(out_dir)
    rng = random.Random(seed)
    samples = []
    for i in range(num_videos):
        video_id = f"f{i:05d}"
        ann = sample_scene(cfg, video_id, "train", stable_rng(cfg.seed, "scene", video_id))
        qa = frame_questions(ann, rng)
        if not qa:
            continue
        video = f"videos/{video_id}.mp4"
        write_video(out / video, render_frames(ann), fps=cfg.fps)
        samples.append(Sample.from_qa(video_id, qa, video=video, source="frames"))
    save_samples(out / name, samples)
    return out
