"""`videoutr tpl score` end to end: outputs, bad input, resume after SIGKILL, filter."""

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from videoutr.errors import ConfigError, RecordsFailed
from videoutr.tpl.run import TplRunConfig, run_tpl


def _run_cli(*args):
    """Run `videoutr ARGS` in this process (fast); returns (exit code, stdout, stderr, exception)."""
    from typer.testing import CliRunner

    from videoutr.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr, result.exception


@pytest.fixture(scope="module")
def scored(dataset, tiny_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("scored") / "scores.jsonl"
    cfg = TplRunConfig(
        model=str(tiny_dir),
        data=str(dataset / "data.json"),
        out=str(out),
        video_root=str(dataset),
        frames=8,
        batch_size=3,
    )
    return cfg, run_tpl(cfg, progress=False)


def test_outputs_records_summary_and_plots(scored):
    cfg, summary = scored
    out = cfg.out
    records = [json.loads(line) for line in open(out)]
    assert [r["id"] for r in records] == [f"clip{i}" for i in range(8)]
    for r in records:
        assert {"id", "source", "subset", "n_tokens", "ppl_full", "ppl_single", "tpl", "turns"} <= set(r)
        assert r["tpl"] == pytest.approx(r["ppl_single"] - r["ppl_full"])
        assert len(r["turns"]) == (2 if r["id"] in ("clip1", "clip3", "clip5", "clip7") else 1)
    short = records[5]
    assert short["num_frames"] == 4 and short["frames_requested"] == 8 and short["frame_idx"] == [0, 1, 2, 3]
    assert summary["n_scored"] == 8 and summary["n_errors"] == 4
    assert summary["by_source"]["world-a"]["count"] == 4 and set(summary["by_subset"]) == {"caption", "motion", "qa"}
    motion = [r["tpl"] for r in records if r["subset"] == "motion"]
    assert summary["by_subset"]["motion"]["mean"] == pytest.approx(sum(motion) / len(motion))
    for suffix in (".summary.json", ".hist.png", ".subsets.png", ".config.json"):
        assert os.path.getsize(out + suffix) > 0
    errors = [json.loads(line) for line in open(out + ".errors.jsonl")]
    text = json.dumps(errors)
    for needle in ("nope.mp4", "mute", "broken", "duplicate id", "fewer than the 8 requested"):
        assert needle in text


def test_killed_run_resumes_to_identical_file(scored, tmp_path):
    cfg, _ = scored
    out = tmp_path / "scores.jsonl"
    script = textwrap.dedent(f"""
        import os, signal
        from videoutr.tpl import run, score
        from videoutr.tpl.run import TplRunConfig, run_tpl
        calls = []
        original = score.TplScorer.score
        def dying(self, items):
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            calls.append(1)
            return original(self, items)
        score.TplScorer.score = dying
        run_tpl(TplRunConfig(model={cfg.model!r}, data={cfg.data!r}, out={str(out)!r},
                             video_root={cfg.video_root!r}, frames=8, batch_size=3), progress=False)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL
    partial = out.with_name(out.name + ".parts") / "chunk-00000.jsonl.partial"
    assert not out.exists() and 0 < len(partial.read_text().splitlines()) < 8  # killed mid-run
    with partial.open("a") as handle:
        handle.write('{"id": "clip6", "tpl": 1.')  # a write cut by the kill
    code, stdout, stderr, exc = _run_cli(
        "tpl",
        "score",
        "--model",
        cfg.model,
        "--data",
        cfg.data,
        "--out",
        str(out),
        "--video-root",
        cfg.video_root,
        "--frames",
        "8",
        "--batch-size",
        "3",
    )
    assert isinstance(exc, RecordsFailed) and exc.exit_code == 1, (stderr, exc)  # 4 bad samples of 12
    assert out.read_bytes() == open(cfg.out, "rb").read() and not partial.exists()
    assert "error: " in stderr and "nope.mp4" in stderr and "scored 8 samples (4 errors)" in stdout


def test_rerun_with_other_settings_is_refused(scored, tiny):
    cfg, _ = scored
    model, processor = tiny
    other = TplRunConfig(**{**cfg.__dict__, "mode": "ratio"})
    with pytest.raises(ConfigError, match="mode"):
        run_tpl(other, model=model, processor=processor, progress=False)


def test_filter_min_tpl_and_top_fraction(scored, tmp_path, dataset):
    cfg, _ = scored
    records = [json.loads(line) for line in open(cfg.out)]
    tpls = sorted(r["tpl"] for r in records)
    threshold = tpls[4]
    out = tmp_path / "kept.json"
    code, stdout, stderr, exc = _run_cli(
        "tpl", "filter", "--scores", cfg.out, "--data", cfg.data, "--out", str(out), "--min-tpl", str(threshold)
    )
    assert code == 0, (stderr, exc)
    assert "kept 4, dropped" in stdout
    kept = json.loads(out.read_text())
    original = {r["id"]: r for r in json.loads((dataset / "data.json").read_text()) if isinstance(r, dict)}
    assert {k["id"] for k in kept} == {r["id"] for r in records if r["tpl"] >= threshold}
    assert all(k == original[k["id"]] for k in kept if k["id"] != "clip0") and len(kept) == 4
    dropped = [json.loads(line) for line in open(str(out) + ".dropped.jsonl")]
    assert {d["reason"] for d in dropped} >= {"not scored", f"tpl below {threshold:g}"}
    from videoutr.tpl.filter import filter_by_tpl

    result = filter_by_tpl(cfg.out, cfg.data, tmp_path / "top.json", top_fraction=0.25)
    top = json.loads((tmp_path / "top.json").read_text())
    best = sorted(records, key=lambda r: -r["tpl"])[:2]
    assert {t["id"] for t in top} == {b["id"] for b in best} and result.kept == 2
    assert isinstance(
        _run_cli("tpl", "filter", "--scores", cfg.out, "--data", cfg.data, "--out", str(out))[3], ConfigError
    )


def test_malformed_jsonl_lines_are_reported_and_skipped(tmp_path):
    from videoutr.tpl.run import read_samples_lenient

    good = {
        "id": "a",
        "video": "a.mp4",
        "conversations": [{"from": "human", "value": "<video>\nHi"}, {"from": "gpt", "value": "Hello"}],
    }
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps(good) + "\n{not json\n" + json.dumps({**good, "id": "b"}) + "\n[1, 2]\n")
    problems = []
    samples = read_samples_lenient(path, lambda where, why: problems.append((where, why)))
    assert [s.id for s in samples] == ["a", "b"]
    assert problems[0][0].endswith("data.jsonl:2") and "malformed JSON" in problems[0][1]
    assert problems[1][0].startswith(f"{path}:4") and "JSON object" in problems[1][1]


def test_model_without_video_support_fails_before_scoring(scored, tmp_path, text_only_model):
    from videoutr.models.load import UnsupportedModelError

    cfg, _ = scored
    code, _, _, exc = _run_cli(
        "tpl",
        "score",
        "--model",
        str(text_only_model),
        "--data",
        cfg.data,
        "--out",
        str(tmp_path / "s.jsonl"),
        "--video-root",
        cfg.video_root,
    )
    assert isinstance(exc, UnsupportedModelError) and "no video support" in str(exc)
    assert not (tmp_path / "s.jsonl").exists()
