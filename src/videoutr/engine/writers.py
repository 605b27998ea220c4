"""Engine outputs: per-video records kept durably, final files written atomically in input order.

`OUT/records.jsonl` is the bookkeeping: one line per finished video (ok or error), appended and
fsynced as videos finish (in `records.jsonl.partial` until the run ends). A rerun skips the
videos recorded there as ok and tries the failed ones again. At the end the final files are derived
from the records, in the order of the input videos, each written atomically:

- `OUT/trajectories.jsonl`  one `ClipTrajectories` per video
- `OUT/utr.json`            LLaVA-format dialogues (`source: "utr"`)
- `OUT/data.yaml`           the training mixture entry (`datasets: [{json_path: utr.json,
                            sampling_strategy}]`, relative to OUT)
- `OUT/errors.jsonl`        bad videos with their reason
- `OUT/stats.json`          counts: videos, tracks, dropped tracks and skipped questions by reason
- `OUT/engine_config.json`  the config of the run (once a video has finished ok with it, a rerun with
  another config is refused)

A run killed at any moment and rerun therefore ends with exactly the files of an uninterrupted run.

Sharded runs (`--shard 1/4`, e.g. one per machine on a shared folder) each keep their own
`OUT/shards/records-00001-of-00004.jsonl`; the last shard to finish writes the final files, the
same bytes an unsharded run writes (except `records.jsonl`, which only unsharded runs keep).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from videoutr.engine.config import EngineConfig
from videoutr.engine.records import EngineStats, VideoRecord
from videoutr.jsonio import atomic_write_text, iter_jsonl, read_json, write_json, write_json_array, write_jsonl
from videoutr.resume import ResumableJsonl
from videoutr.runfolder import lock_settings


class EngineOutputs:
    """The output folder of one engine run."""

    def __init__(self, out_dir: str | Path, cfg: EngineConfig, shard: tuple[int, int] = (0, 1)) -> None:
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self._check_config(cfg)
        self.shard = shard
        self.records = ResumableJsonl(self.record_path(*shard), key="video_id")

    def record_path(self, index: int, count: int) -> Path:
        """`records.jsonl`, or one file per shard (`shards/records-00001-of-00004.jsonl`)."""
        if count == 1:
            return self.out / "records.jsonl"
        return self.out / "shards" / f"records-{index:05d}-of-{count:05d}.jsonl"

    def _check_config(self, cfg: EngineConfig) -> None:
        """Lock the folder to `cfg` once a video has finished with it; a folder holding only failed
        videos (a configuration that could do nothing) is reset for the new configuration."""
        path = self.out / "engine_config.json"
        wanted = cfg.to_dict()
        if path.is_file() and read_json(path) == wanted:
            return
        finished_ok = self._finished_ok()
        lock_settings(
            path,
            wanted,
            locked=finished_ok,
            what=f"{self.out}: the engine run",
            hint="use a new --out or delete the folder",
        )
        if not finished_ok:
            for records in self._record_files():
                records.unlink()

    def _record_files(self) -> list[Path]:
        files = [self.out / "records.jsonl", self.out / "records.jsonl.partial"]
        files += sorted((self.out / "shards").glob("records-*.jsonl*"))
        return [f for f in files if f.is_file()]

    def _finished_ok(self) -> bool:
        return any(r.get("status") == "ok" for f in self._record_files() for r in iter_jsonl(f, skip_torn_tail=True))

    @property
    def done(self) -> set[str]:
        """Videos finished ok; failed ones are tried again by a rerun."""
        return {key for key, record in self.records.records.items() if record["status"] == "ok"}

    def add(self, records: list[VideoRecord]) -> None:
        """Record a finished batch's records (one fsync)."""
        self.records.extend([r.to_dict() for r in records])

    def recorded(self) -> list[VideoRecord]:
        """This run's (or shard's) records so far."""
        return [VideoRecord.from_dict(r) for r in self.records.records.values()]

    def finalize(self, order: list[str]) -> EngineStats | None:
        """Write the final files in `order` of video ids and return the run's stats; with shards,
        only once every shard has finished (None until then: the last shard to end writes them)."""
        records = [VideoRecord.from_dict(r) for r in self.records.finalize(order=order)]
        count = self.shard[1]
        if count > 1:
            paths = [self.record_path(i, count) for i in range(count)]
            if any(not p.is_file() or p.with_name(p.name + ".partial").exists() for p in paths):
                return None
            by_id = {r.video_id: r for p in paths for r in map(VideoRecord.from_dict, iter_jsonl(p))}
            records = [by_id[k] for k in order if k in by_id]
        ok = [r for r in records if r.is_ok]
        write_jsonl(self.out / "trajectories.jsonl", [r.trajectories for r in ok])
        write_json_array(self.out / "utr.json", [s for r in ok for s in r.samples])
        write_jsonl(
            self.out / "errors.jsonl",
            [{"video_id": r.video_id, "video": r.video, "error": r.error} for r in records if not r.is_ok],
        )
        # relative: the mixture loader resolves it against this file's folder, so OUT can be moved
        mixture = {"datasets": [{"json_path": "utr.json", "sampling_strategy": "all"}]}
        atomic_write_text(
            self.out / "data.yaml",
            "# training mixture of the UTR data engine's output\n" + yaml.safe_dump(mixture, sort_keys=False),
        )
        stats = EngineStats.of(records)
        write_json(self.out / "stats.json", stats.to_dict())
        return stats
