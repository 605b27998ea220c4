"""The demo's training sets, built from the world (captions) and the engine (UTR data).

- caption pool: each world caption (what one middle or last frame shows) followed by questions that
  frame answers for the whole video - how many objects, their colours and shapes - the web-caption
  analogue (`videoutr.base.still.still_questions`);
- UTR pool: the engine's dialogues (`utr.json`) of the core videos, exactly as `videoutr engine run`
  wrote them (its short-answer tasks, `videoutr.engine.query.short`);
- format-control pool: the UTR pool's text, each dialogue shown a still video of ONE frame of its
  video (a seeded random frame): the same question templates and answer distribution, but every
  answer has to come from one moment - what a model can learn from UTR's wording alone;
- one materialised JSON per arm (`arm_<name>.json`), so the TPL of exactly what an arm trained on
  can be averaged afterwards;
- a fixed-size random subset of each pool (`tpl_<pool>.json`) for the TPL stage to score.

    pools = build_pools(world_dir, engine_in, engine_out, core_ids, train_ids, out_dir)
    write_arm("utr_50", pools, out_dir, seed=0)
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from videoutr.base.still import still_questions
from videoutr.data.llava import Sample, load_samples, save_samples
from videoutr.world.annotation import load_annotations

CAPTION_QUESTIONS = 3  # still-frame questions appended to each caption
# what one frame tells about the whole (moving) video: how many objects, their colours and shapes;
# a place is true of the caption's frame only, and asked over the moving video it teaches the model
# to answer "where" with a blur of the frames
CAPTION_KINDS = ("count", "shape", "colour")
UTR_SHARES = {"utr": 1.0, "utr_50": 0.5, "utr_25": 0.25}
STILL_DIR = "still"  # format-control videos, under the data folder


def train_split(world_dir: Path) -> list[str]:
    """Ids of the world's train videos, in id order."""
    return sorted(a.id for a in load_annotations(world_dir) if a.split == "train")


def core_videos(train_ids: list[str], fraction: float) -> list[str]:
    """The first `fraction` of the train videos (at least one): what the main arms train on."""
    return train_ids[: max(1, int(round(len(train_ids) * fraction)))]


def caption_pool(world_dir: Path, video_ids: set[str], seed: int = 0) -> list[Sample]:
    """World captions of `video_ids`, each with still-frame questions about its caption frame."""
    anns = {a.id: a for a in load_annotations(world_dir)}
    out = []
    for sample in load_samples(world_dir / "captions.json"):
        video_id = Path(sample.video or "").stem
        if video_id not in video_ids:
            continue
        rng = random.Random(f"{seed}:{sample.id}")
        t = int(sample.extra.get("caption_frame", anns[video_id].num_frames - 1))
        qa, placeholder = sample.qa()
        qa += still_questions(anns[video_id], t, rng, CAPTION_KINDS)[:CAPTION_QUESTIONS]
        out.append(
            Sample.from_qa(
                sample.id,
                qa,
                video=sample.video,
                source="captions",
                extra={"caption_frame": t},
                placeholder=placeholder,
            )
        )
    return out


def utr_pool(engine_dir: Path, video_ids: set[str]) -> list[Sample]:
    """The engine's dialogues (`utr.json`) of `video_ids`, unchanged."""
    return sorted(
        (s for s in load_samples(engine_dir / "utr.json") if Path(s.video or "").stem in video_ids), key=lambda s: s.id
    )


def control_pool(utr: list[Sample], video_dir: Path, data_dir: Path, seed: int = 0) -> list[Sample]:
    """UTR's dialogues, each over a still video of one seeded random frame of its video (relative
    to `video_dir`); the still videos are written under `data_dir/still` (paths relative to it)."""
    from videoutr.video import sample_frames
    from videoutr.video.write import write_video

    out, decoded = [], {}
    for sample in utr:  # the engine writes several dialogues per video: decode each video once
        if sample.video not in decoded:
            decoded = {sample.video: sample_frames(video_dir / sample.video).frames}
        frames = decoded[sample.video]
        t = random.Random(f"{seed}:control:{sample.id}").randrange(len(frames))
        video = f"{STILL_DIR}/{sample.id}_t{t}.mp4"
        if not (data_dir / video).is_file():
            write_video(data_dir / video, np.repeat(frames[t][None], len(frames), axis=0), fps=4.0)
        out.append(
            Sample(
                id=f"{sample.id}_still",
                conversations=sample.conversations,
                video=video,
                source="format_control",
                extra={"still_frame": t, "of": sample.video},
            )
        )
    return out


def build_pools(
    world_dir: Path, engine_in: Path, engine_out: Path, core: list[str], train: list[str], out_dir: Path
) -> dict[str, Path]:
    """Write captions.json (core), captions_x2.json (all train videos: twice the core), utr.json (core; the engine
    read `engine_in`, wrote `engine_out`) and control.json (UTR's text over one-frame still videos)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / f"{name}.json" for name in ("captions", "captions_x2", "utr", "control")}
    save_samples(paths["captions"], caption_pool(world_dir, set(core)))
    save_samples(paths["captions_x2"], caption_pool(world_dir, set(train)))
    utr = utr_pool(engine_out, set(core))
    save_samples(paths["utr"], utr)
    save_samples(paths["control"], control_pool(utr, engine_in, out_dir))
    return paths


def arm_samples(arm: str, pools: dict[str, Path], seed: int = 0) -> list[Sample]:
    """What arm `arm` trains on (captions_tpl is written by the TPL stage instead)."""
    if arm in ("captions", "captions_x2"):
        return load_samples(pools[arm])
    if arm == "control":
        return load_samples(pools["captions"]) + load_samples(pools["control"])
    if arm in UTR_SHARES:
        utr = load_samples(pools["utr"])
        keep = sorted(random.Random(seed).sample(range(len(utr)), max(1, round(len(utr) * UTR_SHARES[arm]))))
        return load_samples(pools["captions"]) + [utr[i] for i in keep]
    raise KeyError(f"arm {arm!r} has no fixed data (known: captions, captions_x2, control, {', '.join(UTR_SHARES)})")


def write_arm(arm: str, pools: dict[str, Path], out_dir: Path, seed: int = 0) -> Path:
    path = out_dir / f"arm_{arm}.json"
    save_samples(path, arm_samples(arm, pools, seed))
    return path


def tpl_subset(pool: Path, size: int, seed: int, out: Path) -> Path:
    """A seeded random `size` samples of `pool` (all when it holds fewer), in the pool's order, written
    to `out`: what the TPL stage scores, so that its cost does not grow with the world."""
    samples = load_samples(pool)
    keep = sorted(random.Random(f"{seed}:tpl:{pool.stem}").sample(range(len(samples)), min(size, len(samples))))
    save_samples(out, [samples[i] for i in keep])
    return out


def paraphrase_overlap(bench_json: Path, pools: list[Path]) -> dict[str, int]:
    """How many of the benchmark's question sentences appear verbatim as a human turn of any pool
    (the demo's paraphrase split: 0 is expected), and how many distinct ones there are."""
    from videoutr.jsonio import read_json

    bench = {q["question"] for q in read_json(bench_json)}
    asked = {
        turn.value.split("\n")[-1]
        for pool in pools
        for s in load_samples(pool)
        for turn in s.conversations
        if turn.role == "human"
    }
    return {"bench_questions": len(bench), "found_in_training": len(bench & asked)}
