"""Scene sampling: the world's promises about identities, sizes, motion and events."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from videoutr.world import world_default
from videoutr.world.annotation import EVENT_TYPES
from videoutr.world.captions import stable_rng
from videoutr.world.simulate import sample_scene


def test_colours_are_unique_and_colour_changers_have_their_own_shape(scenes):
    for ann, _ in scenes:
        owners = {}
        for obj in ann.objects:
            for colour in set(obj.colour):
                assert owners.setdefault(colour, obj.id) == obj.id, (ann.id, colour)
            if len(set(obj.colour)) > 1:
                assert sum(o.shape == obj.shape for o in ann.objects) == 1, ann.id


def test_sizes_stay_within_12_to_30_percent_of_the_frame(scenes):
    for ann, _ in scenes:
        side = min(ann.width, ann.height)
        for obj in ann.objects:
            assert 0.12 * side <= obj.size_px <= 0.30 * side


def test_every_object_travels_at_least_a_quarter_of_the_frame(scenes):
    for ann, _ in scenes:
        side = min(ann.width, ann.height)
        for obj in ann.objects:
            path = sum(math.dist(a, b) for a, b in zip(obj.center_xy, obj.center_xy[1:]))
            assert path >= 0.25 * side, (ann.id, obj.id, path)


def test_every_event_type_occurs_and_only_where_it_can_be_seen(scenes):
    counts = Counter()
    for ann, _ in scenes:
        for obj in ann.objects:
            for event in obj.events:
                counts[event.type] += 1
                if event.type != "exit":
                    assert obj.in_frame(event.frame), (ann.id, obj.id, event)
    assert set(counts) == set(EVENT_TYPES), counts


def test_zero_event_density_leaves_only_motion_and_bounces():
    cfg = world_default(event_density=0.0)
    for i in range(10):
        ann = sample_scene(cfg, f"z{i}", "train", stable_rng(0, "z", str(i)))
        for obj in ann.objects:
            assert all(e.type == "turn" and e.details["cause"] == "bounce" for e in obj.events)
            assert obj.box_xyxy[0] is not None


def test_scene_sampling_is_seeded():
    cfg = world_default()
    a = sample_scene(cfg, "v", "train", np.random.default_rng(5)).to_json()
    b = sample_scene(cfg, "v", "train", np.random.default_rng(5)).to_json()
    c = sample_scene(cfg, "v", "train", np.random.default_rng(6)).to_json()
    assert a == b and a != c


def _colour_change_frames(cfg, n=150):
    frames = Counter()
    for i in range(n):
        for obj in sample_scene(cfg, f"c{i}", "train", stable_rng(cfg.seed, "c", str(i))).objects:
            frames.update(e.frame for e in obj.events_of("colour_change"))
    return frames


def test_event_frames_bound_when_a_colour_change_shows():
    from videoutr.demo.config import demo_world

    default = _colour_change_frames(demo_world(1, seed=2))
    assert default and set(default) <= set(range(1, 6))  # 8 frames: int(0.15 T) .. int(0.85 T) - 1
    symmetric = _colour_change_frames(demo_world(1, seed=2, event_frames=(1, 7)))
    assert set(symmetric) == set(range(1, 8))
    assert world_default().event_span() == (4, 26)


def test_bad_event_frames_are_named():
    from videoutr.errors import ConfigError

    for bad in ((0, 5), (3, 2), (1, 32), (2,)):
        with pytest.raises(ConfigError, match="event_frames"):
            world_default(event_frames=bad)
