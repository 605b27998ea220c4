"""WorldConfig: presets, round trips, and every invalid value reported at once."""

from __future__ import annotations

import pytest

from videoutr.errors import ConfigError
from videoutr.world import WorldConfig, world_default, world_preset, world_tiny


@pytest.mark.parametrize("preset", ["default", "tiny"])
def test_presets_validate_and_round_trip(preset):
    cfg = world_preset(preset)
    assert WorldConfig.from_dict(cfg.to_dict()) == cfg


def test_default_world_matches_the_documented_sizes():
    cfg = world_default()
    assert (cfg.frames, cfg.fps, cfg.height, cfg.width) == (32, 8.0, 128, 128)
    assert (cfg.min_objects, cfg.max_objects) == (1, 5)


def test_tiny_world_is_small():
    cfg = world_tiny()
    assert cfg.num_videos <= 8 and cfg.frames <= 16 and cfg.height <= 64


def test_overrides_ignore_none_and_scale_probabilities():
    cfg = world_default(seed=None, event_density=2.0)
    assert cfg.seed == 0
    assert cfg.probability("stop") == pytest.approx(min(1.0, 2 * cfg.p_stop))
    assert world_default(event_density=0.0).probability("turn") == 0.0


def test_invalid_values_are_all_reported():
    with pytest.raises(ConfigError) as err:
        world_default(num_videos=0, height=63, min_objects=4, max_objects=2, p_exit=1.5, shapes=("hexagon",))
    message = str(err.value)
    for key in ("num_videos", "height", "min_objects", "p_exit", "shapes"):
        assert key in message


def test_unknown_keys_are_rejected():
    with pytest.raises(ConfigError, match="colour_count"):
        WorldConfig.from_dict({"colour_count": 3})


def test_unknown_preset_lists_known_ones():
    with pytest.raises(ConfigError, match="default"):
        world_preset("huge")


def test_file_overrides_and_flags_are_laid_over_the_preset_in_that_order(tmp_path):
    from videoutr.schema import load_config
    from videoutr.world.config import world_tiny

    path = tmp_path / "world.yaml"
    path.write_text("p_turn: 0.9\nmax_objects: 2\nseed: 4\n")
    cfg = load_config(
        WorldConfig,
        path,
        ["max_objects=1", "shapes=[circle, square]"],
        name="world config",
        base=world_tiny(),
        values={"seed": 7, "frames": None},
        check=WorldConfig.problems,
    )
    assert cfg == world_tiny(p_turn=0.9, max_objects=1, seed=7, shapes=("circle", "square"))
