"""`WorldConfig`: the typed schema of a synthetic world, with named presets.

>>> cfg = world_tiny(seed=3)
>>> cfg.frames, (cfg.height, cfg.width), cfg.num_videos
(16, (64, 64), 6)
>>> WorldConfig.from_dict(cfg.to_dict()) == cfg
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from videoutr.errors import ConfigError
from videoutr.schema import load_config, validated
from videoutr.world.palette import BACKGROUNDS, COLOURS, DIRECTIONS, SHAPES, SIZE_CLASSES


@dataclass(frozen=True)
class WorldConfig:
    """Everything that decides a world; the same config gives the same bytes."""

    num_videos: int = 200
    seed: int = 0
    frames: int = 32  # 32 frames at 8 fps: a 4 s clip; 8 uniformly sampled frames are 4 apart
    fps: float = 8.0
    height: int = 128  # even (H.264); a tiny LLaVA-OV downsizes to 48-64 px
    width: int = 128
    min_objects: int = 1
    max_objects: int = 5
    test_fraction: float = 0.2  # share of videos in the test split (bench + reversed twins)
    # Event density: per-object probabilities of each scripted event, all scaled by
    # `event_density` (clipped to 1). 0 gives objects that only move and bounce.
    event_density: float = 1.0
    p_enter: float = 0.25
    p_exit: float = 0.25
    p_stop: float = 0.25
    p_turn: float = 0.3
    p_colour_change: float = 0.2
    # (first, last) frame a scripted stop, turn or colour change may be due at; None: from
    # int(0.15 T) to int(0.85 T) - 1, which leaves more frames after an event than before it (at
    # 8 frames a change shows from frame 1-5, so a reversed twin's shows from frame 3-7)
    event_frames: tuple[int, ...] | None = None
    # Speed, as the distance travelled over the whole clip in frame sides (min(H, W)): >= 0.6 so
    # a moving object crosses a quarter of the frame even when it stops for half the clip.
    min_travel: float = 0.6
    max_travel: float = 1.2
    backgrounds: tuple[str, ...] = tuple(BACKGROUNDS)
    shapes: tuple[str, ...] = SHAPES
    colours: tuple[str, ...] = COLOURS
    sizes: tuple[str, ...] = tuple(SIZE_CLASSES)
    directions: tuple[str, ...] = tuple(DIRECTIONS)  # headings an object may take (bounces keep axis ones)
    bench_tasks: tuple[str, ...] = ()  # benchmark tasks asked (`world.questions.TASKS`); empty: the default set
    captions_per_video: int = 2
    reversed_twins: bool = True  # write a time-reversed twin of every test video
    crf: int = 12  # libx264 quality: 12 keeps flat colours within a few levels

    def probability(self, event: str) -> float:
        """Per-object probability of a scripted event ("enter", "exit", "stop", "turn", "colour_change")."""
        return min(1.0, getattr(self, f"p_{event}") * self.event_density)

    def event_span(self) -> tuple[int, int]:
        """First and last frame a scripted stop, turn or colour change may be due at."""
        if self.event_frames is not None:
            return self.event_frames[0], self.event_frames[1]
        return max(1, int(0.15 * self.frames)), max(2, int(0.85 * self.frames)) - 1

    def validate(self) -> WorldConfig:
        """Raise `ConfigError` listing every invalid value at once; return self when valid."""
        return validated(self, "world config")

    def problems(self) -> list[str]:
        """Every invalid value (empty when the config is usable)."""
        problems: list[str] = []

        def need(ok: bool, key: str, expected: str) -> None:
            if not ok:
                problems.append(f"{key}: expected {expected}, got {getattr(self, key)!r}")

        need(self.num_videos >= 1, "num_videos", ">= 1")
        need(self.frames >= 4, "frames", ">= 4")
        need(self.fps > 0, "fps", "> 0")
        for key in ("height", "width"):
            value = getattr(self, key)
            need(value >= 32 and value % 2 == 0, key, "an even number >= 32")
        need(
            1 <= self.min_objects <= self.max_objects,
            "min_objects",
            f"1 <= min_objects <= max_objects ({self.max_objects})",
        )
        need(self.max_objects <= len(self.colours), "max_objects", f"<= the number of colours ({len(self.colours)})")
        need(self.max_objects <= len(self.shapes) * len(self.colours), "max_objects", "<= shapes x colours")
        need(0.0 <= self.test_fraction <= 1.0, "test_fraction", "a value in [0, 1]")
        need(self.event_density >= 0.0, "event_density", ">= 0")
        for key in ("p_enter", "p_exit", "p_stop", "p_turn", "p_colour_change"):
            need(0.0 <= getattr(self, key) <= 1.0, key, "a probability in [0, 1]")
        need(
            self.event_frames is None
            or (len(self.event_frames) == 2 and 1 <= self.event_frames[0] <= self.event_frames[1] < self.frames),
            "event_frames",
            f"none or [first, last] with 1 <= first <= last <= {self.frames - 1}",
        )
        need(
            0.0 < self.min_travel <= self.max_travel, "min_travel", f"0 < min_travel <= max_travel ({self.max_travel})"
        )
        need(self.max_travel <= 3.0, "max_travel", "<= 3 frame sides per clip")
        from videoutr.world.questions import TASKS

        need(all(t in TASKS for t in self.bench_tasks), "bench_tasks", f"names from {sorted(TASKS)}")
        for key, known in (
            ("backgrounds", BACKGROUNDS),
            ("shapes", SHAPES),
            ("colours", COLOURS),
            ("sizes", SIZE_CLASSES),
            ("directions", DIRECTIONS),
        ):
            values = getattr(self, key)
            need(bool(values) and all(v in known for v in values), key, f"a non-empty subset of {list(known)}")
        need(self.captions_per_video >= 0, "captions_per_video", ">= 0")
        need(0 <= self.crf <= 51, "crf", "0..51")
        return problems

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorldConfig:
        """Build from a dict (e.g. world.json); unknown keys and bad values are reported all at once."""
        return load_config(cls, data, name="world config", check=cls.problems)

    def with_overrides(self, **overrides: Any) -> WorldConfig:
        """A copy with some fields replaced (None values are ignored), validated."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None}).validate()


def world_default(**overrides: Any) -> WorldConfig:
    """The project's default world: 32 frames at 8 fps, 128x128, 1-5 objects."""
    return WorldConfig().with_overrides(**overrides)


def world_tiny(**overrides: Any) -> WorldConfig:
    """A handful of short, small videos for tests: 6 videos, 16 frames of 64x64, 1-3 objects.

    Event density is raised so that even six videos exercise every event type.
    """
    base = WorldConfig(
        num_videos=6,
        frames=16,
        fps=8.0,
        height=64,
        width=64,
        min_objects=1,
        max_objects=3,
        test_fraction=0.5,
        event_density=2.0,
        captions_per_video=2,
    )
    return base.with_overrides(**overrides)


PRESETS = {"default": world_default, "tiny": world_tiny}


def world_preset(name: str, **overrides: Any) -> WorldConfig:
    """A preset by short name ("default", "tiny"); an unknown name lists the known ones."""
    if name not in PRESETS:
        raise ConfigError(f"unknown world preset {name!r}; known presets: {sorted(PRESETS)}")
    return PRESETS[name](**overrides)
