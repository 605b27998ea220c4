"""The commands whose settings are few still take `--config FILE` and positional `a.b=value`: a file's
value and an override reach the work, flags win over both, and a bad key or value is one line naming
it, with exit code 2, before any work."""

from __future__ import annotations

import json

import pytest


def _yaml(path, text: str):
    path.write_text(text)
    return path


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    return lines[0]


def test_tpl_filter_reads_file_and_overrides(cli, tmp_path):
    scores = tmp_path / "scores.jsonl"
    scores.write_text("".join(json.dumps({"id": f"s{i}", "tpl": i / 10}) + "\n" for i in range(10)))
    data = tmp_path / "data.json"
    data.write_text(json.dumps([{"id": f"s{i}", "conversations": []} for i in range(10)]))
    config = _yaml(tmp_path / "filter.yaml", f"scores: {scores}\ndata: {data}\nout: {tmp_path}/a.json\nmin_tpl: 0.5\n")
    code, out, _ = cli("tpl", "filter", "--config", config)
    assert code == 0, out
    assert [r["id"] for r in json.loads((tmp_path / "a.json").read_text())] == ["s5", "s6", "s7", "s8", "s9"]
    # an override replaces the file's rule, a flag its output
    code, out, _ = cli(
        "tpl", "filter", "--config", config, "min_tpl=null", "top_fraction=0.2", "--out", tmp_path / "b.json"
    )
    assert code == 0, out
    assert [r["id"] for r in json.loads((tmp_path / "b.json").read_text())] == ["s8", "s9"]


def test_lmms_tasks_reads_file_and_overrides(cli, tmp_path):
    bench = tmp_path / "bench.json"
    bench.write_text("[]")
    config = _yaml(tmp_path / "t.yaml", f"out: {tmp_path}/tasks\nname: w\nbench: {bench}\nvideo_root: {tmp_path}\n")
    code, out, _ = cli("eval", "lmms-tasks", "--config", config)
    assert code == 0 and sorted(p.name for p in (tmp_path / "tasks/w").glob("*.yaml")) == ["w.yaml", "w_ll.yaml"]
    code, out, _ = cli("eval", "lmms-tasks", "--config", config, "kind=open", "--name", "w_open")
    assert code == 0 and sorted(p.name for p in (tmp_path / "tasks/w_open").glob("*.yaml")) == ["w_open.yaml"]


def test_base_probe_reads_file_and_overrides(cli, tmp_path, monkeypatch, tiny_dir):
    import videoutr.base.probe as probe

    seen = []
    monkeypatch.setattr(probe, "probe_base", lambda model, videos: seen.append((str(model), videos)) or {})
    config = _yaml(tmp_path / "p.yaml", f"model: {tiny_dir}\nvideos: 5\n")
    assert cli("base", "probe", "--config", config)[0] == 0
    assert cli("base", "probe", "--config", config, "videos=7")[0] == 0
    assert cli("base", "probe", "--config", config, "videos=7", "--videos", "9")[0] == 0
    assert seen == [(str(tiny_dir), 5), (str(tiny_dir), 7), (str(tiny_dir), 9)]


def test_engine_rephrase_reads_file_and_overrides(cli, tmp_path, monkeypatch):
    import videoutr.engine.query.rephrase as rephrase

    made, ran = [], []
    monkeypatch.setattr(rephrase, "HFRephraser", lambda model, **kw: made.append((model, kw)) or str.upper)
    monkeypatch.setattr(
        rephrase,
        "rephrase_run",
        lambda out, fn, progress: ran.append(out) or dict.fromkeys(("rephrased", "questions", "samples"), 0),
    )
    config = _yaml(tmp_path / "r.yaml", f"out: {tmp_path}/utr\nmodel: chat\nmax_new_tokens: 20\n")
    assert cli("engine", "rephrase", "--config", config, "device=cuda", "--max-new-tokens", "30")[0] == 0
    assert made == [("chat", {"max_new_tokens": 30, "device": "cuda"})] and ran == [f"{tmp_path}/utr"]


