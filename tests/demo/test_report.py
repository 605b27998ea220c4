"""The report writer on recorded results (a smallest-preset run's results.json)."""

import json
from pathlib import Path

from videoutr.demo.config import PERCEPTION_TASK
from videoutr.demo.report import pct, render_markdown, write_report

FIXTURE = Path(__file__).parent / "fixtures" / "results_smallest.json"


def _results():
    return json.loads(FIXTURE.read_text())


def test_markdown_holds_every_arm_and_claim():
    results = _results()
    text = render_markdown(results, ["accuracy.png"])
    for arm, v in results["arms"].items():
        row = next(line for line in text.splitlines() if line.startswith(f"| {arm} | "))
        assert pct(v["eval"]["full"]["temporal"]) in row
        assert pct(v["eval"]["full"]["tasks"][PERCEPTION_TASK]) in row  # the non-temporal control
    for c in results["claims"]:
        assert f"`{c['id']}`" in text and f"**{c['verdict']}**" in text
    assert "![accuracy.png](accuracy.png)" in text


def test_write_report_draws_the_figures(tmp_path):
    write_report(_results(), tmp_path)
    names = {p.name for p in tmp_path.iterdir()}
    assert {"report.md", "results.json", "finding1.png", "accuracy.png", "attention.png", "tpl_hist.png"} <= names


def test_missing_numbers_render_as_dashes():
    results = _results()
    for v in results["arms"].values():
        v["eval"]["full"]["temporal"] = {"mean": None, "lo": None, "hi": None, "n": 0}
    text = render_markdown(results, [])
    assert "| - |" in text


def test_the_engine_check_is_reported_per_task():
    results = _results()
    results["engine"] = {
        "correctness": {
            "answers": 6,
            "accuracy": 5 / 6,
            "by_task": {"move_direction": {"answers": 4, "correct": 3}, "place_at_end": {"answers": 2, "correct": 2}},
        }
    }
    text = render_markdown(results, [])
    line = next(line for line in text.splitlines() if "agree with the world's truth" in line)
    assert "83.3% of 6" in line and "move_direction 3/4" in line
