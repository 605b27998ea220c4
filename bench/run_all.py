"""Run every `bench/bench_*.py` one after another and print their figures (`make bench`).

    .venv/bin/python bench/run_all.py                 # all benchmarks, default arguments
    .venv/bin/python bench/run_all.py world tpl       # only bench_world.py and bench_tpl.py
    .venv/bin/python bench/run_all.py --list

Each benchmark runs in its own process with the same interpreter; its output is passed through,
framed by a header, and a summary table (exit status, wall seconds) closes the run. The exit status
is non-zero when any benchmark failed. Figures are only comparable on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover(names: list[str] | None = None) -> list[Path]:
    """bench_*.py files in this folder (sorted), or only those whose short name is in `names`."""
    found = sorted(HERE.glob("bench_*.py"))
    if not names:
        return found
    by_name = {p.stem.removeprefix("bench_"): p for p in found}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; known: {sorted(by_name)}")
    return [by_name[n] for n in names]


def run_one(path: Path, timeout: float) -> tuple[int, float]:
    """Run one benchmark script, streaming its output; returns (exit status, wall seconds)."""
    print(f"\n===== {path.name} =====", flush=True)
    start = time.perf_counter()
    try:
        status = subprocess.run([sys.executable, str(path)], cwd=HERE.parent, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        print(f"{path.name}: timed out after {timeout:.0f} s", flush=True)
        status = 124
    return status, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="short names (world, engine, ...); default: all")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed per benchmark")
    args = parser.parse_args(argv)
    scripts = discover(args.names)
    if args.list:
        print("\n".join(p.stem.removeprefix("bench_") for p in scripts))
        return 0
    rows = [(p.name, *run_one(p, args.timeout)) for p in scripts]
    print("\n===== summary =====")
    print(f"{'benchmark':<24} {'status':>6} {'seconds':>9}")
    for name, status, seconds in rows:
        print(f"{name:<24} {status:>6} {seconds:>9.1f}")
    return 0 if all(status == 0 for _, status, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
