"""One dialogue sample type, serialising to and from LLaVA-format JSON.

LLaVA format: a JSON list of objects with `id`, `video` (or `image`), and `conversations`, a list
of `{"from": "human"|"gpt", "value": str}` turns whose first human turn contains the `<video>`
(or `<image>`) placeholder once. Extra keys (for example `source`) are kept.

    >>> s = Sample(id="v1", video="videos/v1.mp4",
    ...            conversations=[Turn("human", "<video>\\nWhat moves?"), Turn("gpt", "A circle.")])
    >>> Sample.from_llava(s.to_llava()) == s
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from videoutr.errors import DataFormatError
from videoutr.jsonio import iter_jsonl, read_json, write_json_array

VIDEO_TOKEN = "<video>"
IMAGE_TOKEN = "<image>"
HUMAN, ASSISTANT = "human", "gpt"
_ROLE_ALIASES = {"human": HUMAN, "user": HUMAN, "gpt": ASSISTANT, "assistant": ASSISTANT}


@dataclass(frozen=True)
class Turn:
    """One turn of a dialogue: `role` is "human" or "gpt" (LLaVA's names)."""

    role: str
    value: str


@dataclass
class Sample:
    """A LLaVA-format dialogue about one video (or image)."""

    id: str
    conversations: list[Turn]
    video: str | None = None
    image: str | None = None
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_qa(
        cls,
        id: str,
        qa: Iterable[tuple[str, str | None]],
        *,
        video: str | None = None,
        image: str | None = None,
        source: str | None = None,
        extra: dict[str, Any] | None = None,
        placeholder: str | None = VIDEO_TOKEN,
    ) -> Sample:
        """A dialogue of (question, answer) pairs: the `placeholder` (`<video>`; None for text only)
        once, on its own line before the first question. A last answer of None leaves the dialogue
        open on its question (a prompt for generation or scoring).

            >>> s = Sample.from_qa("v1", [("What moves?", "A circle."), ("Which way?", None)], video="v1.mp4")
            >>> [(t.role, t.value) for t in s.conversations]
            [('human', '<video>\\nWhat moves?'), ('gpt', 'A circle.'), ('human', 'Which way?')]
        """
        turns: list[Turn] = []
        pairs = list(qa)
        for i, (question, answer) in enumerate(pairs):
            if i == 0 and placeholder is not None:
                question = f"{placeholder}\n{question}"
            turns.append(Turn(HUMAN, question))
            if answer is not None:
                turns.append(Turn(ASSISTANT, answer))
            elif i < len(pairs) - 1:
                raise ValueError(f"{id}: only the last question may go without an answer")
        return cls(id=id, conversations=turns, video=video, image=image, source=source, extra=dict(extra or {}))

    def qa(self) -> tuple[list[tuple[str, str | None]], str | None]:
        """The (question, answer) pairs of this dialogue and the placeholder its first question opens
        with (`<video>`, `<image>` or None), such that `Sample.from_qa(id, pairs, placeholder=...)`
        writes the same turns again.

            >>> Sample.from_qa("v1", [("What moves?", "A circle.")]).qa()
            ([('What moves?', 'A circle.')], '<video>')
        """
        roles = [t.role for t in self.conversations]
        if roles[::2] != [HUMAN] * len(roles[::2]) or roles[1::2] != [ASSISTANT] * len(roles[1::2]):
            raise DataFormatError(self.id, "expected turns alternating human, gpt, starting with human")
        questions = [t.value for t in self.conversations[::2]]
        answers: list[str | None] = [t.value for t in self.conversations[1::2]]
        placeholder = next(
            (p for p in (VIDEO_TOKEN, IMAGE_TOKEN) if questions and questions[0].startswith(p + "\n")), None
        )
        if placeholder is not None:
            questions[0] = questions[0][len(placeholder) + 1 :]
        return list(zip(questions, answers + [None] * (len(questions) - len(answers)))), placeholder

    @property
    def assistant_turns(self) -> list[str]:
        return [t.value for t in self.conversations if t.role == ASSISTANT]

    def to_llava(self) -> dict[str, Any]:
        record: dict[str, Any] = {"id": self.id}
        if self.video is not None:
            record["video"] = self.video
        if self.image is not None:
            record["image"] = self.image
        record["conversations"] = [{"from": t.role, "value": t.value} for t in self.conversations]
        if self.source is not None:
            record["source"] = self.source
        record.update(self.extra)
        return record

    @classmethod
    def from_llava(cls, record: Any, where: str = "sample") -> Sample:
        """Parse one LLaVA record; a malformed one raises `DataFormatError` naming `where`/its id."""
        if not isinstance(record, dict):
            raise DataFormatError(where, "expected a JSON object")
        raw_id = record.get("id", where)
        if not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool):
            raise DataFormatError(where, f"'id' must be a string or an integer, got {raw_id!r}")
        sample_id = str(raw_id)
        label = f"{where} (id {sample_id})"
        for key in ("video", "image", "source"):
            if record.get(key) is not None and not (isinstance(record[key], str) and record[key]):
                raise DataFormatError(label, f"{key!r} must be a non-empty string, got {record[key]!r}")
        turns_raw = record.get("conversations")
        if not isinstance(turns_raw, list) or not turns_raw:
            raise DataFormatError(label, "missing or empty 'conversations'")
        turns = []
        for number, turn in enumerate(turns_raw):
            if not isinstance(turn, dict) or not isinstance(turn.get("value"), str):
                raise DataFormatError(label, f"turn {number} needs a string 'value'")
            role = _ROLE_ALIASES.get(str(turn.get("from", "")).lower())
            if role is None:
                raise DataFormatError(label, f"turn {number} has unknown role {turn.get('from')!r}")
            turns.append(Turn(role, turn["value"]))
        known = {"id", "video", "image", "conversations", "source"}
        return cls(
            id=sample_id,
            conversations=turns,
            video=record.get("video"),
            image=record.get("image"),
            source=record.get("source", record.get("data_source")),  # LLaVA-Video-178K's name for it
            extra={k: v for k, v in record.items() if k not in known},
        )


def load_samples(path: str | Path) -> list[Sample]:
    """Load LLaVA-format samples from a `.json` list or a `.jsonl` file."""
    path = Path(path)
    if path.suffix == ".jsonl":
        records = list(iter_jsonl(path))
    else:
        records = read_json(path)
        if not isinstance(records, list):
            raise DataFormatError(path, "expected a JSON list of LLaVA samples")
    return [Sample.from_llava(r, where=f"{path}[{i}]") for i, r in enumerate(records)]


def save_samples(path: str | Path, samples: list[Sample]) -> None:
    """Write samples as a LLaVA-format JSON list, one sample per line, atomically."""
    write_json_array(path, (s.to_llava() for s in samples))
