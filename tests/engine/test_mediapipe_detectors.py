"""The mediapipe expert detectors (`mp-face`, `mp-person`, `mp-pose`) on clips made here from
scikit-image's astronaut photo: a real person from the waist up, facing the camera, arms down.

No bundled photo raises a hand: `_raised_arm` pastes a strip of the astronaut's own sleeve,
turned to point up from its right shoulder, and the pose model reads that as a raised arm.
What these clips cannot show: walking as a gait (a slid photo moves in the image, which is all
the rule looks at)."""

import json

import numpy as np
import pytest

pytest.importorskip("mediapipe", reason="mediapipe 0.10.21 is installed by `make install` (see docs/engine.md)")
pytest.importorskip("skimage", reason="the clips are made from scikit-image's bundled photos")

import cv2  # noqa: E402

from videoutr.engine.detect import make_detector  # noqa: E402
from videoutr.engine.detect.pose_actions import (  # noqa: E402
    LEFT_SHOULDER,
    RAISING,
    RIGHT_SHOULDER,
    STANDING,
    WALKING,
)
from videoutr.engine.quality.metrics import iou_matrix  # noqa: E402
from videoutr.errors import ConfigError  # noqa: E402
from videoutr.footage.photos import photo  # noqa: E402

TOP = 24  # px of grey above the photo (and below it: the frame is 304 px tall)
# The astronaut's face in the photo shrunk to 256 px (x 175-275, y 60-165 of 512, halved), in the frame.
FACE = np.array([87.0, 30.0 + TOP, 137.0, 82.0 + TOP])
STEP = 16  # px a frame of the sliding clip


def _clip(slide: bool, frames: int = 8) -> tuple[np.ndarray, list[int]]:
    """The astronaut (256 x 256) on a grey 304 x 384 frame, `TOP` px down: still at x 64, or
    sliding right `STEP` px a frame from x 0; with its left edge in each frame."""
    lefts = [STEP * t if slide else 64 for t in range(frames)]
    return _placed(lefts), lefts


def _placed(lefts: list[int], raised: list[bool] | None = None) -> np.ndarray:
    """The astronaut's clip with its left edge at `lefts[t]` in frame t (and its arm raised where
    `raised[t]`)."""
    person = cv2.resize(photo("astronaut"), (256, 256), interpolation=cv2.INTER_AREA)
    arm_up = _raised_arm(person) if raised else None
    clip = np.full((len(lefts), 256 + 2 * TOP, 384, 3), 128, np.uint8)
    for t, left in enumerate(lefts):
        clip[t, TOP : TOP + 256, left : left + 256] = arm_up if raised and raised[t] else person
    return clip


def _raised_arm(person: np.ndarray) -> np.ndarray:
    """The 256-px astronaut with a raised right arm: a 30 x 90 px strip of its sleeve (x 10-55,
    y 150-250), turned 40 degrees from upright to point up and out from its right shoulder (70, 90)."""
    strip = cv2.resize(np.ascontiguousarray(person[150:250, 10:55]), (30, 90))
    turn = cv2.getRotationMatrix2D((15.0, 90.0), 40.0, 1.0)  # about the strip's bottom centre
    turn[:, 2] += np.array([70.0, 90.0]) - [15.0, 90.0]
    inside = cv2.warpAffine(np.ones((90, 30), np.uint8), turn, (256, 256)) > 0
    out = person.copy()
    out[inside] = cv2.warpAffine(strip, turn, (256, 256))[inside]
    return out


@pytest.mark.parametrize("model", ["full", "short"])
def test_mp_face_boxes_the_astronauts_face_as_it_moves(model):
    clip, lefts = _clip(slide=True)
    for dets, left in zip(make_detector("mp-face", model=model).detect_clip(clip), lefts):
        assert list(dets.data["class_name"]) == ["face"]
        assert iou_matrix(FACE[None] + [left, 0, left, 0], dets.xyxy.astype(float))[0, 0] >= 0.6
        assert 0.5 <= dets.confidence[0] <= 1.0


