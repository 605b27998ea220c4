"""A footage scene: photo cut-outs moving by script over a photo background, seen by a static or
panning camera; rendered frames and their exact ground truth.

Subjects move in straight legs at constant velocity (whole pixels per frame), and each follows
one pattern: `cross` (enters through a side edge and crosses), `leave` (starts inside and leaves),
`stop_go` (moves, stops for 4-6 frames, moves on, maybe in another direction) or `turn` (a quarter turn
mid-clip). Scene coordinates are the first frame's pixels; the camera's offset from the first
frame is `camera[t]` (all zero for a static camera), so a subject at scene point p is seen at
p - camera[t]. Truth boxes are the subject's pixels inside the frame (hidden ones included; edges
exclusive), `visible_fraction` the share of its pixels seen, `center_xy` its centre in scene
coordinates: "moves left" is relative to the scene, as the engine must say it under a pan.

A scene is redrawn (next candidate of the seeded generator) until every subject is at least half
visible in 8 frames, every scripted stop, start and turn is seen, and every background pixel shows
in at least 55 % of the frames that see it (a background model has the majority it needs).

    >>> scene = sample_scene(np.random.default_rng(0), "pan", frames=32, size=(240, 320))
    >>> frames, annotation = render(scene, "p0000", fps=8.0, rng=np.random.default_rng(1))
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from videoutr.engine.detect.attributes import DominantColour, basic_palette, size_class
from videoutr.errors import VideoutrError
from videoutr.footage.photos import BACKGROUNDS, SUBJECTS, background, sprite
from videoutr.world.annotation import ObjectTrack, VideoAnnotation
from videoutr.world.events import derive_events

PATTERNS = ("cross", "leave", "stop_go", "turn")
_COMPASS = [(1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1)]  # right, up-right, ... (y down)
_ORDER = {"exit": 0, "enter": 1, "stop": 2, "start": 3, "turn": 4, "colour_change": 5}
MAX_COVER = 0.45  # most share of the frames seeing a background pixel that a subject may hide it in
TRIES = 400


@dataclass
class Mover:
    """One subject's script: centre at frame 0 (scene pixels) and legs of (frames, velocity px/frame)."""

    subject: str
    side: int
    pattern: str
    start: tuple[float, float]
    legs: list[tuple[int, tuple[int, int]]]

    def centres(self, frames: int) -> np.ndarray:
        steps = [np.tile(v, (n, 1)) for n, v in self.legs]
        moves = np.concatenate(steps + [np.zeros((frames, 2))])[: frames - 1]
        return np.asarray(self.start, dtype=np.float64) + np.concatenate([np.zeros((1, 2)), np.cumsum(moves, axis=0)])

    def changes(self) -> list[int]:
        """Frames where the script changes velocity (stops, starts, turns)."""
        out, frame = [], 0
        for n, _ in self.legs[:-1]:
            frame += n
            out.append(frame)
        return out


@dataclass
class Scene:
    background: str
    camera: np.ndarray  # (T, 2) offset of each frame's view from the first frame's, pixels
    movers: list[Mover]
    size: tuple[int, int]  # frame (height, width)

    @property
    def kind(self) -> str:
        return "pan" if np.abs(self.camera).max() > 0 else "static"


def _velocity(rng: np.random.Generator, heading: int, scale: float = 1.0) -> tuple[int, int]:
    """Whole pixels per frame along a compass heading: 5-8 (4-6 on each axis diagonally) on a
    320-pixel-wide frame, `scale` times that on wider ones."""
    speed = int(rng.integers(5, 9))
    dx, dy = _COMPASS[heading % 8]
    if dx and dy:
        speed = max(4, round(speed / np.sqrt(2)))
    speed = max(1, round(speed * scale))
    return dx * speed, dy * speed


def _heading(vector: tuple[float, float]) -> int:
    """The compass index nearest to a (dx, dy) displacement (y down)."""
    return int(np.rint(np.degrees(np.arctan2(-vector[1], vector[0])) / 45.0)) % 8


