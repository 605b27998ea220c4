"""Events derived from per-frame ground truth, and time-reversed twins.

Events are never copied from the simulator's script: they are read off the per-frame data
(in-frame boxes, centres, colours), so they agree with the pixels by construction and a reversed
twin gets its events by the same code (an exit becomes an enter, a stop a start, a turn from A to
B a turn from opposite(B) to opposite(A), a change from red to blue one from blue to red).

    twin = reverse_annotation(ann)
"""

from __future__ import annotations

import copy

import numpy as np

from videoutr.world.annotation import Event, ObjectTrack, VideoAnnotation
from videoutr.world.palette import direction_name, reflect
from videoutr.world.render import measure_visibility

MOVE_EPS_PX = 0.05  # centres are stored to 0.01 px; real steps are >= 0.5 px
_TYPE_ORDER = {"exit": 0, "enter": 1, "stop": 2, "start": 3, "turn": 4, "colour_change": 5}


def _edge(center: np.ndarray, width: int, height: int) -> str:
    """The frame edge beyond which an off-frame centre lies (the one it is furthest past)."""
    overshoot = {"left": -center[0], "right": center[0] - width, "top": -center[1], "bottom": center[1] - height}
    return max(overshoot, key=lambda k: overshoot[k])


def _is_bounce(obj: ObjectTrack, t: int, old: str, new: str, step: float, width: int, height: int) -> bool:
    """A turn is a bounce when it mirrors the motion at a wall the shape's bounding square is
    within one step of."""
    (cx, cy), r = obj.center_xy[t], obj.size_px / 2.0
    near_x = cx - r <= step + 1 or cx + r >= width - step - 1
    near_y = cy - r <= step + 1 or cy + r >= height - step - 1
    return any(
        new == reflect(old, fx, fy) and (not fx or near_x) and (not fy or near_y)
        for fx, fy in ((True, False), (False, True), (True, True))
    )


def derive_events(obj: ObjectTrack, width: int, height: int) -> list[Event]:
    """All events of one object, from its per-frame boxes, centres and colours."""
    centers = np.asarray(obj.center_xy, dtype=np.float64)
    steps = centers[1:] - centers[:-1]
    lengths = np.hypot(steps[:, 0], steps[:, 1])
    moving = lengths > MOVE_EPS_PX
    dirs = [direction_name(dx, dy) if m else None for (dx, dy), m in zip(steps, moving)]
    num_frames = len(obj.colour)
    events = []
    for t in range(1, num_frames):
        was_in, is_in = obj.in_frame(t - 1), obj.in_frame(t)
        if is_in and not was_in:
            events.append(Event("enter", t, {"edge": _edge(centers[t - 1], width, height), "direction": dirs[t - 1]}))
        if was_in and not is_in:
            events.append(Event("exit", t, {"edge": _edge(centers[t], width, height), "direction": dirs[t - 1]}))
        if is_in and t < num_frames - 1:
            if moving[t - 1] and not moving[t]:
                events.append(Event("stop", t))
            elif moving[t] and not moving[t - 1]:
                events.append(Event("start", t))
            elif moving[t] and dirs[t] != dirs[t - 1]:
                old, new = dirs[t - 1], dirs[t]
                bounce = _is_bounce(obj, t, old, new, float(max(lengths[t - 1], lengths[t])), width, height)
                events.append(Event("turn", t, {"from": old, "to": new, "cause": "bounce" if bounce else "turn"}))
        if obj.colour[t] != obj.colour[t - 1]:
            events.append(Event("colour_change", t, {"from": obj.colour[t - 1], "to": obj.colour[t]}))
    return sorted(events, key=lambda e: (e.frame, _TYPE_ORDER[e.type]))


def annotate(ann: VideoAnnotation) -> VideoAnnotation:
    """Fill boxes, visible fractions and events of a scene whose centres and colours are set."""
    measured = measure_visibility(ann)
    for obj in ann.objects:
        obj.box_xyxy, obj.visible_fraction = measured[obj.id]
        obj.events = derive_events(obj, ann.width, ann.height)
    return ann


def reverse_annotation(ann: VideoAnnotation, new_id: str | None = None) -> VideoAnnotation:
    """The ground truth of the time-reversed video (frame t shows original frame T-1-t)."""
    twin = copy.deepcopy(ann)
    twin.id = new_id or f"{ann.id}_rev"
    twin.reversed_of = ann.id
    for obj in twin.objects:
        obj.colour.reverse()
        obj.center_xy.reverse()
        obj.box_xyxy.reverse()
        obj.visible_fraction.reverse()
        obj.events = derive_events(obj, twin.width, twin.height)
    return twin
