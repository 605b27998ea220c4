"""Per-input defaults: `auto` tells flat-coloured synthetic videos from real footage, and each
detector's settings sit beneath the user's."""

import numpy as np
import pytest

from videoutr.engine.detect.profiles import PROFILES, flat_share, pick_detector, resolve_config
from videoutr.video import write_video


def _clip(textured: bool, rng: np.random.Generator) -> np.ndarray:
    """16 frames of 96 x 128: a square moving over a flat grey ground, or over a photo-like texture
    with sensor noise."""
    frames = []
    ground = rng.integers(0, 256, (96, 128, 3), dtype=np.uint8) if textured else np.full((96, 128, 3), 90, np.uint8)
    for t in range(16):
        frame = ground.copy()
        frame[30:50, 10 + 4 * t : 30 + 4 * t] = (200, 40, 40)
        if textured:
            frame = np.clip(frame + rng.normal(0, 2, frame.shape), 0, 255).astype(np.uint8)
        frames.append(frame)
    return np.stack(frames)


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    root = tmp_path_factory.mktemp("profiles")
    rng = np.random.default_rng(0)
    for kind in ("flat", "textured"):
        write_video(root / kind / "a.mp4", _clip(kind == "textured", rng), fps=8.0, crf=18)
    return root


def test_flat_share_tells_drawn_colours_from_texture():
    rng = np.random.default_rng(1)
    assert flat_share(_clip(False, rng)[0]) > 0.9
    assert flat_share(_clip(True, rng)[0]) < 0.3


def test_auto_picks_motion_for_flat_videos_and_foreground_for_footage(videos):
    assert pick_detector([videos / "flat" / "a.mp4"]) == "motion"
    assert pick_detector([videos / "textured" / "a.mp4"]) == "foreground"
    cfg = resolve_config({}, videos / "textured")
    assert cfg.detector == "foreground"
    assert cfg.track.centre_noise_px == PROFILES["foreground"]["track"]["centre_noise_px"]
    assert cfg.query.samples_per_video == PROFILES["foreground"]["query"]["samples_per_video"]
    assert (
        resolve_config({"detector": "auto"}, videos / "flat").to_dict()
        == resolve_config({"detector": "motion"}, []).to_dict()
    )


def test_the_users_values_win_over_the_profile(videos):
    cfg = resolve_config({"query": {"samples_per_video": 2}, "track": {"max_gap": 2}}, videos / "textured")
    assert cfg.detector == "foreground" and cfg.query.samples_per_video == 2 and cfg.track.max_gap == 2
    assert cfg.track.centre_noise_px == PROFILES["foreground"]["track"]["centre_noise_px"]
    assert resolve_config({"detector": "hog-person"}, []).track.centre_noise_px == 0.5  # no profile: the defaults
