"""The world folder: layout, ground truth agreeing with decoded pixels, captions, determinism,
seed sensitivity, resume, and the CLI."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from videoutr.data.llava import VIDEO_TOKEN, load_samples
from videoutr.errors import ConfigError
from videoutr.jsonio import read_json
from videoutr.video import probe_video, sample_frames
from videoutr.world import PALETTE, SHAPES, WorldConfig, generate_world, load_annotations, world_tiny
from videoutr.world.cli import world_command
from videoutr.world.palette import hue_deg

OUTPUTS = ("annotations.jsonl", "captions.json", "bench.json", "world.json")


def _colour_box(frame: np.ndarray, colour: str) -> list[int] | None:
    """Box of the largest blob of pixels whose hue is nearest to `colour` (saturated, not dark)."""
    hsv = cv2.cvtColor(frame, cv2.COLOR_RGB2HSV_FULL).astype(np.float64)
    hue, sat, val = hsv[..., 0] * 360 / 256, hsv[..., 1] / 255, hsv[..., 2] / 255
    hues = np.array([hue_deg(c) for c in PALETTE])
    gap = np.abs((hue[..., None] - hues + 180) % 360 - 180)
    mask = (gap.argmin(-1) == list(PALETTE).index(colour)) & (gap.min(-1) < 15) & (sat >= 0.5) & (val >= 0.3)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if count < 2:
        return None
    x, y, w, h = stats[1 + stats[1:, cv2.CC_STAT_AREA].argmax(), :4]
    return [int(x), int(y), int(x + w), int(y + h)]


def _iou(a, b) -> float:
    inter = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area


def _decoded(folder: Path) -> dict[str, np.ndarray]:
    return {p.stem: sample_frames(p).frames for p in sorted((folder / "videos").glob("*.mp4"))}


def test_layout_and_formats(tiny_world):
    for name in OUTPUTS:
        assert (tiny_world / name).is_file()
    cfg = WorldConfig.from_dict(read_json(tiny_world / "world.json"))
    assert cfg == world_tiny(seed=0)
    anns = load_annotations(tiny_world)
    originals = [a for a in anns if a.reversed_of is None]
    twins = [a for a in anns if a.reversed_of is not None]
    assert len(originals) == cfg.num_videos
    assert {a.id for a in twins} == {f"{a.id}_rev" for a in originals if a.split == "test"}
    assert all(t.split == "test" for t in twins) and any(a.split == "train" for a in originals)
    assert sorted(p.name for p in (tiny_world / "videos").iterdir()) == sorted(f"{a.id}.mp4" for a in anns)
    info = probe_video(tiny_world / anns[0].video)
    assert (info.num_frames, info.fps, info.height, info.width) == (cfg.frames, cfg.fps, cfg.height, cfg.width)
    raw = (tiny_world / "annotations.jsonl").read_text().splitlines()[0]
    for key in ('"split"', '"reversed_of"', '"background"', '"box_xyxy"', '"visible_fraction"', '"events"'):
        assert key in raw


def test_ground_truth_boxes_match_decoded_pixels(tiny_world):
    frames, checked = _decoded(tiny_world), 0
    for ann in load_annotations(tiny_world):
        for obj in ann.objects:
            for t in range(ann.num_frames):
                if obj.visible_fraction[t] == 1.0:
                    found = _colour_box(frames[ann.id][t], obj.colour[t])
                    assert found is not None and _iou(found, obj.box_xyxy[t]) >= 0.9, (ann.id, obj.id, t, found)
                    checked += 1
    assert checked > 100


def test_captions_mention_exactly_the_objects_seen(tiny_world):
    anns = {a.video: a for a in load_annotations(tiny_world)}
    samples = load_samples(tiny_world / "captions.json")
    assert len(samples) == 2 * sum(a.split == "train" for a in anns.values())
    pattern = re.compile(rf"\b({'|'.join(PALETTE)}) ({'|'.join(SHAPES)})\b", re.IGNORECASE)
    for sample in samples:
        ann = anns[sample.video]
        assert ann.split == "train" and sample.source == "captions"
        assert sample.conversations[0].value.startswith(VIDEO_TOKEN)
        t = sample.extra["caption_frame"]
        mentioned = sorted((c.lower(), s) for c, s in pattern.findall(sample.assistant_turns[0]))
        seen = sorted((o.colour[t], o.shape) for o in ann.objects if o.visible_fraction[t] >= 0.5)
        assert mentioned == seen, (sample.id, sample.assistant_turns[0])


def test_same_seed_same_world_and_another_seed_another(tiny_world, tmp_path):
    again = generate_world(world_tiny(seed=0), tmp_path / "again")
    for name in OUTPUTS:
        assert (again / name).read_bytes() == (tiny_world / name).read_bytes(), name
    first, second = _decoded(tiny_world), _decoded(again)
    assert first.keys() == second.keys()
    assert all(np.array_equal(first[k], second[k]) for k in first)
    other = generate_world(world_tiny(seed=1, num_videos=2), tmp_path / "other")
    mine = generate_world(world_tiny(seed=0, num_videos=2), tmp_path / "mine")
    assert load_annotations(other)[0].to_json() != load_annotations(mine)[0].to_json()


def test_killed_run_resumes_to_identical_outputs(tiny_world, tmp_path):
    out = tmp_path / "resumed"
    shutil.copytree(tiny_world, out)
    lines = (out / "annotations.jsonl").read_text().splitlines(keepends=True)
    (out / "annotations.jsonl").unlink()
    (out / "bench.json").unlink()
    (out / "annotations.jsonl.partial").write_text("".join(lines[:3]) + '{"id": "v000')  # torn tail
    for later in lines[3:]:
        (out / "videos" / f"{read_id(later)}.mp4").unlink()
    generate_world(world_tiny(seed=0), out)
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (tiny_world / name).read_bytes(), name
    assert not (out / "annotations.jsonl.partial").exists()
    first, resumed = _decoded(tiny_world), _decoded(out)
    assert all(np.array_equal(first[k], resumed[k]) for k in first)


def read_id(line: str) -> str:
    return re.match(r'\{"id": "([^"]+)"', line).group(1)


def test_rerun_with_another_config_is_refused(tiny_world):
    with pytest.raises(ConfigError, match="num_videos"):
        generate_world(world_tiny(seed=0, num_videos=7), tiny_world)


def test_cli_writes_a_world(tmp_path):
    app = typer.Typer()
    app.command()(world_command)
    out = tmp_path / "cli"
    args = [
        "--out",
        str(out),
        "--num-videos",
        "2",
        "--seed",
        "4",
        "--frames",
        "8",
        "--size",
        "64",
        "96",
        "--test-fraction",
        "0.5",
        "--event-density",
        "1.5",
        "--preset",
        "tiny",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    cfg = WorldConfig.from_dict(read_json(out / "world.json"))
    assert (cfg.num_videos, cfg.seed, cfg.frames, cfg.height, cfg.width, cfg.event_density) == (2, 4, 8, 64, 96, 1.5)
    assert len(load_annotations(out)) == 3  # one train, one test and its reversed twin
    rerun = CliRunner().invoke(app, args)
    assert rerun.exit_code == 0 and "wrote world" in rerun.output


def test_worker_processes_write_the_same_world(tiny_world, tmp_path):
    out = generate_world(world_tiny(seed=0), tmp_path / "parallel", workers=2)
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (tiny_world / name).read_bytes(), name
    first, parallel = _decoded(tiny_world), _decoded(out)
    assert all(np.array_equal(first[k], parallel[k]) for k in first)


def test_sigkill_mid_run_then_rerun_gives_the_uninterrupted_world(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    cfg = world_tiny(seed=5, num_videos=16)
    out = tmp_path / "killed"
    code = (
        "from videoutr.world import generate_world, world_tiny; "
        f"generate_world(world_tiny(seed=5, num_videos=16), {str(out)!r})"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    partial = out / "annotations.jsonl.partial"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if partial.is_file() and partial.read_text().count("\n") >= 3:
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    generate_world(cfg, out)
    reference = generate_world(cfg, tmp_path / "reference")
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    assert sorted(p.name for p in (out / "videos").iterdir()) == sorted(
        p.name for p in (reference / "videos").iterdir()
    )
    first, resumed = _decoded(reference), _decoded(out)
    assert all(np.array_equal(first[k], resumed[k]) for k in first)
