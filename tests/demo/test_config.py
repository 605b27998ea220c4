import pytest

from videoutr.demo.config import ARMS, PRESETS, DemoConfig, demo_preset
from videoutr.errors import ConfigError


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_validate_and_round_trip(name):
    cfg = demo_preset(name)
    assert DemoConfig.from_dict(cfg.to_dict()) == cfg
    assert set(cfg.arms) <= set(ARMS)


def test_unknown_keys_and_bad_values_are_reported_together():
    with pytest.raises(ConfigError, match="nope: unknown key"):
        DemoConfig.from_dict({"nope": 1})
    with pytest.raises(ConfigError) as err:
        DemoConfig(
            arms=("captions", "bogus"),
            steps=0,
            lr=-1.0,
            conditions=("first",),
            world_seed=-1,
            scheduler="step",
            vision_lr=-1e-4,
        ).validate()
    text = str(err.value)
    assert all(key in text for key in ("bogus", "steps", "lr", "conditions", "world_seed", "scheduler", "vision_lr"))


def test_unknown_preset_lists_known():
    with pytest.raises(ConfigError, match="smallest"):
        demo_preset("huge")


def test_demo_world_is_small_and_valid():
    world = demo_preset("default").world()
    assert (world.height, world.width, world.frames) == (64, 64, 8)
    assert world.max_objects == 1 and set(world.directions) == {"left", "right", "up", "down"}
    assert "colour" in world.bench_tasks and "direction" in world.bench_tasks


def test_world_and_training_seeds_are_separate():
    cfg = demo_preset("default", world_seed=3, train_seed=7, seeds=2)
    assert cfg.world().seed == 3 and cfg.train_seeds() == [7, 8]


def test_the_share_of_colour_changes_is_the_bases_unless_set():
    from videoutr.base.frames import MAX_OBJECTS
    from videoutr.demo.config import demo_world

    base_videos = demo_world(10, seed=1, max_objects=MAX_OBJECTS)  # what the base's moving-video phases draw
    assert demo_preset("default").world().p_colour_change == base_videos.p_colour_change
    assert demo_preset("default", colour_change=0.7).world().p_colour_change == 0.7
    with pytest.raises(ConfigError, match="colour_change: expected a share in"):
        demo_preset("default", colour_change=1.5).validate()


def test_each_moment_question_is_asked_and_taught_only_when_set():
    from videoutr.demo.config import MOMENT_QUESTIONS
    from videoutr.demo.run import engine_config

    default = demo_preset("default")
    moments = [task for pair in MOMENT_QUESTIONS.values() for task in pair]
    assert not set(moments) & (set(default.world().bench_tasks) | set(engine_config(default).query.tasks))
    for option, (bench_task, engine_task) in MOMENT_QUESTIONS.items():
        asked = demo_preset("default", **{option: True})
        others = set(moments) - {bench_task, engine_task}
        query = engine_config(asked).query
        assert bench_task in asked.world().bench_tasks and engine_task in query.tasks
        assert not others & (set(asked.world().bench_tasks) | set(query.tasks))
        assert query.turns_per_sample == len(query.tasks) == len(engine_config(default).query.tasks) + 1
