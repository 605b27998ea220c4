"""What a base checkpoint reads off ONE frame: accuracy per still-question kind, and the cell test.

Each question is asked alone about a still video of one held-out frame (a world seed no base phase
trained on) and answered by option log-likelihood over the kind's whole answer set, so chance is
1/6 for count, 1/5 shape, 1/8 colour, 1/9 place. The cell test draws a medium red square at the
centre of each 3x3 cell of a plain frame and asks where it is: a model that localises answers
differently per cell; one on the text prior gives the same answer nine times. The frame test asks
where an object is, or what colour, in the first and in the last frame of held-out moving videos
of the demo's kind (`videoutr.base.frames`): a model that addresses frames answers both. The
boundary test asks the colour of an object in the frames just before and just after it changes
colour, at every frame number: a model that reads frame k off a neighbour fails it there. The
addressing test asks where an object is in frame k, for every k, of the video as it is, with frame
k blanked and with every other frame blanked: a model that reads frame k off frame k keeps its
answer in the third and loses it in the second.

    probe = probe_base("src/videoutr/assets/tiny_base", videos=200)   # the committed base
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from videoutr.base.still import QUESTION_KINDS, base_world, still_questions
from videoutr.eval.benchmarks import BenchItem
from videoutr.eval.scoring import dialogue_logliks, option_dialogues, pick_by_loglik
from videoutr.grid import GRID_PLACES
from videoutr.world.annotation import VideoAnnotation
from videoutr.world.config import WorldConfig
from videoutr.world.palette import COLOURS, PALETTE, SHAPES, SIZE_CLASSES

CANDIDATES = {
    "count": [str(n) for n in range(6)],
    "shape": list(SHAPES),
    "colour": list(COLOURS),
    "place": list(GRID_PLACES),
}
PROBE_WORLD_SEED = 2000  # not a seed of any base phase (videoutr.base.build.PHASES)
CELL_BACKGROUND = (200, 200, 200)
BOUNDARY_EVENTS = (1, 7)  # the boundary test's colour changes first show at any frame but the first
BOUNDARY_CHANGE_P = 0.7  # share of its objects that change colour


def _answer(model, processor, question: str, candidates: list[str], frames: np.ndarray) -> str | None:
    item = BenchItem(id="probe", video="<in memory>", question=question, kind="mcq", candidates=candidates)
    logliks, _ = dialogue_logliks(model, processor, option_dialogues(item), frames)
    best = pick_by_loglik(logliks)
    return None if best is None else candidates[best]


def cell_frames(size: int = 64, num_frames: int = 8) -> list[tuple[str, np.ndarray]]:
    """(place, still video) for a medium red square centred in each 3x3 cell of a plain frame."""
    from videoutr.world.render import shape_mask

    side = round(SIZE_CLASSES["medium"] * size)
    videos = []
    for index, place in enumerate(GRID_PLACES):
        row, col = divmod(index, 3)
        frame = np.empty((size, size, 3), dtype=np.uint8)
        frame[:] = CELL_BACKGROUND
        mask, x0, y0 = shape_mask("square", ((col + 0.5) * size / 3, (row + 0.5) * size / 3), side)
        frame[y0 : y0 + mask.shape[0], x0 : x0 + mask.shape[1]][mask] = PALETTE["red"]
        videos.append((place, np.repeat(frame[None], num_frames, axis=0)))
    return videos


def frame_probe_questions(ann, t: int) -> list[tuple[str, str, str]]:
    """(kind, question, answer) about frame t of a moving video: place and colour of each uniquely
    named object in view there; kinds `place_first`, `colour_last`, ..."""
    from videoutr.base.frames import in_view, place_at
    from videoutr.world.questions import object_names

    when = "first" if t == 0 else "last"
    names = object_names(ann)
    out = []
    for obj in ann.objects:
        name = names.get(obj.id)
        if name is None or not in_view(obj, t):
            continue
        place = place_at(ann, obj, t)
        if place is not None:
            out.append((f"place_{when}", f"Where is {name} in frame {t + 1}?", place))
        out.append((f"colour_{when}", f"What colour is {name} in frame {t + 1}?", obj.colour[t]))
    return out


def _moving_videos(cfg: WorldConfig, prefix: str) -> Iterator[tuple[VideoAnnotation, np.ndarray]]:
    """(annotation, rendered frames) of each of `cfg`'s videos, ids `prefix` + 5 digits."""
    from videoutr.world.render import render_frames
    from videoutr.world.simulate import numbered_scenes

    for ann in numbered_scenes(cfg, prefix):
        yield ann, render_frames(ann)


