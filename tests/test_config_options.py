"""Every stage command takes `--config FILE` and positional `a.b=value` settings, spelt the same."""

from __future__ import annotations

import typer.main

from videoutr.cli import app

CONFIGURED = {
    "world",
    "footage",
    "train",
    "demo",
    "view",
    "export",
    "engine run",
    "tpl score",
    "tpl attention",
    "model init",
    "eval run",
    "eval probe",
    "eval lmms-tasks",
    "engine eval",
    "engine overlay",
    "engine rephrase",
    "tpl filter",
    "base probe",
    "base build",
}


def _commands(command, path=()):
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield " ".join(path), command


def test_stage_commands_take_config_and_overrides():
    commands = dict(_commands(typer.main.get_command(app)))
    assert set(commands) == CONFIGURED
    for name in CONFIGURED:
        params = commands[name].params
        assert any("--config" in getattr(p, "opts", []) for p in params), name
        assert [p.name for p in params if p.param_type_name == "argument"][-1] == "overrides", name
