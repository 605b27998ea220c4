"""Question generation: LLaVA format, determinism, short answers, and never asserting the unsure."""

import random
import re

from videoutr.data.llava import VIDEO_TOKEN, load_samples
from videoutr.engine.config import QueryConfig
from videoutr.engine.quality.metrics import load_trajectories
from videoutr.engine.query import TASKS, build_samples
from videoutr.engine.query.phrasing import POSE_QUESTIONS, QUESTIONS, SHORT_QUESTIONS, box_text
from videoutr.engine.types import ClipTrajectories, Segment, TrackPoint, Trajectory

BOX = re.compile(r"\[(\d\.\d\d), (\d\.\d\d), (\d\.\d\d), (\d\.\d\d)\]")


def _clip(conf_at_5: float = 0.9) -> ClipTrajectories:
    points = [
        TrackPoint(
            f,
            f / 8,
            (0.1 + 0.02 * f, 0.4, 0.25 + 0.02 * f, 0.55),
            conf_at_5 if f == 5 else 0.9,
            colour="red",
            shape="circle",
            location="middle left",
            size="small",
        )
        for f in range(16)
    ]
    traj = Trajectory(
        1,
        "circle",
        points,
        colour="red",
        size="small",
        segments=[Segment("moving", 0, 15, "right", 0.16)],
        mean_confidence=0.9,
    )
    return ClipTrajectories("v1", "v1.mp4", 8.0, 16, 128, 128, list(range(16)), [traj])


def test_box_text_two_decimals():
    assert box_text((0.123, 0.4, 0.3, 0.625)) == "[0.12, 0.40, 0.30, 0.62]"


def test_every_task_has_several_phrasings():
    assert set(TASKS) == set(QUESTIONS) | set(SHORT_QUESTIONS) | {"pose_action"}
    assert all(len(v) >= 3 for v in [*QUESTIONS.values(), *SHORT_QUESTIONS.values(), *POSE_QUESTIONS.values()])