def test_mp_person_segments_the_astronaut_not_the_grey_around_it():
    clip, lefts = _clip(slide=True)
    for dets, left in zip(make_detector("mp-person").detect_clip(clip), lefts):
        assert list(dets.data["class_name"]) == ["person"] and dets.confidence[0] >= 0.8
        x0, y0, x1, y1 = dets.xyxy[0]
        assert left - 2 <= x0 and x1 <= left + 258  # within the photo
        assert x0 <= left + FACE[0] and x1 >= left + FACE[2] and TOP - 2 <= y0 <= FACE[1]  # the face inside
        assert y1 <= TOP + 258
        assert dets.data["area_px"][0] >= 0.3 * 256 * 256


def test_a_model_the_wheel_does_not_ship_is_a_config_error():
    with pytest.raises(ConfigError, match="'short' or 'full'"):
        make_detector("mp-face", model="long")
    with pytest.raises(ConfigError, match="detector_args"):
        make_detector("mp-pose", model_complexity=2)  # the lite and heavy pose models are downloads


@pytest.mark.parametrize("name", ["mp-face", "mp-person", "mp-pose"])
def test_nobody_in_noise_or_a_blank_frame(name):
    noise = np.random.default_rng(0).integers(0, 256, (3, 256, 384, 3), dtype=np.uint8)
    clip = np.concatenate([noise, np.full_like(noise, 128)])
    for dets in make_detector(name).detect_clip(clip):
        assert len(dets) == 0 and "class_name" in dets.data


def test_mp_pose_finds_the_standing_astronaut_with_its_landmarks():
    clip, lefts = _clip(slide=False)
    per_frame = make_detector("mp-pose").detect_clip(clip)
    for dets, left in zip(per_frame, lefts):
        assert list(dets.data["class_name"]) == ["person"] and list(dets.data["action"]) == [STANDING]
        pose = dets.data["landmarks"][0]
        nose = pose[0, :2] - [left, 0]
        assert FACE[0] <= nose[0] <= FACE[2] and FACE[1] <= nose[1] <= FACE[3]
        # the astronaut's left shoulder is on the image's right, both below the face
        assert pose[LEFT_SHOULDER, 2] >= 0.9 and pose[RIGHT_SHOULDER, 2] >= 0.9
        assert pose[LEFT_SHOULDER, 0] > nose[0] + left > pose[RIGHT_SHOULDER, 0]
        assert min(pose[LEFT_SHOULDER, 1], pose[RIGHT_SHOULDER, 1]) > FACE[3]
        x0, y0, x1, y1 = dets.xyxy[0]  # the person's mask: within the photo, the face inside
        assert left - 2 <= x0 <= left + FACE[0] and left + FACE[2] <= x1 <= left + 258
        assert TOP - 2 <= y0 <= FACE[1] and y1 <= TOP + 258


def test_mp_pose_reads_the_sliding_astronaut_as_walking():
    """16 px a frame, about a sixth of its shoulder width: the rule's image motion."""
    clip, lefts = _clip(slide=True)
    per_frame = make_detector("mp-pose").detect_clip(clip)
    assert [list(d.data["action"]) for d in per_frame] == [[WALKING]] * len(clip)
    noses = np.array([d.data["landmarks"][0][0, 0] - left for d, left in zip(per_frame, lefts)])
    assert np.ptp(noses) < 6  # the nose stays on the face as the photo moves


def test_the_engine_tracks_the_astronaut_with_mp_detectors(tmp_path):
    """A whole run: one face track and one person track, each for the whole clip."""
    from videoutr.engine import EngineConfig, run_engine
    from videoutr.engine.quality.metrics import load_trajectories
    from videoutr.video import write_video

    clip, _ = _clip(slide=True)
    write_video(tmp_path / "videos" / "astronaut.mp4", clip, fps=8)
    for name, category in (("mp-face", "face"), ("mp-pose", "person")):
        out = tmp_path / name
        run_engine(tmp_path / "videos", out, EngineConfig(detector=name), progress=False)
        (clips,) = load_trajectories(out / "trajectories.jsonl")
        assert [(t.category, len(t.points)) for t in clips.tracks] == [(category, len(clip))]
        assert json.loads((out / "engine_config.json").read_text())["detector"] == name


