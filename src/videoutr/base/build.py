"""The base checkpoint: a tiny LLaVA-OneVision pre-trained to see frames and address them by number.

The world's analogue of the pretrained SigLIP + projector stage and of the video pre-training a
real video MLLM has before instruction tuning: it learns to see colours, shapes, counts and 3x3
places, the words of every answer and the captions' wording, to read a moving object's place or
colour at frame k and which way it goes between two numbered frames, but is never asked about
"the start / end of the video", a change of colour or the benchmark's questions, which the demo's
arms learn from their own data. It is built in ten phases (`PHASES`): still-frame dialogues with
captions; place questions alone (mixed with the other kinds, place does not leave the text prior);
every kind again; place alone and every kind once more, on fresh frames; place by frame on cut
videos (two moments of a scene), then cut videos and still frames mixed; place and colour at frame
k of 12,000 fresh moving videos; which way an object goes from frame a to frame b, with frame
questions, on 8,000 more; last, both again with a count (at one frame, or in the whole video when
it does not change) and a web caption closing each dialogue, on 8,000 more (`videoutr.base.frames`).
`videoutr.base.probe` checks what it learned.

Rebuild the committed checkpoint from scratch (about 2 hours on 2 CPU cores), or run only the
later phases from an existing checkpoint:

    videoutr base build --out src/videoutr/assets/tiny_base
    videoutr base build --phases frames,motion,recap --start CHECKPOINT
"""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass
from pathlib import Path

from videoutr.base.cut import build_cut_data
from videoutr.base.frames import MAX_FRAME_QUESTIONS, build_frame_data
from videoutr.base.still import MAX_QUESTIONS, QUESTION_KINDS, build_base_data
from videoutr.errors import ConfigError
from videoutr.grid import GRID_PLACES
from videoutr.jsonio import read_json
from videoutr.resources import package_path
from videoutr.train.config import DatasetEntry, TrainRecipe, validate

RECIPE = package_path("recipes", "tiny_base.yaml")
BUILTIN = package_path("assets", "tiny_base")


@dataclass(frozen=True)
class Phase:
    """One stage of the base build: data of its own world seed, trained for `steps`. `data`: still
    frames (questions of `kinds`, up to `max_questions`, a caption if `caption`), cut videos
    (`videoutr.base.cut`), moving videos asked about single frames (`frames`) or also about the way
    an object goes between two frames (`motion`, both `videoutr.base.frames`), or a mix."""

    name: str
    steps: int
    kinds: tuple[str, ...]
    max_questions: int
    caption: bool
    warmup_steps: int
    world_seed: int
    data: tuple[str, ...] = ("still",)
    videos: int | None = None  # scenes of its world (None: the build's `num_videos`)
    eval_fraction: float | None = None  # held-out share (None: the recipe's)


PHASES = (
    # colours, counts, the answer words and the captions' wording, from a fresh init
    Phase("still", 2000, QUESTION_KINDS, MAX_QUESTIONS, True, 100, 1000),
    # place gets the gradient to itself: mixed with the other kinds it never leaves the text prior
    Phase("place", 500, ("place",), 1, False, 50, 1001),
    # every kind again, so that count and colour settle while place is kept
    Phase("mix", 300, QUESTION_KINDS, MAX_QUESTIONS, False, 50, 1002),
    # a second round on fresh frames: place and count keep climbing after one round, and the arms
    # cannot time what they cannot see
    Phase("place2", 1000, ("place",), 1, False, 50, 1003),
    Phase("mix2", 500, QUESTION_KINDS, MAX_QUESTIONS, False, 50, 1004),
    # frame addressing: place "in the first / last frame" of cut videos (trained on still frames
    # alone, a base places a square that moves halfway through where it starts, whatever it is
    # asked), then cut videos and still frames mixed
    Phase("cut", 800, ("place",), 1, False, 50, 1007, ("cut",)),
    Phase("cutmix", 800, QUESTION_KINDS, MAX_QUESTIONS, False, 50, 1008, ("cut", "still")),
    # place and colour of moving objects at frame k, on 12,000 fresh videos: without it the arms
    # memorise their pool instead of learning time (docs/demo.md). No held-out split: the probe's
    # frame questions on another world seed measure it
    Phase("frames", 1500, (), MAX_FRAME_QUESTIONS, False, 50, 11, ("frames",), videos=12000, eval_fraction=0.0),
    # which way an object goes between two numbered frames, with frame questions, on 8,000 more:
    # without it no arm learns direction in its budget
    Phase("motion", 1000, (), MAX_FRAME_QUESTIONS, False, 50, 12, ("motion",), videos=8000, eval_fraction=0.0),
    # frame and motion questions again, with a count (at one frame or in the whole video), each
    # dialogue closed by a web caption of the video: a base that saw captions and counts in its first
    # phases only gives them perplexities in the thousands, and TPL under it measures its confusion,
    # not the data; a base that counts at one frame only reads "Count the objects in this video." as
    # a request for a caption
    Phase(
        "recap",
        800,
        ("count",),
        MAX_FRAME_QUESTIONS,
        True,
        50,
        13,
        ("frames", "motion"),
        videos=4000,
        eval_fraction=0.0,
    ),
)
PHASE_NAMES = tuple(phase.name for phase in PHASES)


