"""Tracking: ByteTrack two-stage association, filters with reasons, interpolation, stitching, events."""

import numpy as np
import pytest
import supervision as sv

from videoutr.engine.config import TrackConfig
from videoutr.engine.track.stitching import stitch_tracklets
from videoutr.engine.track.tracking import track_clip
from videoutr.engine.types import ClipTrajectories, TrackPoint, Trajectory

SIZE = 128


def dets(rows):
    """rows: (x, y, conf, colour) of 16 px boxes (cut by the frame's left edge when x < 0, as a
    detector sees a subject that is coming in)."""
    if not rows:
        return sv.Detections(
            xyxy=np.empty((0, 4), np.float32),
            confidence=np.empty(0, np.float32),
            class_id=np.empty(0, int),
            data={"colour": np.empty(0, object), "shape": np.empty(0, object)},
        )
    return sv.Detections(
        xyxy=np.array([[max(0, x), y, x + 16, y + 16] for x, y, _, _ in rows], np.float32),
        confidence=np.array([c for _, _, c, _ in rows], np.float32),
        class_id=np.zeros(len(rows), int),
        data={"colour": np.array([k for *_, k in rows], object), "shape": np.array(["square"] * len(rows), object)},
    )


def run(per_frame, **cfg):
    frame_idx = list(range(len(per_frame)))
    return track_clip(
        per_frame, frame_idx, 8.0, SIZE, SIZE, TrackConfig(**cfg), "v", "v.mp4", len(per_frame), partition="colour"
    )


def test_two_subjects_with_a_short_gap_are_interpolated():
    frames = []
    for t in range(20):
        rows = [(10 + 3 * t, 20, 0.9, "red"), (100 - 3 * t, 80, 0.9, "blue")]
        if t in (8, 9):
            rows = rows[1:]  # the red one is missed twice
        frames.append(dets(rows))
    clip = run(frames)
    assert [t.colour for t in clip.tracks] == ["red", "blue"] or [t.colour for t in clip.tracks] == ["blue", "red"]
    assert [t.track_id for t in clip.tracks] == [1, 2]
    red = next(t for t in clip.tracks if t.colour == "red")
    assert [p.frame_idx for p in red.points] == list(range(20))
    assert [p.frame_idx for p in red.points if p.interpolated] == [8, 9]
    assert all(p.confidence < 0.9 for p in red.points if p.interpolated)
    assert red.first_frame == 0  # the frame ByteTrack withholds from a young track is given back
    x1 = red.point_at(8).box_norm[0]
    assert x1 == pytest.approx((10 + 24) / SIZE, abs=0.02)
    assert red.segments[0].direction == "right" and len(red.segments) == 1


def test_short_and_unsure_tracks_are_dropped_with_reasons():
    frames = []
    for t in range(16):
        rows = [(10 + 2 * t, 20, 0.9, "red")]
        if t in (5, 6):
            rows.append((90, 90, 0.9, "green"))  # a two-frame flicker
        conf = 0.9 if t < 2 else 0.2  # confident start, then only second-stage (low) matches
        rows.append((60, 60 + t, conf, "blue"))
        frames.append(dets(rows))
    clip = run(frames)
    assert [t.colour for t in clip.tracks] == ["red"]
    assert clip.dropped == {"too_short": 1, "too_unsure": 1}
    assert clip.uncertain_frames == list(range(16))  # the dropped unsure subject is there throughout


def test_colour_change_is_one_stitched_subject_with_an_event():
    frames = [dets([(10 + 3 * t, 40, 0.9, "red" if t < 10 else "yellow")]) for t in range(20)]
    clip = run(frames)
    assert len(clip.tracks) == 1
    events = [(e.type, e.frame_idx) for e in clip.tracks[0].events]
    assert events == [("colour_change", 10)]
    assert clip.tracks[0].colours() == ["red", "yellow"]


@pytest.mark.parametrize("changes_at", [1, 19])
def test_a_colour_seen_only_in_the_first_or_last_frame_stays_with_its_subject(changes_at):
    """ByteTrack cannot confirm a track from one detection: the colour before a change at frame 1
    (or after one at the last frame) would be lost, and with it the change."""
    frames = [dets([(10 + 3 * t, 40, 0.9, "red" if t < changes_at else "yellow")]) for t in range(20)]
    frames[0] = dets([(10, 40, 0.9, "red"), (100, 100, 0.9, "green")])
    clip = run(frames)
    assert len(clip.tracks) == 1 and clip.tracks[0].colours() == ["red", "yellow"]
    assert (clip.tracks[0].first_frame, clip.tracks[0].last_frame) == (0, 19)
    assert [(e.type, e.frame_idx) for e in clip.tracks[0].events] == [("colour_change", changes_at)]
    assert clip.dropped == {"too_short": 1}  # the lone green box joins nothing


def test_stop_start_and_turn_events():
    frames = []
    x, y = 10.0, 20.0
    for t in range(32):
        if t < 10:
            x += 4
        elif 16 <= t < 24:
            y += 4
        frames.append(dets([(x, y, 0.95, "red")]))
    clip = run(frames)
    kinds = [(e.type, e.frame_idx) for e in clip.tracks[0].events]
    assert [k for k, _ in kinds] == ["stop", "start", "stop"]
    assert abs(kinds[0][1] - 10) <= 1 and abs(kinds[1][1] - 16) <= 1 and abs(kinds[2][1] - 24) <= 1
    moving = [s for s in clip.tracks[0].segments if s.state == "moving"]
    assert [s.direction for s in moving] == ["right", "down"]


