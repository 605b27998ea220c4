"""Frame-addressing videos for the base checkpoint: moving videos of the demo's kind, with questions
about one frame ("Where is the red circle in frame 3?", "What colour is the star in the last frame?")
and, in the `motion` phase, about two ("Which way does the red circle go from frame 2 to frame 6?");
the `recap` phase asks both again with a count (at one frame or, when it does not change, in the
whole video) and closes each dialogue with a web caption of the video (`videoutr.world.captions`),
so that the base reads captions and counts - the text the demo scores TPL on - as well as frames.

Still frames and cut videos teach a base to see and to tell a first frame from a last one, but
not to read a moving object's place at a given frame: arms fine-tuned from such a base on a
small pool memorise it (docs/demo.md). Real video MLLMs are pre-trained on far more video than
their instruction data; the world's analogue is this phase: many fresh videos (another world
seed than the demo's), asked about single frames by number, never in the benchmark's phrasing
("at the start / end of the video") and never about a change of colour, which the arms must
learn from their own data. Two-frame questions name both frames by number: the arms still have to
learn that the benchmark's "in which direction does X move" and "at the start / end" mean the
video's ends.

    qa = frame_questions(ann, random.Random(0)) + motion_questions(ann, random.Random(0))
"""

from __future__ import annotations

import random
from pathlib import Path

from videoutr.data.llava import Sample, save_samples
from videoutr.world.annotation import ObjectTrack, VideoAnnotation
from videoutr.world.captions import visible_objects
from videoutr.world.palette import box_place
from videoutr.world.questions import object_names

MAX_FRAME_QUESTIONS = 5
MAX_OBJECTS = 2  # the moving videos of these phases (and of the probe): the demo's world with 1-2 objects
ORDINALS = {1: "first", 8: "last"}  # frame numbers that are also asked as "the first / last frame"
MIN_VISIBLE = 0.5  # an object's place is asked only where at least this share of it is in view
MAX_MOTION_QUESTIONS = 2
MOTION_FRAMES_APART = 2  # the two frames of a motion question are at least this many frames apart
# the base's own wording, neither the benchmark's nor `videoutr engine`'s; each names the video, as
# the caption requests do ("What can you see in this video?"), so that "how many" is what tells
# them apart
VIDEO_COUNT_PHRASINGS = (
    "How many objects does this video contain?",
    "Count the objects that appear in the video.",
    "How many objects are visible in this video?",
    "Count every object in this video.",
    "How many objects can you see in this video?",
)
MIN_SHIFT_PX = 8  # a motion is asked only when the centre moves this far along its main axis,
# at least twice as far as across it


def frame_phrase(number: int, rng: random.Random) -> str:
    """ "in frame 3"; for the first and last frame, half the time "in the first / last frame"."""
    if number in ORDINALS and rng.random() < 0.5:
        return f"in the {ORDINALS[number]} frame"
    return f"in frame {number}"


def in_view(obj: ObjectTrack, t: int) -> bool:
    """Whether at least `MIN_VISIBLE` of `obj` is in the frame at frame t."""
    return obj.box_xyxy[t] is not None and obj.visible_fraction[t] >= MIN_VISIBLE


def place_at(ann: VideoAnnotation, obj: ObjectTrack, t: int) -> str | None:
    """The 3x3 place of `obj` at frame t where it is in view and off the grid lines, else None."""
    return box_place(obj.box_xyxy[t], ann.width, ann.height) if in_view(obj, t) else None


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
        places = [place_at(ann, obj, t) for t in range(ann.num_frames)]
        for t in range(ann.num_frames):
            if places[t] is not None:
                informative = any(p not in (None, places[t]) for p in places)
                qa.append((f"Where is {name} {{when}}?", t, places[t], informative))
            if len(set(obj.colour)) > 1:
                qa.append((f"What colour is {name} {{when}}?", t, obj.colour[t], True))
    rng.shuffle(qa)
    qa.sort(key=lambda item: not item[3])
    return [
        (question.format(when=frame_phrase(t + 1, rng)), answer) for question, t, answer, _ in qa[:MAX_FRAME_QUESTIONS]
    ]


