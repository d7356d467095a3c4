"""Problems found in input: located, worded for the person who has to fix them."""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable

import attrs

__all__ = ["InvalidInput", "Problem", "Severity", "suggest"]


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Problem:
    """One thing wrong with the input, located as precisely as the format allows."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    event_id: str | None = None
    field: str | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.file, self.line, self.column) if part is not None)
        text = f"{self.severity.value}: "
        if self.event_id is not None:
            text += f"event {self.event_id!r}: "
        if self.field is not None:
            text += f"{self.field!r}: "
        text += self.message
        return f"{where}: {text}" if where else text


class InvalidInput(Exception):
    """The input has errors; `problems` lists every one (and the warnings found with them)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        super().__init__(f"{len(errors)} error{'s' if len(errors) != 1 else ''} in the input")

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


def suggest(given: str, choices: Iterable[str]) -> str:
    """' (did you mean 'title'?)' when `given` is close to one of `choices`, else ''."""
    matches = difflib.get_close_matches(given, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {matches[0]!r}?" if matches else ""