def test_enter_and_exit_only_at_the_border():
    frames = [dets([(-10 + 6 * t, 50, 0.9, "red")] if t * 6 - 10 < SIZE - 16 else []) for t in range(26)]
    clip = run(frames)
    types = [e.type for e in clip.tracks[0].events]
    # detected last at frame 20 (x 110-126); moving 6 px a frame, its left edge reaches the border at frame 23
    assert types == ["exit"] and clip.tracks[0].last_frame == 20 and clip.tracks[0].events[-1].frame_idx == 23


def test_stitching_joins_a_subject_hidden_for_a_while():
    def points(frames, x0):
        return [
            TrackPoint(
                f, f / 8, (x0 + 0.02 * (f - frames[0]), 0.4, x0 + 0.1 + 0.02 * (f - frames[0]), 0.5), 0.9, colour="red"
            )
            for f in frames
        ]

    a = points(list(range(0, 10)), 0.1)
    b = points(list(range(16, 26)), 0.1 + 0.02 * 16)
    far = points(list(range(16, 26)), 0.8)
    chains = stitch_tracklets([a, b], list(range(32)), max_gap=16, max_dist=0.12)
    assert len(chains) == 1 and [p.frame_idx for p in chains[0]] == list(range(10)) + list(range(16, 26))
    assert len(stitch_tracklets([a, far], list(range(32)), max_gap=16, max_dist=0.12)) == 2
    assert len(stitch_tracklets([a, b], list(range(32)), max_gap=3, max_dist=0.12)) == 2


def test_clip_trajectories_round_trip():
    frames = [dets([(10 + 3 * t, 40, 0.9, "red")]) for t in range(12)]
    clip = run(frames)
    again = ClipTrajectories.from_dict(clip.to_dict())
    assert again == clip


def test_one_bytetrack_pass_never_joins_colours():
    """Tracking runs one ByteTrack over per-colour lanes: a blue box that appears where a red one
    was about to be starts its own tracklet (one tracker for all boxes would continue the red one)."""
    from videoutr.engine.track.tracking import ClipDetections, tracklets_of

    frames = [dets([(10 + 3 * t, 50, 0.9, "red" if t < 10 else "blue")]) for t in range(20)]
    by_colour, together = tracklets_of(
        [
            ClipDetections(frames, list(range(20)), 8.0, SIZE, SIZE, "v", "v.mp4", partition=key)
            for key in ("colour", None)
        ],
        TrackConfig(),
    )
    assert sorted({p.colour for p in pts}.pop() for pts in by_colour) == ["blue", "red"]
    assert all(len({p.colour for p in pts}) == 1 for pts in by_colour)
    assert len(together) == 1


def test_clips_tracked_together_are_tracked_as_if_alone():
    """One ByteTrack pass over several clips (each in its own lanes) gives each clip the
    trajectories it gets alone, whatever the other clips hold and however long they are."""
    from videoutr.engine.track.tracking import ClipDetections, track_clips

    def clip(seed: int, length: int) -> ClipDetections:
        rng = np.random.default_rng(seed)
        starts = rng.integers(0, 100, (3, 2))
        frames = [
            dets(
                [
                    (x + 3 * t, y, 0.9 if t % 5 else 0.5, colour)
                    for (x, y), colour in zip(starts, ("red", "blue", "red"))
                    if rng.random() > 0.1
                ]
            )
            for t in range(length)
        ]
        return ClipDetections(
            frames, list(range(length)), 8.0, SIZE, SIZE, f"v{seed}", f"v{seed}.mp4", length, "colour"
        )

    clips = [clip(seed, length) for seed, length in ((1, 20), (2, 12), (3, 24), (4, 1))]
    together = track_clips(clips, TrackConfig())
    for c, joint in zip(clips, together):
        assert joint.to_dict() == track_clips([c], TrackConfig())[0].to_dict()
    assert sum(len(t.tracks) for t in together) >= 4


def test_an_entry_is_dated_when_the_first_pixel_came_in():
    """A subject entering from the left at 5 px a frame is first detected 15 px in (frame 9): its
    first pixel came in 3 frames earlier, so the entry is dated frame 7 (15 / 5 = 3: past frame 6)."""
    from videoutr.engine.track.kinematics import crossing_frame

    frames = list(range(24))
    points = [TrackPoint(f, f / 8, (0.0, 0.4, (15 + 5 * (f - 9)) / 128, 0.55), 0.9) for f in range(9, 20)]
    assert crossing_frame(Trajectory(1, "object", points), 0, frames, (128, 128)) == 7
    # a subject moving along the border (not across it) keeps its first frame
    along = [TrackPoint(f, f / 8, (0.0, 0.1 + 0.02 * f, 0.1, 0.3 + 0.02 * f), 0.9) for f in range(9, 20)]
    assert crossing_frame(Trajectory(1, "object", along), 0, frames, (128, 128)) == 9


@pytest.mark.parametrize(("clip_end", "sure"), [(23, True), (14, False)])
def test_an_exit_followed_on_near_the_clip_end_is_unsure(clip_end, sure):
    """A 40 px subject leaving right at 5 px a frame, last detected 20 px inside the frame's edge
    (frame 9): its last pixel goes out at frame 13. With the clip going on to frame 23 the exit is
    sure; ending at frame 14 (a date followed on over 3 frames may be 1.5 late), the subject may
    still show a sliver at the clip's end: unsure."""
    from videoutr.engine.track.kinematics import describe_track

    points = [
        TrackPoint(f, f / 8, (min(1.0, (63 + 5 * f) / 128), 0.4, min(1.0, (103 + 5 * f) / 128), 0.55), 0.9)
        for f in range(0, 10)
    ]
    traj = Trajectory(1, "object", points)
    describe_track(traj, list(range(clip_end + 1)), 8.0, TrackConfig(), (128, 128))
    [exit_] = [e for e in traj.events if e.type == "exit"]
    assert exit_.frame_idx == 13 and exit_.detail["sure"] is sure