def _mover(rng: np.random.Generator, subject: str, pattern: str, frames: int, size: tuple[int, int]) -> Mover:
    height, width = size
    scale = width / 320  # sizes and speeds are drawn for 320-pixel-wide frames
    side = round(int(rng.integers(44, 61)) * scale)
    inside = (float(rng.integers(side, width - side)), float(rng.integers(side, height - side)))
    if pattern == "cross":
        heading = int(rng.choice([0, 4]))
        vx, vy = _velocity(rng, heading, scale)
        x = (
            -side / 2 - int(rng.integers(0, 6)) * abs(vx)
            if vx > 0
            else width + side / 2 + int(rng.integers(0, 6)) * abs(vx)
        )
        return Mover(subject, side, pattern, (x, inside[1]), [(frames, (vx, vy))])
    if pattern == "leave":  # towards the nearest edge
        x, y = inside
        gaps = {0: width - x, 4: x, 2: y, 6: height - y}
        return Mover(
            subject, side, pattern, inside, [(frames, _velocity(rng, min(gaps, key=lambda k: gaps[k]), scale))]
        )
    first = int(rng.integers(8, 13))
    heading = _heading((width / 2 - inside[0], height / 2 - inside[1])) + int(rng.choice([-1, 0, 1]))
    if pattern == "stop_go":
        pause = int(rng.integers(4, 7))
        again = heading + int(rng.choice([-2, 0, 2]))
        return Mover(
            subject,
            side,
            pattern,
            inside,
            [(first, _velocity(rng, heading, scale)), (pause, (0, 0)), (frames, _velocity(rng, again, scale))],
        )
    turned = heading + int(rng.choice([-2, 2]))
    return Mover(
        subject,
        side,
        pattern,
        inside,
        [(first, _velocity(rng, heading, scale)), (frames, _velocity(rng, turned, scale))],
    )


