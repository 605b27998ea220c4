import numpy as np

from videoutr.base.frames import MAX_OBJECTS
from videoutr.base.probe import (
    ADDRESSING_VIEWS,
    CANDIDATES,
    addressing_views,
    boundary_cases,
    boundary_world,
    cell_frames,
    probe_base,
)
from videoutr.demo.config import demo_world
from videoutr.grid import GRID_PLACES, grid_place
from videoutr.world.captions import stable_rng
from videoutr.world.palette import PALETTE
from videoutr.world.questions import object_names
from videoutr.world.simulate import sample_scene


def test_cell_frames_put_the_red_square_in_the_named_cell():
    videos = cell_frames(size=64, num_frames=3)
    assert [place for place, _ in videos] == list(GRID_PLACES)
    for place, video in videos:
        assert video.shape == (3, 64, 64, 3) and (video == video[0]).all()
        ys, xs = np.nonzero((video[0] == PALETTE["red"]).all(-1))
        assert 100 <= len(xs) <= 200  # a whole medium square, inside the frame
        assert grid_place(xs.mean() + 0.5, ys.mean() + 0.5, 64, 64) == place
        assert grid_place(xs.min(), ys.min(), 64, 64) == grid_place(xs.max(), ys.max(), 64, 64) == place


def test_probe_scores_every_kind_against_its_whole_answer_set(random_base):
    probe = probe_base(random_base, videos=3)
    assert set(probe["accuracy"]) == set(CANDIDATES) and probe["questions"]["count"] == 3
    assert all(0.0 <= acc <= 1.0 for acc in probe["accuracy"].values() if acc is not None)
    assert set(probe["cell_test"]["answers"]) == set(GRID_PLACES)
    assert set(probe["cell_test"]["answers"].values()) <= set(GRID_PLACES)
    assert probe["cell_test"]["correct"] == sum(p == a for p, a in probe["cell_test"]["answers"].items())
    assert set(probe["frame_test"]["accuracy"]) <= {"place_first", "place_last", "colour_first", "colour_last"}
    assert sum(probe["frame_test"]["questions"].values()) > 0
    boundary = probe["boundary_test"]
    assert list(boundary["right"]) == list(boundary["neighbour"]) == list(boundary["questions"])
    assert set(boundary["questions"]) <= {f"frame_{k}" for k in range(1, 9)} and sum(boundary["questions"].values()) > 0
    assert all(boundary["right"][k] + boundary["neighbour"][k] <= 1.0 for k in boundary["right"])
    addressing = probe["addressing_test"]
    assert set(addressing) == {*ADDRESSING_VIEWS, "questions"} and sum(addressing["questions"].values()) > 0
    assert all(list(addressing[view]) == list(addressing["questions"]) for view in ADDRESSING_VIEWS)
    assert all(0.0 <= addressing[view][k] <= 1.0 for view in ADDRESSING_VIEWS for k in addressing["questions"])


def test_addressing_views_blank_frame_k_or_everything_else():
    rng = np.random.default_rng(0)
    frames = np.full((5, 16, 16, 3), 90, np.uint8)
    frames[:, 4:8, 4:8] = rng.integers(0, 255, (5, 4, 4, 3), dtype=np.uint8)  # an object on a grey ground
    views = addressing_views(frames, 2)
    assert list(views) == list(ADDRESSING_VIEWS) and (views["as_is"] == frames).all()
    background = np.full((16, 16, 3), 90, np.uint8)
    blanked, only = views["k_blanked"], views["only_k"]
    assert (blanked[2] == background).all() and (np.delete(blanked, 2, axis=0) == np.delete(frames, 2, axis=0)).all()
    assert (only[2] == frames[2]).all() and all((only[t] == background).all() for t in (0, 1, 3, 4))
    assert (frames[2, 4:8, 4:8] != 90).any()  # the view that keeps frame 2 keeps its object


def change_frame(obj):
    """The first frame showing a new colour, read off the rendered colours (not the events)."""
    return next((t for t in range(1, len(obj.colour)) if obj.colour[t] != obj.colour[t - 1]), None)


def _scenes(cfg, prefix="b"):
    return [
        sample_scene(cfg, f"{prefix}{i:05d}", "train", stable_rng(cfg.seed, "scene", f"{prefix}{i:05d}"))
        for i in range(cfg.num_videos)
    ]


def test_the_boundary_world_changes_colour_at_every_frame_the_base_videos_do_not():
    base_videos = demo_world(200, seed=3, test_fraction=0.0, max_objects=MAX_OBJECTS)
    assert {change_frame(o) for ann in _scenes(base_videos) for o in ann.objects} - {None} == {1, 2, 3, 4, 5}
    changes = [change_frame(o) for ann in _scenes(boundary_world(200, 3)) for o in ann.objects]
    assert set(changes) - {None} == set(range(1, 8))  # the last frame too
    assert 0.5 < sum(c is not None for c in changes) / len(changes) < 0.9


def test_boundary_cases_are_the_two_frames_either_side_of_a_change_with_the_truth():
    cases = 0
    for ann in _scenes(boundary_world(60, 4)):
        by_name = {name: obj for obj in ann.objects if (name := object_names(ann).get(obj.id))}
        for name, t, colour, other in boundary_cases(ann):
            obj = by_name[name]
            change = change_frame(obj)
            assert t in (change - 1, change) and obj.colour[t] == colour != other
            assert obj.colour[change - 1 if t == change else change] == other  # across the change
            assert set(obj.colour[:change]) == {obj.colour[change - 1]} and set(obj.colour[change:]) == {
                obj.colour[change]
            }
            cases += 1
    assert cases > 40
