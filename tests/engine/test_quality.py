"""Quality against the synthetic world's ground truth, and the metrics themselves.

Thresholds sit below the measured figures (bench/bench_engine.py reports them on the default
world) but far above what a broken detector, tracker or question generator gives.
"""

import copy

import numpy as np

from videoutr.data.llava import load_samples
from videoutr.engine.quality.correctness import Check, answer_correctness, check_qa
from videoutr.engine.quality.metrics import load_trajectories, load_truth, tracking_metrics
from videoutr.engine.types import ClipTrajectories, TrackPoint, Trajectory


def test_tracking_quality_on_a_small_world(world_dir, world_run):
    metrics = tracking_metrics(load_trajectories(world_run / "trajectories.jsonl"), load_truth(world_dir))
    assert metrics["videos"] >= 6
    assert metrics["IDF1"] >= 0.85 and metrics["MOTA"] >= 0.85 and metrics["HOTA"] >= 0.75, metrics


def test_answer_correctness_on_a_small_world(world_dir, world_run):
    clips = load_trajectories(world_run / "trajectories.jsonl")
    report = answer_correctness(load_samples(world_run / "utr.json"), clips, load_truth(world_dir))
    assert report["answers"] >= 30
    assert report["accuracy"] >= 0.9, report  # 1.0 measured on this 7-video world, 0.97-0.99 on 48-video worlds


def _truth_as_clip(video: dict, swap_at: int | None = None) -> ClipTrajectories:
    w, h = video["width"], video["height"]
    tracks = []
    for obj in video["objects"]:
        points = [
            TrackPoint(f, f / video["fps"], tuple(np.array(b, float) / [w, h, w, h]), 1.0)
            for f, b in enumerate(obj["box_xyxy"])
            if b is not None and obj["visible_fraction"][f] >= 0.5
        ]
        if points:
            tracks.append(Trajectory(obj["id"] + 1, obj["shape"], points, colour=obj["colour"][0]))
    if swap_at is not None and len(tracks) >= 2:  # an identity switch half way
        a, b = tracks[0], tracks[1]
        a.points, b.points = (
            [p for p in a.points if p.frame_idx < swap_at] + [p for p in b.points if p.frame_idx >= swap_at],
            [p for p in b.points if p.frame_idx < swap_at] + [p for p in a.points if p.frame_idx >= swap_at],
        )
    return ClipTrajectories(
        video["id"],
        video["id"] + ".mp4",
        video["fps"],
        video["num_frames"],
        w,
        h,
        list(range(video["num_frames"])),
        tracks,
    )


def test_metrics_are_perfect_on_truth_and_drop_on_identity_switches(world_dir):
    truth = load_truth(world_dir)
    perfect = tracking_metrics([_truth_as_clip(v) for v in truth.values()], truth)
    assert perfect["IDF1"] == 1.0 and perfect["MOTA"] == 1.0 and perfect["IDSW"] == 0
    multi = {k: v for k, v in truth.items() if len(v["objects"]) >= 2}
    switched = tracking_metrics([_truth_as_clip(v, swap_at=16) for v in multi.values()], multi)
    assert switched["IDSW"] > 0 and switched["IDF1"] < 0.9


def test_a_wrong_claim_is_caught(world_dir, world_run):
    truth = load_truth(world_dir)
    clips = {c.video_id: c for c in load_trajectories(world_run / "trajectories.jsonl")}
    caught = checked = 0
    for sample in load_samples(world_run / "utr.json"):
        vid = sample.id.rsplit("-utr", 1)[0]
        for qa in sample.extra["utr"]:
            if qa["task"] != "box_to_track":
                continue
            check = Check(clips[vid], truth[vid], tol=2)
            if not check_qa(check, qa["task"], qa["claims"]):
                continue
            wrong = copy.deepcopy(qa["claims"])
            frame, box = wrong["boxes"][0]
            wrong["boxes"][0] = [frame, [min(1.0, v + 0.3) for v in box]]
            checked += 1
            caught += not check_qa(Check(clips[vid], truth[vid], tol=2), qa["task"], wrong)
    assert checked >= 3 and caught == checked


def test_box_to_path_is_checked_against_the_object_at_its_query_box(world_dir, world_run):
    """A span answer about the object at a box: right where the claims hold; a shifted box, or a
    query box where no object is, fails."""
    import random

    from videoutr.engine.config import QueryConfig
    from videoutr.engine.query import TASKS

    truth = load_truth(world_dir)
    checked = 0
    for clip in load_trajectories(world_run / "trajectories.jsonl"):
        qa = TASKS["box_to_path"](clip, random.Random(0), QueryConfig())
        if qa is None or not check_qa(Check(clip, truth[clip.video_id], tol=2), qa.task, qa.claims):
            continue
        shifted = copy.deepcopy(qa.claims)
        frame, box = shifted["boxes"][-1]
        shifted["boxes"][-1] = [frame, [min(1.0, v + 0.3) for v in box]]
        nowhere = {**copy.deepcopy(qa.claims), "query_box": [0.0, 0.0, 0.01, 0.01]}
        for wrong in (shifted, nowhere):
            assert not check_qa(Check(clip, truth[clip.video_id], tol=2), qa.task, wrong)
        checked += 1
    assert checked >= 3