def _camera(rng: np.random.Generator, kind: str, frames: int, scale: float = 1.0) -> np.ndarray:
    if kind == "static":
        return np.zeros((frames, 2))
    panning = int(rng.integers(frames * 9 // 16, frames * 13 // 16))
    velocity = scale * np.array([float(rng.choice([-1, 1]) * rng.uniform(2.5, 3.5)), float(rng.uniform(-0.5, 0.5))])
    steps = np.zeros((frames - 1, 2))
    steps[:panning] = velocity
    return np.round(np.concatenate([np.zeros((1, 2)), np.cumsum(steps, axis=0)]), 2)


def sample_scene(rng: np.random.Generator, kind: str, frames: int = 40, size: tuple[int, int] = (240, 320)) -> Scene:
    """A scene that passes every check above (`kind`: "static" or "pan")."""
    for _ in range(TRIES):
        count = int(rng.integers(3, 5))
        subjects = [str(s) for s in rng.choice(list(SUBJECTS), size=count, replace=False)]
        patterns = [str(p) for p in rng.permutation(PATTERNS)[:count]]
        scene = Scene(
            str(rng.choice(BACKGROUNDS)),
            _camera(rng, kind, frames, size[1] / 320),
            [_mover(rng, s, p, frames, size) for s, p in zip(subjects, patterns)],
            size,
        )
        if _acceptable(scene, frames):
            return scene
    raise VideoutrError(f"no acceptable {kind} footage scene in {TRIES} tries")


def _layout(scene: Scene, frames: int) -> list[list[tuple[int, int]]]:
    """Each mover's sprite top-left (frame pixels) per frame."""
    out = []
    for mover in scene.movers:
        rgb, _ = sprite(mover.subject, mover.side)
        h, w = rgb.shape[:2]
        seen = mover.centres(frames) - scene.camera - np.array([w / 2, h / 2])
        out.append([(int(x), int(y)) for x, y in np.floor(seen + 0.5)])
    return out


def _masks(scene: Scene, frames: int) -> tuple[list[list[np.ndarray]], list[list[tuple[int, int]]]]:
    """Each mover's full-frame mask per frame, and the layout."""
    height, width = scene.size
    layout = _layout(scene, frames)
    out = []
    for mover, places in zip(scene.movers, layout):
        _, mask = sprite(mover.subject, mover.side)
        per_frame = []
        for x, y in places:
            full = np.zeros((height, width), bool)
            _paste(full, mask, x, y, mask)
            per_frame.append(full)
        out.append(per_frame)
    return out, layout


def _paste(target: np.ndarray, values: np.ndarray, x: int, y: int, mask: np.ndarray) -> None:
    """target[y:y+h, x:x+w][mask] = values[mask], clipped to the target."""
    h, w = mask.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(target.shape[1], x + w), min(target.shape[0], y + h)
    if x1 <= x0 or y1 <= y0:
        return
    m = mask[y0 - y : y1 - y, x0 - x : x1 - x]
    target[y0:y1, x0:x1][m] = values[y0 - y : y1 - y, x0 - x : x1 - x][m]


def _acceptable(scene: Scene, frames: int) -> bool:
    masks, _ = _masks(scene, frames)
    visible = _visible(masks, scene)
    for mover, fractions in zip(scene.movers, visible):
        if sum(f >= 0.5 for f in fractions) < 8:
            return False
        for frame in mover.changes():
            around = range(max(0, frame - 2), min(frames, frame + 3))
            if frame >= frames - 2 or any(fractions[t] < 0.99 for t in around):
                return False  # a stop, start or turn that is not seen whole
    return _background_shows(scene, masks, frames)


def _visible(masks: list[list[np.ndarray]], scene: Scene) -> list[list[float]]:
    """Share of each mover's pixels seen per frame (later movers are in front)."""
    out = []
    for k, (mover, per_frame) in enumerate(zip(scene.movers, masks)):
        total = int(sprite(mover.subject, mover.side)[1].sum())
        fractions = []
        for t, mask in enumerate(per_frame):
            hidden = np.zeros_like(mask)
            for other in masks[k + 1 :]:
                hidden |= other[t]
            fractions.append(round(float((mask & ~hidden).sum()) / total, 4))
        out.append(fractions)
    return out


def _background_shows(scene: Scene, masks: list[list[np.ndarray]], frames: int) -> bool:
    """Every scene pixel seen in some frame is hidden by subjects in at most `MAX_COVER` of the frames seeing it."""
    height, width = scene.size
    low = np.floor(scene.camera.min(axis=0)).astype(int)
    high = np.ceil(scene.camera.max(axis=0)).astype(int)
    shape = (height + high[1] - low[1] + 1, width + high[0] - low[0] + 1)
    seen, covered = np.zeros(shape, np.int32), np.zeros(shape, np.int32)
    for t in range(frames):
        x, y = (np.floor(scene.camera[t] + 0.5).astype(int) - low).tolist()
        seen[y : y + height, x : x + width] += 1
        cover = np.zeros((height, width), bool)
        for per_frame in masks:
            cover |= per_frame[t]
        covered[y : y + height, x : x + width] += cover
    return bool((covered <= MAX_COVER * np.maximum(seen, 1)).all())


def render(
    scene: Scene, video_id: str, fps: float, rng: np.random.Generator, noise: float = 2.0
) -> tuple[np.ndarray, VideoAnnotation]:
    """The scene's frames ((T, H, W, 3) uint8, sensor noise of std `noise` levels) and its truth."""
    frames = len(scene.camera)
    height, width = scene.size
    low, high = scene.camera.min(axis=0), scene.camera.max(axis=0)
    pad = np.ceil(high - low).astype(int) + 2
    canvas = background(scene.background, (height + pad[1], width + pad[0])).astype(np.float32)
    masks, layout = _masks(scene, frames)
    video = np.empty((frames, height, width, 3), np.uint8)
    for t in range(frames):
        x, y = scene.camera[t] - low + 1  # the view's top-left in the canvas
        view = cv2.warpAffine(canvas, np.float32([[1, 0, -x], [0, 1, -y]]), (width, height), flags=cv2.INTER_LINEAR)
        for mover, places in zip(scene.movers, layout):
            rgb, mask = sprite(mover.subject, mover.side)
            _paste(view, rgb.astype(np.float32), *places[t], mask)
        view += rng.normal(0.0, noise, view.shape).astype(np.float32)
        video[t] = np.clip(np.rint(view), 0, 255).astype(np.uint8)
    return video, _annotation(scene, video_id, fps, masks)


def _annotation(scene: Scene, video_id: str, fps: float, masks: list[list[np.ndarray]]) -> VideoAnnotation:
    frames = len(scene.camera)
    height, width = scene.size
    visible = _visible(masks, scene)
    namer = DominantColour(basic_palette())
    objects = []
    for k, (mover, per_frame, fractions) in enumerate(zip(scene.movers, masks, visible)):
        rgb, mask = sprite(mover.subject, mover.side)
        colour = namer(rgb[mask])
        scene_centres = mover.centres(frames)
        boxes = [_box(m) for m in per_frame]
        area = rgb.shape[0] * rgb.shape[1] / (height * width)
        obj = ObjectTrack(
            k + 1,
            SUBJECTS[mover.subject].category,
            size_class(area),
            mover.side,
            k,
            [colour] * frames,
            np.round(scene_centres, 2).tolist(),
            boxes,
            fractions,
        )
        seen = ObjectTrack(**{**obj.__dict__, "center_xy": np.round(scene_centres - scene.camera, 2).tolist()})
        events = [e for e in derive_events(seen, width, height) if e.type in ("enter", "exit")]
        events += [e for e in derive_events(obj, width, height) if e.type not in ("enter", "exit")]
        obj.events = sorted(events, key=lambda e: (e.frame, _ORDER[e.type]))
        objects.append(obj)
    params = {
        "camera": scene.kind,
        "camera_xy": np.round(scene.camera, 2).tolist(),
        "subjects": [{"subject": m.subject, "pattern": m.pattern} for m in scene.movers],
    }
    return VideoAnnotation(video_id, fps, frames, width, height, "test", scene.background, params, objects)


def _box(mask: np.ndarray) -> list[int] | None:
    if not mask.any():
        return None
    x, y, w, h = cv2.boundingRect(mask.view(np.uint8))
    return [x, y, x + w, y + h]


__all__ = ["Mover", "PATTERNS", "Scene", "render", "sample_scene"]
