"""A track's actions over time: runs of consecutive engine frames whose detections name one action.

A detector that reads what a subject does (`mp-pose`: `standing`, `walking`, `raising a hand`, see
`detect/pose_actions.py`) puts it in each detection's `data["action"]`; tracking carries it into
the track's points (`TrackPoint.action`), and this module cuts the points into `ActionSpan`s. A
frame without a detected point (the track lost it, or a gap filled by interpolation) or without
an action ends a run: what the subject did there is unknown.

    >>> from videoutr.engine.types import TrackPoint
    >>> points = [TrackPoint(f, f / 8, (0, 0, 1, 1), 1.0, action=a) for f, a in enumerate("sswws")]
    >>> [(s.action, s.start_frame, s.end_frame) for s in action_spans(points, list(range(5)))]
    [('s', 0, 1), ('w', 2, 3), ('s', 4, 4)]
"""

from __future__ import annotations

from videoutr.engine.types import ActionSpan, TrackPoint


def action_spans(points: list[TrackPoint], frame_idx: list[int]) -> list[ActionSpan]:
    """The runs of one action over consecutive engine frames of `points` (sorted by frame)."""
    position = {f: i for i, f in enumerate(frame_idx)}
    spans: list[ActionSpan] = []
    previous: TrackPoint | None = None
    for point in points:
        action = None if point.interpolated else point.action
        if action is None:
            previous = None
            continue
        follows = previous is not None and position[point.frame_idx] == position[previous.frame_idx] + 1
        if follows and spans[-1].action == action:
            spans[-1].end_frame = point.frame_idx
            spans[-1].frames += 1
        else:
            spans.append(ActionSpan(action, point.frame_idx, point.frame_idx, 1))
        previous = point
    return spans
