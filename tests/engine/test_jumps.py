"""Blobs found from a track's own boxes (`engine/query/jumps.py`): a box that grows or shrinks
abruptly took in or let go of something beside its subject, and its boxes there are never stated."""

import random

from videoutr.engine.config import QueryConfig
from videoutr.engine.query import TASKS
from videoutr.engine.query.jumps import blob_frames
from videoutr.engine.query.subjects import grown_alone, reliable_points
from videoutr.engine.types import ClipTrajectories, TrackPoint, Trajectory

WIDTH, HEIGHT = 320, 240


def _clip(*boxes_per_track: list[tuple[float, float, float, float]]) -> ClipTrajectories:
    """A 320 x 240 clip at 8 fps, one track per list of pixel boxes (one box a frame from frame 0)."""
    tracks = []
    for track_id, boxes in enumerate(boxes_per_track, start=1):
        points = [
            TrackPoint(f, f / 8, (x1 / WIDTH, y1 / HEIGHT, x2 / WIDTH, y2 / HEIGHT), 0.95, colour="brown")
            for f, (x1, y1, x2, y2) in enumerate(boxes)
        ]
        tracks.append(Trajectory(track_id, "object", points, colour="brown", mean_confidence=0.95))
    length = max(len(b) for b in boxes_per_track)
    return ClipTrajectories("v", "v.mp4", 8.0, length, WIDTH, HEIGHT, list(range(length)), tracks)


def _moving(frames: int, x: float, y: float, dx: float, dy: float, w: float = 50, h: float = 40) -> list:
    return [(x + dx * f, y + dy * f, x + dx * f + w, y + dy * f + h) for f in range(frames)]


def test_a_blob_that_is_most_of_the_track_is_found_where_it_splits():
    """Two subjects drift up together as one blob for frames 0-5 (the track's usual size, so the
    size rules pass it), then one of them is no longer in the box: the bottom edge jumps up 44 px
    in one frame while the top one lies on the border. Frames 0-5 are a blob; nothing of them is
    stated, by the fallback either, and something untracked may be around them."""
    blob = [(210 - 3 * f, max(0.0, 30 - 6 * f), 270 - 3 * f, 110 - 4 * f) for f in range(6)]
    alone = [(210 - 3 * f, 0, 265 - 3 * f, 60 - 6 * (f - 6)) for f in range(6, 10)]
    clip = _clip(blob + alone)
    traj = clip.tracks[0]
    assert blob_frames(clip, traj) == set(range(6))
    assert not {p.frame_idx for p in reliable_points(clip, traj, QueryConfig())} & set(range(6))
    assert set(range(6)) <= grown_alone(clip)
    for seed in range(10):
        qa = TASKS["box_to_path"](clip, random.Random(seed), QueryConfig())
        assert qa is None or not {f for f, _ in qa.claims["boxes"]} & set(range(6))


def test_a_blob_ends_where_the_box_is_back_to_its_size():
    """A box that grows 20 px at once (another subject joins it at frame 8) and shrinks back
    slowly as they part (no jump) is a blob until its sides are within half a jump of the size
    before the growth."""
    boxes = _moving(20, 20, 100, 5, 0)
    for f, extra in zip(range(8, 14), (20, 20, 16, 12, 5, 2)):
        x1, y1, x2, y2 = boxes[f]
        boxes[f] = (x1, y1 - extra, x2, y2)
    clip = _clip(boxes)
    assert blob_frames(clip, clip.tracks[0]) == set(range(8, 12))


def test_crossing_the_border_fast_rigid_motion_and_a_wobbling_edge_are_no_jumps():
    """An ellipse entering from the left (its box pinned at the border, its height growing 10 px
    a frame with its profile), a subject moving 20 px a frame, and edges that wander by 3 px."""
    entering = [(0, 100 - 5 * f, 9 * f + 8, 110 + 5 * f) for f in range(6)] + _moving(10, 3, 75, 9, 0, w=50, h=70)
    fast = _moving(12, 10, 20, 20, 4)
    steady = _moving(16, 40, 150, 4, -2)
    wobbly = [(x1 + (f % 2) * 3, y1, x2, y2 - (f % 3)) for f, (x1, y1, x2, y2) in enumerate(steady)]
    clip = _clip(entering, fast, wobbly)
    assert [blob_frames(clip, t) for t in clip.tracks] == [set(), set(), set()]


def test_touching_another_track_begins_no_blob_but_may_end_one():
    """Frames 4-6: the box is cut 20 px short behind a tracked subject it touches (an occlusion,
    not a blob: the size before and after is the subject's). Frames 12-15: it grows 20 px at once
    with nothing tracked beside it (a blob), and shrinks back at frame 16 while touching another
    track's box: the blob ends there."""
    boxes = _moving(22, 20, 100, 5, 0)
    for f in range(4, 7):
        x1, y1, x2, y2 = boxes[f]
        boxes[f] = (x1, y1, x2 - 20, y2)
    for f in range(12, 16):
        x1, y1, x2, y2 = boxes[f]
        boxes[f] = (x1, y1 - 20, x2, y2)
    clip = _clip(boxes)
    traj = clip.tracks[0]
    for p in traj.points:
        p.contact = p.frame_idx in (4, 5, 6, 16)
    assert blob_frames(clip, traj) == set(range(12, 16))
