"""Sample one scene: background, objects, and their motion scripts, simulated frame by frame.

Objects move in straight lines along the config's compass directions (all 8 by default) at a
constant speed, bounce off the walls, and - by the config's event probabilities - enter from an
edge, leave through one, stop for a while and start again (with a new speed), turn, and change
colour. Scripted changes wait until the object is fully inside the frame, so every event can be
seen. Colours are unique within a video (also across colour changes) and an object that changes
colour has a shape no other object in its video has, so "the red circle" or "the star" always
names one object.

    rng = np.random.default_rng(0)
    ann = sample_scene(world_tiny(), "v00000", "train", rng)
    len(ann.objects) >= 1, ann.objects[0].box_xyxy[0] is None or len(ann.objects[0].box_xyxy[0]) == 4
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from videoutr.world.annotation import ObjectTrack, VideoAnnotation
from videoutr.world.captions import stable_rng
from videoutr.world.config import WorldConfig
from videoutr.world.events import annotate
from videoutr.world.palette import DIRECTIONS, SIZE_CLASSES, reflect

_INWARD = {"left": "right", "right": "left", "top": "down", "bottom": "up"}


@dataclass
class _Script:
    """What one object will do; frames are the earliest frames, postponed until eligible."""

    enter_frame: int | None
    exit_frame: int | None
    stop_frame: int | None
    stop_len: int
    turn_frame: int | None
    colour_frame: int | None
    colour_to: str | None


def _sample_background(cfg: WorldConfig, rng: np.random.Generator) -> tuple[str, dict]:
    """Greys and pastels (saturation <= ~0.15): never mistaken for a palette colour."""
    style = str(rng.choice(list(cfg.backgrounds)))
    grey = int(rng.integers(90, 171))
    tint = rng.integers(-8, 9, size=3)
    delta = int(rng.integers(35, 61)) * (1 if grey < 130 else -1)
    first = np.clip(grey + tint, 40, 215)
    second = first if style == "plain" else np.clip(first + delta, 40, 215)
    side = min(cfg.height, cfg.width)
    params = {
        "style": style,
        "colours": [[int(v) for v in first], [int(v) for v in second]],
        "period": max(4, int(side * float(rng.choice([0.1, 0.15, 0.2, 0.25])))),
        "orientation": str(rng.choice(["vertical", "horizontal", "diagonal"])),
    }
    return style, params


def _sample_script(cfg: WorldConfig, rng: np.random.Generator, colour_to: str | None) -> _Script:
    T = cfg.frames
    first, last = cfg.event_span()
    draw = {e: bool(rng.random() < cfg.probability(e)) for e in ("enter", "exit", "stop", "turn")}
    return _Script(
        enter_frame=int(rng.integers(1, max(2, T // 2) + 1)) if draw["enter"] else None,
        exit_frame=int(rng.integers(int(0.25 * T), int(0.55 * T) + 1)) if draw["exit"] else None,
        stop_frame=int(rng.integers(first, last + 1)) if draw["stop"] else None,
        stop_len=int(rng.integers(max(2, T // 4), max(3, T // 2) + 1)),
        turn_frame=int(rng.integers(first, last + 1)) if draw["turn"] else None,
        colour_frame=int(rng.integers(first, last + 1)) if colour_to else None,
        colour_to=colour_to,
    )


class _Mover:
    """State of one object during simulation (position in float pixels, y down)."""

    def __init__(self, cfg: WorldConfig, rng: np.random.Generator, size_px: int, script: _Script) -> None:
        self.cfg, self.rng, self.script = cfg, rng, script
        self.W, self.H, self.r = cfg.width, cfg.height, size_px / 2.0
        self.speed = self._new_speed()
        self.moving, self.resume_at = True, None
        if script.enter_frame is not None:
            self._place_entering(script.enter_frame)
        else:
            self.mode = "inside"
            self.direction = str(rng.choice(list(cfg.directions)))
            self.pos = np.array([rng.uniform(self.r, self.W - self.r), rng.uniform(self.r, self.H - self.r)])

    def _new_speed(self) -> float:
        travel = self.rng.uniform(self.cfg.min_travel, self.cfg.max_travel)
        return float(travel * min(self.W, self.H) / self.cfg.frames)

    def _place_entering(self, frame: int) -> None:
        edge = str(self.rng.choice(["left", "right", "top", "bottom"]))
        self.mode, self.direction = "entering", _INWARD[edge]
        lead = -self.r + 0.5 * self.speed  # leading edge half a step inside at `frame`
        if edge in ("left", "right"):
            x = lead if edge == "left" else self.W - lead
            at = np.array([x, self.rng.uniform(self.r, self.H - self.r)])
        else:
            y = lead if edge == "top" else self.H - lead
            at = np.array([self.rng.uniform(self.r, self.W - self.r), y])
        self.pos = at - self._velocity() * frame

    def _velocity(self) -> np.ndarray:
        return self.speed * np.array(DIRECTIONS[self.direction])

    def _fully_inside(self, margin: float = 0.0) -> bool:
        x, y = self.pos
        r = self.r + margin
        return r <= x <= self.W - r and r <= y <= self.H - r

    def _frames_to_leave(self) -> float:
        (x, y), (vx, vy) = self.pos, self._velocity()
        times = []
        if abs(vx) > 1e-9:
            times.append((self.W + self.r - x) / vx if vx > 0 else (x + self.r) / -vx)
        if abs(vy) > 1e-9:
            times.append((self.H + self.r - y) / vy if vy > 0 else (y + self.r) / -vy)
        return min(times)

    def apply_script(self, t: int, colour: str) -> str:
        """Carry out the scripted changes due at frame t; returns the colour shown at t."""
        s, T = self.script, self.cfg.frames
        if self.mode == "entering" and self._fully_inside():
            self.mode = "inside"
        inside = self.mode == "inside"
        if s.colour_frame is not None and t >= s.colour_frame and inside:
            colour, s.colour_frame = s.colour_to, None
        if s.stop_frame is not None and t >= s.stop_frame and inside and self.moving:
            self.moving, self.resume_at, s.stop_frame = False, t + s.stop_len, None
        elif self.resume_at is not None and t >= self.resume_at:
            self.moving, self.resume_at, self.speed = True, None, self._new_speed()
        elif (
            s.turn_frame is not None
            and t >= s.turn_frame
            and inside
            and self.moving
            and self._fully_inside(2 * self.speed)
        ):
            self.direction = str(self.rng.choice([d for d in self.cfg.directions if d != self.direction]))
            self.speed, s.turn_frame = self._new_speed(), None
        if s.exit_frame is not None and t >= s.exit_frame and inside and self.moving and self.resume_at is None:
            self._head_out(T - 2 - t)
            s.exit_frame = None
        return colour

    def _head_out(self, frames_left: int) -> None:
        """Leave the frame within `frames_left` frames: straight on if that is soon enough, else
        turn towards the nearest edge, fast enough to be gone in time."""
        self.mode = "exiting"
        if self._frames_to_leave() <= frames_left:
            return
        x, y = self.pos
        gaps = {"left": x, "right": self.W - x, "up": y, "down": self.H - y}
        self.direction = min(gaps, key=lambda k: gaps[k])
        needed = (gaps[self.direction] + self.r) / max(1.0, 0.8 * frames_left)
        self.speed = max(self._new_speed(), needed)

    def step(self) -> None:
        """Move one frame; inside the frame, bounce off a wall instead of crossing it."""
        if not self.moving:
            return
        if self.mode == "inside":
            nx, ny = self.pos + self._velocity()
            flip_x = nx - self.r < 0 or nx + self.r > self.W
            flip_y = ny - self.r < 0 or ny + self.r > self.H
            if flip_x or flip_y:
                self.direction = reflect(self.direction, flip_x, flip_y)
        self.pos = self.pos + self._velocity()


def _simulate_object(cfg: WorldConfig, rng: np.random.Generator, size_px: int, script: _Script, colour: str):
    mover = _Mover(cfg, rng, size_px, script)
    centers, colours = [], []
    for t in range(cfg.frames):
        colour = mover.apply_script(t, colour)
        centers.append([round(float(mover.pos[0]), 2), round(float(mover.pos[1]), 2)])
        colours.append(colour)
        mover.step()
    return centers, colours


def _assign_identities(cfg: WorldConfig, n: int, rng: np.random.Generator):
    """Shapes, first colours and colour-change targets: colours unique in the video, and an
    object that changes colour gets a shape of its own."""
    colours = [str(c) for c in rng.permutation(list(cfg.colours))]
    first, spare = colours[:n], colours[n:]
    shapes = [str(rng.choice(list(cfg.shapes))) for _ in range(n)]
    changes: list[str | None] = []
    for i in range(n):
        wants = bool(rng.random() < cfg.probability("colour_change"))
        if wants and spare:
            others = shapes[:i] + shapes[i + 1 :]
            if shapes[i] in others:
                free = [s for s in cfg.shapes if s not in shapes]
                if not free:
                    changes.append(None)
                    continue
                shapes[i] = free[int(rng.integers(len(free)))]
            changes.append(spare.pop(0))
        else:
            changes.append(None)
    return shapes, first, changes


def sample_scene(cfg: WorldConfig, video_id: str, split: str, rng: np.random.Generator) -> VideoAnnotation:
    """Sample and simulate one video's scene; returns its full ground truth."""
    style, params = _sample_background(cfg, rng)
    n = int(rng.integers(cfg.min_objects, cfg.max_objects + 1))
    shapes, colours, changes = _assign_identities(cfg, n, rng)
    depths = [int(d) for d in rng.permutation(n)]
    side = min(cfg.height, cfg.width)
    objects = []
    for i in range(n):
        size = str(rng.choice(list(cfg.sizes)))
        size_px = max(6, int(round(SIZE_CLASSES[size] * side)))
        script = _sample_script(cfg, rng, changes[i])
        centers, per_frame_colour = _simulate_object(cfg, rng, size_px, script, colours[i])
        objects.append(
            ObjectTrack(
                id=i,
                shape=shapes[i],
                size=size,
                size_px=size_px,
                depth=depths[i],
                colour=per_frame_colour,
                center_xy=centers,
                box_xyxy=[],
                visible_fraction=[],
            )
        )
    ann = VideoAnnotation(
        id=video_id,
        fps=float(cfg.fps),
        num_frames=cfg.frames,
        width=cfg.width,
        height=cfg.height,
        split=split,
        background=style,
        background_params=params,
        objects=objects,
    )
    return annotate(ann)


def world_scene(cfg: WorldConfig, video_id: str, split: str = "train") -> VideoAnnotation:
    """The scene of video `video_id` in `cfg`'s world, seeded by the world's seed and the id alone:
    whoever names the same video of the same world gets the same scene."""
    return sample_scene(cfg, video_id, split, stable_rng(cfg.seed, "scene", video_id))


def numbered_scenes(cfg: WorldConfig, prefix: str) -> Iterator[VideoAnnotation]:
    """The scenes of `cfg.num_videos` fresh training videos with ids `prefix` + 5 digits (p00000, ...)."""
    for i in range(cfg.num_videos):
        yield world_scene(cfg, f"{prefix}{i:05d}")
