"""The `videoutr` command: a thin router to each stage's commands.

Each stage keeps its commands in `videoutr/<stage>/cli.py`; heavy imports (torch, transformers,
OpenCV, Ray) happen inside the commands so that `videoutr --help` stays fast.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="videoutr",
    help="Make video MLLMs watch the whole video: synthetic world, UTR data engine, "
    "Temporal Perplexity, training and evaluation (Video-UTR, ICLR 2025).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """videoutr: one command per pipeline stage."""


def main() -> None:
    """Entry point that turns videoutr's own errors into one clear line and exit code 2."""
    from videoutr.errors import VideoutrError

    try:
        app()
    except VideoutrError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None


# Model layer and Temporal Perplexity (videoutr.models, videoutr.tpl)
from videoutr.models.cli import model_app  # noqa: E402

app.add_typer(model_app, name="model")
from videoutr.tpl.cli import attention_command, filter_command, tpl_command  # noqa: E402

app.command("tpl")(tpl_command)
app.command("filter")(filter_command)
app.command("attention")(attention_command)
from videoutr.world.cli import world_command  # noqa: E402

app.command("world")(world_command)
from videoutr.footage.cli import footage_command  # noqa: E402

app.command("footage")(footage_command)
# UTR data engine (videoutr.engine)
from videoutr.engine.cli import engine_command, engine_eval_command, engine_rephrase_command, overlay_command  # noqa: E402

app.command("engine")(engine_command)
app.command("engine-eval")(engine_eval_command)
app.command("engine-rephrase")(engine_rephrase_command)
app.command("overlay")(overlay_command)
# Training and evaluation (videoutr.train, videoutr.eval)
from videoutr.eval.cli import eval_command, lmms_tasks_command, probe_command  # noqa: E402
from videoutr.train.cli import train_command  # noqa: E402

app.command("train")(train_command)
app.command("eval")(eval_command)
app.command("probe")(probe_command)
app.command("lmms-tasks")(lmms_tasks_command)
# The main job (videoutr.demo)
from videoutr.demo.cli import demo_command  # noqa: E402

app.command("demo")(demo_command)
