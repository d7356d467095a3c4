"""The normalised JSON: every field of every record, plus derived bounds and display text.

It is also an input format: loading it gives back equal records (the derived keys are
recomputed on input, not trusted).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from timeline.dates import EventDate, FuzzyDate, Instant, Interval
from timeline.display import display
from timeline.formats import Exported, ExportOptions
from timeline.records import Event, Source, Timeline

__all__ = ["event_record", "export_json", "iso"]


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


@functools.lru_cache(maxsize=8192)
def _date_fields(date: EventDate, locale: str) -> tuple[tuple[str, Any], ...]:
    # Computed once per distinct date: large timelines repeat them.
    return (
        ("date", date.canonical()),
        ("display", display(date, locale)),
        ("earliest", iso(date.earliest)),
        ("latest", iso(date.latest)),
        ("precision", _first(date).precision.label),
        ("approximate", date.approximate),
        ("uncertain", date.uncertain),
    )


def event_record(event: Event, locale: str = "en") -> dict[str, Any]:
    """One event as plain JSON-ready data."""
    return {
        "id": event.id,
        "title": event.title,
        **dict(_date_fields(event.date, locale)),
        "description": event.description,
        "location": event.location,
        "tz": event.tz,
        "tags": list(event.tags),
        "sources": [_source(s) for s in event.sources],
        "importance": event.importance,
    }


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
    records = [f"    {encode(event_record(event, options.locale))}" for event in timeline.events]
    lines.append('  "events": [' if records else '  "events": []')
    if records:
        lines.append(",\n".join(records))
        lines.append("  ]")
    lines.append("}")
    return Exported(("\n".join(lines) + "\n").encode("utf-8"))
