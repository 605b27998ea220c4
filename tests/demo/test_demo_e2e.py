"""The demo at its smallest setting, end to end: every number in the report comes from the run."""

import json

import numpy as np
import pytest

from videoutr.demo.config import demo_preset
from videoutr.demo.run import run_demo
from videoutr.jsonio import iter_jsonl

CLAIM_IDS = {
    "utr_minus_captions",
    "utr_minus_format_control",
    "utr_acc_minus_chance",
    "utr_twins_both_right",
    "tpl_utr_minus_captions",
    "tpl_accuracy_r",
    "frames_used_utr_minus_captions",
}


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_smallest_demo_runs_end_to_end_and_resumes(tmp_path, random_base):
    cfg = demo_preset("smallest", base=str(random_base), scheduler="linear", vision_lr=2e-4)
    out = tmp_path / "demo"
    results = run_demo(cfg, out, show_progress=False)
    report = (out / "report.md").read_text()
    for name in ("finding1.png", "accuracy.png", "attention.png", "tpl_hist.png"):
        assert (out / name).is_file()

    # temporal accuracy of the UTR model, recomputed from the per-sample evaluation records
    records = [
        r
        for r in iter_jsonl(out / "eval" / "utr" / "seed0" / "samples.jsonl")
        if r["condition"] == "full" and r["temporal"] and not r.get("error")
    ]
    expected = float(np.mean([r["correct_loglik"] for r in records]))
    table = results["arms"]["utr"]["eval"]["full"]["temporal"]
    assert table["mean"] == pytest.approx(expected) and table["n"] == len(records)
    utr_row = next(line for line in report.splitlines() if line.startswith("| utr | "))
    assert f"{expected:.3f} [" in utr_row

    # the masking probe scores what evaluation scores: its full-video log P(right option) is the one
    # the evaluation records give (option log-likelihoods, normalised over the options)
    logliks = {r["id"]: (r["logliks"], r["answer_index"]) for r in records}
    probe = json.loads((out / "probes" / "utr.masking.json").read_text())["questions"]
    assert probe
    for row in probe:
        lls, answer = np.asarray(logliks[row["id"]][0]), logliks[row["id"]][1]
        top = lls.max()
        assert row["full_logprob"] == pytest.approx(lls[answer] - top - np.log(np.exp(lls - top).sum()), abs=2e-3)

    # TPL of the UTR pool under the base: the mean over the key frames, recomputed from the scores
    per_key = [{r["id"]: r["tpl"] for r in iter_jsonl(out / "tpl" / f"utr.{k}.jsonl")} for k in ("first", "last")]
    combined = [np.mean([k[i] for k in per_key]) for i in per_key[0]]
    assert results["tpl_pools"]["utr"]["mean"] == pytest.approx(float(np.mean(combined)))

    # the claims the report is judged by, each with a value, an interval and a verdict
    claims = {c["id"]: c for c in results["claims"]}
    assert CLAIM_IDS <= set(claims)
    assert all(set(c) >= {"id", "claim", "value", "ci", "verdict"} for c in claims.values())
    assert results["wall_s"] > 0

    # the UTR data is the engine's output: its answers were checked against the world's truth
    assert results["engine"]["correctness"]["answers"] > 0
    assert "agree with the world's truth" in report
    assert results["data"]["bench_questions_in_training"]["found_in_training"] == 0

    # the format control trains on UTR's text over one-frame stills
    control = json.loads((out / "data" / "control.json").read_text())
    utr = {s["id"]: s for s in json.loads((out / "data" / "utr.json").read_text())}
    assert control and all(s["conversations"] == utr[s["id"].removesuffix("_still")]["conversations"] for s in control)

    # every arm trains with the demo's schedule and vision-tower lr
    recipe = json.loads((out / "models" / "control" / "seed0" / "recipe.json").read_text())
    assert (recipe["optim"]["scheduler"], recipe["tune"]["vision_lr"]) == ("linear", 2e-4)

    # a rerun skips every stage and rewrites the same numbers
    rerun = run_demo(cfg, out, show_progress=False)
    assert rerun["calls"][-1]["ran_stages"] is False

    def strip(r):
        return json.dumps({k: v for k, v in r.items() if k not in ("wall_seconds_this_call", "calls")}, sort_keys=True)

    assert strip(rerun) == strip(results)


def test_a_rerun_with_another_config_is_refused(tmp_path, random_base):
    from videoutr.errors import ConfigError

    out = tmp_path / "demo"
    out.mkdir()
    (out / "demo_config.json").write_text(
        json.dumps(demo_preset("smallest", base=str(random_base), steps=99).to_dict())
    )
    with pytest.raises(ConfigError, match="steps"):
        run_demo(demo_preset("smallest", base=str(random_base)), out, show_progress=False)