def phase_data(out: Path, phase: Phase, num_videos: int) -> list[Path]:
    """Build a phase's data sets (one folder each, with its `still.json`)."""
    sets = []
    num_videos = phase.videos or num_videos
    for kind in phase.data:
        folder = out / kind if len(phase.data) > 1 else out
        if kind == "cut":
            sets.append(build_cut_data(folder, num_videos, phase.world_seed))
        elif kind in ("frames", "motion"):
            sets.append(
                build_frame_data(
                    folder,
                    num_videos,
                    phase.world_seed,
                    motion=kind == "motion",
                    count="count" in phase.kinds,
                    caption=phase.caption,
                )
            )
        else:
            sets.append(
                build_base_data(
                    folder,
                    num_videos,
                    phase.world_seed,
                    caption=phase.caption,
                    max_questions=phase.max_questions,
                    kinds=phase.kinds,
                )
            )
    return sets


def phase_recipe(
    recipe: TrainRecipe, phase: Phase, model: Path, train: Path, sets: list[Path], keep: set[str] = frozenset()
) -> TrainRecipe:
    """`recipe` for one phase: its start checkpoint, output folder, steps, warmup and data sets, except
    the dotted keys in `keep` (the user's own overrides win); validated."""
    values = {
        "model.path": str(model),
        "run.output_dir": str(train),
        "run.max_steps": phase.steps,
        "optim.warmup_steps": phase.warmup_steps,
        "data.datasets": [DatasetEntry(json_path=str(path / "still.json"), sampling_strategy="all") for path in sets],
        "data.video_root": [str(path) for path in sets],
    }
    if phase.eval_fraction is not None:
        values["data.eval_fraction"] = phase.eval_fraction
    recipe = copy.deepcopy(recipe)
    for key, value in values.items():
        if key not in keep:
            section, name = key.split(".")
            setattr(getattr(recipe, section), name, value)
    problems = validate(recipe)
    if problems:
        raise ConfigError(f"{RECIPE} (phase {phase.name}): " + "; ".join(problems))
    return recipe


def build_base(
    out: str | Path,
    work: str | Path = "runs/base-build",
    overrides: list[str] | None = None,
    phases: tuple[str, ...] = PHASE_NAMES,
    start: str | Path | None = None,
    num_videos: int = 1200,
) -> list[dict]:
    """Train the base per the packaged recipe `tiny_base.yaml`, phase by phase, from `start` (default: a fresh
    tiny model); copy the last phase's checkpoint to `out`. A finished phase is not run again, an
    interrupted one resumes from its last checkpoint. Returns each phase's training summary."""
    from videoutr.models.tiny import init_tiny_model
    from videoutr.train import load_recipe, run_training

    unknown = sorted(set(phases) - set(PHASE_NAMES))
    if unknown or not phases:
        raise ConfigError(f"base phases {', '.join(unknown) or '(none)'}: choose from {', '.join(PHASE_NAMES)}")
    recipe = load_recipe(RECIPE, overrides, semantic=False)
    given = {item.split("=", 1)[0].strip() for item in overrides or []}
    work = Path(work)
    model = Path(start) if start is not None else work / "init"
    if start is None:
        init_tiny_model(model, preset="tiny", seed=0, extra_text=tuple(GRID_PLACES))
    summaries = []
    for phase in (p for p in PHASES if p.name in phases):
        train = work / phase.name
        done = train / "train_summary.json"
        if done.is_file():
            summaries.append(read_json(done))
        else:
            sets = phase_data(work / "data" / phase.name, phase, num_videos)
            summaries.append(run_training(phase_recipe(recipe, phase, model, train, sets, keep=given)))
        model = train
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for path in model.iterdir():
        if path.is_file() and path.suffix in (".json", ".safetensors", ".jinja", ".txt") and path.name != "log.jsonl":
            shutil.copy2(path, out / path.name)
    return summaries
