"""Atomic writes and readers that name the file and line at fault."""

from __future__ import annotations

import pytest

from videoutr.errors import DataFormatError
from videoutr.jsonio import iter_jsonl, read_json, read_yaml, write_json, write_json_array, write_jsonl


def test_write_then_read_round_trip_leaves_no_temp_files(tmp_path):
    write_json(tmp_path / "a.json", {"x": [1, 2]})
    write_jsonl(tmp_path / "b.jsonl", [{"i": 0}, {"i": 1}])
    assert read_json(tmp_path / "a.json") == {"x": [1, 2]}
    assert list(iter_jsonl(tmp_path / "b.jsonl")) == [{"i": 0}, {"i": 1}]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.jsonl"]


@pytest.mark.parametrize("items", [[], [{"x": "é", "y": [1, {"z": None}]}, [1, 2], "three"]])
def test_json_array_is_written_one_item_per_line(tmp_path, items):
    write_json_array(tmp_path / "a.json", items)
    text = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert read_json(tmp_path / "a.json") == items and text.count("\n") == len(items) + 2 - (not items)
    assert "é" in text or not items


def test_malformed_jsonl_line_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"i": 0}\n{"i": \n{"i": 2}\n')
    with pytest.raises(DataFormatError, match=r"bad\.jsonl:2"):
        list(iter_jsonl(path))


def test_torn_tail_is_skipped_only_when_asked(tmp_path):
    path = tmp_path / "torn.jsonl"
    path.write_text('{"i": 0}\n{"i": 1')
    assert list(iter_jsonl(path, skip_torn_tail=True)) == [{"i": 0}]
    with pytest.raises(DataFormatError):
        list(iter_jsonl(path))


@pytest.mark.parametrize(
    ("name", "text", "reader", "match"),
    [
        ("m.json", "{not json", read_json, r"m\.json: malformed JSON at line 1"),
        ("m.yaml", "a: [1, 2\nb: 3\n", read_yaml, r"m\.yaml.*malformed YAML"),
        ("l.jsonl", "[1, 2]\n", lambda p: list(iter_jsonl(p)), "expected a JSON object"),
    ],
)
def test_malformed_files_raise_with_the_file_name(tmp_path, name, text, reader, match):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(DataFormatError, match=match):
        reader(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataFormatError, match="nope.json: file not found"):
        read_json(tmp_path / "nope.json")