def test_samples_are_llava_with_one_video_token_and_deterministic():
    cfg = QueryConfig()
    samples, _ = build_samples(_clip(), cfg, video="videos/v1.mp4")
    again, _ = build_samples(_clip(), cfg, video="videos/v1.mp4")
    assert [s.to_llava() for s in samples] == [s.to_llava() for s in again]
    other, _ = build_samples(_clip(), QueryConfig(seed=5), video="videos/v1.mp4")
    assert [s.to_llava() for s in other] != [s.to_llava() for s in samples]
    for s in samples:
        record = s.to_llava()
        assert record["source"] == "utr" and record["video"] == "videos/v1.mp4"
        text = [t["value"] for t in record["conversations"]]
        assert text[0].startswith(VIDEO_TOKEN + "\n") and sum(v.count(VIDEO_TOKEN) for v in text) == 1
        assert [t["from"] for t in record["conversations"]] == ["human", "gpt"] * (len(text) // 2)
        assert len(record["utr"]) == len(text) // 2


def test_unsure_points_are_never_asserted():
    clip = _clip(conf_at_5=0.2)
    cfg = QueryConfig(box_stride=1, max_boxes=20)
    for seed in range(20):
        qa = TASKS["box_to_track"](clip, random.Random(seed), cfg)
        assert qa.claims["query_frame"] != 5
        assert 5 not in [f for f, _ in qa.claims["boxes"]]
        assert "frame 5:" not in qa.answer
        assert (
            TASKS["time_to_subjects"](ClipTrajectories(**{**clip.__dict__, "frame_idx": [5]}), random.Random(seed), cfg)
            is None
        )


def test_answers_stay_short_and_boxes_parse(world_run):
    samples = load_samples(world_run / "utr.json")
    assert samples
    for s in samples:
        for turn in s.conversations:
            assert len(turn.value.split()) < 260, turn.value  # a few hundred tokens at most
            for box in BOX.findall(turn.value):
                x1, y1, x2, y2 = map(float, box)
                assert 0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1
    tasks = {qa["task"] for s in samples for qa in s.extra["utr"]}
    assert {"box_to_track", "summary"} <= tasks and len(tasks) >= 5


def test_trajectories_file_matches_samples(world_run):
    clips = load_trajectories(world_run / "trajectories.jsonl")
    samples = load_samples(world_run / "utr.json")
    assert {s.video for s in samples} <= {c.video for c in clips}
    for clip in clips:
        for traj in clip.tracks:
            assert all(0 <= v <= 1 for p in traj.points for v in p.box_norm)
            assert [p.frame_idx for p in traj.points] == sorted(p.frame_idx for p in traj.points)


def _track(track_id: int, frames: range, x0: float, dx: float, y: float = 0.4) -> Trajectory:
    points = [
        TrackPoint(
            f,
            f / 8,
            (x0 + dx * (f - frames[0]), y, x0 + 0.15 + dx * (f - frames[0]), y + 0.15),
            0.9,
            colour="red",
            shape="circle",
        )
        for f in frames
    ]
    return Trajectory(
        track_id,
        "circle",
        points,
        colour="red",
        segments=[Segment("moving", frames[0], frames[-1], "right", 0.16)],
        mean_confidence=0.9,
    )


def _two_tracks(second: Trajectory) -> ClipTrajectories:
    return ClipTrajectories(
        "v1", "v1.mp4", 8.0, 16, 128, 128, list(range(16)), [_track(1, range(16), 0.05, 0.0, 0.1), second]
    )


def test_a_track_that_begins_inside_the_frame_is_not_asked_about_and_hides_who_is_there_before_it():
    """Its subject may have been there before, hidden or unseen: neither its first frame nor who is
    there before it is a fact; after it begins, and for the subject seen throughout, they are."""
    clip = _two_tracks(_track(2, range(6, 16), 0.4, 0.01, 0.6))  # appears at frame 6 in the middle of the frame
    tracks, frames = set(), set()
    for seed in range(30):
        rng = random.Random(seed)
        for task in ("box_to_track", "location_to_track", "appearance_to_track"):
            qa = TASKS[task](clip, rng, QueryConfig())
            if qa is not None:
                tracks.add(qa.claims["track_id"])
        qa = TASKS["time_to_subjects"](clip, rng, QueryConfig())
        frames.add(qa.claims["frame"])
    assert tracks == {1}
    assert frames and min(frames) >= 6
    assert TASKS["summary"](clip, random.Random(0), QueryConfig()) is None


def test_after_two_subjects_meet_their_identities_are_not_asserted():
    """Track 2 is lost at frames 7-8 while its box lies on track 1's: which one is which afterwards is a guess."""
    second = _track(2, range(16), 0.05, 0.0, 0.1)
    second.points = [p for p in second.points if p.frame_idx not in (7, 8)]
    for p in second.points:  # the same place as track 1 at 7-8 only: apart before and after
        if p.frame_idx not in range(6, 10):
            p.box_norm = (0.6, 0.6, 0.75, 0.75)
    clip = _two_tracks(second)
    from videoutr.engine.query.subjects import merges

    assert merges(clip) == {1: 7, 2: 7}
    for seed in range(20):
        qa = TASKS["time_to_subjects"](clip, random.Random(seed), QueryConfig())
        assert qa is None or qa.claims["frame"] < 7
        assert TASKS["box_to_track"](clip, random.Random(seed), QueryConfig()) is None


def test_a_box_grown_or_cut_short_along_one_side_is_not_asserted():
    """A box 40 % wider than the track's usual one takes in something beside the subject; one 40 %
    shorter misses part of it: neither is reliable, though their areas stay within the area rule."""
    from videoutr.engine.query.subjects import reliable_points

    traj = _track(1, range(16), 0.05, 0.02)
    x1, y1, x2, y2 = traj.points[5].box_norm
    traj.points[5].box_norm = (x1, y1, x1 + 1.4 * (x2 - x1), y2)
    x1, y1, x2, y2 = traj.points[9].box_norm
    traj.points[9].box_norm = (x1, y1, x2, y1 + 0.6 * (y2 - y1))
    frames = [
        p.frame_idx
        for p in reliable_points(
            ClipTrajectories("v", "v.mp4", 8.0, 16, 64, 64, list(range(16)), [traj]), traj, QueryConfig()
        )
    ]
    assert 5 not in frames and 9 not in frames and len(frames) == 14


def test_an_unsure_exit_does_not_explain_where_a_track_ends():
    """A track lost at the border with its subject still whole there (the exit is unsure) leaves
    the subject unaccounted for after it, as a track lost mid-frame does."""
    from videoutr.engine.query.subjects import ends_explained, unseen_frames
    from videoutr.engine.types import Event

    first = _track(1, range(16), 0.05, 0.0, 0.1)
    second = _track(2, range(10), 0.7, 0.015)
    second.events = [Event("exit", 11, 11 / 8, {"sure": True})]
    clip = _two_tracks(second)
    clip.tracks[0] = first
    assert ends_explained(second, clip, QueryConfig()) == (True, True) and not {11, 12} & unseen_frames(
        clip, QueryConfig()
    )
    thin = QueryConfig(min_claim_side_px=20)  # the boxes are 0.15 of a 128-px frame: 19 px
    assert ends_explained(second, clip, thin) == (True, False)  # a thin track's sure exit explains nothing
    second.events[0].detail["sure"] = False
    assert ends_explained(second, clip, QueryConfig()) == (True, False)
    assert set(range(10, 16)) <= unseen_frames(clip, QueryConfig())


def _tangled_clip() -> ClipTrajectories:
    """Both tracks begin and end mid-frame, and detections no track explains come every second:
    no whole-trajectory, who-is-there or summary answer is sure. Track 1 touches something at
    frames 9-10: its sure spans are frames 2-8 (and 11-13, too short); track 2's frames 4-12."""
    first = _track(1, range(2, 14), 0.05, 0.02)
    second = _track(2, range(4, 13), 0.5, 0.0, 0.1)
    for p in first.points:
        p.contact = p.frame_idx in (9, 10)
    return ClipTrajectories(
        "v1", "v1.mp4", 8.0, 16, 128, 128, list(range(16)), [first, second], uncertain_frames=[0, 8, 15]
    )


def test_box_to_path_asks_about_a_sure_span_where_nothing_else_is_sure():
    clip = _tangled_clip()
    cfg = QueryConfig(box_stride=1, max_boxes=20)
    for task in QueryConfig().tasks:
        assert all(TASKS[task](clip, random.Random(seed), cfg) is None for seed in range(10)), task
    samples, skipped = build_samples(clip, QueryConfig(samples_per_video=6), video="v1.mp4")
    assert len(samples) == 6 and skipped["box_to_path"] == 0
    for sample in samples:
        [qa] = sample.extra["utr"]
        assert qa["task"] == "box_to_path"
    for seed in range(20):
        qa = TASKS["box_to_path"](clip, random.Random(seed), cfg)
        frames = [f for f, _ in qa.claims["boxes"]]
        track = qa.claims["track_id"]
        assert set(frames) <= (set(range(2, 9)) if track == 1 else set(range(4, 13)))
        assert frames == list(range(frames[0], frames[-1] + 1)) and 6 <= len(frames) <= 16
        assert qa.claims["query_frame"] == frames[0] and f"frame {frames[0]}" in qa.question
        assert "object 1" not in qa.answer and "object 2" not in qa.answer  # names no track


def test_the_fallback_leaves_samples_with_sure_questions_as_they_are():
    clip = _clip()
    with_fallback, _ = build_samples(clip, QueryConfig(), video="v1.mp4")
    without, _ = build_samples(clip, QueryConfig(fallback_tasks=()), video="v1.mp4")
    assert [s.to_llava() for s in with_fallback] == [s.to_llava() for s in without]
    assert all(qa["task"] != "box_to_path" for s in with_fallback for qa in s.extra["utr"])


def test_a_track_born_out_of_another_s_box_mixes_both_identities_from_where_the_blob_began():
    """Track 1 follows one subject, whose box widens at frame 5 (a second subject joins it) until
    track 2 is born out of it at frame 9 and track 1 shrinks back: from frame 5 neither identity
    is sure, and the blob's boxes are never asked about, not even over a short span."""
    from videoutr.engine.query.subjects import merges, splits

    first = _track(1, range(16), 0.3, 0.0)
    for p in first.points:
        if 5 <= p.frame_idx <= 8:
            x1, y1, x2, y2 = p.box_norm
            p.box_norm = (x1, y1, x2 + 0.1, y2)
    second = _track(2, range(9, 16), 0.46, 0.02)
    clip = ClipTrajectories("v1", "v1.mp4", 8.0, 16, 128, 128, list(range(16)), [first, second])
    assert splits(clip) == [(1, 2, 5, 9)] and merges(clip) == {1: 5, 2: 5}
    for seed in range(20):
        qa = TASKS["box_to_path"](clip, random.Random(seed), QueryConfig(box_stride=1, max_boxes=20))
        assert qa is None or not {5, 6, 7, 8} & {f for f, _ in qa.claims["boxes"]}
        qa = TASKS["time_to_subjects"](clip, random.Random(seed), QueryConfig())
        assert qa is None or qa.claims["frame"] < 5


def test_a_thin_subjects_boxes_are_never_asserted_when_the_config_asks_a_side():
    """A box 0.03 of a 320-px frame wide (about 10 px): edges off by a pixel or two are a fifth of it."""
    from videoutr.engine.query.subjects import reliable_points

    traj = _track(1, range(16), 0.05, 0.02)
    for p in traj.points:
        x1, y1, _, y2 = p.box_norm
        p.box_norm = (x1, y1, x1 + 0.03, y2)
    clip = ClipTrajectories("v", "v.mp4", 8.0, 16, 320, 240, list(range(16)), [traj])
    assert len(reliable_points(clip, traj, QueryConfig())) == 16
    assert reliable_points(clip, traj, QueryConfig(min_claim_side_px=12)) == []
    wide = ClipTrajectories("v", "v.mp4", 8.0, 16, 640, 480, list(range(16)), [traj])  # 19 px at 640
    assert len(reliable_points(wide, traj, QueryConfig(min_claim_side_px=12))) == 16


def test_a_box_grown_around_something_no_track_follows_hides_who_is_there_around_it():
    """Track 1's box doubles in width at frames 3-4 with no other track beside it: something
    untracked merged into its blob and may be in view, unseen, for a second (8 frames) after."""
    from videoutr.engine.query.subjects import grown_alone, unseen_frames

    first = _track(1, range(24), 0.05, 0.02)
    for p in first.points[3:5]:
        x1, y1, x2, y2 = p.box_norm
        p.box_norm = (x1, y1, x2 + 0.15, y2)
    clip = ClipTrajectories("v1", "v1.mp4", 8.0, 24, 128, 128, list(range(24)), [first])
    assert grown_alone(clip) == {3, 4}
    assert unseen_frames(clip, QueryConfig()) == set(range(13))
    for seed in range(10):
        qa = TASKS["time_to_subjects"](clip, random.Random(seed), QueryConfig())
        assert qa is not None and qa.claims["frame"] > 12
    beside = _track(2, range(24), 0.22, 0.02)  # a tracked subject inside the grown box: no stranger
    assert grown_alone(ClipTrajectories("v1", "v1.mp4", 8.0, 24, 128, 128, list(range(24)), [first, beside])) == set()


def test_the_fallback_names_no_colour_for_a_track_seen_whole_too_rarely():
    """A textured subject's colour is voted over its whole track: one seen whole in under
    `min_observed` of its points may hold another subject's views, so its colour is not said."""
    clip = _tangled_clip()
    for traj in clip.tracks:
        traj.observed = 0.5
    cfg = QueryConfig(box_stride=1, max_boxes=20)
    for seed in range(10):
        qa = TASKS["box_to_path"](clip, random.Random(seed), cfg)
        assert qa.claims["colour"] is None and qa.answer.startswith("It is a circle, in the ")
        assert "red" not in qa.answer
