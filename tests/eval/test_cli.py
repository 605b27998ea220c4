"""`videoutr eval run` / `probe` on the command line: one-line errors with exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

VIDEOUTR = str(Path(sys.executable).parent / "videoutr")


def _run(*args):
    return subprocess.run([VIDEOUTR, *args], capture_output=True, text=True, timeout=120)


def test_bad_conditions_and_missing_bench(tmp_path):
    proc = _run(
        "eval",
        "probe",
        "--model",
        "m",
        "--bench",
        str(tmp_path / "b.json"),
        "--out",
        str(tmp_path / "o"),
        "--conditions",
        "full,blurred",
    )
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and "blurred" in proc.stderr
    proc = _run("eval", "run", "--model", "m", "--bench", str(tmp_path / "b.json"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "b.json: file not found" in proc.stderr and "Traceback" not in proc.stderr


def test_probe_takes_evals_options():
    import inspect

    from videoutr.eval.cli import eval_command, probe_command

    ev, pr = (inspect.signature(f).parameters for f in (eval_command, probe_command))
    assert [(p.name, p.annotation, p.default) for p in ev.values()] == [
        (p.name, p.annotation, p.default) for p in pr.values()
    ]


def _configs(monkeypatch, *invocations):
    """The `EvalConfig` each `videoutr eval ...` invocation would run (the run itself replaced)."""
    from typer.testing import CliRunner

    import videoutr.eval.runner as runner
    from videoutr.cli import app

    seen = []

    def fake_run(cfg):
        seen.append(cfg)
        return {"conditions": {}, "items": {"failed": 0, "total": 1}}

    monkeypatch.setattr(runner, "run_eval", fake_run)
    results = [CliRunner().invoke(app, list(args)) for args in invocations]
    return seen, results


def test_file_overrides_and_flags_lay_over_each_other_and_probe_keeps_its_defaults(monkeypatch, tmp_path):
    config = tmp_path / "eval.yaml"
    config.write_text(
        "model: m\nbench: b.json\nout: o\nlimit: 5\nmax_new_tokens: 8\nseed: 3\ninputs:\n  fps: 2.0\n  max_frames: 16\n"
    )
    args = ["--config", str(config), "limit=7", "inputs.fps=1", "--seed", "9", "--max-frames", "4"]
    (run_cfg, probe_cfg), results = _configs(monkeypatch, ["eval", "run", *args], ["eval", "probe", *args])
    assert all(r.exit_code == 0 for r in results), [r.output for r in results]
    for cfg in (run_cfg, probe_cfg):
        assert (cfg.model, cfg.bench, cfg.max_new_tokens) == ("m", "b.json", 8)  # the file
        assert cfg.limit == 7 and cfg.inputs.fps == 1.0  # positional overrides over the file
        assert cfg.seed == 9 and cfg.inputs.max_frames == 4  # flags over both
        assert cfg.device == "cpu" and cfg.batch_size == 1  # untouched defaults
    assert (run_cfg.conditions, run_cfg.key_frame) == (["full"], "first")
    assert (probe_cfg.conditions, probe_cfg.key_frame) == (["full", "single", "shuffled", "reversed", "none"], "last")
    (cfg,), _ = _configs(
        monkeypatch, ["eval", "probe", "--config", str(config), "conditions=[full, reversed]", "--key-frame", "middle"]
    )
    assert (cfg.conditions, cfg.key_frame) == (["full", "reversed"], "middle")


def test_bad_keys_are_reported_together_with_exit_code_2(tmp_path):
    config = tmp_path / "eval.yaml"
    config.write_text("bench: b.json\nlimt: 5\ninputs:\n  fsp: 1\n")
    proc = _run("eval", "run", "--config", str(config), "seed=abc", "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    for problem in (
        "4 problem(s)",
        "limt: unknown key",
        "inputs.fsp: unknown key",
        "seed: expected an integer",
        "model: required",
    ):
        assert problem in proc.stderr, proc.stderr
