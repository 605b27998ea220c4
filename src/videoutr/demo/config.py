"""`DemoConfig`: the typed schema of `videoutr demo`, with `smallest` / `default` / `full` presets.

The demo world is the project's world scaled to what a 0.8 M-parameter LLaVA-OneVision can see at
48 px (`demo_world`). The base checkpoint (`videoutr.base`) is pre-trained on frames of worlds
made with the same settings and other seeds, so the demo's arms only fine-tune.

    >>> cfg = demo_preset("smallest")
    >>> cfg.arms[0], cfg.seeds
    ('captions', 1)
    >>> DemoConfig.from_dict(cfg.to_dict()) == cfg
    True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from videoutr.errors import ConfigError
from videoutr.schema import load_config, validated
from videoutr.world.config import WorldConfig

# arm name -> what it trains on (every arm: the same base, steps, batch and learning rate)
ARMS: dict[str, str] = {
    "captions": "captions of the core train videos (the hackable baseline)",
    "control": "captions + the UTR dialogues over a still video of one frame (format-matched control)",
    "utr": "captions + 100% of the UTR data of the core videos",
    "utr_50": "captions + 50% of the UTR data",
    "utr_25": "captions + 25% of the UTR data",
    "captions_x2": "captions of 2x as many videos (all train videos)",
    "captions_tpl": "the highest-TPL half of the x2 caption pool (TPL-filtered captions)",
}
TPL_POOLS = ("captions", "captions_x2", "control", "utr")  # scored under the base (no arm)
# the arms that mix the core captions with a share of the UTR dialogues (0 to 100%; the control: all
# of them, over stills): Finding 1's correlation runs over these; the caption pools selected another
# way (x2, TPL-filtered) are reported beside it
MIXTURES = ("captions", "control", "utr_25", "utr_50", "utr")


PERCEPTION_TASK = "colour"  # the benchmark's non-temporal control: a one-colour object's colour (any frame shows it)
BENCH_TASKS = ("direction", "location_start", "location_end", "colour_before", "colour_after", PERCEPTION_TASK)
# opt-in questions about a moment inside the video, each a demo option: option -> (benchmark task, engine task)
MOMENT_QUESTIONS = {
    "place_at_change": ("location_change", "place_at_change"),  # where the object is when its colour changes
    "place_at_middle": ("location_middle", "place_at_middle"),  # where it is half-way through the video
}


def demo_world(
    num_videos: int,
    seed: int = 0,
    test_fraction: float = 0.25,
    event_frames: tuple[int, ...] | None = None,
    max_objects: int = 1,
    p_colour_change: float = 0.35,
    moment_tasks: tuple[str, ...] = (),
) -> WorldConfig:
    """The world the demo (and the base checkpoint) uses: what a 0.8 M-parameter model can see at
    48 px. 8 frames of 64x64 (the model sees every frame), one large object on a plain background,
    moving left, right, up or down (bouncing off the walls) and changing colour at times; the
    benchmark asks direction, place at the start / end, colour before / after a change, and the
    colour of an object that keeps its colour as the non-temporal control. One object: at 48 px the
    tiny model cannot tell two objects apart by their names (docs/demo.md, "One object per video").
    `event_frames`: `WorldConfig.event_frames`; `max_objects`: objects per video, 1 up to this (the
    base's moving videos keep their default event window and 1-2 objects, `base.frames.MAX_OBJECTS`);
    `moment_tasks`: benchmark tasks asked beside `BENCH_TASKS` (those of `MOMENT_QUESTIONS`)."""
    return WorldConfig(
        num_videos=num_videos,
        seed=seed,
        frames=8,
        fps=4.0,
        height=64,
        width=64,
        min_objects=1,
        max_objects=max_objects,
        sizes=("large",),
        test_fraction=test_fraction,
        captions_per_video=2,
        backgrounds=("plain",),
        directions=("right", "up", "left", "down"),
        p_enter=0.0,
        p_exit=0.0,
        p_stop=0.0,
        p_turn=0.0,
        p_colour_change=p_colour_change,
        min_travel=0.35,
        max_travel=0.6,
        bench_tasks=BENCH_TASKS + tuple(moment_tasks),
        event_frames=event_frames,
    ).validate()


@dataclass(frozen=True)
class DemoConfig:
    """Everything one demo run decides. Same config and seeds: same numbers."""

    world_videos: int = 3000  # original videos; test_fraction of them (+ reversed twins) form the bench.
    # Many videos, each seen about once: on a pool a few hundred videos strong the arms memorise it
    test_fraction: float = 0.02  # 60 test videos + their reversed twins
    # frames a colour change may first show at (`WorldConfig.event_frames`); none: the world's
    # default, frames 1-5 of 0-7 (docs/demo.md: what [1, 7], symmetric under reversal, measured)
    event_frames: tuple[int, ...] | None = None
    # share of videos whose object changes colour once (`WorldConfig.p_colour_change`); the base's
    # videos have 0.35 too (docs/demo.md, "Why this design": what 0.7 measured)
    colour_change: float = 0.35
    # also ask where the object is when its colour changes (a moment in the middle of the video): the
    # benchmark's `location_change` and the engine's `place_at_change` (docs/demo.md: what it measured)
    place_at_change: bool = False
    # also ask where the object is half-way through the video: the benchmark's `location_middle` and
    # the engine's `place_at_middle` (docs/demo.md: what it measured)
    place_at_middle: bool = False
    world_seed: int = 0
    train_seed: int = 0  # the first training seed; `seeds` runs use train_seed, train_seed + 1, ...
    core_fraction: float = 0.5  # share of train videos whose captions/UTR data every arm uses
    arms: tuple[str, ...] = ("captions", "control", "utr_25", "utr_50", "utr", "captions_tpl")
    seeds: int = 1  # training seeds per arm (intervals over seeds when > 1)
    steps: int = 150  # optimizer steps per arm (the same budget for every arm)
    batch_size: int = 16
    lr: float = 5e-4
    warmup_steps: int = 20
    scheduler: str = "constant_with_warmup"  # after the warm-up (`videoutr.train.config.SCHEDULERS`)
    vision_lr: float | None = None  # the vision tower's lr (None: `lr`), as LLaVA's --mm_vision_tower_lr
    frames: int = 8  # frames the model sees per video (every frame of a demo world video)
    tpl_key_frames: tuple[str, ...] = ("first", "last")  # TPL per key frame; a sample's TPL is their mean
    tpl_key_view: str = "still"  # the key frame repeated T times: the tiny model never saw a one-frame video
    tpl_samples: int = 400  # a random subset of each pool is scored (the x2 caption pool: twice as many)
    tpl_keep_fraction: float = 0.5  # captions_tpl keeps this top share of the scored x2 caption subset
    conditions: tuple[str, ...] = ("full", "first", "last", "ends", "shuffled", "none")
    ablation_arms: tuple[str, ...] = ("captions", "control", "utr")  # all conditions; others: full + none
    eval_limit: int | None = None  # score only the first N benchmark questions (tests)
    probe_videos: int = 16  # held-out videos for frame use (masking) and frame activation (attention)
    bootstrap: int = 1000  # resamples for the confidence intervals
    base: str = "builtin"  # "builtin" (the committed checkpoint) or a checkpoint folder
    workers: int = 2  # arms trained / evaluated side by side (one process per core)
    threads: int = 1  # torch threads: a 0.8 M-parameter model gains nothing from more, and on
    # shared cores extra threads spin (measured: 0.5 vs 3.1 CPU-s per step with 1 vs 2 threads)

    def validate(self) -> DemoConfig:
        """Raise `ConfigError` listing every invalid value at once; return self when valid."""
        return validated(self, "demo config")

    def problems(self) -> list[str]:
        """Every invalid value (empty when the config is usable)."""
        problems: list[str] = []
        unknown = [a for a in self.arms if a not in ARMS]
        if unknown:
            problems.append(f"arms: unknown {unknown}; known: {sorted(ARMS)}")
        for key, low in (
            ("world_videos", 8),
            ("seeds", 1),
            ("steps", 1),
            ("batch_size", 1),
            ("frames", 2),
            ("workers", 1),
            ("threads", 1),
            ("probe_videos", 0),
            ("bootstrap", 10),
            ("tpl_samples", 1),
        ):
            if getattr(self, key) < low:
                problems.append(f"{key}: expected >= {low}, got {getattr(self, key)}")
        for key in ("world_seed", "train_seed"):
            if getattr(self, key) < 0:
                problems.append(f"{key}: expected >= 0, got {getattr(self, key)}")
        for key in ("test_fraction", "core_fraction", "tpl_keep_fraction"):
            if not 0.0 < getattr(self, key) < 1.0 + (key != "test_fraction"):
                problems.append(f"{key}: expected in (0, 1], got {getattr(self, key)}")
        if not self.lr > 0:
            problems.append(f"lr: expected > 0, got {self.lr}")
        if self.vision_lr is not None and self.vision_lr < 0:
            problems.append(f"vision_lr: expected >= 0 or none, got {self.vision_lr}")
        from videoutr.train.config import SCHEDULERS

        if self.scheduler not in SCHEDULERS:
            problems.append(f"scheduler: expected one of {', '.join(SCHEDULERS)}, got {self.scheduler!r}")
        bad_keys = [k for k in self.tpl_key_frames if k not in ("first", "last", "middle", "random")]
        if bad_keys or not self.tpl_key_frames:
            problems.append(
                f"tpl_key_frames: expected some of first|last|middle|random, got {list(self.tpl_key_frames)}"
            )
        if self.tpl_key_view not in ("frame", "still"):
            problems.append(f"tpl_key_view: expected frame|still, got {self.tpl_key_view!r}")
        from videoutr.eval.probes import CONDITIONS

        bad_conditions = [c for c in self.conditions if c not in CONDITIONS]
        if bad_conditions or "full" not in self.conditions:
            problems.append(f"conditions: need 'full' and names from {list(CONDITIONS)}, got {list(self.conditions)}")
        if not 0.0 <= self.colour_change <= 1.0:
            problems.append(f"colour_change: expected a share in [0, 1], got {self.colour_change}")
        else:
            try:
                self.world()
            except ConfigError as err:
                problems.append(str(err))
        if self.eval_limit is not None and self.eval_limit < 1:
            problems.append(f"eval_limit: expected >= 1 or none, got {self.eval_limit}")
        return problems

    def train_seeds(self) -> list[int]:
        return [self.train_seed + k for k in range(self.seeds)]

    def world(self) -> WorldConfig:
        return demo_world(
            self.world_videos,
            self.world_seed,
            self.test_fraction,
            self.event_frames,
            p_colour_change=self.colour_change,
            moment_tasks=tuple(bench for bench, _ in self.moment_questions()),
        )

    def moment_questions(self) -> list[tuple[str, str]]:
        """(benchmark task, engine task) of each opt-in moment question this run asks."""
        return [tasks for option, tasks in MOMENT_QUESTIONS.items() if getattr(self, option)]

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DemoConfig:
        """Build from a dict (e.g. demo_config.json); unknown keys and bad values are reported all at once."""
        return load_config(cls, data, name="demo config", check=cls.problems)

    def with_overrides(self, **overrides: Any) -> DemoConfig:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None}).validate()


PRESETS: dict[str, dict[str, Any]] = {
    # the test suite: every stage runs, on a handful of videos and a few steps
    "smallest": dict(
        world_videos=16,
        test_fraction=0.1,
        arms=("captions", "control", "utr", "captions_tpl"),
        steps=4,
        batch_size=4,
        eval_limit=24,
        conditions=("full", "last", "shuffled", "none"),
        probe_videos=2,
        bootstrap=200,
    ),
    # `make demo`: <= 10 minutes on 2 CPU cores
    "default": {},
    # tighter intervals: three training seeds, every arm under every frame condition
    "full": dict(seeds=3, ablation_arms=("captions", "control", "utr_25", "utr_50", "utr", "captions_tpl")),
}


def demo_preset(name: str, **overrides: Any) -> DemoConfig:
    """A preset by short name; an unknown name lists the known ones."""
    if name not in PRESETS:
        raise ConfigError(f"unknown demo preset {name!r}; known: {sorted(PRESETS)}")
    return DemoConfig(**PRESETS[name]).with_overrides(**overrides)
