"""Pose actions from detections to trajectories (`Trajectory.actions`) and the `pose_action`
question, asked only where the action spans are sure, on synthetic action sequences."""

import random

import numpy as np
import supervision as sv

from videoutr.engine.config import QueryConfig, TrackConfig
from videoutr.engine.detect.pose_actions import RAISING, STANDING, WALKING
from videoutr.engine.quality.correctness import Check, check_qa
from videoutr.engine.query import TASKS, build_samples
from videoutr.engine.query.pose import askable_kinds
from videoutr.engine.track.actions import action_spans
from videoutr.engine.track.tracking import track_clip
from videoutr.engine.types import ActionSpan, ClipTrajectories, TrackPoint, Trajectory

FRAMES = 12
CFG = QueryConfig(tasks=("pose_action",))


def _person(actions: list[str | None], first: int = 0, conf: float = 0.9, track_id: int = 1) -> Trajectory:
    """A person standing in the middle of a 64 x 64 frame from `first`, one action a frame."""
    points = [
        TrackPoint(first + k, (first + k) / 4, (0.4, 0.3, 0.6, 0.9), conf, colour="white", action=a)
        for k, a in enumerate(actions)
    ]
    frames = list(range(FRAMES))
    return Trajectory(track_id, "person", points, colour="white", actions=action_spans(points, frames))


def _clip(*tracks: Trajectory) -> ClipTrajectories:
    return ClipTrajectories("p", "p.mp4", 4.0, FRAMES, 64, 64, list(range(FRAMES)), list(tracks))


def _answers(clip: ClipTrajectories) -> dict[str, object]:
    """Each kind of question asked over a few seeds, with its QA."""
    found = {}
    for seed in range(40):
        qa = TASKS["pose_action"](clip, random.Random(seed), CFG)
        if qa is not None:
            found[qa.claims["kind"]] = qa
    return found


def test_action_spans_are_runs_of_one_action_over_consecutive_detected_frames():
    points = [TrackPoint(f, f / 4, (0, 0, 1, 1), 1.0, action=a) for f, a in enumerate([STANDING] * 3 + [WALKING] * 2)]
    points[1].interpolated = True  # a filled gap: what the person did there is unknown
    spans = action_spans(points + [TrackPoint(7, 1.75, (0, 0, 1, 1), 1.0, action=WALKING)], list(range(8)))
    assert [(s.action, s.start_frame, s.end_frame, s.frames) for s in spans] == [
        (STANDING, 0, 0, 1),
        (STANDING, 2, 2, 1),
        (WALKING, 3, 4, 2),
        (WALKING, 7, 7, 1),  # frames 5 and 6 missing: a new run
    ]
    subsampled = [TrackPoint(f, f / 4, (0, 0, 1, 1), 1.0, action=STANDING) for f in (0, 3, 6)]
    assert [(s.start_frame, s.end_frame, s.frames) for s in action_spans(subsampled, [0, 3, 6])] == [(0, 6, 3)]


def test_tracking_carries_the_detectors_actions_into_the_trajectory():
    actions = [STANDING] * 4 + [RAISING] * 4 + [WALKING] * 4
    per_frame = [
        sv.Detections(
            xyxy=np.array([[20.0 + 2 * t, 10.0, 40.0 + 2 * t, 60.0]], np.float32),
            confidence=np.array([0.9], np.float32),
            class_id=np.zeros(1, int),
            data={"class_name": np.array(["person"], object), "action": np.array([a], object)},
        )
        for t, a in enumerate(actions)
    ]
    clip = track_clip(per_frame, list(range(FRAMES)), 4.0, 96, 96, TrackConfig(), "p", "p.mp4")
    [traj] = clip.tracks
    assert [p.action for p in traj.points] == actions
    assert traj.actions == [ActionSpan(STANDING, 0, 3, 4), ActionSpan(RAISING, 4, 7, 4), ActionSpan(WALKING, 8, 11, 4)]
    assert ClipTrajectories.from_dict(clip.to_dict()).tracks[0].actions == traj.actions


