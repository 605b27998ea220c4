"""Bad records inside otherwise good inputs: each becomes one error line naming its file and record,
the valid records are still processed and written, and the exit code says so (1; 2 when none is
usable). Paths from data files stay inside the video root unless --allow-outside-root."""

from __future__ import annotations

import json
import shutil

import pytest

BAD_SAMPLES = {  # id -> (what is wrong with the record, words its error must contain)
    "video-int": ({"video": 123}, ["'video' must be a non-empty string"]),
    "traversing": ({"video": "../../../../etc/passwd"}, ["etc/passwd", "leaves the root"]),
    "absolute": ({"video": "/etc/passwd"}, ["/etc/passwd", "leaves the root"]),
    "missing": ({"video": "videos/nope.mp4"}, ["nope.mp4", "file not found"]),
    "zero-byte": ({"video": "bad/zero.mp4"}, ["zero.mp4", "0 bytes"]),
    "truncated": ({"video": "bad/truncated.mp4"}, ["truncated.mp4"]),
    "corrupt": ({"video": "bad/corrupt.mp4"}, ["corrupt.mp4", "not a readable video"]),
    "text-as-video": ({"video": "bad/text.mp4"}, ["text.mp4", "not a readable video"]),
    "image-as-video": ({"video": "bad/image.mp4"}, ["image.mp4", "still image"]),
    "no-conversations": ({"conversations": None}, ["'conversations'"]),
    "mistyped-turn": ({"conversations": [{"from": "human", "value": 5}]}, ["turn 0", "string 'value'"]),
    "unknown-role": ({"conversations": [{"from": "robot", "value": "hi"}]}, ["unknown role", "robot"]),
    "no-answer": ({"conversations": [{"from": "human", "value": "<video>\nHi?"}]}, ["no assistant turn"]),
    "duplicate": ({"id": "v00000_cap0"}, ["duplicate id"]),
}
GOOD_EDGES = {"one-frame": "bad/one_frame.mp4", "huge": "bad/huge.mp4"}  # scored all the same


@pytest.fixture(scope="module")
def tpl_run(world, model, captions, tmp_path_factory):
    """One `videoutr tpl score` over 4 good captions, 2 odd but valid videos and every bad record."""
    from videoutr.cli import main

    folder = tmp_path_factory.mktemp("tpl-records")
    records = captions[:4] + [{**captions[0], "id": k, "video": v} for k, v in GOOD_EDGES.items()]
    for key, (change, _) in BAD_SAMPLES.items():
        record = {**captions[1], "id": key, **change}
        records.append({k: v for k, v in record.items() if v is not None})
    records.append("not an object")
    records.append({**captions[2], "id": ["a", "list"]})
    data = folder / "data.json"
    data.write_text(json.dumps(records))
    return _invoke(
        main, ["tpl", "score", "--model", model, "--data", data, "--video-root", world, "--out", folder / "s.jsonl"]
    ), folder


def _invoke(main, args):
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit_:
        main([str(a) for a in args])
    return exit_.value.code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("key", list(BAD_SAMPLES))
def test_tpl_bad_record_is_named_and_the_rest_is_scored(tpl_run, key, captions):
    (code, stdout, stderr), folder = tpl_run
    assert code == 1, stderr
    assert "scored 6 samples (16 errors)" in stdout and "16 of 22 samples failed" in stderr
    errors = [
        "error: " + part for line in stderr.splitlines() for part in line.split("error: ")[1:]
    ]  # bars share lines
    marker = "duplicate id" if key == "duplicate" else (f"sample {key}:", f"(id {key})")
    lines = [line for line in errors if any(m in line for m in ([marker] if isinstance(marker, str) else marker))]
    assert len(lines) == 1, stderr
    for needle in BAD_SAMPLES[key][1]:
        assert needle in lines[0], (needle, lines[0])
    scored = [json.loads(line)["id"] for line in (folder / "s.jsonl").read_text().splitlines()]
    assert scored == [c["id"] for c in captions[:4]] + list(GOOD_EDGES)
    listed = (folder / "s.jsonl.errors.jsonl").read_text()
    assert (key if key != "duplicate" else "duplicate id") in listed


def test_tpl_record_that_is_not_an_object_or_has_a_bad_id(tpl_run):
    (_, _, stderr), folder = tpl_run
    assert "data.json[20]: expected a JSON object" in stderr
    assert "data.json[21]: 'id' must be a string or an integer" in stderr


def test_tpl_odd_videos_are_scored_with_what_they_have(tpl_run):
    (_, _, stderr), folder = tpl_run
    records = {json.loads(x)["id"]: json.loads(x) for x in (folder / "s.jsonl").read_text().splitlines()}
    assert records["one-frame"]["num_frames"] == 1 and "one-frame" in stderr and "fewer than the 8" in stderr
    assert records["huge"]["num_frames"] == 4


