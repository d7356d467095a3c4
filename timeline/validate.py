"""Rules that look across events and files: duplicate ids, missing sources, floating times, repeats.

Each rule finds its events with comprehensions over a whole file (a pass in C for
100,000 events rather than a Python loop per event); the problems are then put back
in file order, event by event, rule by rule.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Final

from timeline.dates import FuzzyDate, Interval
from timeline.problems import Problem, Severity
from timeline.records import per_date
from timeline.structure import StructuredFile

__all__ = ["check_files"]

_NO_SOURCES: Final = "none given; add where this is documented (sources: [{url: ..., title: ...}])"
_FLOATS: Final = (
    "has a time without an offset or a 'tz', so it floats in local time; "
    "add 'tz: Area/City' or an offset such as +09:00"
)

#: Where each event stands in files: (file number, position in its file).
_Place = tuple[int, int]
#: A title (case-folded) and a canonical date.
_Key = tuple[str, str]


def check_files(files: Sequence[StructuredFile]) -> Iterator[Problem]:
    """Errors for ids used twice anywhere; warnings for what is valid but probably unmeant.

    An event whose id was used before gets only the error: its other warnings would
    point at the wrong event once the id is fixed.
    """
    duplicates = _duplicate_ids(files)
    found: list[tuple[int, int, int, Problem]] = []
    seen: dict[_Key, str] = {}  # the first event id with each title and date, across files
    for number, structured in enumerate(files):
        skipped = {position for (file, position) in duplicates if file == number}
        rules = (
            _reused_ids(files, number, duplicates),
            _unsourced(structured, skipped),
            _floating(structured, skipped),
            _repeated(structured, skipped, seen),
        )
        for rank, problems in enumerate(rules):
            found.extend((number, position, rank, problem) for position, problem in problems)
    found.sort(key=lambda item: item[:3])
    return (problem for *_, problem in found)


def _duplicate_ids(files: Sequence[StructuredFile]) -> dict[_Place, _Place]:
    """Each event reusing an earlier id, with where that id was first used."""
    ids = [event.id for structured in files for event in structured.events]
    if len(set(ids)) == len(ids):
        return {}
    first_seen: dict[str, _Place] = {}
    duplicates: dict[_Place, _Place] = {}
    for number, structured in enumerate(files):
        for position, event in enumerate(structured.events):
            first = first_seen.setdefault(event.id, (number, position))
            if first != (number, position):
                duplicates[number, position] = first
    return duplicates


def _reused_ids(
    files: Sequence[StructuredFile], number: int, duplicates: dict[_Place, _Place]
) -> Iterator[tuple[int, Problem]]:
    structured = files[number]
    for (file, position), (first_file, first_position) in duplicates.items():
        if file == number:
            first = files[first_file]
            where = first.document.locate((*first.path(first_position), "id"))
            at = f"{first.document.file}:{where[0]}" if where else first.document.file
            yield (
                position,
                structured.document.problem(
                    f"is used twice; first used at {at}. Ids must be unique across all files",
                    (*structured.path(position), "id"),
                    event_id=structured.events[position].id,
                    field="id",
                ),
            )


def _unsourced(structured: StructuredFile, skipped: Collection[int]) -> Iterator[tuple[int, Problem]]:
    events = structured.events
    for position in [p for p, event in enumerate(events) if not event.sources]:
        if position not in skipped:
            yield position, _warning(structured, position, _NO_SOURCES, "sources")


def _floating(structured: StructuredFile, skipped: Collection[int]) -> Iterator[tuple[int, Problem]]:
    events = structured.events
    timed = [p for p, event in enumerate(events) if type(event.date) is not FuzzyDate or event.date.hour is not None]
    for position in timed:
        if position not in skipped and _is_floating(events[position].date):
            yield position, _warning(structured, position, _FLOATS, "date", at_field=True)


def _is_floating(date: FuzzyDate | Interval) -> bool:
    if type(date) is FuzzyDate:
        return date.hour is not None and date.offset is None and date.tz is None
    assert isinstance(date, Interval)
    return any(isinstance(end, FuzzyDate) and end.is_floating for end in (date.start, date.end))


def _repeated(
    structured: StructuredFile, skipped: Collection[int], seen: dict[_Key, str]
) -> Iterator[tuple[int, Problem]]:
    """Events repeating the title and date of an earlier one; `seen` carries the first of each across files."""
    events = structured.events
    dates = per_date(events, lambda date: date.canonical())
    keys = [(event.title.casefold(), date) for event, date in zip(events, dates, strict=True)]
    if skipped:
        repeats = [
            p for p, key in enumerate(keys) if p not in skipped and seen.setdefault(key, events[p].id) != events[p].id
        ]
    else:  # ids are unique here, so an event repeats a key exactly when the key's first id is not its own
        ids = [event.id for event in events]
        seen.update({**dict(zip(reversed(keys), reversed(ids), strict=True)), **seen})
        repeats = [p for p, (key, event_id) in enumerate(zip(keys, ids, strict=True)) if seen[key] != event_id]
    for position in repeats:
        message = f"repeats the title and date of event {seen[keys[position]]!r}; a duplicate?"
        yield position, _warning(structured, position, message, "title")


def _warning(structured: StructuredFile, position: int, message: str, field: str, *, at_field: bool = False) -> Problem:
    path = structured.path(position)
    return structured.document.problem(
        message,
        (*path, field) if at_field else path,
        event_id=structured.events[position].id,
        field=field,
        severity=Severity.WARNING,
    )
