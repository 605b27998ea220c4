"""Entry point for `accelerate launch -m videoutr.train.launch --config R.yaml [key=value ...]`.

    accelerate launch --config_file "$(python -m videoutr.resources launch/accelerate_ddp_1node.yaml)" \\
        -m videoutr.train.launch --config video_utr_7b_stage2
"""

from __future__ import annotations

import typer


def main() -> None:
    """Run `videoutr train` with this process's arguments (one process per GPU under accelerate)."""
    from videoutr.errors import VideoutrError
    from videoutr.train.cli import train_command

    try:
        typer.run(train_command)
    except VideoutrError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
