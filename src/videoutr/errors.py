"""One exception type per failure family; every message names the file, record or option at fault.

Exit codes of every `videoutr` command (set by the handler in `videoutr.cli.main`):

- 0: all well;
- 1: the run finished and wrote its outputs, but some records failed (`RecordsFailed` says how
  many and where they are listed);
- 2: bad usage (an invalid option, a malformed input file) or nothing could be done.
"""

from __future__ import annotations

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


class VideoutrError(Exception):
    """Base class of every error videoutr raises on purpose (exit code 2 at the command line)."""

    exit_code = EXIT_USAGE


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


class RecordsFailed(VideoutrError):
    """A run finished and wrote its outputs, but `failed` of its `total` records failed.

    Exit code 1, or 2 when every record failed (nothing could be done).
    """

    def __init__(self, failed: int, total: int, unit: str, listing: object) -> None:
        self.failed, self.total = failed, total
        self.exit_code = EXIT_USAGE if failed >= total else EXIT_SOME_FAILED
        super().__init__(f"{failed} of {total} {unit} failed; they are listed in {listing}")


def raise_if_failed(failed: int, total: int, unit: str, listing: object) -> None:
    """End a finished run with `RecordsFailed` when any of its records failed."""
    if failed:
        raise RecordsFailed(failed, total, unit, listing)
