"""The data mixture in LLaVA-NeXT's form: `datasets:` → `json_path` + `sampling_strategy`.

    # data/sft.yaml
    datasets:
      - json_path: llava_next_sft_790k.json
        sampling_strategy: all          # all | first:N | end:N | random:N | random:N%  (N% also for first/end)
      - json_path: utr_data.json
        sampling_strategy: random:50%

    samples = load_mixture(parse_mixture_file("data/sft.yaml"), seed=0)

Every named file is checked before anything is loaded, and all missing files are reported at once.
Relative `json_path`s are resolved against the mixture file's folder first, then the working folder.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from videoutr.data.llava import Sample
from videoutr.errors import ConfigError, DataFormatError
from videoutr.jsonio import iter_jsonl, read_json, read_yaml
from videoutr.train.config import DatasetEntry

_STRATEGY = re.compile(r"^(all|first|end|random)(?::(\d+)(%?))?$")


@dataclass(frozen=True)
class Strategy:
    """A parsed sampling strategy: `kind` in all/first/end/random, `count` or `percent`."""

    kind: str
    count: int | None = None
    percent: bool = False

    def size(self, total: int) -> int:
        """How many of `total` samples this strategy keeps (LLaVA-NeXT rounds percentages up)."""
        if self.kind == "all" or self.count is None:
            return total
        n = math.ceil(self.count * total / 100) if self.percent else self.count
        return min(n, total)


def parse_strategy(text: str) -> Strategy:
    """Parse `all`, `first:N`, `end:N`, `random:N`, or any of them with `N%`.

    >>> parse_strategy("random:10%")
    Strategy(kind='random', count=10, percent=True)
    """
    match = _STRATEGY.match(str(text).strip())
    if match is None or (match.group(1) != "all" and match.group(2) is None):
        raise ConfigError(
            f"sampling_strategy {text!r}: expected all, first:N, end:N, random:N or random:N% (N% also for first/end)"
        )
    kind, count, pct = match.group(1), match.group(2), match.group(3)
    if kind == "all" and count is not None:
        raise ConfigError(f"sampling_strategy {text!r}: 'all' takes no count")
    if pct and int(count) > 100:
        raise ConfigError(f"sampling_strategy {text!r}: a percentage must be <= 100")
    return Strategy(kind, int(count) if count is not None else None, bool(pct))


def apply_strategy(samples: list, strategy: Strategy, seed: int = 0) -> list:
    """Select samples by `strategy`; `random` is seeded and keeps the file order of the kept ones."""
    n = strategy.size(len(samples))
    if strategy.kind in ("all",) or n >= len(samples):
        return list(samples)
    if strategy.kind == "first":
        return list(samples[:n])
    if strategy.kind == "end":
        return list(samples[len(samples) - n :]) if n else []
    keep = sorted(random.Random(seed).sample(range(len(samples)), n))
    return [samples[i] for i in keep]


def parse_mixture_file(path: str | Path) -> list[DatasetEntry]:
    """Read a mixture YAML (`datasets:` list) into entries whose `json_path`s are resolved."""
    path = Path(path)
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("datasets"), list):
        raise DataFormatError(path, "expected a mapping with a 'datasets:' list")
    entries = []
    for i, item in enumerate(raw["datasets"]):
        if not isinstance(item, dict) or "json_path" not in item:
            raise DataFormatError(f"{path} datasets[{i}]", "each entry needs a 'json_path'")
        unknown = set(item) - {"json_path", "sampling_strategy"}
        if unknown:
            raise DataFormatError(f"{path} datasets[{i}]", f"unknown keys {sorted(unknown)}")
        entries.append(DatasetEntry(str(item["json_path"]), str(item.get("sampling_strategy", "all"))))
    return resolve_entries(entries, base=path.parent)


def resolve_entries(entries: list[DatasetEntry], base: str | Path | None = None) -> list[DatasetEntry]:
    """Resolve relative paths (mixture folder, then working folder); report every missing file at once."""
    resolved, problems = [], []
    for entry in entries:
        candidates = [Path(entry.json_path)]
        if base is not None and not Path(entry.json_path).is_absolute():
            candidates.insert(0, Path(base) / entry.json_path)
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            problems.append(f"{entry.json_path}: file not found (looked in {', '.join(map(str, candidates))})")
            continue
        try:
            parse_strategy(entry.sampling_strategy)
        except ConfigError as exc:
            problems.append(f"{entry.json_path}: {exc}")
        resolved.append(DatasetEntry(str(found), entry.sampling_strategy))
    if problems:
        raise ConfigError("data mixture: " + "; ".join(problems))
    return resolved


@dataclass
class Skips:
    """Samples dropped with a reason, counted (and a few examples kept for the report)."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, reason: str, sample_id: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        self.examples.setdefault(reason, [])
        if len(self.examples[reason]) < 5:
            self.examples[reason].append(sample_id)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict:
        return {"total": self.total, "counts": dict(self.counts), "examples": dict(self.examples)}


def load_dataset_file(path: str | Path, skips: Skips) -> list[Sample]:
    """Load a LLaVA JSON/JSONL file, skipping (and counting) records without a usable dialogue."""
    path = Path(path)

    def malformed(where: str, reason: str) -> None:
        skips.add("malformed JSON line", where)

    records = list(iter_jsonl(path, report=malformed)) if path.suffix == ".jsonl" else read_json(path)
    if not isinstance(records, list):
        raise DataFormatError(path, "expected a JSON list of LLaVA samples")
    out = []
    for i, record in enumerate(records):
        try:
            sample = Sample.from_llava(record, where=f"{path}[{i}]")
        except DataFormatError:
            skips.add("malformed or empty conversations", f"{path.name}[{i}]")
            continue
        if not sample.assistant_turns:
            skips.add("no assistant turn", sample.id)
            continue
        out.append(sample)
    return out


def load_mixture(entries: list[DatasetEntry], seed: int = 0, skips: Skips | None = None) -> list[Sample]:
    """Load every dataset, apply its strategy, and concatenate; `source` defaults to the file stem."""
    skips = skips if skips is not None else Skips()
    out: list[Sample] = []
    for index, entry in enumerate(entries):
        samples = load_dataset_file(entry.json_path, skips)
        for sample in samples:
            if sample.source is None:
                sample.source = Path(entry.json_path).stem
        out.extend(apply_strategy(samples, parse_strategy(entry.sampling_strategy), seed=seed + index))
    return out
