"""Detectors: the registry, the motion detector on known scenes, HOG people detector."""

import json

import numpy as np
import pytest
import supervision as sv

from videoutr.engine.detect import known_detectors, make_detector
from videoutr.errors import ConfigError
from videoutr.video import sample_frames


def test_unknown_detector_lists_known_ones():
    with pytest.raises(ConfigError, match="motion"):
        make_detector("yolo")
    assert "hog-person" in known_detectors()


def test_bad_detector_args_are_a_config_error():
    with pytest.raises(ConfigError, match="detector_args"):
        make_detector("motion", no_such_option=3)


def _iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    return ix * iy / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - ix * iy)


def test_motion_detector_finds_every_scene_object(scene_dir):
    truth = [json.loads(line) for line in (scene_dir / "annotations.jsonl").read_text().splitlines()]
    detector = make_detector("motion", palette="basic")
    hits = total = 0
    for record in truth:
        clip = sample_frames(scene_dir / "videos" / f"{record['id']}.mp4")
        per_frame = detector.detect_clip(clip.frames)
        assert len(per_frame) == clip.num_frames
        for t, dets in enumerate(per_frame):
            assert isinstance(dets, sv.Detections)
            assert ((dets.confidence >= 0) & (dets.confidence <= 1)).all()
            for obj in record["objects"]:
                total += 1
                ious = [_iou(b, obj["box_xyxy"][t]) for b in dets.xyxy]
                k = int(np.argmax(ious)) if ious else -1
                hits += k >= 0 and ious[k] >= 0.6 and dets.data["colour"][k] == obj["colour"][t]
    assert hits / total >= 0.97


def test_motion_detector_keeps_a_still_object(tmp_path):
    """An object that never moves is part of the median background, yet is found (saturation cue)."""
    from videoutr.video import write_video

    frames = np.full((12, 64, 64, 3), 128, np.uint8)
    frames[:, 20:36, 10:26] = (220, 30, 30)
    root = tmp_path
    write_video(root / "still.mp4", frames, fps=8)
    per_frame = make_detector("motion", palette="basic").detect_clip(sample_frames(root / "still.mp4").frames)
    assert all(len(d) == 1 and d.data["colour"][0] == "red" for d in per_frame)
    assert (
        make_detector("motion", saturation_min=None).detect_clip(sample_frames(root / "still.mp4").frames)[5].is_empty()
    )


def test_motion_detector_on_empty_clip():
    assert make_detector("motion").detect_clip(np.zeros((0, 32, 32, 3), np.uint8)) == []


def test_hog_person_detector_runs_and_returns_detections():
    detector = make_detector("hog-person")
    frame = np.full((160, 96, 3), 120, np.uint8)
    dets = detector.detect_frame(frame)
    assert isinstance(dets, sv.Detections) and dets.xyxy.shape[1] == 4
    assert list(dets.data["class_name"]) == ["person"] * len(dets)


def test_motion_natural_on_moving_grey_objects(tmp_path):
    """Unsaturated objects on a textured background: frame differencing alone finds them."""
    from videoutr.video import write_video

    y, x = np.mgrid[0:96, 0:128]
    background = (110 + 25 * np.sin(x / 6.0) * np.cos(y / 9.0)).astype(np.uint8)
    frames = []
    for t in range(16):
        frame = np.repeat(background[..., None], 3, axis=2).copy()
        frame[30:50, 10 + 4 * t : 30 + 4 * t] = (235, 235, 235)
        frames.append(frame)
    write_video(tmp_path / "grey.mp4", np.stack(frames), fps=8)
    per_frame = make_detector("motion-natural").detect_clip(sample_frames(tmp_path / "grey.mp4").frames)
    found = [d for d in per_frame if len(d) == 1]
    assert len(found) >= 14
    assert all(_iou(d.xyxy[0], (10 + 4 * t, 30, 30 + 4 * t, 50)) >= 0.6 for t, d in enumerate(per_frame) if len(d) == 1)
    assert {d.data["colour"][0] for d in found} == {"white"}


