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


def test_records_extended_in_batches_end_as_appended_one_by_one(tmp_path, monkeypatch):
    """`extend` writes a batch's lines with one fsync; a rerun sees them all as done."""
    import os

    syncs = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: syncs.append(fd) or real_fsync(fd))
    run(tmp_path / "one.jsonl")
    syncs.clear()
    batched = ResumableJsonl(tmp_path / "batched.jsonl", key="id")
    records = [{"id": key, "value": int(key[1:]) ** 2} for key in KEYS]
    batched.extend(records[:4])
    batched.extend([])
    assert len(syncs) == 1
    assert (tmp_path / "batched.jsonl.partial").read_text().count("\n") == 4  # on disk, as a rerun reads it
    batched.extend(records[4:])
    batched.finalize(order=KEYS)
    assert (tmp_path / "batched.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