def test_tpl_jsonl_malformed_lines_are_skipped(cli, world, model, captions, tmp_path):
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps(captions[0]) + "\n{broken\n[1, 2]\n" + json.dumps(captions[1]) + "\n")
    code, stdout, stderr = cli(
        "tpl", "score", "--model", model, "--data", data, "--video-root", world, "--out", tmp_path / "s.jsonl"
    )
    assert code == 1 and "scored 2 samples (2 errors)" in stdout
    assert f"error: {data}:2: malformed JSON line" in stderr and f"error: {data}:3: expected a JSON object" in stderr


def test_tpl_nothing_usable_exits_2(cli, world, model, captions, tmp_path):
    data = tmp_path / "d.json"
    data.write_text(json.dumps([{**captions[0], "video": "videos/nope.mp4"}, {**captions[1], "video": "/etc/passwd"}]))
    code, stdout, stderr = cli(
        "tpl", "score", "--model", model, "--data", data, "--video-root", world, "--out", tmp_path / "s.jsonl"
    )
    assert code == 2 and "2 of 2 samples failed" in stderr and (tmp_path / "s.jsonl.errors.jsonl").is_file()


def test_tpl_allow_outside_root(cli, world, model, captions, tmp_path):
    data = tmp_path / "d.json"
    data.write_text(json.dumps([{**captions[0], "video": "../videos/v00000.mp4"}]))
    args = [
        "tpl",
        "score",
        "--model",
        model,
        "--data",
        data,
        "--video-root",
        world / "bad",
        "--out",
        tmp_path / "s.jsonl",
    ]
    code, _, stderr = cli(*args)
    assert code == 2 and "leaves the root" in stderr and "--allow-outside-root" in stderr
    code, stdout, stderr = cli(*args, "--allow-outside-root")
    assert code == 0 and "scored 1 samples (0 errors)" in stdout, stderr


BAD_ITEMS = {  # id -> (what is wrong with the benchmark item, words its error must contain)
    "one-candidate": ({"candidates": ["left"], "answer": "left"}, ["at least 2 candidates"]),
    "answer-elsewhere": ({"answer": "sideways"}, ["'sideways' is not one of the candidates"]),
    "candidates-string": ({"candidates": "abc", "answer": "a"}, ["'candidates' must be a list"]),
    "no-question": ({"question": None}, ["missing 'question'"]),
    "missing-video": ({"video": "videos/nope.mp4"}, ["nope.mp4", "not found"]),
    "traversing": ({"video": "../../../../etc/passwd"}, ["etc/passwd", "leaves the root"]),
    "absolute": ({"video": "/etc/hostname"}, ["/etc/hostname", "leaves the root"]),
    "image-as-video": ({"video": "bad/image.mp4"}, ["image.mp4", "still image"]),
    "truncated": ({"video": "bad/truncated.mp4"}, ["truncated.mp4"]),
    "corrupt": ({"video": "bad/corrupt.mp4"}, ["corrupt.mp4", "not a readable video"]),
    "zero-byte": ({"video": "bad/zero.mp4"}, ["zero.mp4", "0 bytes"]),
}


@pytest.fixture(scope="module")
def eval_run(world, model, tmp_path_factory):
    """One `videoutr eval run` over 4 good items, 2 odd but valid videos and every bad item."""
    from videoutr.cli import main

    folder = tmp_path_factory.mktemp("eval-records")
    good = json.loads((world / "bench.json").read_text())[:4]
    items = good + [{**good[0], "id": k, "video": v} for k, v in GOOD_EDGES.items()]
    for key, (change, _) in BAD_ITEMS.items():
        item = {**good[1], "id": key, **change}
        items.append({k: v for k, v in item.items() if v is not None})
    items.append(["not", "an", "object"])
    bench = folder / "bench.json"
    bench.write_text(json.dumps(items))
    result = _invoke(
        main, ["eval", "run", "--model", model, "--bench", bench, "--video-root", world, "--out", folder / "out"]
    )
    return result, folder, [g["id"] for g in good]


@pytest.mark.parametrize("key", list(BAD_ITEMS))
def test_eval_bad_item_is_named_and_the_rest_is_scored(eval_run, key):
    (code, stdout, stderr), folder, good = eval_run
    assert code == 1, stderr
    assert "12 of 18 items failed" in stderr
    errors = [json.loads(x) for x in (folder / "out/errors.jsonl").read_text().splitlines()]
    mine = [e for e in errors if key in json.dumps(e)]
    assert len(mine) == 1, errors
    for needle in BAD_ITEMS[key][1]:
        assert needle in mine[0]["error"], (needle, mine[0])
    records = [json.loads(x) for x in (folder / "out/samples.jsonl").read_text().splitlines()]
    scored = [r["id"] for r in records if "error" not in r]
    assert scored == good + list(GOOD_EDGES)
    summary = json.loads((folder / "out/summary.json").read_text())
    assert summary["conditions"]["full"]["overall"]["n"] == 6


