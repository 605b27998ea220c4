"""Fixtures: tiny static-camera scenes of flat shapes over a striped grey background.

They are written in the synthetic world's layout (`videos/<id>.mp4` + `annotations.jsonl` with
per-object `box_xyxy`, `colour`, `visible_fraction`, `events`) so that the engine's metrics can
be checked against known truth without depending on the world package.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from videoutr.video import write_video

COLOURS = {"red": (230, 30, 40), "green": (40, 190, 60), "blue": (40, 70, 230), "yellow": (240, 210, 30)}


def _background(size: int) -> np.ndarray:
    y, x = np.mgrid[0:size, 0:size]
    grey = 120 + 20 * np.sin(x / 5.0) + 8 * np.cos(y / 7.0)
    return np.repeat(grey[..., None], 3, axis=2).astype(np.uint8)


def _draw(frame: np.ndarray, shape: str, cx: float, cy: float, r: int, rgb) -> None:
    c = (int(round(cx)), int(round(cy)))
    if shape == "circle":
        cv2.circle(frame, c, r, rgb, -1)
    elif shape == "square":
        cv2.rectangle(frame, (c[0] - r, c[1] - r), (c[0] + r, c[1] + r), rgb, -1)
    elif shape == "triangle":
        pts = np.array([[c[0], c[1] - r], [c[0] - r, c[1] + r], [c[0] + r, c[1] + r]], np.int32)
        cv2.fillPoly(frame, [pts], rgb)


def scene_objects(seed: int, frames: int) -> list[dict]:
    """Two or three objects with linear motion, one may stop half way, none overlapping."""
    rng = np.random.default_rng(seed)
    objects = []
    lanes = rng.permutation([20, 50, 80, 108])[: 2 + seed % 2]
    shapes = ["circle", "square", "triangle"]
    names = list(COLOURS)
    rng.shuffle(names)
    for k, lane in enumerate(lanes):
        x0 = float(rng.uniform(14, 40))
        speed = float(rng.choice([1.5, 2.0, 2.5]))
        stop_at = int(frames // 2) if k == 0 else None
        objects.append(
            {
                "id": k,
                "shape": shapes[(seed + k) % 3],
                "colour": names[k],
                "r": 7,
                "lane": float(lane),
                "x0": x0,
                "speed": speed,
                "stop_at": stop_at,
            }
        )
    return objects


def render_scene(path: Path, seed: int, frames: int = 24, size: int = 128, fps: float = 8.0) -> dict:
    """Render one scene to `path`; return its annotation record in the world's format."""
    objs = scene_objects(seed, frames)
    bg = _background(size)
    video = []
    tracks = {o["id"]: {"box": [], "events": []} for o in objs}
    for t in range(frames):
        frame = bg.copy()
        for o in objs:
            steps = t if o["stop_at"] is None else min(t, o["stop_at"])
            cx, cy = o["x0"] + o["speed"] * steps, o["lane"]
            _draw(frame, o["shape"], cx, cy, o["r"], COLOURS[o["colour"]])
            r = o["r"]
            tracks[o["id"]]["box"].append([cx - r, cy - r, cx + r + 1, cy + r + 1])
        video.append(frame)
    write_video(path, np.stack(video), fps=fps)
    objects = []
    for o in objs:
        events = [{"type": "stop", "frame": o["stop_at"]}] if o["stop_at"] is not None else []
        objects.append(
            {
                "id": o["id"],
                "shape": o["shape"],
                "size": "small",
                "size_px": 2 * o["r"],
                "colour": [o["colour"]] * frames,
                "box_xyxy": tracks[o["id"]]["box"],
                "visible_fraction": [1.0] * frames,
                "events": events,
            }
        )
    return {
        "id": path.stem,
        "fps": fps,
        "num_frames": frames,
        "width": size,
        "height": size,
        "split": "train",
        "reversed_of": None,
        "objects": objects,
    }


def make_scene_dir(root: Path, count: int, frames: int = 24) -> Path:
    """`root/videos/s000.mp4 ...` and `root/annotations.jsonl`."""
    records = [render_scene(root / "videos" / f"s{i:03d}.mp4", seed=i, frames=frames) for i in range(count)]
    (root / "annotations.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return root


@pytest.fixture(scope="session")
def scene_dir(tmp_path_factory) -> Path:
    """Four small scenes shared by the engine tests (rendered once per session)."""
    return make_scene_dir(tmp_path_factory.mktemp("scenes"), count=4)


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory) -> Path:
    """A small default-style synthetic world (6 videos of 32 frames at 128 px, plus reversed twins)."""
    from videoutr.world.config import world_default
    from videoutr.world.generate import generate_world

    return generate_world(world_default(num_videos=6, seed=11), tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="session")
def world_run(world_dir, tmp_path_factory) -> Path:
    """The engine's output over `world_dir` (default config, in process)."""
    from videoutr.engine import EngineConfig, run_engine

    out = tmp_path_factory.mktemp("world_out")
    run_engine(world_dir / "videos", out, EngineConfig(), progress=False)
    return out


@pytest.fixture
def make_scenes(tmp_path):
    """Render `count` small scenes into a fresh folder; returns that folder."""

    def make(count: int, frames: int = 24, name: str = "scenes") -> Path:
        return make_scene_dir(tmp_path / name, count=count, frames=frames)

    return make
