"""Docs that cannot drift: the README's CLI reference names exactly the registered commands."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from videoutr.cli import app

ROOT = Path(__file__).parents[1]


def registered_commands() -> set[str]:
    return set(typer.main.get_command(app).commands)


def test_readme_cli_table_lists_every_command_and_only_those():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## CLI reference", 1)[1].split("\n\n", 2)[2]
    named = set(re.findall(r"`videoutr ([a-z][a-z-]*)", table))
    assert named == registered_commands()


def test_every_stage_page_linked_from_the_readme_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in re.findall(r"\]\((docs/[^)]+\.md)\)", readme):
        assert (ROOT / page).is_file(), page


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci/run").read_text(encoding="utf-8")
