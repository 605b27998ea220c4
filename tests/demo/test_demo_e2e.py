"""The demo at its smallest setting, end to end: every number in the report comes from the run."""

import json

import numpy as np
import pytest

from videoutr.demo.config import demo_preset
from videoutr.demo.run import run_demo
from videoutr.jsonio import iter_jsonl


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_smallest_demo_runs_end_to_end_and_resumes(tmp_path, random_base):
    cfg = demo_preset("smallest", base=str(random_base))
    out = tmp_path / "demo"
    logs: list[str] = []
    results = run_demo(cfg, out, log=logs.append)
    report = (out / "report.md").read_text()
    for name in ("finding1.png", "accuracy.png", "attention.png", "tpl_hist.png"):
        assert (out / name).is_file()

    # temporal accuracy of the UTR model, recomputed from the per-sample evaluation records
    records = [r for r in iter_jsonl(out / "eval" / "utr" / "seed0" / "samples.jsonl")
               if r["condition"] == "full" and r["temporal"] and not r.get("error")]
    expected = float(np.mean([r["correct_loglik"] for r in records]))
    table = results["arms"]["utr"]["eval"]["full"]["temporal"]
    assert table["mean"] == pytest.approx(expected) and table["n"] == len(records)
    utr_row = next(line for line in report.splitlines() if line.startswith("| utr | "))
    assert f"{expected:.3f} [" in utr_row

    # TPL of the UTR pool, recomputed from the scores under the reference model
    tpl = [r["tpl"] for r in iter_jsonl(out / "tpl" / "utr.jsonl")]
    assert results["tpl_pools"]["utr"]["mean"] == pytest.approx(float(np.mean(tpl)))
    assert all(f["verdict"] in ("reproduced", "inconclusive", "contradicted", "not measured")
               for f in results["findings"])

    # the UTR short-form answers were checked against the world's truth, and the report says so
    agreement = results["data"]["utr_agreement"]
    assert agreement and all(0 <= row["agree"] <= row["asked"] for row in agreement.values())
    assert agreement.get("unchecked", {"agree": 0})["agree"] == 0
    assert "agree with the world's truth" in report

    # a rerun skips every stage and rewrites the same numbers
    again: list[str] = []
    rerun = run_demo(cfg, out, log=again.append)
    assert not [m for m in again if m.startswith("[run ]")]
    strip = lambda r: json.dumps({k: v for k, v in r.items() if k not in ("wall_seconds_this_call", "calls")}, sort_keys=True)  # noqa: E731
    assert strip(rerun) == strip(results)


def test_a_rerun_with_another_config_is_refused(tmp_path, random_base):
    from videoutr.errors import ConfigError

    out = tmp_path / "demo"
    out.mkdir()
    (out / "demo_config.json").write_text(json.dumps(demo_preset("smallest", base=str(random_base), steps=99).to_dict()))
    with pytest.raises(ConfigError, match="steps"):
        run_demo(demo_preset("smallest", base=str(random_base)), out, log=lambda m: None)
