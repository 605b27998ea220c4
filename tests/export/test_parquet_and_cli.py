"""Parquet exports read back with pandas, and the `videoutr export` command's choices and errors."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from videoutr.cli import app
from videoutr.jsonio import iter_jsonl


def test_tpl_scores_round_trip_through_parquet(run_folder, tmp_path):
    out = tmp_path / "scores.parquet"
    result = CliRunner().invoke(app, ["export", str(run_folder / "tpl" / "utr.jsonl"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    records = list(iter_jsonl(run_folder / "tpl" / "utr.jsonl"))
    assert frame["id"].tolist() == [r["id"] for r in records]
    assert frame["tpl"].tolist() == pytest.approx([r["tpl"] for r in records])
    assert [len(t) for t in frame["turns"]] == [len(r["turns"]) for r in records]


def test_eval_rows_with_outcome_and_question(run_folder, tmp_path):
    out = tmp_path / "eval.parquet"
    assert CliRunner().invoke(app, ["export", str(run_folder / "eval" / "tiny"), "--out", str(out)]).exit_code == 0
    frame = pd.read_parquet(out)
    records = list(iter_jsonl(run_folder / "eval" / "tiny" / "samples.jsonl"))
    assert frame["key"].tolist() == [r["key"] for r in records]
    assert frame["outcome"].tolist() == ["right" if r["correct_loglik"] else "wrong" for r in records]
    assert frame["question"].notna().all() and frame["options"].map(len).min() >= 2


def test_export_refuses_a_format_the_run_does_not_have(run_folder, tmp_path):
    result = CliRunner().invoke(
        app, ["export", str(run_folder / "utr"), "--format", "parquet", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code != 0 and "exports as mot or fiftyone" in str(result.exception or result.output)
    result = CliRunner().invoke(app, ["export", str(run_folder / "world"), "--out", str(tmp_path / "y")])
    assert result.exit_code != 0


def test_a_folder_of_runs_exports_each_run_that_has_the_format(run_folder, tmp_path):
    result = CliRunner().invoke(app, ["export", str(run_folder), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eval__tiny.parquet", "tpl__utr.jsonl.parquet"]
    assert len(pd.read_parquet(tmp_path / "eval__tiny.parquet")) == sum(
        1 for _ in iter_jsonl(run_folder / "eval" / "tiny" / "samples.jsonl")
    )
