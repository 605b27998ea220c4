"""Recipe loading: every shipped recipe loads; overrides; all problems reported together."""

from __future__ import annotations

from pathlib import Path

import pytest

from videoutr.errors import ConfigError, VideoutrError
from videoutr.resources import package_path
from videoutr.train.config import DEFAULT_RECIPE, TrainRecipe, load_recipe

LAUNCH = package_path("recipes")  # the recipes, the 7B recipes' data mixture and launch configs
RECIPES = sorted(LAUNCH.glob("*.yaml"))


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_every_shipped_recipe_loads(path):
    """Recipes run by `videoutr train` load fully; templates another tool fills in match the schema."""
    first_line = path.read_text().splitlines()[0]
    assert first_line.startswith("# "), "each recipe starts with the command that runs it"
    recipe = load_recipe(path, semantic=first_line.startswith("# videoutr train"))
    assert isinstance(recipe, TrainRecipe)


def test_launch_configs_parse():
    import json

    import yaml

    launch = LAUNCH / "launch"
    for path in launch.glob("*.yaml"):
        assert yaml.safe_load(path.read_text())["distributed_type"] in ("DEEPSPEED", "FSDP", "MULTI_GPU")
    for path in launch.glob("*.json"):
        assert json.loads(path.read_text())["zero_optimization"]["stage"] == 3


def test_seed_stages_match_the_paper():
    s1 = load_recipe("video_utr_7b_stage1")
    s2 = load_recipe("video_utr_7b_stage2")
    assert s1.tune.mm_tunable_parts == ["mm_mlp_adapter"] and s1.optim.lr == 1e-3
    assert set(s2.tune.mm_tunable_parts) == {"mm_mlp_adapter", "mm_vision_tower", "mm_language_model"}
    assert (s2.optim.lr, s2.tune.vision_lr, s2.optim.warmup_ratio) == (1e-5, 2e-6, 0.03)
    assert s2.data.max_frames == 32 and s2.optim.scheduler == "cosine"
    # the files they name are packaged beside them, wherever the package is installed
    assert Path(s2.data.mixture) == LAUNCH / "data/video_utr_sft.yaml"
    assert Path(s1.run.deepspeed) == Path(s2.run.deepspeed) == LAUNCH / "launch/deepspeed_zero3.json"


def test_overrides_are_typed(tmp_path):
    recipe = load_recipe(
        DEFAULT_RECIPE, ["optim.lr=5e-4", "run.max_steps=20", "tune.lora.enabled=true", "data.video_root=a"]
    )
    assert recipe.optim.lr == 5e-4 and recipe.run.max_steps == 20 and recipe.tune.lora.enabled
    assert recipe.data.video_root == ["a"]


def test_all_problems_reported_at_once(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "model: {pth: x}\noptim: {lr: fast, scheduler: zigzag}\nrun: {batch_size: 0}\nextra: 1\n"
        "data: {datasets: [{json_path: a.json}]}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_recipe(bad)
    message = str(err.value)
    for needle in ("model.pth: unknown key", "optim.lr: expected a number", "extra: unknown key"):
        assert needle in message
    assert "3 problem(s)" in message


def test_packaged_recipes_are_found_by_name_and_the_default_is_tiny_cpu(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no checkout around: the recipes come from the installed package
    assert load_recipe(None) == load_recipe("tiny_cpu") == load_recipe(DEFAULT_RECIPE)
    assert load_recipe("demo_arm.yaml", semantic=False) == load_recipe(
        package_path("recipes", "demo_arm.yaml"), semantic=False
    )
    with pytest.raises(VideoutrError, match="no_such_recipe.*file not found"):
        load_recipe("no_such_recipe")


def test_semantic_problems_reported_together(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing\n")
    with pytest.raises(ConfigError) as err:
        load_recipe(empty, ["optim.scheduler=zigzag", "run.batch_size=0", "tune.mm_tunable_parts=[eyes]"])
    message = str(err.value)
    for needle in ("data: give data.mixture", "optim.scheduler", "run.batch_size", "unknown part 'eyes'"):
        assert needle in message


def test_bad_override_syntax():
    with pytest.raises(ConfigError, match="expected key=value"):
        load_recipe(DEFAULT_RECIPE, ["optim.lr"])


def test_packaged_recipe_files_are_found_by_name():
    """`python -m videoutr.resources NAME` prints a packaged recipe file (for `accelerate --config_file`)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "videoutr.resources", "launch/accelerate_fsdp.yaml"], capture_output=True, text=True
    )
    assert done.returncode == 0 and Path(done.stdout.strip()) == LAUNCH / "launch/accelerate_fsdp.yaml"
    missing = subprocess.run(
        [sys.executable, "-m", "videoutr.resources", "launch/nope.yaml"], capture_output=True, text=True
    )
    assert missing.returncode != 0 and "launch/nope.yaml" in missing.stderr