def test_base_build_reads_file_and_overrides_and_passes_recipe_sections(cli, tmp_path, monkeypatch):
    import videoutr.base.build as build
    import videoutr.base.probe as probe

    seen = []
    monkeypatch.setattr(
        build,
        "build_base",
        lambda out, work, overrides, names, start: (
            seen.append((work, overrides, names)) or [{"steps": 3}, {"steps": 4}]
        ),
    )
    monkeypatch.setattr(probe, "probe_base", lambda out, videos: seen.append(videos) or {"accuracy": {}})
    config = _yaml(
        tmp_path / "b.yaml", f"out: {tmp_path}/base\nprobe_videos: 5\nrun:\n  batch_size: 8\n  output_dir: x/y\n"
    )
    code, out, err = cli(
        "base", "build", "--config", config, "optim.lr=1e-3", "data.video_root=[a, b]", "--phases", "cut,mix"
    )
    assert code == 0, err
    recipe = ["data.video_root=[a, b]", "optim.lr=1e-3", "run.batch_size=8", "run.output_dir=x/y"]
    assert seen == [("runs/base-build", recipe, ("cut", "mix")), 5]
    assert "cut 3 steps, mix 4 steps" in out  # the steps each phase ran, overrides included


@pytest.mark.parametrize(
    "command",
    [("engine", "eval", "--truth", "."), ("engine", "overlay", "--video", "v0", "--to", "x.png")],
    ids=["engine-eval", "engine-overlay"],
)
def test_engine_checks_see_file_and_override(cli, tmp_path, command):
    """The engine folder comes from the file and a bad number from an override: both named in one line."""
    config = _yaml(tmp_path / "c.yaml", f"out: {tmp_path}/nothing\n")
    option = {"eval": ("tol", "-1", "--tol: expected >= 0"), "overlay": ("frames", "0", "--frames: expected >= 1")}
    key, value, problem = option[command[1]]
    code, _, err = cli(*command, "--config", config, f"{key}={value}")
    line = _one_error_line(err)
    assert code == 2 and f"{tmp_path}/nothing/trajectories.jsonl" in line and problem in line, line


BAD = {
    "engine eval": (["engine", "eval", "--out", "o", "--truth", "t"], "tolerance=3", "tolerance: unknown key"),
    "engine overlay": (
        ["engine", "overlay", "--out", "o", "--video", "v", "--to", "x.png"],
        "frames=many",
        "frames: expected an integer",
    ),
    "engine rephrase": (
        ["engine", "rephrase", "--out", "o", "--model", "m"],
        "max_new_tokens=1.5",
        "max_new_tokens: expected an integer",
    ),
    "tpl filter": (
        ["tpl", "filter", "--scores", "s", "--data", "d", "--out", "o.json"],
        "per_subset=maybe",
        "per_subset: expected true/false",
    ),
    "base probe": (["base", "probe"], "vidoes=3", "vidoes: unknown key"),
    "base build": (["base", "build", "--out", "o"], "run=8", "run: expected a mapping"),
    "eval lmms-tasks": (
        ["eval", "lmms-tasks", "--out", "o", "--name", "n", "--bench", "b", "--video-root", "r"],
        "kind=[mcq, open]",
        "kind: expected a string",
    ),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_key_or_value_is_one_line(cli, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    args, override, problem = BAD[name]
    code, out, err = cli(*args, override)
    line = _one_error_line(err)
    assert code == 2 and f"{name} config" in line and problem in line, line
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_required_setting_missing_is_named(cli, tmp_path):
    code, _, err = cli("tpl", "filter", "--scores", tmp_path / "s.jsonl")
    line = _one_error_line(err)
    assert code == 2 and "data: required" in line and "out: required" in line, line
