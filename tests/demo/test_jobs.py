"""The demo's job runner: each job once, after the jobs it needs, and never again once done."""

import os
import shutil
import time
from pathlib import Path

import pytest

from videoutr.demo.jobs import Jobs, Stages


def _jobs(tmp_path: Path) -> dict:
    a, b, c = (tmp_path / f"{name}.txt" for name in "abc")
    return {
        # listed first but needs `write a`: it must wait, while `write c` may run beside `write a`
        "copy a to b": ((shutil.copyfile, str(a), str(b)), None, ("write a",)),
        # (workers cannot import this module: standard-library calls only)
        "write a": ((os.system, f"sleep 1; printf 'from a' > '{a}'"), None, ()),
        "write c": ((Path.write_text, c, "from c"), None, ()),
    }


def test_a_job_runs_after_the_jobs_it_needs(tmp_path):
    stages = Stages(tmp_path / "run", show_progress=False)
    results = Jobs(stages, workers=2, threads=1).run(_jobs(tmp_path))
    assert (tmp_path / "b.txt").read_text() == "from a"
    assert set(results) == {"copy a to b", "write a", "write c"}
    assert all(stages.markers.is_done(name) for name in results)


def test_done_jobs_are_not_run_again(tmp_path):
    stages = Stages(tmp_path / "run", show_progress=False)
    Jobs(stages, workers=1, threads=1).run(_jobs(tmp_path))
    (tmp_path / "b.txt").unlink()
    Jobs(stages, workers=1, threads=1).run(_jobs(tmp_path))
    assert not (tmp_path / "b.txt").exists()


def test_unknown_or_circular_needs_are_errors(tmp_path):
    jobs = Jobs(Stages(tmp_path / "run", show_progress=False), workers=1, threads=1)
    with pytest.raises(ValueError, match="unknown jobs: nowhere"):
        jobs.run({"x": ((Path.write_text, tmp_path / "x", ""), None, ("nowhere",))})
    circle = {
        "x": ((Path.write_text, tmp_path / "x", ""), None, ("y",)),
        "y": ((Path.write_text, tmp_path / "y", ""), None, ("x",)),
    }
    with pytest.raises(ValueError, match="need each other"):
        jobs.run(circle)


def test_a_call_killed_part_way_still_counts_its_time(tmp_path):
    import json

    from videoutr.demo.run import CallLog

    killed = CallLog(tmp_path)
    time.sleep(0.2)
    killed.update()  # a stage finished; then the call is killed before the end
    idle = CallLog(tmp_path)  # finishes no stage: the run was already done
    idle.update(ran_stage=False, finished=True)
    resumed = CallLog(tmp_path)
    resumed.update()
    resumed.update(ran_stage=False, finished=True)
    calls = json.loads((tmp_path / "calls.json").read_text())
    assert [(c["ran_stages"], c["finished"]) for c in calls] == [(True, False), (False, True), (True, True)]
    assert calls[0]["wall_s"] >= 0.2
    assert resumed.wall_s == round(calls[0]["wall_s"] + calls[2]["wall_s"], 1)
