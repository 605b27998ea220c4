"""The footage generator: photo cut-outs rendered where the truth says, events as scripted."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("skimage", reason="footage clips are made from scikit-image's bundled photos")

from videoutr.footage.generate import FootageConfig, generate_footage  # noqa: E402
from videoutr.footage.photos import sprite  # noqa: E402
from videoutr.footage.scenes import render, sample_scene  # noqa: E402
from videoutr.world.annotation import load_annotations  # noqa: E402


def test_truth_boxes_hold_the_cut_out_pixels_exactly():
    scene = sample_scene(np.random.default_rng(5), "pan", frames=32)
    frames, ann = render(scene, "p0000", fps=8.0, rng=np.random.default_rng(0), noise=0.0)
    checked = 0
    for mover, obj in zip(scene.movers, ann.objects):
        rgb, mask = sprite(mover.subject, mover.side)
        ys, xs = np.nonzero(mask)
        for t in range(len(frames)):
            box = obj.box_xyxy[t]
            if box is None or obj.visible_fraction[t] < 1.0:
                continue
            assert [box[2] - box[0], box[3] - box[1]] == [xs.max() - xs.min() + 1, ys.max() - ys.min() + 1]
            x, y = box[0] - xs.min(), box[1] - ys.min()  # the cut-out's top-left
            assert np.array_equal(frames[t, y + ys, x + xs], rgb[ys, xs])  # the subject, unhidden, at its box
            checked += 1
    assert checked > 40


def test_scripted_stops_starts_and_turns_are_the_truths_events():
    for seed in range(3):
        scene = sample_scene(np.random.default_rng(seed), "static" if seed % 2 else "pan", frames=40)
        _, ann = render(scene, "v", fps=8.0, rng=np.random.default_rng(0))
        for mover, obj in zip(scene.movers, ann.objects):
            moves = [(e.type, e.frame) for e in obj.events if e.type in ("stop", "start", "turn")]
            changes = mover.changes()
            if mover.pattern == "stop_go":
                assert moves == [("stop", changes[0]), ("start", changes[1])], (mover, moves)
            elif mover.pattern == "turn":
                assert moves == [("turn", changes[0])], (mover, moves)
            else:
                assert moves == [] and changes == []


def test_under_a_pan_the_truth_centre_is_the_scenes():
    scene = sample_scene(np.random.default_rng(2), "pan", frames=40)
    _, ann = render(scene, "p", fps=8.0, rng=np.random.default_rng(0))
    camera = np.asarray(ann.background_params["camera_xy"])
    assert np.abs(camera[-1]).max() > 20  # the camera did move
    for mover, obj in zip(scene.movers, ann.objects):
        if mover.pattern != "stop_go":
            continue
        stop, start = mover.changes()[:2]
        still = np.asarray(obj.center_xy[stop:start])
        assert np.ptp(still, axis=0).max() == 0.0  # still in the scene ...
        boxes = np.asarray([b for b in obj.box_xyxy[stop:start] if b is not None], dtype=float)
        assert np.ptp(boxes[:, 0]) > 3  # ... while the camera sweeps it across the frame


def test_same_seed_same_clips(tmp_path):
    cfg = FootageConfig(num_videos=2, seed=11, frames=24)
    a, b = generate_footage(cfg, tmp_path / "a"), generate_footage(cfg, tmp_path / "b")
    assert (a / "annotations.jsonl").read_bytes() == (b / "annotations.jsonl").read_bytes()
    assert sorted(p.name for p in (a / "videos").iterdir()) == ["p0001.mp4", "s0000.mp4"]
    assert json.loads((a / "footage.json").read_text())["seed"] == 11


def test_footage_folder_has_the_worlds_annotation_schema(footage_dir):
    anns = load_annotations(footage_dir)
    assert [a.id for a in anns] == ["s0000", "p0001", "s0002", "p0003"]
    assert {a.background_params["camera"] for a in anns} == {"static", "pan"}
    for ann in anns:
        assert 3 <= len(ann.objects) <= 4
        assert all(o.shape in ("cat", "astronaut", "cup", "rocket", "helmet") for o in ann.objects)


def test_footage_command_writes_clips_and_rejects_bad_options_in_one_line(tmp_path):
    import subprocess
    import sys

    code = "import sys; from videoutr.cli import main; sys.argv = ['videoutr'] + sys.argv[1:]; main()"
    ok = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "footage",
            "--out",
            str(tmp_path / "f"),
            "--num-videos",
            "1",
            "--frames",
            "24",
            "--camera",
            "static",
        ],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "f" / "videos" / "s0000.mp4").is_file() and len(load_annotations(tmp_path / "f")) == 1
    bad = subprocess.run(
        [sys.executable, "-c", code, "footage", "--out", str(tmp_path / "g"), "--camera", "drone"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "camera: expected static, pan or both" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and not (tmp_path / "g").exists()
