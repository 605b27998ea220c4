"""Resumable JSONL: a run killed mid-write and rerun ends with the bytes of an uninterrupted run."""

from __future__ import annotations

from videoutr.resume import ResumableJsonl

KEYS = [f"s{i}" for i in range(6)]


def run(path, stop_after=None):
    out = ResumableJsonl(path, key="id")
    for n, key in enumerate(k for k in KEYS if k not in out.done):
        if stop_after is not None and n == stop_after:
            return None
        out.append({"id": key, "value": int(key[1:]) ** 2})
    return out.finalize(order=KEYS)


def test_interrupted_then_resumed_equals_uninterrupted(tmp_path):
    run(tmp_path / "clean.jsonl")
    resumed = tmp_path / "resumed.jsonl"
    run(resumed, stop_after=2)
    # simulate a kill in the middle of writing a line
    with open(resumed.with_name("resumed.jsonl.partial"), "a") as handle:
        handle.write('{"id": "s2", "val')
    run(resumed, stop_after=2)
    run(resumed)
    assert resumed.read_bytes() == (tmp_path / "clean.jsonl").read_bytes()
    assert not resumed.with_name("resumed.jsonl.partial").exists()


def test_finished_items_are_not_redone(tmp_path):
    path = tmp_path / "out.jsonl"
    run(path)
    again = ResumableJsonl(path, key="id")
    assert again.done == set(KEYS)
    assert [r["id"] for r in again.finalize(order=KEYS)] == KEYS