def test_eval_item_that_is_not_an_object(eval_run):
    (_, _, stderr), folder, _ = eval_run
    assert "bench.json[17]: expected a JSON object per question" in stderr


def test_eval_nothing_usable_exits_2(cli, world, model, tmp_path):
    bench = tmp_path / "b.json"
    good = json.loads((world / "bench.json").read_text())[0]
    bench.write_text(json.dumps([{**good, "candidates": ["x"]}, {**good, "id": "n", "answer": "nowhere"}]))
    code, _, stderr = cli(
        "eval", "run", "--model", model, "--bench", bench, "--video-root", world, "--out", tmp_path / "o"
    )
    assert code == 2 and "no usable item (2 malformed)" in stderr and not (tmp_path / "o").exists()
    bench.write_text(json.dumps([{**good, "video": "videos/none.mp4"}]))
    code, _, stderr = cli(
        "eval", "probe", "--model", model, "--bench", bench, "--video-root", world, "--out", tmp_path / "p"
    )
    assert code == 2 and "1 of 1 items failed" in stderr


@pytest.fixture(scope="module")
def engine_videos(world, tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine-videos")
    for name in ("v00000.mp4", "v00001.mp4"):
        shutil.copy(world / "videos" / name, folder / name)
    for name in ("zero.mp4", "truncated.mp4", "corrupt.mp4", "text.mp4", "image.mp4"):
        shutil.copy(world / "bad" / name, folder / name)
    return folder


def test_engine_bad_videos_are_listed_and_the_rest_is_processed(cli, engine_videos, tmp_path):
    code, stdout, stderr = cli("engine", "run", "--videos", engine_videos, "--out", tmp_path / "out", "--no-progress")
    assert code == 1 and "5 of 7 videos failed" in stderr, stderr
    errors = {
        e["video_id"]: e["error"] for e in map(json.loads, (tmp_path / "out/errors.jsonl").read_text().splitlines())
    }
    assert set(errors) == {"zero", "truncated", "corrupt", "text", "image"}
    assert "still image" in errors["image"] and "0 bytes" in errors["zero"]
    samples = json.loads((tmp_path / "out/utr.json").read_text())
    assert {s["video"] for s in samples} == {"v00000.mp4", "v00001.mp4"}


def test_engine_run_that_did_nothing_locks_nothing(cli, world, tmp_path):
    bad = tmp_path / "videos"
    bad.mkdir()
    shutil.copy(world / "bad/image.mp4", bad / "a.mp4")
    out = tmp_path / "out"
    code, _, stderr = cli("engine", "run", "--videos", bad, "--out", out, "--no-progress", "track.max_gap=3")
    assert code == 2 and "1 of 1 videos failed" in stderr
    shutil.copy(world / "videos/v00000.mp4", bad / "a.mp4")  # the user fixes the input and changes a setting
    code, _, stderr = cli("engine", "run", "--videos", bad, "--out", out, "--no-progress", "track.max_gap=5")
    assert code == 0, stderr
    assert json.loads((out / "engine_config.json").read_text())["track"]["max_gap"] == 5
    assert json.loads((out / "stats.json").read_text())["ok"] == 1


def test_train_bad_records_are_skipped_counted_and_exit_1(cli, world, model, captions, tmp_path):
    from videoutr.train.config import DEFAULT_RECIPE

    data = tmp_path / "d.json"
    bad = [
        {**captions[4], "id": "outside", "video": "../../../../etc/passwd"},
        {**captions[5], "id": "int", "video": 7},
        {**captions[6], "id": "gone", "video": "videos/nope.mp4"},
    ]
    data.write_text(json.dumps(captions[:4] + bad))
    code, stdout, stderr = cli(
        "train",
        "--config",
        DEFAULT_RECIPE,
        f"model.path={model}",
        f"data.datasets=[{{json_path: {data}}}]",
        f"data.video_root=[{world}]",
        "data.eval_fraction=0",
        f"run.output_dir={tmp_path}/run",
        "run.max_steps=1",
        "run.batch_size=2",
        "data.num_frames=2",
        "optim.warmup_steps=0",
        "run.eval_steps=null",
    )
    assert code == 1 and "3 of 7 samples failed" in stderr, stderr
    summary = json.loads((tmp_path / "run/train_summary.json").read_text())
    assert summary["steps"] == 1 and summary["train_samples"] == 4
    assert summary["skipped_before_training"]["counts"] == {
        "malformed or empty conversations": 1,
        "video or image path leaves the video roots": 1,
        "video or image file not found": 1,
    }
