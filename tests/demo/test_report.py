"""The report writer on recorded results (a smallest-preset run's results.json)."""

import json
from pathlib import Path

from videoutr.demo.findings import findings
from videoutr.demo.report import pct, render_markdown, write_report

FIXTURE = Path(__file__).parent / "fixtures" / "results_smallest.json"


def _results():
    return json.loads(FIXTURE.read_text())


def test_markdown_holds_every_arm_and_finding():
    results = _results()
    text = render_markdown(results, ["accuracy.png"])
    for arm, v in results["arms"].items():
        row = next(line for line in text.splitlines() if line.startswith(f"| {arm} | "))
        assert pct(v["eval"]["full"]["temporal"]) in row
    for f in results["findings"]:
        assert f["claim"] in text and f"**{f['verdict']}**" in text
    assert "![accuracy.png](accuracy.png)" in text


def test_write_report_draws_the_figures(tmp_path):
    write_report(_results(), tmp_path)
    names = {p.name for p in tmp_path.iterdir()}
    assert {"report.md", "results.json", "finding1.png", "accuracy.png", "attention.png", "tpl_hist.png"} <= names


def test_verdicts_follow_the_intervals():
    results = _results()
    results["comparisons"]["utr_minus_captions_temporal_full"] = {"mean": 0.2, "lo": 0.1, "hi": 0.3, "n": 50}
    results["comparisons"]["tpl_utr_minus_captions"] = {"mean": -0.2, "lo": -0.3, "hi": -0.1, "n": 50}
    results["comparisons"]["shuffle_drop_utr_minus_captions"] = {"mean": 0.0, "lo": -0.1, "hi": 0.1, "n": 50}
    verdicts = {f["claim"]: f["verdict"] for f in findings(results)}
    assert verdicts["The UTR model beats the caption model on temporal tasks"] == "reproduced"
    assert verdicts["UTR data has the higher TPL"] == "contradicted"
    assert verdicts["The UTR model is hurt more by shuffling"] == "inconclusive"


def test_missing_numbers_render_as_dashes():
    results = _results()
    for v in results["arms"].values():
        v["eval"]["full"]["temporal"] = {"mean": None, "lo": None, "hi": None, "n": 0}
    text = render_markdown(results, [])
    assert "| - |" in text


def test_the_utr_answer_check_is_summed_over_checked_tasks():
    results = _results()
    results["data"]["utr_agreement"] = {"count_enter": {"asked": 4, "agree": 3}, "direction": {"asked": 2, "agree": 2},
                                        "unchecked": {"asked": 7, "agree": 0}}
    text = render_markdown(results, [])
    line = next(line for line in text.splitlines() if "agree with the world's truth" in line)
    assert "on 5 of 6 questions" in line and "count_enter 3/4" in line and "7 more" in line
