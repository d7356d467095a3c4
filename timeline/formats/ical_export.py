"""iCalendar (RFC 5545) export: one all-day or timed VEVENT per event, honest about each date's precision.

A day is an all-day event. Coarser dates span from their earliest to their latest day
(`ics_imprecise="span"`) or sit on their first possible day with the real date in the
summary (`"first-day"`). Ongoing events end at `as_of` and say so. Timed values keep
their zone (TZID plus a VTIMEZONE reaching back before the earliest event using it),
UTC (`Z`), or float; a fixed offset (+09:00) is written in UTC. What a calendar cannot
show exactly is kept in X- properties (`ical_schema`), so `import_ics` restores it.

The VEVENTs are written by `ical_lines` rather than icalendar's serializer (profiled:
most of an export's time went to building and re-deriving icalendar's objects); the
VTIMEZONEs come from icalendar. `export_ics_icalendar` builds the same file entirely
with icalendar; the tests prove the two are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, Final, TypeAlias

import attrs

from timeline.dates import Bound, EventDate, FuzzyDate, Interval, Precision
from timeline.display import display, precision_phrase
from timeline.formats import Exported, ExportOptions, Skipped
from timeline.formats.ical_lines import CRLF, Categories, Uri, Value, Zoned, content_line, escape_text, fold
from timeline.formats.ical_schema import (
    PRODID,
    X_AS_OF,
    X_DATE,
    X_IMPORTANCE,
    X_SOURCE,
    X_TAGS,
    X_TITLE,
    X_TZ,
    category,
    join_description,
    source_json,
    uid,
)
from timeline.formats.ical_zones import UTC_ZONES, vtimezone, vtimezone_text
from timeline.formats.markdown_text import is_safe_url
from timeline.records import Event, Timeline

__all__ = ["export_ics", "export_ics_icalendar"]

Property: TypeAlias = tuple[str, Value]

_DAY: Final = dt.timedelta(days=1)
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ZONE_FIRST_YEAR: Final = 1800
_ZONE_LAST_YEAR: Final = 2100


@attrs.frozen
class _Context:
    as_of: dt.date | None
    first_day: bool
    locale: str
    stamp: dt.datetime


class _Unrepresentable(Exception):
    """An event a calendar cannot hold; the message is the reason given to the user."""


def _context(timeline: Timeline, options: ExportOptions) -> _Context:
    as_of = options.as_of or timeline.as_of
    stamp = options.generated_at
    if stamp is None:
        stamp = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC) if as_of else _EPOCH
    elif stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)
    return _Context(as_of, options.ics_imprecise == "first-day", options.locale, stamp)


# --- dates -------------------------------------------------------------------


def _timed(instant: dt.datetime, date: FuzzyDate) -> Value:
    """A timed value as written: in its IANA zone, in UTC (for UTC and fixed offsets), or floating."""
    if date.offset is not None or date.tz in UTC_ZONES:
        return instant.astimezone(dt.UTC)
    if date.tz is None:
        return instant
    if _misread_in_zone(instant):
        return instant.astimezone(dt.UTC)
    return Zoned(instant.replace(tzinfo=None), date.tz)


def _misread_in_zone(instant: dt.datetime) -> bool:
    """Whether readers would disagree on this local time: ambiguous, skipped, or at an offset with seconds.

    RFC 5545 3.3.5 resolves a repeated local time to its first occurrence; ical.js takes the
    second. It also drops the seconds of an offset (local mean time before ~1900). Such a
    value is written as its UTC instant instead; X-TIMELINE-DATE keeps the local text.
    """
    offset = instant.replace(fold=0).utcoffset()
    return offset != instant.replace(fold=1).utcoffset() or offset is None or offset.seconds % 60 != 0


def _midnight(day: dt.date, like: FuzzyDate) -> Value:
    """The start of `day` in the zone of `like`, for an interval mixing a day with a time."""
    return _timed(dt.datetime(day.year, day.month, day.day, tzinfo=like.tzinfo), like)


def _order(value: Value) -> dt.datetime:
    """A comparable instant; floating and all-day values compare as if they were UTC."""
    if isinstance(value, Zoned):
        return value.local.replace(tzinfo=FuzzyDate(Precision.DAY, 2000, 1, 1, tz=value.tzid).tzinfo)
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    assert isinstance(value, dt.date)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


def _single(date: FuzzyDate, first_day: bool) -> tuple[Value, Value | None]:
    if date.precision.is_timed:
        assert isinstance(date.earliest, dt.datetime)
        return _timed(date.earliest, date), None
    assert not isinstance(date.earliest, dt.datetime)
    assert not isinstance(date.latest, dt.datetime)
    last = date.earliest if first_day else date.latest
    return date.earliest, last + _DAY


def _end_value(end: FuzzyDate, first_day: bool) -> Value:
    if end.precision.is_timed:
        assert isinstance(end.latest, dt.datetime)
        return _timed(end.latest, end)
    assert not isinstance(end.earliest, dt.datetime)
    assert not isinstance(end.latest, dt.datetime)
    return (end.earliest if first_day else end.latest) + _DAY


def _span(date: EventDate, context: _Context) -> tuple[Value, Value | None]:
    """DTSTART and DTEND (None: the event is an instant); raises `_Unrepresentable`."""
    if isinstance(date, FuzzyDate):
        return _single(date, context.first_day)
    start, end = date.start, date.end
    if not isinstance(start, FuzzyDate):
        raise _Unrepresentable(
            f"its start is {'open' if start is Bound.OPEN else 'unknown'}, and a calendar event needs one"
        )
    if end is Bound.UNKNOWN:
        raise _Unrepresentable("its end is unknown, and a calendar event needs one")
    low, _ = _single(start, first_day=True)
    high: Value
    if isinstance(end, FuzzyDate):
        high = _end_value(end, context.first_day)
    elif context.as_of is None:
        raise _Unrepresentable("it is ongoing and there is no as_of day to end it at (set as_of or give --as-of)")
    else:
        first = start.earliest.date() if isinstance(start.earliest, dt.datetime) else start.earliest
        if context.as_of < first:
            raise _Unrepresentable(f"it starts after the as_of day {context.as_of} it would end at")
        high = context.as_of + _DAY
    if type(low) is dt.date and type(high) is not dt.date:
        assert isinstance(end, FuzzyDate)
        low = _midnight(low, end)
    elif type(high) is dt.date and type(low) is not dt.date:
        high = _midnight(high, start)
    if _order(high) <= _order(low):
        return low, None
    return low, high


# --- text --------------------------------------------------------------------


def _phrase(date: EventDate) -> str:
    if isinstance(date, FuzzyDate):
        return precision_phrase(date)
    parts = []
    for label, end in (("start", date.start), ("end", date.end)):
        if isinstance(end, FuzzyDate):
            parts.append(f"{label} {precision_phrase(end)}")
    return ", ".join(parts)


def _imprecise(date: EventDate) -> bool:
    ends = (date.start, date.end) if isinstance(date, Interval) else (date,)
    return any(isinstance(end, FuzzyDate) and end.precision < Precision.DAY for end in ends)


def _texts(event: Event, context: _Context) -> tuple[str, str]:
    """SUMMARY and the DESCRIPTION's first line: the date as a reader should see it, precision spelled out."""
    date = event.date
    shown = display(date, context.locale)
    ongoing = isinstance(date, Interval) and date.ongoing
    notes = []
    head = f"Date: {shown} — {_phrase(date)}"
    if context.first_day and _imprecise(date):
        notes.append(f"{shown}, {_phrase(date)}")
        head += "; shown on its first possible day"
    if ongoing:
        assert context.as_of is not None
        notes.append("ongoing")
        until = FuzzyDate(Precision.DAY, context.as_of.year, context.as_of.month, context.as_of.day)
        head += f"; ongoing, shown until {display(until, context.locale)}"
    summary = f"{event.title} ({'; '.join(notes)})" if notes else event.title
    return summary, head