def _shift_word(box_a, box_b) -> str | None:
    """left / right / up / down for a clear move of a box's centre between two frames, else None."""
    dx = (box_b[0] + box_b[2] - box_a[0] - box_a[2]) / 2
    dy = (box_b[1] + box_b[3] - box_a[1] - box_a[3]) / 2
    along, across = max(abs(dx), abs(dy)), min(abs(dx), abs(dy))
    if along < MIN_SHIFT_PX or across * 2 > along:
        return None
    if abs(dx) > abs(dy):
        return "right" if dx > 0 else "left"
    return "down" if dy > 0 else "up"


def motion_questions(ann: VideoAnnotation, rng: random.Random) -> list[tuple[str, str]]:
    """Up to `MAX_MOTION_QUESTIONS` (question, direction word) pairs, at most one per uniquely named
    object: which way it goes between two frames (a random pair with a clear move) where it is in view."""
    names = object_names(ann)
    qa = []
    for obj in ann.objects:
        if obj.id not in names:
            continue
        seen = [t for t in range(ann.num_frames) if in_view(obj, t)]
        pairs = [(a, b) for a in seen for b in seen if b - a >= MOTION_FRAMES_APART]
        rng.shuffle(pairs)
        for a, b in pairs:
            word = _shift_word(obj.box_xyxy[a], obj.box_xyxy[b])
            if word is not None:
                qa.append((f"Which way does {names[obj.id]} go from frame {a + 1} to frame {b + 1}?", word))
                break
    rng.shuffle(qa)
    return qa[:MAX_MOTION_QUESTIONS]


def count_question(ann: VideoAnnotation, rng: random.Random) -> tuple[str, str]:
    """How many objects are (at least half) in view: at a random frame, or half the time, when the
    same objects are in view in every frame, in the whole video (in one of `VIDEO_COUNT_PHRASINGS`)."""
    in_view_at = [{o.id for o in visible_objects(ann, t)} for t in range(ann.num_frames)]
    if all(ids == in_view_at[0] for ids in in_view_at) and rng.random() < 0.5:
        return rng.choice(VIDEO_COUNT_PHRASINGS), str(len(in_view_at[0]))
    t = rng.randrange(ann.num_frames)
    return f"How many objects are there {frame_phrase(t + 1, rng)}?", str(len(in_view_at[t]))


def video_questions(ann: VideoAnnotation, rng: random.Random, motion: bool) -> list[tuple[str, str]]:
    """A video's dialogue: its frame questions, or with `motion` its motion questions and 3 frame
    questions in a random order."""
    if not motion:
        return frame_questions(ann, rng)
    qa = motion_questions(ann, rng) + frame_questions(ann, rng)[:3]
    rng.shuffle(qa)
    return qa


def build_frame_data(
    out_dir: str | Path,
    num_videos: int,
    seed: int,
    motion: bool = False,
    count: bool = False,
    caption: bool = False,
    name: str = "still.json",
) -> Path:
    """`num_videos` moving videos (MP4) of a fresh demo world with their frame questions (and motion
    questions with `motion`), then with `count` how many objects are in view (`count_question`), and
    with `caption`, last, one of the video's web captions; in `name`."""
    from videoutr.demo.config import demo_world
    from videoutr.video.write import write_video
    from videoutr.world.captions import caption_samples
    from videoutr.world.render import render_frames
    from videoutr.world.simulate import numbered_scenes

    cfg = demo_world(num_videos, seed=seed, test_fraction=0.0, max_objects=MAX_OBJECTS)
    out = Path(out_dir)
    rng = random.Random(seed)
    samples = []
    for ann in numbered_scenes(cfg, "m" if motion else "f"):
        qa = video_questions(ann, rng, motion)
        if count:
            qa.append(count_question(ann, rng))
        if caption:
            qa.append(rng.choice(caption_samples(ann, seed, per_video=2)).qa()[0][0])
        if not qa:
            continue
        video = f"videos/{ann.id}.mp4"
        write_video(out / video, render_frames(ann), fps=cfg.fps)
        samples.append(Sample.from_qa(ann.id, qa, video=video, source="frames"))
    save_samples(out / name, samples)
    return out