def test_large_frames_are_detected_shrunk_and_boxed_at_full_size(tmp_path):
    from videoutr.video import write_video

    frames = np.full((10, 240, 320, 3), 128, np.uint8)
    for t in range(10):
        frames[t, 100:160, 40 + 10 * t : 100 + 10 * t] = (30, 70, 230)
    write_video(tmp_path / "big.mp4", frames, fps=8)
    clip = sample_frames(tmp_path / "big.mp4").frames
    full = make_detector("motion", palette="basic", work_side=None).detect_clip(clip)
    small = make_detector("motion", palette="basic", work_side=128).detect_clip(clip)
    for t, (a, b) in enumerate(zip(full, small)):
        truth = (40 + 10 * t, 100, 100 + 10 * t, 160)
        assert len(a) == 1 and len(b) == 1 and b.data["colour"][0] == "blue"
        assert _iou(a.xyxy[0], truth) >= 0.9 and _iou(b.xyxy[0], truth) >= 0.85


def test_the_engine_decodes_large_frames_halved_and_keeps_boxes_in_video_pixels(tmp_path):
    from videoutr.engine import EngineConfig
    from videoutr.engine import steps as S
    from videoutr.video import write_video

    frames = np.full((10, 240, 320, 3), 128, np.uint8)
    for t in range(10):
        frames[t, 100:160, 40 + 10 * t : 100 + 10 * t] = (30, 70, 230)
    write_video(tmp_path / "big.mp4", frames, fps=8)
    cfg = EngineConfig(detector_args={"palette": "basic", "work_side": 128})
    item = S.VideoItem("big", str(tmp_path / "big.mp4"), "big.mp4")
    clip = S.decode(item, cfg)
    assert clip.scale == 0.25 and clip.frames.shape[1:3] == (60, 80)
    found = S.to_track(item, clip, S.attributes(clip, S.detect(S.prepare(clip, cfg), cfg), cfg), cfg)
    assert (found.width, found.height) == (320, 240)
    for t, dets in enumerate(found.per_frame):
        assert len(dets) == 1 and dets.data["colour"][0] == "blue"
        assert _iou(dets.xyxy[0], (40 + 10 * t, 100, 100 + 10 * t, 160)) >= 0.85


def test_large_frames_are_halved_until_they_fit():
    """2 x 2 means, rounded, level by level; an odd last row or column dropped; small clips untouched."""
    from videoutr.engine.detect.motion import halved_to

    frames = np.random.default_rng(0).integers(0, 256, (3, 241, 323, 3), dtype=np.uint8)
    small, scale = halved_to(frames, 128)
    assert scale == 0.25 and small.shape == (3, 60, 80, 3)
    expected = frames[:, :240, :320].astype(np.int32)  # then even at every level
    for _ in range(2):
        expected = (
            expected[:, 0::2, 0::2] + expected[:, 1::2, 0::2] + expected[:, 0::2, 1::2] + expected[:, 1::2, 1::2] + 2
        ) // 4
    assert np.array_equal(small, expected)
    for side in (None, 323):
        same, scale = halved_to(frames, side)
        assert scale == 1.0 and same is frames


def test_whole_clip_detection_equals_frame_by_frame(scene_dir):
    """Frames stacked into one image for the clip-level OpenCV calls stay independent."""
    detector = make_detector("motion", palette="basic")
    frames = sample_frames(scene_dir / "videos" / "s002.mp4").frames
    background = detector.background(frames)
    whole = detector.detect_stack(frames, background)
    for frame, dets in zip(frames, whole):
        alone = detector.detect_with_background(frame, background)
        assert np.array_equal(alone.xyxy, dets.xyxy) and np.array_equal(alone.confidence, dets.confidence)
        assert list(alone.data["colour"]) == list(dets.data["colour"]) and list(alone.data["shape"]) == list(
            dets.data["shape"]
        )


