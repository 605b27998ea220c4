"""Corpora read one record at a time: JSON lists across read-buffer boundaries, JSONL, mixtures."""

import json

import pytest

from videoutr.data import stream
from videoutr.data.stream import iter_json_list, iter_records
from videoutr.errors import DataFormatError


def _records(n):
    return [{"id": f"s{i}", "value": "x" * (i % 7), "nested": {"n": i, "list": [1.5, None, "é"]}} for i in range(n)]


@pytest.mark.parametrize("chunk", [1, 3, 17, 1 << 20])
def test_json_list_is_parsed_element_by_element_whatever_the_buffer(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(stream, "_CHUNK", chunk)
    records = _records(25) + [12345678, "tail"]  # a number may straddle two reads
    path = tmp_path / "data.json"
    path.write_text(json.dumps(records, indent=1))
    assert list(iter_json_list(path)) == records
    path.write_text("  [ ]  ")
    assert list(iter_json_list(path)) == []


def test_malformed_json_list_names_the_line(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "_CHUNK", 8)
    path = tmp_path / "bad.json"
    path.write_text('[\n{"id": "a"},\n{"id": "b",,}\n]')
    with pytest.raises(DataFormatError, match=r"bad.json:3"):
        list(iter_json_list(path))
    path.write_text('{"id": "a"}')
    with pytest.raises(DataFormatError, match="expected a JSON list"):
        list(iter_json_list(path))


def test_records_say_where_they_were_read(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(_records(2)))
    (tmp_path / "b.jsonl").write_text('{"id": "x"}\nnot json\n{"id": "y"}\n')
    problems = []
    wheres = [w for w, _ in iter_records(tmp_path / "a.json")]
    wheres += [w for w, _ in iter_records(tmp_path / "b.jsonl", report=lambda w, r: problems.append(w))]
    assert wheres == [
        f"{tmp_path}/a.json[0]",
        f"{tmp_path}/a.json[1]",
        f"{tmp_path}/b.jsonl:1",
        f"{tmp_path}/b.jsonl:3",
    ]
    assert problems == [f"{tmp_path}/b.jsonl:2"]


def test_mixture_strategies_select_what_the_training_loader_selects(tmp_path):
    from videoutr.train.mixture import apply_strategy, parse_strategy

    records = _records(40)
    (tmp_path / "a.json").write_text(json.dumps(records))
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    strategies = ["all", "first:5", "end:10%", "random:7", "random:25%"]
    for strategy in strategies:
        for name in ("a.json", "b.jsonl"):
            (tmp_path / "mix.yaml").write_text(
                f"datasets:\n  - json_path: {name}\n    sampling_strategy: '{strategy}'\n"
            )
            got = [r for _, r in iter_records(tmp_path / "mix.yaml")]
            assert got == apply_strategy(records, parse_strategy(strategy), seed=0), (strategy, name)
