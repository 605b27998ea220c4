"""Trainer callbacks: a JSONL log of loss and learning rate, and checkpoint sidecars.

The log is `<output_dir>/log.jsonl`, one object per logging step (`step`, `epoch`, `loss`,
`learning_rate`, `grad_norm`, and `eval_loss` when evaluated). When a run resumes from
checkpoint N, entries after step N are dropped first, so an interrupted-then-resumed run ends with
the same log as an uninterrupted one.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

from transformers import TrainerCallback

from videoutr.jsonio import atomic_write_text

LOG_NAME = "log.jsonl"
_KEYS = ("loss", "learning_rate", "grad_norm", "eval_loss", "epoch")


def truncate_log(path: str | Path, last_step: int) -> None:
    """Keep only the log entries with `step <= last_step` (drops a torn last line too)."""
    path = Path(path)
    if not path.is_file():
        return
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if int(record.get("step", 0)) <= last_step:
            kept.append(json.dumps(record) + "\n")
    atomic_write_text(path, "".join(kept))


def _is_timing(key: str) -> bool:
    return key.endswith(("_runtime", "_per_second"))


class JsonlLogCallback(TrainerCallback):
    """Append each log event (main process only) to `log.jsonl`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not state.is_world_process_zero or not logs:
            return
        record = {"step": state.global_step}
        for key in _KEYS:
            if key in logs:
                value = float(logs[key])
                record[key] = value if math.isfinite(value) else str(value)
        for key, value in logs.items():  # other eval metrics, but not timings (they differ run to run)
            if key.startswith("eval_") and key not in record and not _is_timing(key):
                record[key] = float(value) if isinstance(value, (int, float)) else value
        if set(record) <= {"step", "epoch"}:
            return
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")


class SidecarCallback(TrainerCallback):
    """Copy `videoutr.json` (frames per video, preset) into every checkpoint folder."""

    def __init__(self, sidecar: dict) -> None:
        self.text = json.dumps(sidecar, indent=2) + "\n"

    def on_save(self, args, state, control, **kwargs):
        if state.is_world_process_zero:
            folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
            if folder.is_dir():
                atomic_write_text(folder / "videoutr.json", self.text)


def copy_sidecar(src_dir: str | Path, dst_dir: str | Path) -> None:
    """Copy a checkpoint's `videoutr.json` if it has one."""
    src = Path(src_dir) / "videoutr.json"
    if src.is_file():
        shutil.copyfile(src, Path(dst_dir) / "videoutr.json")
