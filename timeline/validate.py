"""Rules that look across events and files: duplicate ids, missing sources, floating times."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from timeline.dates import FuzzyDate, Interval
from timeline.problems import Problem, Severity
from timeline.structure import StructuredFile

__all__ = ["check_files"]


def _is_floating(date: FuzzyDate | Interval) -> bool:
    if type(date) is FuzzyDate:
        return date.hour is not None and date.offset is None and date.tz is None
    assert isinstance(date, Interval)
    return any(isinstance(end, FuzzyDate) and end.is_floating for end in (date.start, date.end))


def _where(structured: StructuredFile, position: int) -> str:
    """`file:line` of an event; found only when a message needs it (finding it can mean a rescan)."""
    where = structured.document.locate((*structured.path(position), "id"))
    return f"{structured.document.file}:{where[0]}" if where else structured.document.file


def check_files(files: Sequence[StructuredFile]) -> Iterator[Problem]:
    """Errors for ids used twice anywhere; warnings for what is valid but probably unmeant."""
    first_seen: dict[str, tuple[StructuredFile, int]] = {}
    title_and_date: dict[tuple[str, str], str] = {}
    # Dates are shared between events that repeat them, so each canonical text is worked out once.
    canonical: dict[int, str] = {}
    for structured in files:
        doc = structured.document
        for position, event in enumerate(structured.events):
            if event.id in first_seen:
                yield doc.problem(
                    f"is used twice; first used at {_where(*first_seen[event.id])}. "
                    "Ids must be unique across all files",
                    (*structured.path(position), "id"),
                    event_id=event.id,
                    field="id",
                )
                continue
            first_seen[event.id] = (structured, position)
            if not event.sources:
                yield doc.problem(
                    "none given; add where this is documented (sources: [{url: ..., title: ...}])",
                    structured.path(position),
                    event_id=event.id,
                    field="sources",
                    severity=Severity.WARNING,
                )
            date = event.date
            if _is_floating(date):
                yield doc.problem(
                    "has a time without an offset or a 'tz', so it floats in local time; "
                    "add 'tz: Area/City' or an offset such as +09:00",
                    (*structured.path(position), "date"),
                    event_id=event.id,
                    field="date",
                    severity=Severity.WARNING,
                )
            text = canonical.get(id(date))
            if text is None:
                text = canonical[id(date)] = date.canonical()
            key = (event.title.casefold(), text)
            if key in title_and_date:
                yield doc.problem(
                    f"repeats the title and date of event {title_and_date[key]!r}; a duplicate?",
                    structured.path(position),
                    event_id=event.id,
                    field="title",
                    severity=Severity.WARNING,
                )
            else:
                title_and_date[key] = event.id
