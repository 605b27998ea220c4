"""TPL at scale: chunked streaming, the Ray executor equal to the local one, faults on a local
Ray cluster with 2 workers (a killed driver resumes; a dying worker's batch is redone)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from videoutr.tpl.run import TplRunConfig, run_tpl


def _config(dataset, tiny_dir, out, **kwargs):
    return TplRunConfig(
        model=str(tiny_dir),
        data=str(dataset / "data.json"),
        out=str(out),
        video_root=str(dataset),
        frames=8,
        batch_size=2,
        chunk_size=3,
        **kwargs,
    )


@pytest.fixture(scope="module")
def local_run(dataset, tiny_dir, tmp_path_factory):
    """The reference: this process, chunks of 3 samples, one torch thread like each Ray worker
    (a CPU matmul sums in an order that depends on its threads: the last bits would differ)."""
    import torch

    out = tmp_path_factory.mktemp("local") / "scores.jsonl"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return out, run_tpl(_config(dataset, tiny_dir, out), progress=False)
    finally:
        torch.set_num_threads(threads)


def _same_summary(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key, value in a.items():
        if isinstance(value, dict):
            _same_summary(value, b[key])
        elif isinstance(value, float):
            assert abs(value - b[key]) <= 1e-9, key
        else:
            assert value == b[key], key


def test_chunks_do_not_change_the_scores(local_run, dataset, tiny_dir, tmp_path):
    """One chunk for the whole file or chunks of 3: the same records in input order (batches
    differ, so values agree to rounding, not to the bit)."""
    out, summary = local_run
    whole = tmp_path / "scores.jsonl"
    run_tpl(TplRunConfig(**{**_config(dataset, tiny_dir, whole).__dict__, "chunk_size": 1000}), progress=False)
    chunked, single = ([json.loads(line) for line in path.open()] for path in (out, whole))
    assert [r["id"] for r in chunked] == [r["id"] for r in single] == [f"clip{i}" for i in range(8)]
    for a, b in zip(chunked, single):
        assert a["tpl"] == pytest.approx(b["tpl"], rel=1e-6) and a["frame_idx"] == b["frame_idx"]
    assert not out.with_name(out.name + ".parts").exists()


def test_mixture_yaml_input_is_streamed_through_its_strategies(dataset, tiny_dir, tmp_path):
    records = json.loads((dataset / "data.json").read_text())[:8]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records[:4]))
    (tmp_path / "b.json").write_text(json.dumps(records[4:]))
    (tmp_path / "mix.yaml").write_text(
        "datasets:\n  - json_path: a.jsonl\n    sampling_strategy: first:2\n"
        "  - json_path: b.json\n    sampling_strategy: end:50%\n"
    )
    out = tmp_path / "scores.jsonl"
    cfg = TplRunConfig(**{**_config(dataset, tiny_dir, out).__dict__, "data": str(tmp_path / "mix.yaml")})
    summary = run_tpl(cfg, progress=False)
    assert [json.loads(line)["id"] for line in out.open()] == ["clip0", "clip1", "clip6", "clip7"]
    assert summary["n_scored"] == 4


@pytest.mark.slow
@pytest.mark.ray
def test_ray_executor_equals_local(local_run, dataset, tiny_dir, tmp_path, ray_cluster):
    out, summary = local_run
    ray_out = tmp_path / "scores.jsonl"
    ray_summary = run_tpl(_config(dataset, tiny_dir, ray_out, executor="ray", workers=2), progress=False)
    assert ray_out.read_bytes() == out.read_bytes()  # ids, order and values identical
    _same_summary(ray_summary, summary)
    errors = lambda path: sorted(Path(f"{path}.errors.jsonl").read_text().splitlines())  # noqa: E731
    assert errors(ray_out) == errors(out)


@pytest.mark.slow
@pytest.mark.ray
def test_killed_ray_driver_resumes_to_identical_outputs(local_run, dataset, tiny_dir, tmp_path, ray_cluster):
    """SIGKILL of the driver (joined to the running cluster) once a chunk is recorded; the rerun
    ends with the bytes of the uninterrupted local run: nothing lost, nothing counted twice."""
    out, summary = local_run
    killed = tmp_path / "scores.jsonl"
    cfg = _config(dataset, tiny_dir, killed, executor="ray", workers=2, ray_address=ray_cluster)
    script = f"from videoutr.tpl.run import *\nrun_tpl({cfg!r}, progress=False)"
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = killed.with_name(killed.name + ".parts")
    deadline = time.monotonic() + 300
    while not list(parts.glob("chunk-00000.jsonl")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not killed.exists() and list(parts.glob("chunk-*.jsonl"))  # killed mid-run, a chunk recorded
    resumed = run_tpl(_config(dataset, tiny_dir, killed, executor="ray", workers=2), progress=False)
    assert killed.read_bytes() == out.read_bytes()
    _same_summary(resumed, summary)


@pytest.mark.slow
@pytest.mark.ray
def test_a_dying_worker_is_replaced_and_its_batch_redone(dataset, tiny_dir, tmp_path, ray_cluster):
    """The first model actor to score a batch exits; Ray restarts it and the batch is scored again:
    every sample comes back exactly once, with the values of the local executor."""
    import tpl_helpers
    from ray import cloudpickle

    from videoutr.executors import Step, make_executor
    from videoutr.models.load import load_video_processor
    from videoutr.tpl.run import _job, read_samples_lenient
    from videoutr.tpl.steps import TplScoring, decode_jobs

    cloudpickle.register_pickle_by_value(tpl_helpers)  # the actors cannot import the tests
    cfg = _config(dataset, tiny_dir, tmp_path / "unused.jsonl")
    policy = cfg.inputs.policy(cfg.model, load_video_processor(cfg.model), cfg.frames)
    samples = read_samples_lenient(cfg.data, lambda where, why: None)
    jobs = [job for s in samples if (job := _job(s, cfg, lambda where, why: None)) is not None]
    batches = [jobs[i : i + 2] for i in range(0, len(jobs), 2)]
    marker = tmp_path / "died"
    results = {}
    for name, scoring in (
        ("local", Step(TplScoring, init=(cfg,))),
        ("ray", Step(tpl_helpers.DyingOnce, init=(cfg, str(marker)))),
    ):
        outcomes = []
        with make_executor(name, workers=2 if name == "ray" else 1) as executor:
            executor.map([Step(decode_jobs, init=(policy,)), scoring], batches, outcomes.extend)
        results[name] = sorted((o.sample_id, json.dumps(o.record)) for o in outcomes)
    assert marker.is_file()  # a worker did die
    assert results["ray"] == results["local"] and len(results["ray"]) == len(jobs)
