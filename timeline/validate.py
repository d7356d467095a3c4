"""Rules that look across events and files: duplicate ids, missing sources, floating times."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from timeline.dates import FuzzyDate, Interval
from timeline.problems import Problem, Severity
from timeline.structure import StructuredFile

__all__ = ["check_files"]

# Each rule finds its events with comprehensions over the whole timeline (a pass in C
# for 100,000 events rather than a Python loop per event); the problems are then put
# back in file order, event by event, rule by rule.
_DUPLICATE, _UNSOURCED, _FLOATING, _REPEATED = range(4)

_NO_SOURCES: Final = "none given; add where this is documented (sources: [{url: ..., title: ...}])"
_FLOATS: Final = (
    "has a time without an offset or a 'tz', so it floats in local time; "
    "add 'tz: Area/City' or an offset such as +09:00"
)


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
    """Errors for ids used twice anywhere; warnings for what is valid but probably unmeant.

    An event whose id was used before gets only the error: its other warnings would
    point at the wrong event once the id is fixed.
    """
    found: list[tuple[int, int, int, Problem]] = []
    duplicates = _duplicate_ids(files)
    title_and_date: dict[tuple[str, str], str] = {}
    canonical: dict[int, str] = {}  # dates are shared by the events that repeat them
    for number, structured in enumerate(files):
        doc, events = structured.document, structured.events
        for position, first in duplicates.get(number, {}).items():
            event_id = events[position].id
            message = f"is used twice; first used at {_where(*first)}. Ids must be unique across all files"
            problem = doc.problem(message, (*structured.path(position), "id"), event_id=event_id, field="id")
            found.append((number, position, _DUPLICATE, problem))
        skipped = duplicates.get(number, {})
        for position in [p for p, event in enumerate(events) if not event.sources]:
            if position not in skipped:
                problem = doc.problem(
                    _NO_SOURCES,
                    structured.path(position),
                    event_id=events[position].id,
                    field="sources",
                    severity=Severity.WARNING,
                )
                found.append((number, position, _UNSOURCED, problem))
        timed = [
            p for p, event in enumerate(events) if type(event.date) is not FuzzyDate or event.date.hour is not None
        ]
        for position in timed:
            if position not in skipped and _is_floating(events[position].date):
                problem = doc.problem(
                    _FLOATS,
                    (*structured.path(position), "date"),
                    event_id=events[position].id,
                    field="date",
                    severity=Severity.WARNING,
                )
                found.append((number, position, _FLOATING, problem))
        for date in {id(event.date): event.date for event in events}.values():
            if id(date) not in canonical:
                canonical[id(date)] = date.canonical()
        keys = [(event.title.casefold(), canonical[id(event.date)]) for event in events]
        if skipped:
            repeated = []
            for position, key in enumerate(keys):
                if (
                    position not in skipped
                    and title_and_date.setdefault(key, events[position].id) != events[position].id
                ):
                    repeated.append(position)
        else:  # ids are unique here, so an event repeats a key exactly when the key's first id is not its own
            ids = [event.id for event in events]
            title_and_date = {**dict(zip(reversed(keys), reversed(ids), strict=True)), **title_and_date}
            repeated = [
                p for p, (key, event_id) in enumerate(zip(keys, ids, strict=True)) if title_and_date[key] != event_id
            ]
        for position in repeated:
            problem = doc.problem(
                f"repeats the title and date of event {title_and_date[keys[position]]!r}; a duplicate?",
                structured.path(position),
                event_id=events[position].id,
                field="title",
                severity=Severity.WARNING,
            )
            found.append((number, position, _REPEATED, problem))
    found.sort(key=lambda item: item[:3])
    for *_, problem in found:
        yield problem


def _duplicate_ids(files: Sequence[StructuredFile]) -> dict[int, dict[int, tuple[StructuredFile, int]]]:
    """For each file, the positions of events reusing an earlier id, with where that id was first used."""
    ids = [event.id for structured in files for event in structured.events]
    if len(set(ids)) == len(ids):
        return {}
    first_seen: dict[str, tuple[StructuredFile, int]] = {}
    duplicates: dict[int, dict[int, tuple[StructuredFile, int]]] = {}
    for number, structured in enumerate(files):
        for position, event in enumerate(structured.events):
            first = first_seen.setdefault(event.id, (structured, position))
            if first[0] is not structured or first[1] != position:
                duplicates.setdefault(number, {})[position] = first
    return duplicates
