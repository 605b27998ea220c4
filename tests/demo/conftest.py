"""Fixtures of the demo tests: a random-init tiny model as the base (the committed base is not
needed to test the plumbing), built once per session. Unlike tests/conftest.py's `tiny_dir`, its
vocabulary holds the grid place names."""

import pytest


@pytest.fixture(scope="session")
def random_base(tmp_path_factory):
    from videoutr.models.tiny import init_tiny_model
    from videoutr.world.palette import GRID_PLACES

    return init_tiny_model(tmp_path_factory.mktemp("base") / "model", preset="tiny", seed=0,
                           extra_text=tuple(GRID_PLACES))
