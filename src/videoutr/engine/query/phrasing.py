"""Phrasings for each task type (several per type, picked by a seeded RNG) and text helpers.

Boxes are written normalised with two decimals: `frame 3: [0.12, 0.40, 0.30, 0.62]`.

    >>> box_text((0.123, 0.4, 0.3, 0.625))
    '[0.12, 0.40, 0.30, 0.62]'
"""

from __future__ import annotations

QUESTIONS: dict[str, list[str]] = {
    "box_to_track": [
        "What is the object at frame {frame}: {box}? Give its whole trajectory and tell me what it does.",
        "Please tell me what the object in frame {frame}: {box} is, and track it through the whole video.",
        "At frame {frame} there is something at {box}. Identify it and describe its full trajectory.",
    ],
    "location_to_track": [
        "Which object is in the {location} of the frame at frame {frame}? Follow it through the video.",
        "At frame {frame}, what is in the {location}? Give its trajectory and what it does.",
        "Look at the {location} at frame {frame}. What is there, and where does it go over the whole video?",
    ],
    "box_to_path": [
        "What is the object at frame {frame}: {box}? Where is it until frame {end}?",
        "Identify the object at {box} in frame {frame} and follow it to frame {end}.",
        "At frame {frame} something is at {box}. What is it, and how does it move up to frame {end}?",
    ],
    "camera_motion": [
        "How does the camera move during the video?",
        "Does the camera move? Describe its motion from the first frame to the last.",
        "Describe the camera's motion over the video, span by span.",
    ],
    "appearance_to_track": [
        "Track the {appearance} through the video: where is it, and what does it do?",
        "Where does the {appearance} go during the video? List its trajectory.",
        "Follow the {appearance}. When is it visible, where is it, and how does it move?",
    ],
    "span_to_subjects": [
        "Which objects are visible between frame {start} and frame {end}, and where are they?",
        "From frame {start} to frame {end}, who is in the video and where?",
        "Describe every object present from {start_s} s to {end_s} s (frames {start}-{end}) and its position.",
    ],
    "time_to_subjects": [
        "What is in the video at {time_s} seconds (frame {frame}), and where is each object?",
        "At frame {frame} ({time_s} s), list the objects and their boxes.",
        "Which objects can be seen at {time_s} s, and where are they?",
    ],
    "action_to_subjects": [
        "Which object {verb_present}, when, and where is it at that moment?",
        "Does any object {verb_base}? Tell me which one, at which frame, and where.",
        "Find the moment something {verb_present}. Which object is it and where is it?",
    ],
    "summary": [
        "What happens in this video? Describe the events in order.",
        "Summarize the whole video from beginning to end.",
        "Give a short account of the video, in temporal order.",
    ],
}

# `pose_action` (`pose.py`), by the kind of question it asks about the person's action spans.
POSE_QUESTIONS: dict[str, list[str]] = {
    "start": [
        "What is {name} doing when the video starts?",
        "At the beginning of the video, what is {name} doing?",
        "What does {name} do in the first frames?",
    ],
    "end": [
        "What is {name} doing when the video ends?",
        "At the end of the video, what is {name} doing?",
        "What does {name} do in the last frames?",
    ],
    "hand": [
        "Does {name} raise a hand? If so, when?",
        "Is there a moment when {name} raises a hand? Tell me when.",
        "Does {name} ever lift a hand above the shoulder during the video, and when?",
    ],
}

