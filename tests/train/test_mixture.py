"""The LLaVA-NeXT mixture: sampling strategies, path resolution, missing files, bad samples."""

from __future__ import annotations

import json

import pytest

from videoutr.errors import ConfigError
from videoutr.train.config import DatasetEntry
from videoutr.train.mixture import (
    Skips,
    Strategy,
    apply_strategy,
    load_mixture,
    parse_mixture_file,
    parse_strategy,
    resolve_entries,
)

ITEMS = list(range(10))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("all", ITEMS),
        ("first:3", [0, 1, 2]),
        ("end:3", [7, 8, 9]),
        ("first:25%", [0, 1, 2]),  # ceil(2.5) = 3, as LLaVA-NeXT rounds up
        ("end:10%", [9]),
        ("first:0", []),
        ("first:50", ITEMS),  # more than there are: all
    ],
)
def test_deterministic_strategies(text, expected):
    assert apply_strategy(ITEMS, parse_strategy(text)) == expected


@pytest.mark.parametrize("text, size", [("random:4", 4), ("random:30%", 3), ("random:100%", 10)])
def test_random_strategy_is_seeded_subset(text, size):
    a = apply_strategy(ITEMS, parse_strategy(text), seed=1)
    assert len(a) == size and set(a) <= set(ITEMS) and a == sorted(a)
    assert a == apply_strategy(ITEMS, parse_strategy(text), seed=1)
    if size < 10:
        picks = {tuple(apply_strategy(ITEMS, parse_strategy(text), seed=s)) for s in range(10)}
        assert len(picks) > 1  # the seed matters


@pytest.mark.parametrize("text", ["some", "first", "random:x", "all:3", "first:-1", "random:150%", ""])
def test_bad_strategy_rejected(text):
    with pytest.raises(ConfigError, match="sampling_strategy"):
        parse_strategy(text)


def test_parse_strategy_fields():
    assert parse_strategy("random:10%") == Strategy("random", 10, True)


def _write(path, records):
    path.write_text(json.dumps(records))
    return path


def _rec(i, turns=None):
    return {
        "id": f"s{i}",
        "video": f"v{i}.mp4",
        "conversations": turns
        if turns is not None
        else [{"from": "human", "value": "<video>\nQ?"}, {"from": "gpt", "value": "A."}],
    }


def test_mixture_file_resolves_relative_to_itself(tmp_path):
    (tmp_path / "data").mkdir()
    _write(tmp_path / "data/a.json", [_rec(i) for i in range(4)])
    _write(tmp_path / "data/b.json", [_rec(i) for i in range(10, 16)])
    mix = tmp_path / "data/mix.yaml"
    mix.write_text(
        "datasets:\n  - json_path: a.json\n    sampling_strategy: first:2\n"
        "  - json_path: b.json\n    sampling_strategy: random:50%\n"
    )
    samples = load_mixture(parse_mixture_file(mix), seed=0)
    assert [s.id for s in samples[:2]] == ["s0", "s1"] and len(samples) == 5
    assert {s.source for s in samples} == {"a", "b"}


def test_missing_files_all_reported_before_loading(tmp_path):
    _write(tmp_path / "ok.json", [_rec(0)])
    entries = [
        DatasetEntry(str(tmp_path / "gone1.json")),
        DatasetEntry(str(tmp_path / "ok.json")),
        DatasetEntry(str(tmp_path / "gone2.json"), "first:x"),
    ]
    with pytest.raises(ConfigError) as err:
        resolve_entries(entries)
    assert "gone1.json: file not found" in str(err.value) and "gone2.json: file not found" in str(err.value)


def test_empty_conversations_and_no_answer_are_skipped_and_counted(tmp_path):
    records = [
        _rec(0),
        _rec(1, turns=[]),
        _rec(2, turns=[{"from": "human", "value": "<video>\nQ?"}]),
        {"id": "s3", "video": "v.mp4"},
        _rec(4),
    ]
    skips = Skips()
    samples = load_mixture(resolve_entries([DatasetEntry(str(_write(tmp_path / "d.json", records)))]), skips=skips)
    assert [s.id for s in samples] == ["s0", "s4"]
    assert skips.total == 3
    assert skips.counts == {"malformed or empty conversations": 2, "no assistant turn": 1}
