from videoutr.demo.utr_tasks import track_names, trajectory_questions
from videoutr.engine.types import ClipTrajectories, Event, Segment, TrackPoint, Trajectory


def _track(track_id, shape, colours, frames, places, segments=(), events=()):
    points = [TrackPoint(f, f / 8, (0.1, 0.1, 0.2, 0.2), 1.0, colour=c, shape=shape, location=p)
              for f, c, p in zip(frames, colours, places)]
    return Trajectory(track_id, shape, points, colour=colours[0], segments=list(segments), events=list(events))


def _clip():
    a = _track(1, "circle", ["red"] * 4, [0, 1, 2, 3], ["top left", "top left", "top center", "top right"],
               segments=[Segment("moving", 0, 3, "right")])
    b = _track(2, "star", ["blue", "blue", "green"], [1, 2, 3], ["center"] * 3,
               events=[Event("enter", 1, 0.125), Event("colour_change", 3, 0.375)])
    return ClipTrajectories("v", "videos/v.mp4", 8.0, 4, 64, 64, [0, 1, 2, 3], [a, b])


def test_names_follow_the_benchmark():
    assert track_names(_clip()) == {1: "the red circle", 2: "the star"}


def test_questions_come_from_the_tracks():
    qa = dict(trajectory_questions(_clip()))
    assert qa["Where is the red circle at the start of the video?"] == "top left"
    assert qa["Where is the red circle at the end of the video?"] == "top right"
    assert qa["In which direction does the red circle move?"] == "right"
    assert qa["What colour is the star before it changes colour?"] == "blue"
    assert qa["What colour does the star change to?"] == "green"
    assert qa["Which object is the last to appear?"] == "the star"
    assert qa["How many objects enter the scene?"] == "1"
    # the star is not seen at frame 0: no start question about it
    assert "Where is the star at the start of the video?" not in qa


def test_ambiguous_names_are_left_out():
    clip = _clip()
    clip.tracks.append(_track(3, "circle", ["red"] * 2, [0, 1], ["center", "center"]))
    assert 1 not in track_names(clip) and 3 not in track_names(clip)


def test_unnamed_subjects_and_unsure_turn_counts_are_not_asked():
    clip = _clip()
    clip.tracks.append(_track(3, "object", ["orange"] * 2, [2, 3], ["center", "center"],
                              events=[Event("enter", 2, 0.25)]))
    qa = dict(trajectory_questions(clip))
    assert 3 not in track_names(clip)
    # the unnamed subject appears last: the question would need its name, so it is dropped
    assert "Which object is the last to appear?" not in qa
    assert not any("change direction" in q for q in qa)


def test_sure_turn_counts_are_asked():
    clip = _clip()
    circle = clip.tracks[0]
    circle.turns_sure = True
    circle.events = [Event("turn", 1, 0.125, {"direction": "down"}), Event("turn", 2, 0.25, {"direction": "right"})]
    qa = dict(trajectory_questions(clip))
    assert qa["How many times does the red circle change direction?"] == "2"
    assert not any("the star change direction" in q for q in qa)


def test_agreement_counts_answers_against_the_world():
    from videoutr.demo.utr_tasks import answer_agreement
    from videoutr.world.captions import stable_rng
    from videoutr.world.config import WorldConfig
    from videoutr.world.questions import bench_questions
    from videoutr.world.simulate import sample_scene

    cfg = WorldConfig(num_videos=1, frames=8, height=64, width=64, min_objects=1, max_objects=1).validate()
    scenes = (sample_scene(cfg, "v", "train", stable_rng(seed, "scene", "v")) for seed in range(50))
    ann, location = next((a, q) for a in scenes for q in bench_questions(a, 0) if q.task == "location_start")
    name = location.question.removeprefix("Where is ").removesuffix(" at the start of the video?")
    colour, shape = name.removeprefix("the ").split(" ")
    right = _track(1, shape, [colour], [0], [location.answer])
    wrong_place = next(p for p in ("top left", "bottom right") if p != location.answer)
    wrong = _track(1, shape, [colour], [0], [wrong_place])
    for track, agree in ((right, 1), (wrong, 0)):
        clip = ClipTrajectories("v", "videos/v.mp4", 8.0, 8, 64, 64, [0], [track])
        rows = answer_agreement([clip], {"v": ann})
        assert rows["location_start"] == {"asked": 1, "agree": agree}
