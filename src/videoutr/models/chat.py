"""A LLaVA dialogue as the checkpoint's own chat template renders it, with its answers located.

LLaVA-format data writes the visual input inline (`"<video>\\nWhat moves?"`); chat templates take
transformers' multimodal messages instead (`[{"type": "video"}, {"type": "text", "text": ...}]`).
`sample_messages` converts one into the other: the first human turn's placeholder, with the
newline that follows it, becomes the template's video (or image) item, so the text around it is
the user's text alone; a turn without a placeholder gets the item first; placeholders in later
turns are dropped. The template (`processor.apply_chat_template`, or `--chat-template FILE`)
then decides everything else: system prompt, role headers, where the vision markers go.

The answers to learn and score are found on the rendered text: what render(turns[:k + 1]) adds
to render(turns[:k]) is assistant turn k's header, answer and end of turn; the labelled span is
the answer through the end-of-turn token (`<|im_end|>`), not the header nor the newline after it.

    messages = sample_messages(sample, media="video")
    prompt = render_dialogue(processor, messages)
    prompt.text, prompt.answer_spans          # character spans of the labelled answers
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from videoutr.data.llava import ASSISTANT, HUMAN, IMAGE_TOKEN, VIDEO_TOKEN, Sample
from videoutr.errors import ConfigError, DataFormatError

_PLACEHOLDER = re.compile(f"(?:{re.escape(VIDEO_TOKEN)}|{re.escape(IMAGE_TOKEN)})\n?")


@dataclass(frozen=True)
class RenderedDialogue:
    """A templated dialogue: its text and the [start, end) character span of each labelled answer."""

    text: str
    answer_spans: list[tuple[int, int]]


def _text(value: str) -> dict:
    return {"type": "text", "text": value}


def sample_messages(
    sample: Sample, media: str | None = "video", prompt_only: bool = False, system: str | None = None
) -> list[dict]:
    """The chat messages of `sample`; `media` ("video", "image" or None) is its visual item.

    `prompt_only` drops trailing assistant turns (the prompt to generate from). `system` adds a
    system message (None leaves the template's default). Raises `DataFormatError` naming the
    sample when it has no human turn.
    """
    turns = list(sample.conversations)
    if prompt_only:
        while turns and turns[-1].role == ASSISTANT:
            turns.pop()
    if not any(t.role == HUMAN for t in turns):
        raise DataFormatError(f"sample {sample.id}", "no human turn to prompt with")
    messages = [] if system is None else [{"role": "system", "content": [_text(system)]}]
    placed = media is None
    for turn in turns:
        if turn.role != HUMAN:
            messages.append({"role": "assistant", "content": [_text(turn.value)]})
            continue
        found = None if placed else _PLACEHOLDER.search(turn.value)
        if placed:
            content = [_text(_PLACEHOLDER.sub("", turn.value))]
        elif found is None:
            content = [{"type": media}, _text(_PLACEHOLDER.sub("", turn.value))]
        else:
            before, after = turn.value[: found.start()], _PLACEHOLDER.sub("", turn.value[found.end() :])
            content = [*([_text(before)] if before else []), {"type": media}, *([_text(after)] if after else [])]
        placed = True
        messages.append({"role": "user", "content": content})
    return messages


def _render(processor, messages: list[dict], generation_prompt: bool) -> str:
    try:
        return processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt)
    except ValueError as exc:  # no template at all
        raise ConfigError(f"the processor has no usable chat template ({exc}); pass --chat-template FILE") from None


def _end_of_turn(processor) -> str | None:
    tok = processor.tokenizer
    for token in ("<|im_end|>", tok.eos_token):
        if token and token in tok.get_vocab():
            return token
    return None


def render_dialogue(processor, messages: list[dict], prompt_only: bool = False) -> RenderedDialogue:
    """Render `messages` with the processor's chat template and locate each assistant answer.

    `prompt_only` renders with the generation prompt and labels nothing. The answer of assistant
    message k is found in what rendering messages[:k + 1] adds to messages[:k] (its header, the
    answer, the end of turn); a template whose rendering of a dialogue does not extend the
    rendering of its beginning raises `ConfigError`.
    """
    text = _render(processor, messages, generation_prompt=prompt_only)
    if prompt_only:
        return RenderedDialogue(text, [])
    end_token, spans = _end_of_turn(processor), []
    for k, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        before = _render(processor, messages[:k], generation_prompt=False) if k else ""
        upto = _render(processor, messages[: k + 1], generation_prompt=False)
        answer = message["content"][0]["text"]
        at = upto.rfind(answer, len(before)) if upto.startswith(before) and text.startswith(upto) else -1
        if at < 0:
            raise ConfigError(
                "the chat template does not render an assistant turn after the turns before it; "
                "pass --chat-template FILE with one that does"
            )
        stop = upto.find(end_token, at + len(answer)) if end_token else -1
        spans.append((at, stop + len(end_token) if stop >= 0 else at + len(answer)))
    return RenderedDialogue(text, spans)


def load_chat_template(processor, path: str | Path | None) -> None:
    """Replace `processor`'s chat template with the Jinja file at `path` (None: keep its own)."""
    if path is None:
        return
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"--chat-template {path}: file not found")
    processor.chat_template = path.read_text(encoding="utf-8")
