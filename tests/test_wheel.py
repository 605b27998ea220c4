"""The package as users get it: a built wheel, installed in a fresh virtual environment outside the
checkout, runs the demo with its packaged recipes and base checkpoint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_runs_the_smallest_demo(tmp_path):
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    source = tmp_path / "source"  # setuptools builds in the source tree: a copy keeps the checkout clean
    listed = ["git", "ls-files", "--cached", "--others", "--exclude-standard", "pyproject.toml", "README.md", "src"]
    tracked = subprocess.run(listed, cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
    for name in tracked:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [*pip, "wheel", str(source), "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist")],
        check=True,
        cwd=tmp_path,
    )
    wheel = next((tmp_path / "dist").glob("videoutr-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "videoutr/recipes/demo_arm.yaml",
        "videoutr/recipes/tiny_base.yaml",
        "videoutr/recipes/tiny_cpu.yaml",
        "videoutr/recipes/video_utr_7b_stage2.yaml",
        "videoutr/recipes/data/video_utr_sft.yaml",
        "videoutr/recipes/launch/deepspeed_zero3.json",
        "videoutr/recipes/launch/accelerate_deepspeed_zero3.yaml",
        "videoutr/assets/tiny_base/model.safetensors",
    ):
        assert shipped in names, shipped

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", str(wheel)], check=True)
    # the dependencies (torch, transformers, ...) come from this interpreter's environment, after the wheel
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    found = subprocess.run(
        [str(python), "-c", "import videoutr; print(videoutr.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert found.startswith(str(site)), found
    run = subprocess.run(
        [str(venv / "bin" / "videoutr"), "demo", "--preset", "smallest", "--out", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads((tmp_path / "demo" / "results.json").read_text())
    assert results["claims"] and (tmp_path / "demo" / "report.md").is_file()