def frame_world(videos: int, seed: int) -> WorldConfig:
    """Held-out moving videos of the base's kind (`videoutr.base.frames`: the demo's, 1-2 objects)."""
    from videoutr.base.frames import MAX_OBJECTS
    from videoutr.demo.config import demo_world

    return demo_world(videos, seed=seed, test_fraction=0.0, max_objects=MAX_OBJECTS)


def frame_probe(model, processor, videos: int, seed: int) -> dict[str, list[int]]:
    """Right (1) or wrong (0) per question of `frame_probe_questions` on the first and last frame of
    `videos` held-out moving videos of the demo's kind."""
    correct: dict[str, list[int]] = {}
    for ann, frames in _moving_videos(frame_world(videos, seed), "m"):
        for t in (0, ann.num_frames - 1):
            for kind, question, answer in frame_probe_questions(ann, t):
                choice = _answer(model, processor, question, CANDIDATES[kind.split("_")[0]], frames)
                correct.setdefault(kind, []).append(int(choice == answer))
    return correct


ADDRESSING_VIEWS = ("as_is", "k_blanked", "only_k")


def addressing_views(frames: np.ndarray, t: int) -> dict[str, np.ndarray]:
    """The video as it is, with frame t blanked, and with every frame but t blanked (a blank frame:
    `eval.frame_use.blank_like`, the frame's background)."""
    from videoutr.eval.frame_use import blank_like

    blanked, only = frames.copy(), np.stack([blank_like(f) for f in frames])
    blanked[t], only[t] = blank_like(frames[t]), frames[t]
    return dict(zip(ADDRESSING_VIEWS, (frames, blanked, only)))


def addressing_probe(model, processor, videos: int, seed: int) -> dict[str, dict[int, list[int]]]:
    """Per view of `addressing_views` and frame number (1-based), right (1) or wrong (0) for "Where is
    X in frame k?" on `videos` held-out moving videos of `frame_world`, for every frame where a
    uniquely named object's place is clear."""
    from videoutr.base.frames import place_at
    from videoutr.world.questions import object_names

    correct: dict[str, dict[int, list[int]]] = {view: {} for view in ADDRESSING_VIEWS}
    for ann, frames in _moving_videos(frame_world(videos, seed), "m"):
        names = object_names(ann)
        for t in range(ann.num_frames):
            views = addressing_views(frames, t)
            for obj in ann.objects:
                place = place_at(ann, obj, t)
                if obj.id not in names or place is None:
                    continue
                question = f"Where is {names[obj.id]} in frame {t + 1}?"
                for view, video in views.items():
                    choice = _answer(model, processor, question, CANDIDATES["place"], video)
                    correct[view].setdefault(t + 1, []).append(int(choice == place))
    return correct


def boundary_world(videos: int, seed: int) -> WorldConfig:
    """Moving videos of the base's kind (`videoutr.base.frames`: 1-2 objects) whose colour changes may
    first show at any frame after the first. The base's own videos show them at frames 2-6 only, so
    on those the last three frames always agree on a colour, and frames 1 and 2 always do."""
    from videoutr.base.frames import MAX_OBJECTS
    from videoutr.demo.config import demo_world

    return demo_world(
        videos,
        seed=seed,
        test_fraction=0.0,
        max_objects=MAX_OBJECTS,
        event_frames=BOUNDARY_EVENTS,
        p_colour_change=BOUNDARY_CHANGE_P,
    )


def boundary_cases(ann: VideoAnnotation) -> list[tuple[str, int, str, str]]:
    """(name, frame, colour, the other colour) at each colour change of a uniquely named object (its
    `colour_change` events): the last frame (0-based) before it and the first after, where the object
    is in view: two neighbouring frames that answer differently."""
    from videoutr.base.frames import in_view
    from videoutr.world.questions import object_names

    names = object_names(ann)
    cases = []
    for obj in ann.objects:
        if obj.id not in names:
            continue
        for change in obj.events_of("colour_change"):
            t, before, after = change.frame, change.details["from"], change.details["to"]
            sides = ((t - 1, before, after), (t, after, before))
            cases += [(names[obj.id], frame, colour, other) for frame, colour, other in sides if in_view(obj, frame)]
    return cases