def test_pose_actions_reach_the_trajectory_and_the_questions(tmp_path):
    """The astronaut still for 8 frames, then sliding: the pose model's actions become the track's
    spans (standing, then walking), and `mp-pose`'s profile asks `pose_action` about them."""
    from videoutr.data.llava import load_samples
    from videoutr.engine import run_engine
    from videoutr.engine.detect.profiles import resolve_config
    from videoutr.engine.quality.metrics import load_trajectories
    from videoutr.video import write_video

    clip = _placed([0] * 8 + [STEP * t for t in range(1, 9)])
    write_video(tmp_path / "videos" / "astronaut.mp4", clip, fps=8)
    cfg = resolve_config({"detector": "mp-pose", "query": {"samples_per_video": 12}}, tmp_path / "videos")
    assert "pose_action" in cfg.query.tasks
    run_engine(tmp_path / "videos", tmp_path / "out", cfg, progress=False)
    (trajectories,) = load_trajectories(tmp_path / "out" / "trajectories.jsonl")
    (person,) = trajectories.tracks
    spans = [(s.action, s.start_frame, s.end_frame) for s in person.actions]
    assert [s[0] for s in spans] == [STANDING, WALKING] and spans[0][1] == 0 and spans[-1][2] == 15
    assert 4 <= spans[0][2] <= 8  # the walking rule looks 4 frames either side of the frame it reads
    asked = {
        turn["claims"]["kind"]: (turn["claims"], qa_answer)
        for sample in load_samples(tmp_path / "out" / "utr.json")
        for turn, (_, qa_answer) in zip(sample.extra["utr"], _pairs(sample))
        if turn["task"] == "pose_action"
    }
    assert asked["start"][0]["spans"] == [list(spans[0])] and " is standing, until frame " in asked["start"][1]
    assert asked["end"][0]["spans"] == [list(spans[-1])] and " is walking, since frame " in asked["end"][1]
    assert asked["hand"][1].startswith("No: ")


def test_a_raised_arm_is_raising_a_hand_in_the_trajectory_and_the_questions(tmp_path):
    """The astronaut with its arm raised for 10 frames, then down for 10: the pose model's wrist
    is above its shoulder while the arm is up, the track's spans are raising a hand, then standing,
    and the hand question answers yes, over those frames."""
    from videoutr.data.llava import load_samples
    from videoutr.engine import run_engine
    from videoutr.engine.detect.profiles import resolve_config
    from videoutr.engine.quality.metrics import load_trajectories
    from videoutr.video import write_video

    clip = _placed([64] * 20, raised=[t < 10 for t in range(20)])
    write_video(tmp_path / "videos" / "astronaut.mp4", clip, fps=8)
    cfg = resolve_config({"detector": "mp-pose", "query": {"samples_per_video": 12}}, tmp_path / "videos")
    run_engine(tmp_path / "videos", tmp_path / "out", cfg, progress=False)
    (trajectories,) = load_trajectories(tmp_path / "out" / "trajectories.jsonl")
    (person,) = trajectories.tracks
    assert [(s.action, s.start_frame, s.end_frame) for s in person.actions] == [(RAISING, 0, 9), (STANDING, 10, 19)]
    hands = [
        (turn["claims"], answer)
        for sample in load_samples(tmp_path / "out" / "utr.json")
        for turn, (_, answer) in zip(sample.extra["utr"], _pairs(sample))
        if turn["task"] == "pose_action" and turn["claims"]["kind"] == "hand"
    ]
    assert hands and all(c["spans"] == [[RAISING, 0, 9]] and a.startswith("Yes: ") for c, a in hands)


def _pairs(sample) -> list[tuple[str, str]]:
    """A dialogue's (question, answer) turns."""
    turns = [t.value for t in sample.conversations]
    return list(zip(turns[::2], turns[1::2]))


@pytest.mark.parametrize("name", ["mp-face", "mp-person", "mp-pose"])
def test_the_detectors_pickle_for_workers(name):
    import pickle

    clip, _ = _clip(slide=False, frames=2)
    detector = pickle.loads(pickle.dumps(make_detector(name)))
    assert [len(d) for d in detector.detect_clip(clip)] == [1, 1]
