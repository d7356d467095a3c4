"""The normalised JSON: every field of every record, plus derived bounds and display text.

It is also an input format: loading it gives back equal records (the derived keys are
recomputed on input, not trusted).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from typing import Any, Final

from timeline.dates import EventDate, FuzzyDate, Instant, Interval
from timeline.display import display
from timeline.formats import Exported, ExportOptions
from timeline.records import Event, Source, Timeline, per_date

__all__ = ["event_record", "export_json", "iso"]

#: The encoder's own function for a string (C when available), as `JSONEncoder(ensure_ascii=False)` uses.
_string: Final = encode_basestring


def iso(instant: Instant | None) -> str | None:
    """ISO 8601: `YYYY-MM-DD` for days, a date-time with its offset (`Z` for UTC) for instants."""
    if instant is None:
        return None
    if isinstance(instant, dt.datetime):
        text = instant.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return instant.isoformat()


def _first(date: EventDate) -> FuzzyDate:
    return date.first if isinstance(date, Interval) else date


def _source(source: Source) -> dict[str, Any]:
    return {
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published.canonical() if source.published else None,
    }


def _date_fields(date: EventDate, locale: str) -> dict[str, Any]:
    return {
        "date": date.canonical(),
        "display": display(date, locale),
        "earliest": iso(date.earliest),
        "latest": iso(date.latest),
        "precision": _first(date).precision.label,
        "approximate": date.approximate,
        "uncertain": date.uncertain,
    }


def event_record(event: Event, locale: str = "en") -> dict[str, Any]:
    """One event as plain JSON-ready data."""
    return {
        "id": event.id,
        "title": event.title,
        **_date_fields(event.date, locale),
        "description": event.description,
        "location": event.location,
        "tz": event.tz,
        "tags": list(event.tags),
        "sources": [_source(s) for s in event.sources],
        "importance": event.importance,
    }


def _date_text(date: EventDate, locale: str) -> str:
    """The date's fields in a record, as `encode(_date_fields(date, locale))` writes them inside the braces."""
    first = _first(date)
    return (
        f'"date": {_string(date.canonical())}, "display": {_string(display(date, locale))}, '
        f'"earliest": {_text(iso(date.earliest))}, "latest": {_text(iso(date.latest))}, '
        f'"precision": {_string(first.precision.label)}, '
        f'"approximate": {"true" if date.approximate else "false"}, '
        f'"uncertain": {"true" if date.uncertain else "false"}'
    )


def _text(value: str | None) -> str:
    return "null" if value is None else _string(value)


def _source_text(source: Source) -> str:
    url, title, publisher, published = source.url, source.title, source.publisher, source.published
    return (
        f'{{"url": {"null" if url is None else _string(url)}, '
        f'"title": {"null" if title is None else _string(title)}, '
        f'"publisher": {"null" if publisher is None else _string(publisher)}, '
        f'"published": {_string(published.canonical()) if published else "null"}}}'
    )


def _record_texts(events: Sequence[Event], locale: str, encode: Callable[[Any], str]) -> list[str]:
    """`encode(event_record(event))` for each event, indented, with a comma after all but the last.

    Composed from pieces, it is the same text in half the time.

    Strings go through the encoder's own C string function; each date object's fields are
    encoded once. An event with a value of another type than the records declare is encoded
    whole, as before.
    """
    string = _string
    texts = []
    date_fields = per_date(events, lambda date: _date_text(date, locale))
    for event, fields in zip(events, date_fields, strict=True):
        try:
            description, location, tz, sources = event.description, event.location, event.tz, event.sources
            cited = _source_text(sources[0]) if len(sources) == 1 else ", ".join(map(_source_text, sources))
            texts.append(
                f'    {{"id": {string(event.id)}, "title": {string(event.title)}, {fields}, '
                f'"description": {"null" if description is None else string(description)}, '
                f'"location": {"null" if location is None else string(location)}, '
                f'"tz": {"null" if tz is None else string(tz)}, '
                f'"tags": [{", ".join(map(string, event.tags))}], '
                f'"sources": [{cited}], '
                f'"importance": {"null" if event.importance is None else encode(event.importance)}}},'
            )
        except TypeError:
            texts.append(f"    {encode(event_record(event, locale))},")
    if texts:
        texts[-1] = texts[-1][:-1]
    return texts


def export_json(timeline: Timeline, options: ExportOptions) -> Exported:
    """The timeline as JSON with one event per line: readable in a diff, and written by the C encoder.

    (`json.dumps(indent=...)` falls back to the pure-Python encoder, three times slower.)
    """
    as_of = options.as_of or timeline.as_of
    header = {
        "title": options.title or timeline.title,
        "description": timeline.description,
        "as_of": as_of.isoformat() if as_of else None,
    }
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = ["{"]
    lines.extend(f"  {encode(key)}: {encode(value)}," for key, value in header.items())
    records = _record_texts(timeline.events, options.locale, encode)
    lines.append('  "events": [' if records else '  "events": []')
    if records:
        lines.extend(records)  # one join below: the records are most of the file
        lines.append("  ]")
    lines.append("}\n")
    return Exported("\n".join(lines).encode("utf-8"))
