"""`run_eval` end to end on the tiny model: outputs, probe conditions reaching the model, resume."""

from __future__ import annotations

import json

import numpy as np
import pytest

from videoutr.errors import ConfigError
from videoutr.eval.runner import EvalConfig, run_eval

ALL = ["full", "single", "shuffled", "reversed", "none"]


@pytest.fixture(scope="module")
def loaded(eval_world):
    from videoutr.models.load import load_video_model

    return load_video_model(eval_world / "model")


def _cfg(world, out, **kw):
    return EvalConfig(
        model=str(world / "model"), bench=str(world / "bench.json"), out=str(out), video_root=[str(world)], **kw
    )


def test_probe_run_writes_every_output(eval_world, loaded, tmp_path):
    summary = run_eval(_cfg(eval_world, tmp_path, method="both", conditions=ALL), *loaded)
    records = [json.loads(x) for x in (tmp_path / "samples.jsonl").read_text().splitlines()]
    assert [r["key"] for r in records[:5]] == [f"q0::{c}" for c in ALL] and len(records) == 25
    assert all(r["error"] for r in records if r["id"] == "q_missing")
    for cond in ALL:
        overall = summary["conditions"][cond]["overall"]
        assert overall["n"] == 4 and overall["errors"] == 1
        assert set(summary["conditions"][cond]["tasks"]) == {"direction", "colour"}
        assert 0.0 <= overall["accuracy_loglik"] <= 1.0 and "accuracy_generate" in overall
    assert "inconclusive" in summary["verdict"]["statement"]  # 4 items are too few to judge
    assert (tmp_path / "accuracy.png").stat().st_size > 1000
    assert "| direction |" in (tmp_path / "report.md").read_text()


def test_conditions_reach_the_model_as_specified(eval_world, loaded, tmp_path, monkeypatch):
    import videoutr.models.inputs as inputs
    from videoutr.models.load import frame_policy, read_video_frames

    seen = []
    original = inputs.encode_sample

    def spy(processor, sample, frames=None, **kw):
        enc = original(processor, sample, frames, **kw)
        seen.append(
            (None if frames is None else np.array(getattr(frames, "frames", frames)), kw.get("with_video", True), enc)
        )
        return enc

    monkeypatch.setattr(inputs, "encode_sample", spy)
    run_eval(_cfg(eval_world, tmp_path, conditions=ALL, key_frame="last", limit=1), *loaded)
    model, processor = loaded
    full = read_video_frames(eval_world / "videos/v0.mp4", frame_policy(eval_world / "model", processor)).frames
    video_id = processor.tokenizer.convert_tokens_to_ids("<video>")
    by_cond = dict(zip(ALL, [seen[i * 3] for i in range(5)]))  # 3 options scored per condition
    record = {json.loads(x)["condition"]: json.loads(x) for x in (tmp_path / "samples.jsonl").read_text().splitlines()}
    assert np.array_equal(by_cond["full"][0], full)
    assert np.array_equal(by_cond["reversed"][0], full[::-1])
    assert np.array_equal(by_cond["single"][0], full[-1:])
    order = record["shuffled"]["frames_shown"]
    assert sorted(order) == list(range(len(full))) and order != sorted(order)
    assert np.array_equal(by_cond["shuffled"][0], full[order])
    frames, with_video, enc = by_cond["none"]
    assert frames is None and not with_video and int((enc.input_ids == video_id).sum()) == 0
    assert int((by_cond["full"][2].input_ids == video_id).sum()) > 0


def test_killed_run_resumes_to_identical_file(eval_world, loaded, tmp_path):
    straight, resumed = tmp_path / "a", tmp_path / "b"
    run_eval(_cfg(eval_world, straight, conditions=["full", "shuffled"]), *loaded)
    lines = (straight / "samples.jsonl").read_text().splitlines(keepends=True)
    resumed.mkdir()
    run_eval(_cfg(eval_world, resumed, conditions=["full", "shuffled"], limit=1), *loaded)  # config + 1 item
    (resumed / "samples.jsonl").unlink()
    (resumed / "samples.jsonl.partial").write_text("".join(lines[:3]) + lines[3][:20])  # torn by a kill
    run_eval(_cfg(eval_world, resumed, conditions=["full", "shuffled"]), *loaded)
    assert (resumed / "samples.jsonl").read_bytes() == (straight / "samples.jsonl").read_bytes()
    assert not (resumed / "samples.jsonl.partial").exists()


def test_rerun_with_other_settings_is_refused(eval_world, loaded, tmp_path):
    run_eval(_cfg(eval_world, tmp_path, limit=1), *loaded)
    with pytest.raises(ConfigError, match="ll_norm"):
        run_eval(_cfg(eval_world, tmp_path, limit=1, ll_norm="mean"), *loaded)
    with pytest.raises(ConfigError, match="method"):
        run_eval(_cfg(eval_world, tmp_path / "x", method="vote"), *loaded)


def test_open_qa_with_metrics_and_judge(eval_world, loaded, tmp_path):
    from videoutr.eval.benchmarks import load_benchmark
    from videoutr.eval.judge import judge_records
    from videoutr.eval.results import summarise

    cfg = EvalConfig(
        model=str(eval_world / "model"),
        bench=str(eval_world / "openqa.json"),
        out=str(tmp_path),
        video_root=[str(eval_world)],
        conditions=["full", "none"],
        max_new_tokens=4,
    )
    summary = run_eval(cfg, *loaded)
    overall = summary["conditions"]["full"]["overall"]
    assert overall["n"] == 2 and {"exact_match", "token_f1", "answer_logprob"} <= set(overall)
    records = [json.loads(x) for x in (tmp_path / "samples.jsonl").read_text().splitlines()]
    yes, no = "{'pred': 'yes', 'score': 5}", "{'pred': 'no', 'score': 1}"
    replies = iter([yes, yes, no, no])  # o0 full, o0 none, o1 full, o1 none
    judged = judge_records(
        "fake-judge",
        load_benchmark(eval_world / "openqa.json"),
        records,
        tmp_path / "samples.jsonl",
        judge=lambda q, a, p: next(replies),
    )
    summary = summarise(judged)
    assert summary["conditions"]["full"]["overall"]["judge_correct"] == 0.5
    assert summary["judge"]["model"] == "fake-judge" and "depend on the judge" in summary["judge"]["note"]


@pytest.mark.slow
@pytest.mark.ray
def test_ray_executor_equals_local(eval_world, tmp_path, ray_cluster):
    """Probe conditions scored by 2 model actors on Ray: the same samples.jsonl and summary as in
    this process with one torch thread (what each actor computes with)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        local = run_eval(_cfg(eval_world, tmp_path / "local", conditions=["full", "shuffled"]))
    finally:
        torch.set_num_threads(threads)
    ray_summary = run_eval(
        _cfg(eval_world, tmp_path / "ray", conditions=["full", "shuffled"], executor="ray", workers=2, batch_size=2)
    )
    for name in ("samples.jsonl", "errors.jsonl"):
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    assert ray_summary == local
