"""The demo's training sets, built from the world (captions) and the engine (UTR data).

- caption pool: each world caption (what one middle or last frame shows) followed by still-frame
  questions about that same frame - the web-caption analogue with the benchmark's answer words,
  so that every arm can be scored on the benchmark (`videoutr.demo.base.still_questions`);
- UTR pool: per core video, the engine's own dialogue(s) plus one dialogue of the engine's
  trajectories asked in the benchmark's short form (`videoutr.demo.utr_tasks`);
- one materialised JSON per arm (`arm_<name>.json`), so the TPL of exactly what an arm trained
  on can be averaged afterwards.

    >>> pools = build_pools(world_dir, engine_dir, core_ids, out_dir)
    >>> write_arm("utr_50", pools, out_dir, seed=0)
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from videoutr.data.llava import VIDEO_TOKEN, Sample, Turn, load_samples, save_samples
from videoutr.demo.base import still_questions
from videoutr.demo.utr_tasks import trajectory_questions
from videoutr.engine.types import ClipTrajectories
from videoutr.world.annotation import load_annotations

CAPTION_QUESTIONS = 3  # still-frame questions appended to each caption
UTR_SHARES = {"utr": 1.0, "utr_50": 0.5, "utr_25": 0.25}


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
        turns = list(sample.conversations)
        for question, answer in [qa for qa in still_questions(anns[video_id], t, rng) if " the video" not in qa[0]][:CAPTION_QUESTIONS]:
            turns += [Turn("human", question), Turn("gpt", answer)]
        out.append(Sample(id=sample.id, conversations=turns, video=sample.video, source="captions",
                          extra={"caption_frame": t}))
    return out


def engine_clips(engine_dir: Path, video_ids: set[str]) -> list[ClipTrajectories]:
    """The engine's trajectories (`trajectories.jsonl`) of `video_ids`."""
    clips = (ClipTrajectories.from_dict(json.loads(line))
             for line in (engine_dir / "trajectories.jsonl").read_text(encoding="utf-8").splitlines())
    return [clip for clip in clips if Path(clip.video).stem in video_ids]


def utr_pool(engine_dir: Path, video_ids: set[str]) -> list[Sample]:
    """Engine dialogues of `video_ids` plus one trajectory-question dialogue per video."""
    out = [s for s in load_samples(engine_dir / "utr.json") if Path(s.video or "").stem in video_ids]
    for clip in engine_clips(engine_dir, video_ids):
        qa = trajectory_questions(clip)
        if not qa:
            continue
        turns = []
        for question, answer in qa:
            turns += [Turn("human", question), Turn("gpt", answer)]
        turns[0] = Turn("human", f"{VIDEO_TOKEN}\n{turns[0].value}")
        out.append(Sample(id=f"{Path(clip.video).stem}_trajqa", conversations=turns, video=clip.video,
                          source="utr", extra={"subset": "utr_trajectory_qa"}))
    return sorted(out, key=lambda s: s.id)


def build_pools(world_dir: Path, engine_dir: Path, core: list[str], train: list[str], out_dir: Path) -> dict[str, Path]:
    """Write captions.json (core), captions_x4.json (all train videos) and utr.json (core)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"captions": out_dir / "captions.json", "captions_x4": out_dir / "captions_x4.json",
             "utr": out_dir / "utr.json"}
    save_samples(paths["captions"], caption_pool(world_dir, set(core)))
    save_samples(paths["captions_x4"], caption_pool(world_dir, set(train)))
    save_samples(paths["utr"], utr_pool(engine_dir, set(core)))
    return paths


def arm_samples(arm: str, pools: dict[str, Path], seed: int = 0) -> list[Sample]:
    """What arm `arm` trains on (captions_tpl is written by the TPL stage instead)."""
    if arm == "captions":
        return load_samples(pools["captions"])
    if arm == "captions_x4":
        return load_samples(pools["captions_x4"])
    if arm in UTR_SHARES:
        utr = load_samples(pools["utr"])
        keep = sorted(random.Random(seed).sample(range(len(utr)), max(1, round(len(utr) * UTR_SHARES[arm]))))
        return load_samples(pools["captions"]) + [utr[i] for i in keep]
    raise KeyError(f"arm {arm!r} has no fixed data (known: captions, captions_x4, {', '.join(UTR_SHARES)})")


def write_arm(arm: str, pools: dict[str, Path], out_dir: Path, seed: int = 0) -> Path:
    path = out_dir / f"arm_{arm}.json"
    save_samples(path, arm_samples(arm, pools, seed))
    return path
