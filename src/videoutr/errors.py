"""One exception type per failure family; every message names the file or sample at fault."""

from __future__ import annotations


class VideoutrError(Exception):
    """Base class of every error videoutr raises on purpose."""


class VideoReadError(VideoutrError):
    """A video is missing, corrupt, truncated, empty, or not a video."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class DataFormatError(VideoutrError):
    """A data file (JSON, JSONL, YAML) or one of its records is malformed."""

    def __init__(self, where: object, reason: str) -> None:
        self.where = str(where)
        self.reason = reason
        super().__init__(f"{self.where}: {reason}")


class ConfigError(VideoutrError):
    """A recipe or option is invalid; the message lists every problem at once."""


class TrainingError(VideoutrError):
    """Training cannot go on (for example a non-finite loss)."""