def _event_properties(event: Event, context: _Context) -> list[Property]:
    try:
        start, end = _span(event.date, context)
    except (OverflowError, ValueError):
        raise _Unrepresentable("its dates run outside the years 1-9999 that iCalendar can write") from None
    summary, head = _texts(event, context)
    props: list[Property] = [("UID", uid(event.id)), ("DTSTAMP", context.stamp), ("DTSTART", start)]
    if end is not None:
        props.append(("DTEND", end))
    props.append(("SUMMARY", summary))
    props.append(("DESCRIPTION", join_description(head, event.description, event.sources)))
    if event.location:
        props.append(("LOCATION", event.location))
    # Calendar apps make URL a link; a javascript: or data: source stays in the description as text.
    url = next((source.url for source in event.sources if source.url and is_safe_url(source.url)), None)
    if url:
        props.append(("URL", Uri.of(url)))
    categories = tuple(dict.fromkeys(c for c in map(category, event.tags) if c))
    if categories:
        props.append(("CATEGORIES", Categories(categories)))
    # Historical events should not mark the reader's time as busy.
    props.append(("TRANSP", "TRANSPARENT"))
    props.append((X_DATE, event.date.canonical()))
    if event.tz:
        props.append((X_TZ, event.tz))
    if summary != event.title:
        props.append((X_TITLE, event.title))
    if categories != event.tags:
        props.append((X_TAGS, json.dumps(list(event.tags), ensure_ascii=False, separators=(",", ":"))))
    props.extend((X_SOURCE, source_json(source)) for source in event.sources)
    if event.importance is not None:
        props.append((X_IMPORTANCE, repr(event.importance)))
    return props


def _calendar_properties(timeline: Timeline, options: ExportOptions, context: _Context) -> list[Property]:
    title = options.title or timeline.title
    props: list[Property] = [
        ("VERSION", "2.0"),
        ("PRODID", PRODID),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("NAME", title),
        ("X-WR-CALNAME", title),
    ]
    if timeline.description:
        props.append(("X-WR-CALDESC", timeline.description))
    if context.as_of:
        props.append((X_AS_OF, context.as_of.isoformat()))
    return props


