"""A byte-level BPE tokenizer trained here, on the project's own text, with a ChatML template.

The tiny model speaks about the synthetic world (coloured shapes moving on a 3x3 grid), so its
vocabulary is trained on that world's words: colours, shapes, directions, grid locations, digits,
boxes, frames and events, inside the sentence templates the data engine produces. Byte-level BPE
still encodes *any* text (unknown words fall back to bytes), so nothing is ever out of vocabulary.

    >>> tok = train_world_tokenizer(vocab_size=640)
    >>> tok.convert_tokens_to_ids("<video>") == tok.video_token_id
    True
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

SYSTEM_PROMPT = "You are a helpful assistant."
IM_START, IM_END, PAD_TOKEN = "<|im_start|>", "<|im_end|>", "<|endoftext|>"
SPECIAL_TOKENS = [PAD_TOKEN, IM_START, IM_END, "<image>", "<video>"]

# Qwen-style ChatML; content may be a string (LLaVA data, "<video>" inline) or a list of
# {"type": "video"|"image"|"text"} parts (transformers' multimodal chat format).
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\n" + SYSTEM_PROMPT + "<|im_end|>\n"
    "{% endif %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'video' %}<video>\n"
    "{% elif part['type'] == 'image' %}<image>\n"
    "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}"
    "{% endfor %}{% endif %}"
    "<|im_end|>\n"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

COLOURS = [
    "red",
    "orange",
    "yellow",
    "green",
    "cyan",
    "blue",
    "purple",
    "magenta",
    "white",
    "black",
    "grey",
    "gray",
    "pink",
    "brown",
]
SHAPES = [
    "circle",
    "square",
    "triangle",
    "star",
    "diamond",
    "cross",
    "ring",
    "hexagon",
    "rectangle",
    "ellipse",
    "object",
    "shape",
    "subject",
]
DIRECTIONS = [
    "left",
    "right",
    "up",
    "down",
    "still",
    "static",
    "stationary",
    "upward",
    "downward",
    "leftward",
    "rightward",
    "diagonally",
    "clockwise",
    "towards",
    "away",
]
LOCATIONS = [
    "top left",
    "top",
    "top right",
    "left",
    "center",
    "right",
    "bottom left",
    "bottom",
    "bottom right",
    "middle",
    "centre",
    "corner",
    "edge",
]
EVENTS = [
    "moves",
    "moving",
    "appears",
    "disappears",
    "enters",
    "leaves",
    "stops",
    "starts",
    "bounces",
    "turns",
    "changes",
    "colour",
    "color",
    "grows",
    "shrinks",
    "stays",
    "collides",
    "passes",
    "follows",
    "first",
    "last",
    "later",
    "earlier",
    "before",
    "after",
    "then",
    "finally",
    "while",
    "during",
    "between",
    "frame",
    "frames",
    "second",
    "seconds",
    "time",
    "track",
    "trajectory",
    "box",
    "video",
    "scene",
    "there",
    "is",
    "are",
    "a",
    "an",
    "the",
    "of",
    "in",
    "at",
    "to",
    "from",
    "and",
    "which",
    "what",
    "where",
    "when",
    "who",
    "how",
    "many",
    "does",
    "do",
    "it",
    "its",
    "this",
    "that",
    "yes",
    "no",
    "none",
    "one",
    "two",
    "three",
    "four",
    "five",
    "describe",
    "tell",
    "me",
    "happens",
    "answer",
    "option",
    "options",
    "question",
    "enter",
    "enters",
    "exit",
    "exits",
    "bounce",
    "bounce",
    "stop",
    "start",
    "turn",
    "front",
    "behind",
    "small",
    "medium",
    "large",
    "background",
    "stripes",
    "checker",
    "gradient",
    "with",
    "by",
    "way",
    "whole",
    "corresponding",
    "doing",
    "count",
    "visible",
]


def _world_words() -> list[str]:
    """The synthetic world's own names (palette, shapes, sizes, grid places) when it is installed."""
    try:
        from videoutr.grid import GRID_PLACES
        from videoutr.world import palette
    except ImportError:
        return []
    return [*palette.PALETTE, *palette.SHAPES, *palette.SIZE_CLASSES, *GRID_PLACES]


def world_corpus(extra: Iterable[str] = ()) -> list[str]:
    """Sentences in the world's vocabulary (plus `extra` lines) to train the tokenizer on."""
    lines = [" ".join(EVENTS), " ".join(DIRECTIONS), " ".join(LOCATIONS), " ".join(_world_words())]
    for colour, shape in itertools.product(COLOURS, SHAPES):
        lines.append(
            f"A {colour} {shape} moves {DIRECTIONS[len(lines) % 4]} "
            f"from the {LOCATIONS[len(lines) % 9]} to the {LOCATIONS[(len(lines) * 5) % 9]}."
        )
        lines.append(
            f"The {colour} {shape} appears in frame {len(lines) % 32} at <box>"
            f"[0.{len(lines) % 10}1, 0.25, 0.50, 0.{(len(lines) * 7) % 10}5]</box>."
        )
    for number in range(0, 1001, 7):
        lines.append(
            f"frame {number % 64}: {number / 1000:.3f} {number} [{number % 100}, {number % 37}]"
            f" {number / 10:.1f}s ({number % 10}) {{id{number % 9}}} <id{number % 9}></id{number % 9}>"
        )
    for letter in "ABCDE":
        lines.append(f"({letter}) {letter}. Answer: {letter}")
    lines.extend(extra)
    return lines


def train_world_tokenizer(vocab_size: int = 640, extra_text: Iterable[str] = ()):
    """Train a byte-level BPE on `world_corpus()` and wrap it as a `PreTrainedTokenizerFast`."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(world_corpus(extra_text), trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token=None,
        eos_token=IM_END,
        pad_token=PAD_TOKEN,
        extra_special_tokens={"image_token": "<image>", "video_token": "<video>"},
        model_max_length=32768,
        padding_side="right",
        clean_up_tokenization_spaces=False,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer
