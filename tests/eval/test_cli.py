"""`videoutr eval run` / `probe` on the command line: one-line errors with exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

VIDEOUTR = str(Path(sys.executable).parent / "videoutr")


def _run(*args):
    return subprocess.run([VIDEOUTR, *args], capture_output=True, text=True, timeout=120)


def test_bad_conditions_and_missing_bench(tmp_path):
    proc = _run("eval", "probe", "--model", "m", "--bench", str(tmp_path / "b.json"), "--out", str(tmp_path / "o"),
                "--conditions", "full,blurred")
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and "blurred" in proc.stderr
    proc = _run("eval", "run", "--model", "m", "--bench", str(tmp_path / "b.json"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "b.json: file not found" in proc.stderr and "Traceback" not in proc.stderr


def test_probe_takes_evals_options_with_all_conditions_and_the_last_key_frame():
    import inspect

    from videoutr.eval.cli import ALL_CONDITIONS, eval_command, probe_command

    ev, pr = (inspect.signature(f).parameters for f in (eval_command, probe_command))
    assert [(p.name, p.annotation) for p in ev.values()] == [(p.name, p.annotation) for p in pr.values()]
    changed = {name: (ev[name].default, pr[name].default) for name in ev if ev[name].default != pr[name].default}
    assert changed == {"conditions": ("full", ALL_CONDITIONS), "key_frame": ("first", "last")}
