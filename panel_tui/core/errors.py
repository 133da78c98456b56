"""One error type for every bad input, so every front end can show file, place and fix alike."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class InputError(Exception):
    """A problem in a file or argument the user supplied.

    ``place`` is a line (``line 12``) or a key path (``standard 2.2, question 2.2.2``);
    ``fix`` says what to do about it. ``str()`` gives the one-line message the CLI prints.
    """

    file: Path | str | None
    place: object | None  # a str, or anything whose str() names the place (computed lazily)
    problem: str
    fix: str | None = None

    def __str__(self) -> str:
        where = str(self.file) if self.file is not None else ""
        if self.place:
            where = f"{where}: {self.place}" if where else str(self.place)
        text = f"{where}: {self.problem}" if where else self.problem
        if self.fix:
            text += f" Fix: {self.fix}"
        return text


class RuleRefused(Exception):
    """A decision the log's rules do not allow; nothing was written."""

    def __init__(self, rule: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field  # the entry field at fault, so a form can put the message beside it

    def __str__(self) -> str:
        return f"refused ({self.rule}): {self.message}"