@pytest.mark.parametrize("length", [1, 2, 5, 12, 32, 33])
def test_masked_median_is_the_median_of_kept_samples(length):
    from videoutr.engine.detect.stack import masked_median

    rng = np.random.default_rng(length)
    stack = rng.integers(0, 256, (length, 6, 5, 3), dtype=np.uint8)
    skip = rng.random((length, 6, 5)) < 0.4
    skip[:, 0, 0] = True  # nothing kept: the median of all samples
    got = masked_median(stack, skip)
    for y in range(6):
        for x in range(5):
            kept = stack[~skip[:, y, x], y, x] if (~skip[:, y, x]).any() else stack[:, y, x]
            lower_median = np.sort(kept, axis=0)[(len(kept) - 1) // 2]
            assert np.array_equal(got[y, x], lower_median), (y, x)


@pytest.mark.parametrize("threshold", [0, 30, 100, 127, 200])
def test_differs_is_the_channel_max_difference_against_thresholds(threshold):
    from videoutr.engine.detect.stack import differs

    rng = np.random.default_rng(threshold)
    frames = rng.integers(0, 256, (3, 17, 33, 3), dtype=np.uint8)
    background = rng.integers(0, 256, (17, 33, 3), dtype=np.uint8)
    diff = np.abs(frames.astype(int) - background).max(axis=-1)
    over, strong = differs(frames, background, threshold)
    assert np.array_equal(over, diff > threshold) and np.array_equal(strong, diff > 2 * threshold)


def test_clip_background_gives_the_detections_of_the_full_median(scene_dir):
    """The median is computed only where a pixel's values span more than diff_threshold."""
    detector = make_detector("motion", palette="basic")
    frames = sample_frames(scene_dir / "videos" / "s001.mp4").frames
    quick, full = detector.clip_background(frames), detector.background(frames)
    assert not np.array_equal(quick, full)  # the shortcut is taken somewhere ...
    for a, b in zip(detector.detect_stack(frames, quick), detector.detect_stack(frames, full)):  # ... to no effect
        assert np.array_equal(a.xyxy, b.xyxy) and np.array_equal(a.confidence, b.confidence)
        assert list(a.data["colour"]) == list(b.data["colour"]) and list(a.data["shape"]) == list(b.data["shape"])


def test_packed_layers_open_and_label_each_frame_and_colour_as_if_alone():
    """Crops of every (frame, colour) packed into one canvas: opening and components per crop equal
    OpenCV's on that colour in the whole frame, at the frame's edges too."""
    import cv2

    from videoutr.engine.detect.layers import KERNEL, LayerComponents, pack_crops

    rng = np.random.default_rng(0)
    labels = rng.choice([0, 1, 2, 255], size=(4, 24, 32), p=[0.25, 0.25, 0.1, 0.4]).astype(np.uint8)
    labels[:, :7, :9] = 1  # blocks against the frame's edges
    labels[:, 15:, 26:] = 0
    rows = np.stack([(labels == c).any(axis=2) for c in range(3)], axis=-1)
    cols = np.stack([(labels == c).any(axis=1) for c in range(3)], axis=-1)
    crops = pack_crops(rows, cols)
    comps = LayerComponents.of(crops.paste(lambda t, c, ys, xs: labels[t, ys, xs] == c), crops)
    assert len(crops.frame) == 12
    for i, (t, c) in enumerate(zip(crops.frame, crops.layer)):
        alone = cv2.morphologyEx((labels[t] == c).astype(np.uint8), cv2.MORPH_OPEN, KERNEL)
        ys, xs = slice(crops.y[i], crops.y[i] + crops.h[i]), slice(crops.x[i], crops.x[i] + crops.w[i])
        assert alone[ys, xs].sum() == alone.sum()  # the crop holds all of it
        canvas = (slice(crops.cy[i], crops.cy[i] + crops.h[i]), slice(crops.cx[i], crops.cx[i] + crops.w[i]))
        assert np.array_equal(comps.core[canvas] > 0, alone[ys, xs] > 0)
        found = sorted(
            (bx - crops.cx[i] + crops.x[i], by - crops.cy[i] + crops.y[i], w, h)
            for (bx, by, w, h), _ in comps.boxes
            if crops.owner[by, bx] == i
        )
        count, _, stats, _ = cv2.connectedComponentsWithStats(alone, connectivity=8)
        assert found == sorted(tuple(s[:4]) for s in stats[1:count].tolist())


@pytest.mark.parametrize("name", ["mp-face", "mp-person", "mp-pose"])
def test_mediapipe_detectors_without_mediapipe_name_the_install(name, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "mediapipe", None)  # an import of it raises ImportError
    monkeypatch.setitem(sys.modules, "mediapipe.python", None)
    with pytest.raises(ConfigError, match=f"{name} needs mediapipe 0.10.21: pip install --no-deps mediapipe==0.10.21"):
        make_detector(name)
    assert name in known_detectors()