# The short-answer tasks (`short.py`). Benchmarks word the same facts their own way: the world's
# benchmark (`world.questions`) uses none of these sentences, so a model trained on engine data is
# scored on paraphrases it never saw. Each fact has many wordings, and the words that carry the time
# ("start", "first", "beginning"; "end", "last", "final"; "before", "after", "new") stand in
# different places: a small model then learns those words, not a handful of templates (measured on
# the demo's world: the benchmark's place at the end and colour before a change, docs/demo.md).
SHORT_QUESTIONS: dict[str, list[str]] = {
    "place_at_start": [
        "Where is {name} when the video starts?",
        "At the start, where is {name}?",
        "Where does {name} start out?",
        "Where is {name} in the first frame?",
        "Where can {name} be seen at the beginning?",
        "In the opening frame, where is {name}?",
        "Where is {name} at the very start?",
        "When the clip begins, where is {name}?",
        "At the beginning of the video, where is {name}?",
        "Where was {name} at first?",
        "Where is {name} as the video opens?",
    ],
    "place_at_end": [
        "Where is {name} when the video ends?",
        "At the end, where is {name}?",
        "Where does {name} end up?",
        "Where is {name} in the last frame?",
        "Where is {name} at the very end?",
        "In the final frame, where is {name}?",
        "When the clip ends, where is {name}?",
        "Where can {name} be seen at the end?",
        "Where is {name} finally?",
        "At the end of the clip, where is {name}?",
        "Where is {name} as the video closes?",
    ],
    "move_direction": [
        "Which way does {name} move?",
        "What direction is {name} moving in?",
        "Where is {name} heading?",
        "Which way is {name} going?",
        "In what direction does {name} travel?",
        "Which direction does {name} head in?",
        "What is the direction of the motion of {name}?",
    ],
    "colour_before": [
        "Which colour does {name} have before the change?",
        "Before {name} changes colour, what colour is it?",
        "What was the colour of {name} before it changed?",
        "What colour is {name} in the first frame?",
        "What colour does {name} have at first?",
        "Before its colour changes, what colour is {name}?",
        "What is the original colour of {name}?",
        "What colour was {name} before the change?",
        "What colour is {name} before it turns another colour?",
        "Which colour does {name} start with?",
        "At first, what colour is {name}?",
    ],
    "colour_after": [
        "Which colour does {name} turn into?",
        "After the change, what colour is {name}?",
        "What colour is {name} once it has changed?",
        "What colour is {name} in the last frame?",
        "What colour does {name} become?",
        "What colour is {name} after its colour changes?",
        "Which colour does {name} end with?",
        "What is the new colour of {name}?",
        "What colour does {name} turn?",
        "In the end, what colour is {name}?",
        "After {name} changes colour, what colour is it?",
    ],
    "place_at_change": [
        "Where is {name} at the moment its colour changes?",
        "When {name} turns another colour, where is it?",
        "Where does {name} change colour?",
        "At the moment of its colour change, where is {name}?",
        "Where is {name} as it takes on its new colour?",
        "In which place does the colour of {name} change?",
        "Where is {name} when its colour switches?",
        "Where is {name} at the time it changes colour?",
        "As {name} changes colour, where is it?",
    ],
    "place_at_middle": [
        "Where is {name} in the middle of the video?",
        "Midway through the clip, where is {name}?",
        "Where is {name} half-way through?",
        "In the middle frames, where is {name}?",
        "Where can {name} be seen midway through the video?",
        "At the middle of the clip, where is {name}?",
        "Where is {name} when the video is half over?",
        "Half-way through the video, where is {name}?",
        "Where is {name} at the video's midpoint?",
    ],
    "subject_count": [
        "How many objects does the video show?",
        "Count the objects in this video.",
        "How many objects can be seen in the video?",
        "How many objects are there?",
        "What is the number of objects in the video?",
        "How many objects appear in this video?",
    ],
}

VERBS = {
    "start": ("starts moving", "start moving", "starts moving"),
    "stop": ("stops", "stop", "stops"),
    "turn": ("changes direction", "change direction", "turns"),
    "enter": ("enters the scene", "enter the scene", "enters"),
    "exit": ("leaves the scene", "leave the scene", "leaves"),
    "colour_change": ("changes colour", "change colour", "changes colour"),
}


def box_text(box_norm) -> str:
    """A normalised xyxy box as `[x1, y1, x2, y2]` with two decimals."""
    return "[" + ", ".join(f"{v:.2f}" for v in box_norm) + "]"


def round_box(box_norm) -> list[float]:
    """The box exactly as written in text (two decimals), for claims checked later."""
    return [round(float(v), 2) for v in box_norm]


def seconds(time_s: float) -> str:
    return f"{time_s:.1f}"


def join_phrases(parts: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