def boundary_probe(model, processor, videos: int, seed: int) -> dict[int, list[str]]:
    """Per frame number (1-based), the outcome of asking an object's colour in the frame just
    before and the frame just after it changes colour ("What colour is the star in frame 6?",
    `boundary_cases`) on `videos` held-out videos of `boundary_world`: "right", "neighbour" (the
    colour the other side of the change shows: the frame read off its neighbour) or "wrong"
    (neither: the colour misread)."""
    outcomes: dict[int, list[str]] = {}
    for ann, frames in _moving_videos(boundary_world(videos, seed), "b"):
        for name, t, colour, other in boundary_cases(ann):
            choice = _answer(model, processor, f"What colour is {name} in frame {t + 1}?", CANDIDATES["colour"], frames)
            outcome = "right" if choice == colour else "neighbour" if choice == other else "wrong"
            outcomes.setdefault(t + 1, []).append(outcome)
    return outcomes


def _share(outcomes: list[str], outcome: str) -> float:
    """The share of `outcomes` that are `outcome`, to 3 decimals."""
    return round(outcomes.count(outcome) / len(outcomes), 3)


def probe_base(model_dir: str | Path, videos: int = 60, seed: int = PROBE_WORLD_SEED, num_frames: int = 8) -> dict:
    """Still-frame accuracy per question kind on `videos` held-out frames, the cell test, and the frame,
    boundary and addressing tests on `videos` held-out moving videos each (the boundary test: the
    share right and the share read off the neighbouring frame, per frame number; the addressing
    test: the share right per frame number and view)."""
    import torch

    from videoutr.models.load import load_video_model
    from videoutr.world.render import render_frame
    from videoutr.world.simulate import numbered_scenes

    model, processor = load_video_model(model_dir)
    cfg = base_world(videos, seed=seed, test_fraction=0.0)
    rng = random.Random(seed)
    correct: dict[str, list[int]] = {kind: [] for kind in QUESTION_KINDS}
    with torch.no_grad():
        for ann in numbered_scenes(cfg, "q"):
            t = rng.randrange(ann.num_frames)
            frames = np.repeat(render_frame(ann, t)[None], num_frames, axis=0)
            for kind in QUESTION_KINDS:
                for question, answer in still_questions(ann, t, rng, (kind,))[:1]:
                    correct[kind].append(int(_answer(model, processor, question, CANDIDATES[kind], frames) == answer))
        cells = [
            (place, _answer(model, processor, "Where is the red square?", CANDIDATES["place"], video))
            for place, video in cell_frames(cfg.width, num_frames)
        ]
        by_frame = frame_probe(model, processor, videos, seed)
        by_boundary = boundary_probe(model, processor, videos, seed)
        by_address = addressing_probe(model, processor, videos, seed)
    return {
        "model": str(model_dir),
        "videos": videos,
        "world_seed": seed,
        "accuracy": {kind: round(float(np.mean(v)), 3) if v else None for kind, v in correct.items()},
        "questions": {kind: len(v) for kind, v in correct.items()},
        "chance": {kind: round(1 / len(CANDIDATES[kind]), 3) for kind in QUESTION_KINDS},
        "cell_test": {
            "answers": dict(cells),
            "correct": sum(p == a for p, a in cells),
            "distinct_answers": len({a for _, a in cells}),
        },
        "frame_test": {
            "accuracy": {kind: round(float(np.mean(v)), 3) for kind, v in sorted(by_frame.items())},
            "questions": {kind: len(v) for kind, v in sorted(by_frame.items())},
        },
        "boundary_test": {
            "right": {f"frame_{k}": _share(by_boundary[k], "right") for k in sorted(by_boundary)},
            "neighbour": {f"frame_{k}": _share(by_boundary[k], "neighbour") for k in sorted(by_boundary)},
            "questions": {f"frame_{k}": len(by_boundary[k]) for k in sorted(by_boundary)},
        },
        "addressing_test": {
            **{
                view: {f"frame_{k}": round(float(np.mean(v)), 3) for k, v in sorted(by_address[view].items())}
                for view in ADDRESSING_VIEWS
            },
            "questions": {f"frame_{k}": len(v) for k, v in sorted(by_address["as_is"].items())},
        },
    }
