"""`videoutr train` on the command line: dry run, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from videoutr.train.config import DEFAULT_RECIPE

ROOT = Path(__file__).parents[2]

VIDEOUTR = str(Path(sys.executable).parent / "videoutr")


def _run(*args):
    return subprocess.run([VIDEOUTR, "train", *args], capture_output=True, text=True, timeout=300)


def test_dry_run_reports_counts(tiny_world, tmp_path):
    proc = _run(
        "--config",
        str(DEFAULT_RECIPE),
        "--dry-run",
        f"model.path={tiny_world / 'model'}",
        f"run.output_dir={tmp_path / 'run'}",
        f"data.video_root=[{tiny_world}]",
        f"data.datasets=[{{json_path: {tiny_world / 'train.json'}}}]",
        "data.eval_fraction=0.1",
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["train_samples"], report["eval_samples"]) == (18, 2)


def test_bad_recipe_is_one_line_error_exit_2(tmp_path):
    proc = _run("--config", str(DEFAULT_RECIPE), "optim.lr=fast", "run.bogus=1")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "optim.lr: expected a number" in proc.stderr
    assert "run.bogus: unknown key" in proc.stderr and "Traceback" not in proc.stderr
