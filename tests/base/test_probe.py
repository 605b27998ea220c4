import numpy as np

from videoutr.base.probe import CANDIDATES, cell_frames, probe_base
from videoutr.grid import GRID_PLACES, grid_place
from videoutr.world.palette import PALETTE


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
