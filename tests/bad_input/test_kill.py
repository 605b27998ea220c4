"""SIGKILL in the middle of `videoutr eval run` / `videoutr eval probe`, then the same command again: the
outputs are byte for byte those of an uninterrupted run (engine, tpl, train and world have their
own kill tests beside their stages)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src"
KILLER = textwrap.dedent("""
    import os, signal, sys
    from videoutr.eval import runner
    calls = []
    original = runner.item_records
    def dying(*args, **kwargs):
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        calls.append(1)
        return original(*args, **kwargs)
    runner.item_records = dying
    from videoutr.cli import main
    main(sys.argv[1:])
""")
OUTPUTS = ("samples.jsonl", "summary.json", "report.md", "errors.jsonl")


@pytest.mark.slow
@pytest.mark.parametrize("command", ["run", "probe"])
def test_sigkill_then_rerun_gives_the_uninterrupted_outputs(command, cli, world, model, tmp_path):
    items = json.loads((world / "bench.json").read_text())[:5]
    items.insert(2, {**items[0], "id": "gone", "video": "videos/nope.mp4"})
    bench = tmp_path / "bench.json"
    bench.write_text(json.dumps(items))
    args = [
        "eval",
        command,
        "--model",
        str(model),
        "--bench",
        str(bench),
        "--video-root",
        str(world),
        "--conditions",
        "full,shuffled" if command == "run" else "full,single,shuffled,reversed,none",
    ]
    code, _, stderr = cli(*args, "--out", tmp_path / "straight")
    assert code == 1 and "1 of 6 items failed" in stderr

    killed = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, *args, "--out", str(killed)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    partial = killed / "samples.jsonl.partial"
    assert not (killed / "samples.jsonl").exists() and partial.is_file()
    with partial.open("a") as handle:
        handle.write('{"key": "torn')  # a line cut by the kill
    code, _, stderr = cli(*args, "--out", killed)
    assert code == 1, stderr
    for name in OUTPUTS:
        assert (killed / name).read_bytes() == (tmp_path / "straight" / name).read_bytes(), name
    assert not partial.exists()
