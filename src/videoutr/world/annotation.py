"""Ground truth of the synthetic world: `VideoAnnotation` > `ObjectTrack` > `Event`.

One `VideoAnnotation` per line of `DIR/annotations.jsonl`. Per object and per frame it holds the
colour name, the box `[x1, y1, x2, y2]` of the object's pixels inside the frame (pixel edges: a
shape covering columns 3..9 has x1=3, x2=10; null when no pixel is inside the frame), the share
of the shape's pixels that are seen (`visible_fraction`: 0 when off-frame or fully hidden behind
other objects), and the shape centre `center_xy` (may lie outside the frame) used to re-render.
Objects are drawn in increasing `depth` (higher depth in front).

Events (derived from the per-frame data, see `videoutr.world.events`), each with `type`, `frame`:
- `enter` / `exit`: first frame with a pixel in the frame / first frame with none; `edge`, `direction`.
- `stop` / `start`: first frame at rest / last frame at rest before moving again.
- `turn`: the frame where the direction of motion changes; `from`, `to`, `cause` ("turn"|"bounce").
- `colour_change`: first frame with the new colour; `from`, `to`.

    anns = load_annotations("runs/world")          # the folder or its annotations.jsonl
    VideoAnnotation.from_json(anns[0].to_json()) == anns[0]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from videoutr.errors import DataFormatError
from videoutr.jsonio import iter_jsonl

EVENT_TYPES = ("enter", "exit", "start", "stop", "turn", "colour_change")


@dataclass
class Event:
    """One event of one object; `details` holds the type's extra keys (edge, direction, from, to)."""

    type: str
    frame: int
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "frame": self.frame, **self.details}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Event:
        details = {k: v for k, v in data.items() if k not in ("type", "frame")}
        return cls(type=str(data["type"]), frame=int(data["frame"]), details=details)


@dataclass
class ObjectTrack:
    """One object through a video: fixed shape and size, per-frame colour, box and visibility."""

    id: int
    shape: str
    size: str
    size_px: int
    depth: int
    colour: list[str]
    center_xy: list[list[float]]
    box_xyxy: list[list[int] | None]
    visible_fraction: list[float]
    events: list[Event] = field(default_factory=list)

    def in_frame(self, t: int) -> bool:
        return self.box_xyxy[t] is not None

    def events_of(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.type == kind]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "shape": self.shape,
            "size": self.size,
            "size_px": self.size_px,
            "depth": self.depth,
            "colour": list(self.colour),
            "box_xyxy": [None if b is None else list(b) for b in self.box_xyxy],
            "visible_fraction": list(self.visible_fraction),
            "center_xy": [list(c) for c in self.center_xy],
            "events": [e.to_json() for e in self.events],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ObjectTrack:
        return cls(
            id=int(data["id"]),
            shape=str(data["shape"]),
            size=str(data["size"]),
            size_px=int(data["size_px"]),
            depth=int(data.get("depth", data["id"])),
            colour=[str(c) for c in data["colour"]],
            center_xy=[[float(v) for v in c] for c in data["center_xy"]],
            box_xyxy=[None if b is None else [int(v) for v in b] for b in data["box_xyxy"]],
            visible_fraction=[float(v) for v in data["visible_fraction"]],
            events=[Event.from_json(e) for e in data.get("events", [])],
        )


@dataclass
class VideoAnnotation:
    """Ground truth of one video; `video` is its path relative to the world folder."""

    id: str
    fps: float
    num_frames: int
    width: int
    height: int
    split: str
    background: str
    background_params: dict[str, Any]
    objects: list[ObjectTrack]
    reversed_of: str | None = None

    @property
    def video(self) -> str:
        return f"videos/{self.id}.mp4"

    def object(self, object_id: int) -> ObjectTrack:
        for obj in self.objects:
            if obj.id == object_id:
                return obj
        raise KeyError(f"video {self.id} has no object {object_id}")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "video": self.video,
            "fps": self.fps,
            "num_frames": self.num_frames,
            "width": self.width,
            "height": self.height,
            "split": self.split,
            "reversed_of": self.reversed_of,
            "background": self.background,
            "background_params": self.background_params,
            "objects": [o.to_json() for o in self.objects],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str = "annotation") -> VideoAnnotation:
        """Parse one record; a malformed one raises `DataFormatError` naming `where` and the id."""
        try:
            ann = cls(
                id=str(data["id"]),
                fps=float(data["fps"]),
                num_frames=int(data["num_frames"]),
                width=int(data["width"]),
                height=int(data["height"]),
                split=str(data["split"]),
                background=str(data["background"]),
                background_params=dict(data.get("background_params", {})),
                objects=[ObjectTrack.from_json(o) for o in data["objects"]],
                reversed_of=data.get("reversed_of"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFormatError(f"{where} (id {data.get('id', '?')})", f"bad annotation: {exc!r}") from None
        for obj in ann.objects:
            lengths = {len(obj.colour), len(obj.box_xyxy), len(obj.visible_fraction), len(obj.center_xy)}
            if lengths != {ann.num_frames}:
                raise DataFormatError(
                    f"{where} (id {ann.id})", f"object {obj.id}: per-frame lists must have {ann.num_frames} entries"
                )
        return ann


def load_annotations(path: str | Path) -> list[VideoAnnotation]:
    """Load `annotations.jsonl` (or the world folder that holds it)."""
    path = Path(path)
    if path.is_dir():
        path = path / "annotations.jsonl"
    return [
        VideoAnnotation.from_json(record, where=f"{path}:{number}")
        for number, record in enumerate(iter_jsonl(path), start=1)
    ]
