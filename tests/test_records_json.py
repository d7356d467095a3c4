"""The JSON export's records, composed from pieces, are exactly what the encoder writes for `event_record`."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import rich_timelines, timelines
from timeline.dates import parse_date
from timeline.formats import ExportOptions
from timeline.formats.records_json import event_record, export_json
from timeline.records import Event, Source, Timeline


def reference(timeline: Timeline, options: ExportOptions) -> bytes:
    """The export as it was written before the records were composed by hand: one encoder call per record."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    as_of = options.as_of or timeline.as_of
    header = {
        "title": options.title or timeline.title,
        "description": timeline.description,
        "as_of": as_of.isoformat() if as_of else None,
    }
    lines = ["{", *(f"  {encode(key)}: {encode(value)}," for key, value in header.items())]
    records = [f"    {encode(event_record(event, options.locale))}" for event in timeline.events]
    lines.append('  "events": [' if records else '  "events": []')
    if records:
        lines.append(",\n".join(records))
        lines.append("  ]")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


class TestSameBytes:
    """`export_json` writes the bytes the encoder would write for each `event_record`."""

    @given(rich_timelines() | timelines(), st.sampled_from(["en", "ko", "fr"]))
    def test_any_timeline(self, timeline: Timeline, locale: str) -> None:
        """Every date shape, text needing escapes, several or no sources, importance given or not."""
        options = ExportOptions(locale=locale)
        assert export_json(timeline, options).data == reference(timeline, options)

    def test_values_of_other_types(self) -> None:
        """Values the records do not declare (an int title, a NaN importance) are still encoded as before."""
        date = parse_date("2024-06")
        events = [
            Event(id="a", title=7, date=date),  # type: ignore[arg-type]
            Event(id="b", title="B", date=date, importance=float("nan")),
            Event(id="c", title="C", date=date, importance=3),
            Event(id="d", title='D\x00"\\\u2028', date=date, tags=("x", "y"), sources=(Source(), Source(url="u"))),
        ]
        timeline = Timeline("T", events)
        assert export_json(timeline, ExportOptions()).data == reference(timeline, ExportOptions())

    def test_empty(self) -> None:
        """No events: an empty list on the `events` line."""
        timeline = Timeline("Empty")
        assert export_json(timeline, ExportOptions()).data == reference(timeline, ExportOptions())
