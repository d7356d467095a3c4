"""Rules that look across events and files: duplicate ids, missing sources, floating times."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from timeline.dates import FuzzyDate, Interval
from timeline.problems import Problem, Severity
from timeline.readers import DataPath
from timeline.records import Event
from timeline.structure import StructuredFile

__all__ = ["check_files"]


def _is_floating(event: Event) -> bool:
    date = event.date
    ends = (date.start, date.end) if isinstance(date, Interval) else (date,)
    return any(isinstance(end, FuzzyDate) and end.is_floating for end in ends)


def _where(structured: StructuredFile, path: DataPath) -> str:
    """`file:line` of an event; found only when a message needs it (finding it can mean a rescan)."""
    where = structured.document.locate((*path, "id"))
    return f"{structured.document.file}:{where[0]}" if where else structured.document.file


def check_files(files: Sequence[StructuredFile]) -> Iterator[Problem]:
    """Errors for ids used twice anywhere; warnings for what is valid but probably unmeant."""
    first_seen: dict[str, tuple[StructuredFile, DataPath]] = {}
    title_and_date: dict[tuple[str, str], str] = {}
    for structured in files:
        doc = structured.document
        for event, path in zip(structured.events, structured.paths, strict=True):
            if event.id in first_seen:
                yield doc.problem(
                    f"is used twice; first used at {_where(*first_seen[event.id])}. "
                    "Ids must be unique across all files",
                    (*path, "id"),
                    event_id=event.id,
                    field="id",
                )
                continue
            first_seen[event.id] = (structured, path)
            if not event.sources:
                yield doc.problem(
                    "none given; add where this is documented (sources: [{url: ..., title: ...}])",
                    path,
                    event_id=event.id,
                    field="sources",
                    severity=Severity.WARNING,
                )
            if _is_floating(event):
                yield doc.problem(
                    "has a time without an offset or a 'tz', so it floats in local time; "
                    "add 'tz: Area/City' or an offset such as +09:00",
                    (*path, "date"),
                    event_id=event.id,
                    field="date",
                    severity=Severity.WARNING,
                )
            key = (event.title.casefold(), event.date.canonical())
            if key in title_and_date:
                yield doc.problem(
                    f"repeats the title and date of event {title_and_date[key]!r}; a duplicate?",
                    path,
                    event_id=event.id,
                    field="title",
                    severity=Severity.WARNING,
                )
            else:
                title_and_date[key] = event.id
