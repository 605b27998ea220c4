import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _module():
    spec = importlib.util.spec_from_file_location("bench_run_all", ROOT / "bench" / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_discovers_every_bench_script_and_lists_them(capsys):
    run_all = _module()
    found = run_all.discover()
    assert found == sorted((ROOT / "bench").glob("bench_*.py")) and found
    assert run_all.main(["--list"]) == 0
    assert capsys.readouterr().out.split() == [p.stem.removeprefix("bench_") for p in found]


def test_unknown_names_are_refused():
    with pytest.raises(SystemExit, match="known"):
        _module().discover(["no-such-bench"])
