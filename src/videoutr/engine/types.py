"""The engine's per-clip type: tracked subjects with attributes over time.

Per frame the engine speaks `supervision.Detections` (boxes, confidence, class id, and a `data`
dict holding per-detection attributes); between tracking and querying it speaks
`ClipTrajectories`; the dialogue type is `videoutr.data.llava.Sample`.

Boxes here are normalised to [0, 1] (`box_norm`, xyxy), so a trajectory is independent of the
video's resolution.

    >>> p = TrackPoint(frame_idx=3, time_s=0.375, box_norm=(0.1, 0.4, 0.3, 0.6), confidence=0.9)
    >>> traj = Trajectory(track_id=1, category="circle", points=[p])
    >>> clip = ClipTrajectories("v1", "v1.mp4", 8.0, 32, 128, 128, [0], [traj])
    >>> ClipTrajectories.from_dict(clip.to_dict()).tracks[0].points[0] == p
    True
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any


@dataclass
class TrackPoint:
    """One tracked box: `box_norm` is xyxy in [0, 1]; `interpolated` points filled a gap."""

    frame_idx: int
    time_s: float
    box_norm: tuple[float, float, float, float]
    confidence: float
    interpolated: bool = False
    colour: str | None = None
    shape: str | None = None
    location: str | None = None
    size: str | None = None
    contact: bool = False  # touches another subject's box: it may be partly hidden
    action: str | None = None  # what the subject does in this frame, where a detector says (pose: "walking")

    def __post_init__(self) -> None:
        self.box_norm = tuple(map(float, self.box_norm))  # type: ignore[assignment]

    @property
    def centre(self) -> tuple[float, float]:
        x1, y1, x2, y2 = self.box_norm
        return (x1 + x2) / 2, (y1 + y2) / 2


@dataclass
class Event:
    """Something a subject does at a frame: enter, exit, start, stop, turn, colour_change."""

    type: str
    frame_idx: int
    time_s: float
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Segment:
    """A span of frames (inclusive) in which a subject is `state` ("moving" or "stationary")."""

    state: str
    start_frame: int
    end_frame: int
    direction: str | None = None
    speed: float | None = None  # box-centre displacement per second, in image widths
    observed: float = 1.0  # share of its points that show the whole subject (see path.clean_mask)


@dataclass
class ActionSpan:
    """A run of consecutive engine frames (inclusive) whose detections give the subject one action."""

    action: str
    start_frame: int
    end_frame: int
    frames: int  # engine frames in the run


@dataclass
class Trajectory:
    """One subject over the clip: its points (sorted by frame) and per-track attributes."""

    track_id: int
    category: str
    points: list[TrackPoint] = field(default_factory=list)
    colour: str | None = None
    size: str | None = None
    events: list[Event] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    actions: list[ActionSpan] = field(default_factory=list)  # where the detector names actions (see ActionSpan)
    mean_confidence: float = 0.0
    observed: float = 1.0  # share of points showing the whole subject (not hidden, not cut by the border)
    turns_sure: bool = False  # the number of turn events can be claimed (see kinematics.describe_track)

    @property
    def first_frame(self) -> int:
        return self.points[0].frame_idx

    @property
    def last_frame(self) -> int:
        return self.points[-1].frame_idx

    def point_at(self, frame_idx: int) -> TrackPoint | None:
        """The point at `frame_idx` (points are sorted by frame, one per frame), or None."""
        points = self.points
        if not points or not points[0].frame_idx <= frame_idx <= points[-1].frame_idx:
            return None
        k = frame_idx - points[0].frame_idx  # its place when the track holds every frame since its first
        if k >= len(points) or points[k].frame_idx != frame_idx:
            k = bisect_left(points, frame_idx, key=_frame_of)
        return points[k] if points[k].frame_idx == frame_idx else None

    def colours(self) -> list[str]:
        """Colour names in order of appearance, without repeats (changes show as several)."""
        names: list[str] = []
        for point in self.points:
            if point.colour and (not names or names[-1] != point.colour):
                names.append(point.colour)
        return names


@dataclass
class ClipTrajectories:
    """All kept tracks of one video, with the frames the engine looked at."""

    video_id: str
    video: str
    fps: float
    num_frames: int
    width: int
    height: int
    frame_idx: list[int]
    tracks: list[Trajectory] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    uncertain_frames: list[int] = field(default_factory=list)  # frames with detections no kept track explains
    camera: list[list[float]] | None = (
        None  # moving camera: per engine frame, its 2 x 3 map into the first frame's pixels (row-major)
    )

    def time_of(self, frame_idx: int) -> float:
        return frame_idx / self.fps if self.fps > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """`dataclasses.asdict(self)`, without its deep copies of every number and string (and
        without `camera` for a static camera)."""
        data = _plain(self)
        if data["camera"] is None:
            del data["camera"]
        return data

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> ClipTrajectories:
        tracks = []
        for t in record.get("tracks", []):
            tracks.append(
                Trajectory(
                    track_id=t["track_id"],
                    category=t["category"],
                    points=[TrackPoint(**p) for p in t["points"]],
                    colour=t.get("colour"),
                    size=t.get("size"),
                    events=[Event(**e) for e in t.get("events", [])],
                    segments=[Segment(**s) for s in t.get("segments", [])],
                    actions=[ActionSpan(**a) for a in t.get("actions", [])],
                    mean_confidence=t.get("mean_confidence", 0.0),
                    observed=t.get("observed", 1.0),
                    turns_sure=t.get("turns_sure", False),
                )
            )
        fields = {k: record[k] for k in ("video_id", "video", "fps", "num_frames", "width", "height", "frame_idx")}
        return cls(
            **fields,
            tracks=tracks,
            dropped=dict(record.get("dropped", {})),
            uncertain_frames=list(record.get("uncertain_frames", [])),
            camera=record.get("camera"),
        )


def _frame_of(point: TrackPoint) -> int:
    return point.frame_idx


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _plain(value: Any) -> Any:
    """Dataclasses to dicts (field order), lists, tuples and dicts rebuilt, other values as they are."""
    kind = type(value)
    if (
        kind is TrackPoint or kind is Segment
    ):  # the most numerous; their fields hold numbers, strings, a tuple of floats
        return value.__dict__.copy()  # their attributes are their fields, set in field order by __init__
    if hasattr(kind, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in _field_names(kind)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value
