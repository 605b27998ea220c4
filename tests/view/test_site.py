"""`videoutr view` on real tiny runs: what each kind of site holds, read back from its data files."""

from __future__ import annotations

import json

import pytest

from videoutr.errors import ConfigError
from videoutr.jsonio import iter_jsonl, read_json
from videoutr.view import build_site
from videoutr.view.kinds import classify, find_runs

from .helpers import site_data


def test_kinds_and_runs_found_below_a_folder(run_folder):
    assert classify(run_folder / "utr") == "engine"
    assert classify(run_folder / "tpl" / "utr.jsonl") == "tpl"
    assert classify(run_folder / "eval" / "tiny") == "eval"
    assert classify(run_folder) == "collection"
    assert [(str(p), k) for p, k in find_runs(run_folder)] == [
        ("eval/tiny", "eval"),
        ("tpl/utr.jsonl", "tpl"),
        ("utr", "engine"),
    ]
    with pytest.raises(ConfigError, match="not an engine, tpl, eval or demo run"):
        classify(run_folder / "world" / "videos")


def test_engine_site_holds_every_track_point_and_clickable_boxes(run_folder, tmp_path):
    index = build_site(run_folder / "utr", tmp_path / "site").index
    assert index.read_text().count("<script") == 2 and "http" not in index.read_text()  # no CDN, no network
    run, details = site_data(tmp_path / "site")
    clips = list(iter_jsonl(run_folder / "utr" / "trajectories.jsonl"))
    assert [r[0] for r in run["table"]["rows"]] == [c["video_id"] for c in clips]
    for clip, detail in zip(clips, details):
        assert [len(t["p"]) for t in detail["tracks"]] == [len(t["points"]) for t in clip["tracks"]]
        assert detail["media"]["frames"] == clip["frame_idx"]  # the sheet holds exactly the tracked frames
        assert (tmp_path / "site" / detail["media"]["src"]).stat().st_size > 0
        first = clip["tracks"][0]["points"][0]
        assert detail["tracks"][0]["p"][0][:6] == [first["frame_idx"], *first["box_norm"], int(first["interpolated"])]
    samples = read_json(run_folder / "utr" / "utr.json")
    stated = [
        p for d in details for dlg in d["dialogues"] for t in dlg["turns"] for p in t["parts"] if isinstance(p, dict)
    ]
    claimed = [b for s in samples for qa in s["utr"] if "boxes" in qa["claims"] for _, b in qa["claims"]["boxes"]]
    assert len(stated) >= len(claimed) > 0  # every box a claim cites is in the text, clickable
    assert run["stats"] == read_json(run_folder / "utr" / "stats.json")


def test_tpl_site_rows_are_the_scores_with_key_frame_and_turns(run_folder, tmp_path):
    scores = run_folder / "tpl" / "utr.jsonl"
    build_site(scores, tmp_path / "site")
    run, details = site_data(tmp_path / "site")
    records = list(iter_jsonl(scores))
    cols = [c["key"] for c in run["table"]["columns"]]
    assert [dict(zip(cols, r))["tpl"] for r in run["table"]["rows"]] == pytest.approx([r["tpl"] for r in records])
    assert run["table"]["filters"] == ["source", "subset"] and run["table"]["ranges"] == ["tpl"]
    for record, detail in zip(records, details):
        assert detail["key_frame"] == record["frame_idx"][0]  # key frame "first"
        assert [t["tpl"] for t in detail["turns"]] == pytest.approx([t["tpl"] for t in record["turns"]])
        assert all(t["gpt"] for t in detail["turns"])  # the answer text beside its perplexities
    assert len(run["plots"]) == 2


def test_eval_site_one_row_per_question_with_each_conditions_outcome(run_folder, tmp_path):
    build_site(run_folder / "eval" / "tiny", tmp_path / "site")
    run, details = site_data(tmp_path / "site")
    records = list(iter_jsonl(run_folder / "eval" / "tiny" / "samples.jsonl"))
    assert len(details) == len({r["id"] for r in records}) == 4
    by_key = {(r["id"], r["condition"]): r for r in records}
    for detail in details:
        assert detail["question"] and len(detail["options"]) >= 2
        for cond, shown in detail["conditions"].items():
            record = by_key[(detail["id"], cond)]
            assert shown["outcome"] == ("right" if record["correct_loglik"] else "wrong")
            assert shown["pick"] == record["pred_loglik"] and shown["scores"] == record["logliks"]
    assert run["conditions"] == ["full", "shuffled"]


def test_collection_site_links_each_run_and_keeps_report_safe(run_folder, tmp_path):
    build_site(run_folder, tmp_path / "site")
    run, _ = site_data(tmp_path / "site")
    assert [r["path"] for r in run["runs"]] == ["eval/tiny", "tpl/utr.jsonl", "utr"]
    for r in run["runs"]:
        assert (tmp_path / "site" / r["href"]).is_file() and r["rows"] > 0
    assert "<script>" not in run["report_html"] and "&lt;script&gt;" in run["report_html"]
    assert 'src="media/' in run["report_html"]  # the report's image, copied into the site
    assert len(run["plots"]) == 1  # extra.png; plot.png is shown by the report
    assert run["claims"][0]["verdict"] == "reproduced" and run["wall_s"] == 12.5
    sub, _ = site_data(tmp_path / "site" / run["runs"][2]["href"].rsplit("/", 1)[0])
    assert sub["parent"] == "../../index.html"


def test_details_are_paged_and_media_capped(run_folder, tmp_path, monkeypatch):
    import videoutr.view.site as site

    monkeypatch.setattr(site, "CHUNK", 2)
    build_site(run_folder / "utr", tmp_path / "site", max_videos=1)
    run, details = site_data(tmp_path / "site")
    assert len(list((tmp_path / "site" / "data").glob("detail-*.js"))) == -(-len(details) // 2)
    assert [d["media"] is not None for d in details] == [True] + [False] * (len(details) - 1)


def test_refuses_to_write_into_a_folder_that_is_not_a_site(run_folder, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not a site made by"):
        build_site(run_folder / "utr", tmp_path)
    build_site(run_folder / "utr", tmp_path / "site")
    build_site(run_folder / "utr", tmp_path / "site")  # a rebuild replaces an earlier site
    assert json.loads((tmp_path / "site" / "data" / "run.js").read_text()[len("viewRun(") : -3])["kind"] == "engine"


def test_view_command_writes_the_site_and_names_a_bad_run(run_folder, tmp_path, monkeypatch, capsys):
    import sys

    from videoutr.cli import main

    monkeypatch.setattr(
        sys, "argv", ["videoutr", "view", str(run_folder / "eval" / "tiny"), "--out", str(tmp_path / "s")]
    )
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code in (0, None) and (tmp_path / "s" / "index.html").is_file()
    monkeypatch.setattr(sys, "argv", ["videoutr", "view", str(run_folder / "world"), "--out", str(tmp_path / "t")])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 2 and "world: not an engine, tpl, eval or demo run" in capsys.readouterr().err


def test_missing_videos_are_warned_by_name_and_shown_without_frames(run_folder, tmp_path):
    built = build_site(run_folder / "utr", tmp_path / "site", videos=tmp_path / "nowhere")
    _, details = site_data(tmp_path / "site")
    assert all(d["media"] is None for d in details) and all(d["tracks"] for d in details)
    assert len(built.warnings) == len(details)
    assert all(w.startswith(str(tmp_path / "nowhere")) and "video not found" in w for w in built.warnings)
