"""The base checkpoint: a tiny LLaVA-OneVision pre-trained on STILL frames of the demo world.

The world's analogue of the pretrained SigLIP + projector stage: it learns to see colours, shapes,
counts and 3x3 places, and the words of every answer, but never sees time (each sample is one
frame shown as a still video). The demo's arms fine-tune from it, so their differences come from
the temporal content of their data alone.

Rebuild the committed checkpoint from scratch (about 10-15 minutes on 2 CPU cores):

    python -m videoutr.demo.base --out src/videoutr/assets/tiny_base

    >>> samples = still_samples(ann, t=0, rng=random.Random(0))
    >>> samples[0].conversations[-1].value
    'A red circle on a plain background.'
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from videoutr.data.llava import VIDEO_TOKEN, Sample, Turn, save_samples
from videoutr.world.annotation import VideoAnnotation
from videoutr.world.captions import PROMPTS, describe_frame, stable_rng, visible_objects
from videoutr.world.palette import GRID_PLACES, grid_place, near_grid_line

RECIPE = Path(__file__).resolve().parents[3] / "recipes" / "tiny_base.yaml"
BUILTIN = Path(__file__).resolve().parents[1] / "assets" / "tiny_base"
MAX_QUESTIONS = 5
WHEN = ("", " at the start of the video", " at the end of the video")  # a still video: all the same


def _place(ann: VideoAnnotation, box: list[int]) -> str | None:
    cx, cy = (box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0
    return None if near_grid_line(cx, cy, ann.width, ann.height) else grid_place(cx, cy, ann.width, ann.height)


def still_questions(ann: VideoAnnotation, t: int, rng: random.Random) -> list[tuple[str, str]]:
    """(question, answer) pairs answerable from frame t alone, in the benchmark's phrasing."""
    objects = visible_objects(ann, t)
    qa = [("How many objects are there?", str(len(objects)))]
    for obj in objects:
        colour = obj.colour[t]
        same_colour = [o for o in objects if o.colour[t] == colour]
        if len(same_colour) == 1:
            qa.append((f"What shape is the {colour} object?", obj.shape))
        if sum(o.shape == obj.shape for o in objects) == 1:
            qa.append((f"What colour is the {obj.shape}?", colour))
        place = _place(ann, obj.box_xyxy[t])
        if place is not None and len(same_colour) == 1:
            qa.append((f"Where is the {colour} {obj.shape}{rng.choice(WHEN)}?", place))
    rng.shuffle(qa)
    return qa


def still_samples(ann: VideoAnnotation, t: int, rng: random.Random, image: str = "",
                  caption: bool = True, max_questions: int = MAX_QUESTIONS) -> list[Sample]:
    """One dialogue about frame t: up to `max_questions` still-frame questions, then a caption
    (last, so that no answer can be read off the caption's text) unless `caption=False`."""
    turns: list[Turn] = []
    for question, answer in still_questions(ann, t, rng)[:max_questions]:
        turns += [Turn("human", question), Turn("gpt", answer)]
    if caption or not turns:
        turns += [Turn("human", rng.choice(PROMPTS)), Turn("gpt", describe_frame(ann, t, rng.randrange(4)))]
    turns[0] = Turn("human", f"{VIDEO_TOKEN}\n{turns[0].value}")
    return [Sample(id=f"{ann.id}_t{t}", conversations=turns, image=image, source="still")]


def build_base_data(out_dir: str | Path, num_videos: int = 1200, seed: int = 1000, frames_per_video: int = 3,
                    caption: bool = True, max_questions: int = MAX_QUESTIONS, name: str = "still.json") -> Path:
    """Render `frames_per_video` still frames per video of a fresh demo world; write PNGs + `name`."""
    from PIL import Image

    from videoutr.demo.config import demo_world
    from videoutr.world.render import render_frame
    from videoutr.world.simulate import sample_scene

    cfg = demo_world(num_videos, seed=seed, test_fraction=0.0)
    out = Path(out_dir)
    (out / "frames").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    samples = []
    for i in range(num_videos):
        video_id = f"p{i:05d}"
        ann = sample_scene(cfg, video_id, "train", stable_rng(cfg.seed, "scene", video_id))
        for t in sorted(rng.sample(range(ann.num_frames), frames_per_video)):
            frame_name = f"frames/{video_id}_t{t:02d}.png"
            Image.fromarray(render_frame(ann, t)).save(out / frame_name)
            samples += still_samples(ann, t, rng, image=frame_name, caption=caption, max_questions=max_questions)
    save_samples(out / name, samples)
    return out


def build_base(out: str | Path, work: str | Path = "runs/base-build", overrides: list[str] | None = None) -> dict:
    """Pre-train the base from a fresh tiny model per `recipes/tiny_base.yaml`; copy it to `out`."""
    from videoutr.models.tiny import init_tiny_model
    from videoutr.train import load_recipe, run_training

    work = Path(work)
    data = build_base_data(work / "data")
    init_tiny_model(work / "init", preset="tiny", seed=0, extra_text=tuple(GRID_PLACES))
    recipe = load_recipe(RECIPE, [f"model.path={work / 'init'}", f"run.output_dir={work / 'train'}",
                                  f"data.datasets=[{{json_path: {data / 'still.json'}, sampling_strategy: all}}]",
                                  f"data.video_root=[{data}]", *(overrides or [])])
    summary = run_training(recipe)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for path in (work / "train").iterdir():
        if path.is_file() and path.suffix in (".json", ".safetensors", ".jinja", ".txt") and path.name != "log.jsonl":
            shutil.copy2(path, out / path.name)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description="Rebuild the demo's base checkpoint from scratch.")
    parser.add_argument("--out", default=str(BUILTIN))
    parser.add_argument("--work", default="runs/base-build")
    parser.add_argument("overrides", nargs="*", help="recipe overrides, e.g. run.max_steps=100")
    args = parser.parse_args()
    print(build_base(args.out, args.work, args.overrides))


if __name__ == "__main__":
    main()
