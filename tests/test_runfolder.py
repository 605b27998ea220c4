"""The run-folder layer: a settings lock that names what changed, stage markers that run a stage once."""

import json

import pytest

from videoutr.errors import ConfigError
from videoutr.runfolder import StageMarkers, lock_settings


def test_a_locked_place_refuses_other_settings_and_names_each_change(tmp_path):
    path = tmp_path / "config.json"
    lock_settings(path, {"model": "m", "frames": 8}, locked=False, what="run", hint="use another --out")
    lock_settings(path, {"model": "m", "frames": 8}, locked=True, what="run", hint="use another --out")
    with pytest.raises(ConfigError, match=r"run was made with another config \(frames: 8 -> 16\); use another --out"):
        lock_settings(path, {"model": "m", "frames": 16}, locked=True, what="run", hint="use another --out")
    assert json.loads(path.read_text()) == {"model": "m", "frames": 8}  # the refused settings are not recorded
    lock_settings(path, {"model": "m", "frames": 16}, locked=False, what="run", hint="")  # nothing done yet: reset
    assert json.loads(path.read_text())["frames"] == 16


def test_only_the_compared_keys_lock_and_the_full_record_is_written(tmp_path):
    path = tmp_path / "config.json"
    lock_settings(path, {"model": "m", "device": "cpu"}, locked=True, what="run", hint="", keys=["model"])
    lock_settings(path, {"model": "m", "device": "cuda"}, locked=True, what="run", hint="", keys=["model"])
    assert json.loads(path.read_text()) == {"model": "m", "device": "cuda"}


def test_a_stage_runs_once_and_its_result_is_kept(tmp_path):
    calls = []
    markers = StageMarkers(tmp_path / "stages")
    assert markers.run("train/arm", lambda: calls.append(1) or {"loss": 0.5}) == {"loss": 0.5}
    again = StageMarkers(tmp_path / "stages")
    assert again.run("train/arm", lambda: calls.append(1)) == {"loss": 0.5} and calls == [1]
    assert (tmp_path / "stages" / "train__arm.done").is_file() and again.is_done("train/arm")