def test_the_start_the_end_and_a_raised_hand_are_read_off_the_spans():
    clip = _clip(_person([STANDING] * 4 + [RAISING] * 4 + [WALKING] * 4))
    asked = _answers(clip)
    assert set(asked) == {"start", "end", "hand"}
    assert asked["start"].answer == "When the video starts, the white person (object 1) is standing, until frame 3."
    assert asked["end"].answer == "When the video ends, the white person (object 1) is walking, since frame 8."
    assert asked["hand"].answer.startswith("Yes: the white person (object 1) raises a hand from frame 4 to 7")
    assert asked["hand"].claims["spans"] == [[RAISING, 4, 7]]
    assert "the white person" in asked["hand"].question
    calm = _answers(_clip(_person([STANDING] * FRAMES)))
    assert (
        calm["hand"].answer == "No: the white person (object 1) does not raise a hand while in view (frames 0 to 11)."
    )


def test_a_flicker_an_unknown_frame_or_an_unsure_track_is_never_asked_about():
    flicker = _person([STANDING] * 5 + [RAISING] + [STANDING] * 6)  # one frame's raised hand: the rules' noise
    assert askable_kinds(flicker, _clip(flicker), CFG) == ["start", "end"]
    short_start = _person([WALKING] * 2 + [STANDING] * 10)
    assert askable_kinds(short_start, _clip(short_start), CFG) == ["end", "hand"]
    gap = _person([STANDING] * 5 + [None] + [STANDING] * 6)  # no pose in one frame: a raise may hide there
    assert "hand" not in askable_kinds(gap, _clip(gap), CFG)
    late = _person([STANDING] * 8, first=4)  # appears mid-frame at frame 4: before it, unknown
    assert askable_kinds(late, _clip(late), CFG) == ["end"]
    unsure = _person([STANDING] * FRAMES, conf=0.3)
    assert askable_kinds(unsure, _clip(unsure), CFG) == []
    twins = _clip(_person([STANDING] * FRAMES), _person([STANDING] * FRAMES, track_id=2))  # "the white person"?
    assert TASKS["pose_action"](twins, random.Random(0), CFG) is None
    assert TASKS["pose_action"](_clip(_person([None] * FRAMES)), random.Random(0), CFG) is None


def test_engine_eval_checks_the_answers_against_per_frame_truth():
    clip = _clip(_person([STANDING] * 4 + [RAISING] * 4 + [WALKING] * 4))
    asked = _answers(clip)
    box = [int(0.4 * 64), int(0.3 * 64), int(0.6 * 64), int(0.9 * 64)]
    obj = {
        "id": 0,
        "shape": "person",
        "colour": ["white"] * FRAMES,
        "box_xyxy": [box] * FRAMES,
        "visible_fraction": [1.0] * FRAMES,
        "action": [STANDING] * 4 + [RAISING] * 4 + [WALKING] * 4,
        "events": [],
    }
    video = {"width": 64, "height": 64, "fps": 4.0, "num_frames": FRAMES, "objects": [obj]}
    for qa in asked.values():
        assert check_qa(Check(clip, video, 1), "pose_action", qa.claims)
    never = {**obj, "action": [STANDING] * FRAMES}
    assert not check_qa(Check(clip, {**video, "objects": [never]}, 1), "pose_action", asked["hand"].claims)
    missed = {**obj, "action": [RAISING] * 2 + [STANDING] * 2 + [RAISING] * 4 + [WALKING] * 4}
    check = Check(clip, {**video, "objects": [missed]}, 1)
    assert not check_qa(check, "pose_action", asked["hand"].claims) and check.failures == ["missed_action"]


def test_pose_action_is_a_task_samples_can_ask():
    clip = _clip(_person([STANDING] * 4 + [RAISING] * 4 + [WALKING] * 4))
    samples, _ = build_samples(clip, QueryConfig(tasks=("pose_action", "box_to_track")), video="p.mp4")
    tasks = {turn["task"] for s in samples for turn in s.extra["utr"]}
    assert "pose_action" in tasks
