"""The `videoutr` command: a thin router to each stage's commands.

Each stage keeps its commands in `videoutr/<stage>/cli.py`; heavy imports (torch, transformers,
OpenCV, Ray) happen inside the commands so that `videoutr --help` stays fast.
"""

from __future__ import annotations

import sys

import typer

app = typer.Typer(
    name="videoutr",
    help="Make video MLLMs watch the whole video: synthetic world, UTR data engine, "
    "Temporal Perplexity, training and evaluation (Video-UTR, ICLR 2025).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


_DEBUG = {"on": False}


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="Show the full traceback of an error.")) -> None:
    """videoutr: one command per pipeline stage. Exit codes: 0 all well; 1 the run finished but
    some records failed (counted and listed); 2 bad usage or nothing could be done."""
    _DEBUG["on"] = debug


def main(argv: list[str] | None = None) -> None:
    """Entry point: every error ends in one line naming its cause, and an exit code (see `errors`).

    videoutr's own errors carry their code (2, or 1 for `RecordsFailed`); a file the system
    refuses (missing folder, read-only, full disk) is named with the system's reason; anything
    else is a bug, reported in one line with a hint to rerun with `--debug` for the traceback.
    """
    import os

    from videoutr.errors import EXIT_USAGE, RecordsFailed, VideoutrError

    debug = "--debug" in (sys.argv[1:] if argv is None else argv) or os.environ.get("VIDEOUTR_DEBUG") == "1"
    try:
        app(args=argv, prog_name="videoutr")
    except SystemExit:
        raise
    except RecordsFailed as exc:
        typer.echo(str(exc), err=True)
        raise SystemExit(exc.exit_code) from None
    except VideoutrError as exc:
        if debug or _DEBUG["on"]:
            raise
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("interrupted: rerun the same command to resume", err=True)
        raise SystemExit(130) from None
    except OSError as exc:
        if debug or _DEBUG["on"]:
            raise
        where = exc.filename if exc.filename is not None else "output"
        typer.echo(f"error: {where}: {exc.strerror or exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except Exception as exc:  # a bug: one line, the traceback on request
        if debug or _DEBUG["on"]:
            raise
        typer.echo(
            f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug for the traceback", err=True
        )
        raise SystemExit(EXIT_USAGE) from None


# Each stage's commands, in pipeline order: world / footage -> engine -> tpl -> base / train -> eval -> demo
from videoutr.base.cli import base_app  # noqa: E402
from videoutr.demo.cli import demo_command  # noqa: E402
from videoutr.engine.cli import engine_app  # noqa: E402
from videoutr.eval.cli import eval_app  # noqa: E402
from videoutr.export.cli import export_command  # noqa: E402
from videoutr.footage.cli import footage_command  # noqa: E402
from videoutr.models.cli import model_app  # noqa: E402
from videoutr.tpl.cli import tpl_app  # noqa: E402
from videoutr.train.cli import train_command  # noqa: E402
from videoutr.view.cli import view_command  # noqa: E402
from videoutr.world.cli import world_command  # noqa: E402

app.command("world")(world_command)
app.command("footage")(footage_command)
app.add_typer(engine_app, name="engine")
app.add_typer(tpl_app, name="tpl")
app.add_typer(model_app, name="model")
app.add_typer(base_app, name="base")
app.command("train")(train_command)
app.add_typer(eval_app, name="eval")
app.command("demo")(demo_command)
app.command("view")(view_command)
app.command("export")(export_command)
