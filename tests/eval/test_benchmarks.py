"""Benchmark loaders: world / MVBench / TempCompass / open-QA formats and bad input."""

from __future__ import annotations

import json

import pytest

from videoutr.errors import DataFormatError
from videoutr.eval.benchmarks import load_benchmark, resolve_video, split_options


def _write(tmp_path, obj, name="b.json"):
    path = tmp_path / name
    path.write_text(json.dumps(obj))
    return path


@pytest.mark.parametrize("answer, index", [("right", 1), ("B", 1), ("(C)", 2), (0, 0), ("C. up", 2), ("RIGHT", 1)])
def test_world_answers_as_text_letter_or_index(tmp_path, answer, index):
    items = load_benchmark(_write(tmp_path, [{"id": "x", "video": "v.mp4", "question": "Q?",
                                              "candidates": ["left", "right", "up"], "answer": answer,
                                              "task": "direction", "temporal": True}]))
    assert items[0].kind == "mcq" and items[0].answer_index == index and items[0].temporal is True


def test_mvbench_style_mapping_and_unique_ids(tmp_path):
    raw = {"action_sequence": [{"video": "a.mp4", "question": "Q", "candidates": ["x", "y"], "answer": "y"}] * 2}
    items = load_benchmark(_write(tmp_path, raw))
    assert [i.task for i in items] == ["action_sequence"] * 2 and items[0].id != items[1].id


def test_tempcompass_multi_choice(tmp_path):
    raw = {"vid1": {"direction": [{"question": "Which way?\nA. left\nB. right", "answer": "B. right"}]}}
    item = load_benchmark(_write(tmp_path, raw))[0]
    assert (item.question, item.candidates, item.answer_index, item.task, item.video) == (
        "Which way?", ["left", "right"], 1, "direction", "vid1")
    assert split_options("Q\n(A) x\n(B) y") == ("Q", ["x", "y"])


def test_open_qa_formats(tmp_path):
    raw = [{"video_name": "v1", "question_id": "q1", "question": "what?", "answer": "dog", "type": "what"},
           {"video_id": "v2", "question": "who?", "answer": ["man", "person"]}]
    items = load_benchmark(_write(tmp_path, raw))
    assert [i.kind for i in items] == ["open", "open"]
    assert items[0].id == "q1" and items[0].task == "what" and items[1].references == ["man", "person"]


@pytest.mark.parametrize(
    "raw, needle",
    [
        ([{"video": "v", "question": "Q", "candidates": ["x", "y"], "answer": "z"}], "not one of the candidates"),
        ([{"video": "v", "question": "Q", "candidates": ["x"], "answer": "x"}], "at least 2"),
        ([{"question": "Q", "candidates": ["x", "y"], "answer": "x"}], "missing 'video'"),
        ([{"video": "v", "candidates": ["x", "y"], "answer": "x"}], "missing 'question'"),
        ([{"video_name": "v", "question": "Q"}], "open-QA item needs"),
        (["just a string"], "expected a JSON object"),
    ],
)
def test_bad_items_name_file_and_index(tmp_path, raw, needle):
    with pytest.raises(DataFormatError, match=needle) as err:
        load_benchmark(_write(tmp_path, raw))
    assert "b.json[0]" in str(err.value)


def test_malformed_json_and_unknown_format(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[{")
    with pytest.raises(DataFormatError, match="malformed JSON"):
        load_benchmark(bad)
    with pytest.raises(DataFormatError, match="unknown benchmark format"):
        load_benchmark(_write(tmp_path, []), fmt="nope")


def test_resolve_video_tries_roots_and_suffixes(tmp_path):
    (tmp_path / "r2").mkdir()
    (tmp_path / "r2/clip.mp4").write_bytes(b"x")
    assert resolve_video("clip", [tmp_path / "r1", tmp_path / "r2"]) == tmp_path / "r2/clip.mp4"
    assert resolve_video("gone", [tmp_path]) is None
