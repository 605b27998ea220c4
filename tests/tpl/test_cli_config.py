"""`videoutr tpl score`: --config FILE, then positional a.b=value, then typed flags; bad keys together."""

from __future__ import annotations

from typer.testing import CliRunner

import videoutr.tpl.run as tpl_run
from videoutr.cli import app


def _score(monkeypatch, *args):
    seen = []

    def fake_run(cfg):
        seen.append(cfg)
        return {"overall": {"count": 0}, "n_scored": 1, "n_errors": 0, "by_subset": {}}

    monkeypatch.setattr(tpl_run, "run_tpl", fake_run)
    return seen, CliRunner().invoke(app, ["tpl", "score", *args])


def test_file_then_overrides_then_flags(monkeypatch, tmp_path):
    config = tmp_path / "tpl.yaml"
    config.write_text(
        "model: m\ndata: d.json\nout: s.jsonl\nbatch_size: 2\nmode: ratio\nkey_frame: last\n"
        "inputs:\n  max_pixels: 1000\n"
    )
    seen, result = _score(
        monkeypatch,
        "--config",
        str(config),
        "batch_size=6",
        "inputs.max_pixels=2000",
        "--key-frame",
        "middle",
        "--video-root",
        "videos",
    )
    assert result.exit_code == 0, result.output
    (cfg,) = seen
    assert (cfg.model, cfg.data, cfg.out, cfg.mode) == ("m", "d.json", "s.jsonl", "ratio")  # the file
    assert cfg.batch_size == 6 and cfg.inputs.max_pixels == 2000  # overrides over the file
    assert cfg.key_frame == "middle" and cfg.video_root == "videos"  # flags over both
    assert cfg.chunk_size == 16384 and cfg.executor == "local"  # defaults


def test_every_bad_key_at_once(monkeypatch, tmp_path):
    config = tmp_path / "tpl.yaml"
    config.write_text("model: m\nbatchsize: 2\n")
    seen, result = _score(monkeypatch, "--config", str(config), "inputs.fsp=1", "seed=x", "--out", "s.jsonl")
    assert seen == [] and result.exit_code != 0
    message = str(result.exception)
    for problem in ("batchsize: unknown key", "inputs.fsp", "seed: expected an integer", "data: required"):
        assert problem in message, message
