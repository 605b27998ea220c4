"""The model-input options every model command shares: frames, Qwen fps/pixel bounds, prompt.

`videoutr tpl score`, `eval`, `probe`, `attention` and `train` take the same flags (declared once:
`INPUT_OPTIONS`); `InputOptions` holds them, turns them into a `FramePolicy` for a loaded processor,
and applies the prompt overrides (`--chat-template FILE` replaces the checkpoint's template, `--system-prompt` its
system message).

    opts = InputOptions(fps=1.0, max_pixels=360 * 420)
    opts.apply(processor)                      # chat template override, if any
    policy = opts.policy("Qwen/Qwen2-VL-2B-Instruct", processor)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Annotated

import typer

from videoutr.errors import ConfigError
from videoutr.models.chat import load_chat_template
from videoutr.models.sampling import FrameBounds


@dataclass(frozen=True)
class InputOptions(FrameBounds):
    """None everywhere = the checkpoint's own defaults (see `videoutr.models.sampling`)."""

    system_prompt: str | None = None
    chat_template: str | None = None

    def validate(self) -> None:
        bad = [
            f"--{k.replace('_', '-')} {v}"
            for k, v in asdict(self).items()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v <= 0
        ]
        if self.min_frames and self.max_frames and self.min_frames > self.max_frames:
            bad.append(f"--min-frames {self.min_frames} > --max-frames {self.max_frames}")
        if self.min_pixels and self.max_pixels and self.min_pixels > self.max_pixels:
            bad.append(f"--min-pixels {self.min_pixels} > --max-pixels {self.max_pixels}")
        if bad:
            raise ConfigError("invalid model-input options (must be > 0 and min <= max): " + ", ".join(bad))

    def apply(self, processor) -> None:
        """Install the `--chat-template` override on `processor`."""
        load_chat_template(processor, self.chat_template)

    def policy(self, name_or_path, processor, frames: int | None = None):
        """The `FramePolicy` for this checkpoint with these options."""
        from videoutr.models.load import frame_policy

        self.validate()
        return frame_policy(name_or_path, processor, frames, **self.bounds())


def input_flags(flags: dict) -> dict:
    """Take the model-input flags out of a command's `flags`, keyed as its config's `inputs.<name>`."""
    return {f"inputs.{f.name}": flags.pop(f.name) for f in fields(InputOptions)}


# typer option types, shared by the commands that take them
Fps = Annotated[
    float | None,
    typer.Option("--fps", help="Frames per second to sample (Qwen default 2; LLaVA-OV samples --frames uniformly)."),
]
MinFrames = Annotated[int | None, typer.Option("--min-frames", help="Fewest frames of the fps policy (Qwen: 4).")]
MaxFrames = Annotated[int | None, typer.Option("--max-frames", help="Most frames of the fps policy (Qwen: 768).")]
MinPixels = Annotated[int | None, typer.Option("--min-pixels", help="Qwen: fewest pixels per frame (128*28*28).")]
MaxPixels = Annotated[int | None, typer.Option("--max-pixels", help="Qwen: most pixels per frame (768*28*28).")]
TotalPixels = Annotated[int | None, typer.Option("--total-pixels", help="Qwen: pixel budget of the whole video.")]
SystemPrompt = Annotated[str | None, typer.Option("--system-prompt", help="Replace the chat template's system prompt.")]
ChatTemplate = Annotated[
    str | None, typer.Option("--chat-template", help="Jinja chat template file replacing the checkpoint's.")
]
INPUT_OPTIONS = {  # InputOptions' fields as options, for `videoutr.config_options.with_options`
    "fps": Fps,
    "min_frames": MinFrames,
    "max_frames": MaxFrames,
    "min_pixels": MinPixels,
    "max_pixels": MaxPixels,
    "total_pixels": TotalPixels,
    "system_prompt": SystemPrompt,
    "chat_template": ChatTemplate,
}

# the model options of `tpl score`, `tpl attention`, `eval run` and `eval probe`
Model = Annotated[str | None, typer.Option("--model", "-m", help="Checkpoint folder (HF form) or hub id.")]
Device = Annotated[str | None, typer.Option("--device", help="cpu (default) | cuda | cuda:N")]
Dtype = Annotated[str | None, typer.Option("--dtype", help="auto (default) | float32 | bfloat16 | float16")]