def _events(timeline: Timeline, context: _Context, skipped: list[Skipped]) -> Iterator[list[Property]]:
    """Each event's properties, in order; what a calendar cannot hold goes to `skipped` instead."""
    seen: set[str] = set()
    for event in timeline.events:
        if event.id in seen:
            skipped.append(Skipped(event.id, "another event has the same id, and calendar UIDs must be unique"))
            continue
        seen.add(event.id)
        try:
            props = _event_properties(event, context)
        except _Unrepresentable as why:
            skipped.append(Skipped(event.id, str(why)))
            continue
        yield props


def _widen(years: dict[str, tuple[int, int]], value: Zoned) -> None:
    """Note that zone `value.tzid` is used in `value`'s year."""
    year = value.local.year
    low, high = years.get(value.tzid, (year, year))
    years[value.tzid] = (min(low, year), max(high, year))


def _zone_ranges(years: dict[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """Each zone used, with the years its VTIMEZONE covers: 1800-2100, or wider when an event needs it.

    A fixed range makes every file's VTIMEZONE for a zone the same: vobject (and so Radicale)
    keeps the first definition of a TZID it meets for the life of the process, so a narrower
    one from an earlier file would decide how a later file's earlier events are read.
    """
    return [
        (tzid, min(low, _ZONE_FIRST_YEAR), max(high, _ZONE_LAST_YEAR)) for tzid, (low, high) in sorted(years.items())
    ]


#: Properties whose value is new in every event: written straight away, not remembered for reuse.
_UNIQUE: Final = frozenset({"UID", "SUMMARY", "DESCRIPTION", "URL", X_TITLE})


def export_ics(timeline: Timeline, options: ExportOptions) -> Exported:
    """The timeline as an iCalendar file: CRLF, folded at 75 octets, UTF-8 without a byte-order mark.

    Each event's lines are written as soon as its properties are known, so no per-event
    container outlives its event: 100,000 property lists kept for a second pass made the
    garbage collector sweep all of them again and again (half of a large export's time).
    A line that repeats (DTSTAMP, a day, a shared source, tags, a place) is folded once and
    reused, from a table per property name holding only untracked values and bytes.
    """
    context = _context(timeline, options)
    skipped: list[Skipped] = []
    years: dict[str, tuple[int, int]] = {}
    written: dict[str, dict[Value, bytes]] = {}
    body: list[bytes] = []
    add = body.append
    for props in _events(timeline, context, skipped):
        add(b"BEGIN:VEVENT")
        for name, value in props:
            if name in _UNIQUE:
                add(fold(f"{name}:{escape_text(value)}" if type(value) is str else content_line(name, value)))
                continue
            if type(value) is Zoned:
                _widen(years, value)
            lines = written.get(name)
            if lines is None:
                lines = written[name] = {}
            line = lines.get(value)
            if line is None:
                line = lines[value] = fold(content_line(name, value))
            add(line)
        add(b"END:VEVENT")
    head = [
        b"BEGIN:VCALENDAR",
        *(fold(content_line(n, v)) for n, v in _calendar_properties(timeline, options, context)),
    ]
    zones = "".join(vtimezone_text(*zone) for zone in _zone_ranges(years))
    if zones:
        head.append(zones[: -len(CRLF)].encode("utf-8"))
    return Exported(b"\r\n".join([*head, *body, b"END:VCALENDAR\r\n"]), tuple(skipped))


# --- the same file, built with icalendar alone ---------------------------------


def _icalendar_value(value: Value) -> Any:
    from icalendar import vUri

    from timeline.formats.ical_fixes import EscapedText, categories, zoned

    if isinstance(value, Uri):
        return vUri(str(value))
    if isinstance(value, str):
        return EscapedText(value)
    if isinstance(value, Categories):
        return categories(value.items)
    if isinstance(value, Zoned):
        return zoned(value.local, value.tzid)
    return value


def export_ics_icalendar(timeline: Timeline, options: ExportOptions) -> Exported:
    """`export_ics` through icalendar's components and serializer: the reference the fast path must equal."""
    from icalendar import Calendar, Event

    context = _context(timeline, options)
    skipped: list[Skipped] = []
    events = list(_events(timeline, context, skipped))
    years: dict[str, tuple[int, int]] = {}
    for props in events:
        for _, value in props:
            if isinstance(value, Zoned):
                _widen(years, value)
    calendar = Calendar()
    for name, value in _calendar_properties(timeline, options, context):
        calendar.add(name, _icalendar_value(value))
    for zone in _zone_ranges(years):
        calendar.add_component(vtimezone(*zone))
    for props in events:
        component = Event()
        for name, value in props:
            component.add(name, _icalendar_value(value))
        calendar.add_component(component)
    return Exported(calendar.to_ical(sorted=False), tuple(skipped))
