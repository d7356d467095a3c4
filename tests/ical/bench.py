"""Export speed: events/s for export_ics, icalendar's own serializer, and a minimal hand-written writer.

Run: .venv/bin/python tests/ical/bench.py [EVENTS]   (default 100000; the icalendar path is timed on 5000)

The minimal writer handles only the shapes this benchmark uses (all-day dates, spans,
an ongoing interval, tags, one source) with plain string formatting; the script checks
it writes exactly the bytes export_ics writes, so the ratio compares equal outputs.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable

from timeline.dates import Bound, FuzzyDate, Interval, parse_date
from timeline.display import display, precision_phrase
from timeline.formats import ExportOptions
from timeline.formats.ical_export import export_ics, export_ics_icalendar
from timeline.formats.ical_lines import escape_text, fold
from timeline.records import Event, Source, Timeline

AS_OF = dt.date(2025, 7, 14)
OPTIONS = ExportOptions(generated_at=dt.datetime(2025, 7, 14, tzinfo=dt.UTC))
_DATES = ["1953-07-27", "2024-06", "2019", "late 196X?", "2024-08-06/2025-04", "2024-10/..", "early 2025-01", "2000~"]
_PARSED = [parse_date(text) for text in _DATES]


def bench_timeline(count: int) -> Timeline:
    """`count` events in the shapes of the example timeline: precisions from day to decade, sources, tags."""
    source = Source(url="https://example.org/news/1", title="How North Korea is giving Russia an edge", publisher="ST")
    events = [
        Event(
            id=f"event-{number}",
            title=f"Event {number}: talks in Pyongyang, round {number % 7}",
            date=_PARSED[number % len(_PARSED)],
            description="Estimates vary; about 15,000 troops — according to officials." if number % 3 else None,
            location="Pyongyang, North Korea" if number % 2 else None,
            tags=("diplomacy", "estimates"),
            sources=(source,),
        )
        for number in range(count)
    ]
    return Timeline("Benchmark", events, as_of=AS_OF)


def minimal_writer(timeline: Timeline, options: ExportOptions) -> bytes:
    """The same file as export_ics for this benchmark's events, written with nothing but string formatting."""
    assert options.generated_at is not None
    stamp = f"DTSTAMP:{options.generated_at:%Y%m%dT%H%M%S}Z"
    as_of = timeline.as_of
    assert as_of is not None
    until = display(FuzzyDate(parse_date("2000-01-01").precision, as_of.year, as_of.month, as_of.day))
    out = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//timeline//timeline//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape_text(timeline.title)}",
        f"X-WR-CALNAME:{escape_text(timeline.title)}",
        f"X-TIMELINE-AS-OF:{as_of.isoformat()}",
    ]
    day = dt.timedelta(days=1)
    for event in timeline.events:
        date = event.date
        ongoing = isinstance(date, Interval) and date.end is Bound.OPEN
        if isinstance(date, Interval):
            assert isinstance(date.start, FuzzyDate)
            start = date.start.earliest
            end = as_of + day if ongoing else date.latest + day  # type: ignore[operator]
            phrase = f"start {precision_phrase(date.start)}"
            if isinstance(date.end, FuzzyDate):
                phrase += f", end {precision_phrase(date.end)}"
        else:
            start, end = date.earliest, date.latest + day  # type: ignore[operator]
            phrase = precision_phrase(date)
        head = f"Date: {display(date)} — {phrase}"
        summary = event.title
        if ongoing:
            head += f"; ongoing, shown until {until}"
            summary += " (ongoing)"
        source = event.sources[0]
        footer = f"Sources:\n- {source.title} — {source.publisher} — {source.url}"
        text = "\n\n".join(part for part in (head, event.description, footer) if part)
        lines = [
            "BEGIN:VEVENT",
            f"UID:{event.id}@timeline",
            stamp,
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(text)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        lines += [
            f"URL:{source.url}",
            "CATEGORIES:" + ",".join(event.tags),
            "TRANSP:TRANSPARENT",
            f"X-TIMELINE-DATE:{escape_text(date.canonical())}",
        ]
        if summary != event.title:
            lines.append(f"X-TIMELINE-TITLE:{escape_text(event.title)}")
        record = {"url": source.url, "title": source.title, "publisher": source.publisher}
        lines.append("X-TIMELINE-SOURCE:" + escape_text(json.dumps(record, ensure_ascii=False, separators=(",", ":"))))
        lines.append("END:VEVENT")
        out.extend(lines)
    out.append("END:VCALENDAR")
    return b"\r\n".join(fold(line) for line in out) + b"\r\n"


def events_per_second(write: Callable[[Timeline, ExportOptions], object], timeline: Timeline, runs: int = 3) -> float:
    best = min(_timed(write, timeline) for _ in range(runs))
    return len(timeline.events) / best


def _timed(write: Callable[[Timeline, ExportOptions], object], timeline: Timeline) -> float:
    start = time.perf_counter()
    write(timeline, OPTIONS)
    return time.perf_counter() - start


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    timeline = bench_timeline(count)
    small = bench_timeline(5_000)
    assert minimal_writer(small, OPTIONS) == export_ics(small, OPTIONS).data
    assert export_ics_icalendar(small, OPTIONS).data == export_ics(small, OPTIONS).data
    ours = events_per_second(export_ics, timeline)
    minimal = events_per_second(minimal_writer, timeline)
    reference = events_per_second(export_ics_icalendar, small, runs=1)
    print(f"export_ics           {ours:>10,.0f} events/s  ({count:,} events)")
    print(f"minimal writer       {minimal:>10,.0f} events/s  ({count:,} events; same bytes)")
    print(f"icalendar serializer {reference:>10,.0f} events/s  (5,000 events; same bytes)")
    print(f"minimal / export_ics = {minimal / ours:.2f}x; export_ics / icalendar = {ours / reference:.1f}x")


if __name__ == "__main__":
    main()
