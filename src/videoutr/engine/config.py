"""Typed configuration of the engine: the dataclasses are the schema, YAML/CLI give values.

>>> cfg = EngineConfig.from_dict({"detector": "motion", "track": {"min_track_len": 4}})
>>> cfg.track.min_track_len
4
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from videoutr.schema import load_config, validated


@dataclass
class TrackConfig:
    """ByteTrack and track filtering. Defaults suit 8-30 fps static-camera clips."""

    high_conf: float = 0.6  # ByteTrack's first-stage threshold (the paper's "confidence levels")
    activation_conf: float = 0.5  # a new track needs at least this detection confidence
    min_iou: float = 0.1  # association IoU (low: small fast objects move a lot between frames)
    lost_buffer_s: float = 1.0  # keep a lost track this long for re-association
    min_consecutive: int = 2  # frames before ByteTrack confirms a track
    min_track_len: int = 4  # drop tracks seen in fewer frames ("too_short")
    min_mean_conf: float = 0.4  # drop tracks whose mean point confidence is lower ("too_unsure")
    max_gap: int = 4  # fill gaps of at most this many frames by interpolation (flagged)
    partition: str = (
        "auto"  # track each colour / class separately: auto (the detector's choice), colour, class_name, none
    )
    stitch_gap_s: float = 2.0  # join a track to one starting at most this long after it ends ...
    stitch_dist: float = 0.12  # ... whose start lies this close (frame sides) to its extrapolated end
    still_speed: float = 0.05  # centre speed (image widths / s) below which a subject is stationary
    centre_noise_px: float = 0.5  # typical error of a detected box centre, in pixels ...
    split_penalty: float = 20.0  # ... a motion piece must explain this many squared noise units to be cut off


@dataclass
class QueryConfig:
    """Question generation. Answers list trajectory boxes every `box_stride`-th engine frame."""

    turns_per_sample: int = 3  # question-answer pairs per sample before the summary turn
    samples_per_video: int = 2
    box_stride: int = 4  # list every k-th frame of a trajectory (keeps answers short)
    max_boxes: int = 10  # ... and at most this many boxes per answer
    min_claim_conf: float = 0.5  # a point under this confidence is never asserted
    min_claim_side_px: float = 0.0  # nor any point of a track whose usual box is narrower (or shorter) than this
    min_observed: float = 0.7  # whole-trajectory answers only for subjects seen whole in this share of points
    min_visible: float = (
        0.6  # a point whose box is under this fraction of the track's median area is treated as occluded
    )
    summary: bool = True
    tasks: tuple[str, ...] = (
        "box_to_track",
        "location_to_track",
        "appearance_to_track",
        "span_to_subjects",
        "time_to_subjects",
        "action_to_subjects",
    )
    fallback_tasks: tuple[str, ...] = (  # asked in a sample where none of `tasks` has anything sure
        "box_to_path",
        "camera_motion",
    )
    seed: int = 0


@dataclass
class EngineConfig:
    """Everything one engine run needs besides its inputs and outputs."""

    detector: str = "motion"
    detector_args: dict[str, Any] = field(default_factory=dict)
    num_frames: int | None = None  # sample this many frames uniformly (None: see fps)
    fps: float | None = None  # or sample at this rate (None and no num_frames: every frame)
    max_frames: int | None = 256
    track: TrackConfig = field(default_factory=TrackConfig)
    query: QueryConfig = field(default_factory=QueryConfig)

    def validate(self) -> EngineConfig:
        """Raise `ConfigError` listing every invalid value at once; return self when valid."""
        return validated(self, "engine config")

    def problems(self) -> list[str]:
        """Every invalid value (empty when the config is usable)."""
        problems: list[str] = []

        def need(ok: bool, key: str, expected: str, value: Any) -> None:
            if not ok:
                problems.append(f"{key}: expected {expected}, got {value!r}")

        need(self.num_frames is None or self.num_frames >= 2, "num_frames", "None or >= 2", self.num_frames)
        need(self.fps is None or self.fps > 0, "fps", "None or > 0", self.fps)
        need(
            self.num_frames is None or self.fps is None,
            "num_frames/fps",
            "at most one of them",
            (self.num_frames, self.fps),
        )
        need(self.max_frames is None or self.max_frames >= 2, "max_frames", "None or >= 2", self.max_frames)
        t, q = self.track, self.query
        for key in ("high_conf", "activation_conf", "min_iou", "min_mean_conf"):
            need(0.0 <= getattr(t, key) <= 1.0, f"track.{key}", "a value in [0, 1]", getattr(t, key))
        need(t.min_track_len >= 1, "track.min_track_len", ">= 1", t.min_track_len)
        need(t.max_gap >= 0, "track.max_gap", ">= 0", t.max_gap)
        need(
            t.partition in ("auto", "colour", "class_name", "none"),
            "track.partition",
            "auto, colour, class_name or none",
            t.partition,
        )
        for key in ("lost_buffer_s", "stitch_gap_s", "stitch_dist", "still_speed", "centre_noise_px", "split_penalty"):
            need(getattr(t, key) >= 0, f"track.{key}", ">= 0", getattr(t, key))
        need(t.min_consecutive >= 1, "track.min_consecutive", ">= 1", t.min_consecutive)
        need(
            0.0 <= q.min_claim_conf <= 1.0 and 0.0 <= q.min_observed <= 1.0 and 0.0 <= q.min_visible <= 1.0,
            "query.min_claim_conf/min_observed/min_visible",
            "values in [0, 1]",
            (q.min_claim_conf, q.min_observed, q.min_visible),
        )
        need(q.min_claim_side_px >= 0, "query.min_claim_side_px", ">= 0", q.min_claim_side_px)
        need(q.turns_per_sample >= 1, "query.turns_per_sample", ">= 1", q.turns_per_sample)
        need(q.samples_per_video >= 1, "query.samples_per_video", ">= 1", q.samples_per_video)
        need(
            q.box_stride >= 1 and q.max_boxes >= 2,
            "query.box_stride/max_boxes",
            "box_stride >= 1, max_boxes >= 2",
            (q.box_stride, q.max_boxes),
        )
        return problems

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["query"]["tasks"] = list(self.query.tasks)
        data["query"]["fallback_tasks"] = list(self.query.fallback_tasks)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EngineConfig:
        """Build from nested dicts; every unknown key and mistyped value is reported at once."""
        return load_config(cls, data, name="engine config")
