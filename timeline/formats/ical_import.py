"""iCalendar (RFC 5545) import: any calendar's events as timeline records, precision kept.

Our own exports carry the canonical date (X-TIMELINE-DATE) and come back exactly. Other
calendars (Google, Outlook, Apple, Thunderbird): an all-day event is a day, several
days an interval; timed events keep their zone (IANA, Windows names mapped by
icalendar, UTC) or, for a zone only the file defines, their UTC offset. Google's
X-WR-TIMEZONE is applied (x-wr-timezone); recurring events are expanded within the
window the user gives (recurring-ical-events), or refused with a message saying so.
Anything broken is reported with its line, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from timeline.dates import DateError, EventDate, FuzzyDate, Interval, Precision, parse_date
from timeline.formats.ical_lines import unescape_text
from timeline.formats.ical_scan import Block, Scanned, decode, scan
from timeline.formats.ical_schema import (
    X_AS_OF,
    X_DATE,
    X_IMPORTANCE,
    X_SOURCE,
    X_TAGS,
    X_TITLE,
    X_TZ,
    id_from_uid,
    source_from_json,
    split_description,
)
from timeline.formats.ical_zones import UTC_ZONES
from timeline.ids import ID_PATTERN, UniqueIds, slugify
from timeline.importing import ImportOptions
from timeline.problems import InvalidInput, Problem
from timeline.readers import has_lone_surrogate
from timeline.records import Event, Source, Timeline
from timeline.zones import is_zone

__all__ = ["import_ics"]

_URL: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_DAY: Final = dt.timedelta(days=1)
_RECURRENCE: Final = ("RRULE", "RDATE")
# icalendar, recurring-ical-events and x-wr-timezone raise these for input they cannot make sense of.
_PARSE_ERRORS: Final = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, RecursionError)


@attrs.frozen
class _Located:
    """A VEVENT (or one occurrence of a series) with the block it was written in."""

    component: Any
    block: Block | None
    #: For an occurrence of a recurring event: its start, to make its id unique and readable.
    occurrence: dt.date | dt.datetime | None = None


class _Reader:
    def __init__(self, source_name: str, scanned: Scanned) -> None:
        self.source_name = source_name
        self.scanned = scanned
        self.problems: list[Problem] = []

    def problem(self, message: str, block: Block | None, prop: str | None = None) -> None:
        line = None
        if block is not None:
            line = block.properties.get(prop, block.line) if prop else block.line
        self.problems.append(Problem(message, self.source_name, line))

    def line_of(self, message: str) -> int | None:
        """The first line holding a quoted fragment of an error message, when there is one."""
        for fragment in re.findall(r"'([^']{2,})'|(\S*\d\S*)$", message):
            text = next(part for part in fragment if part) if any(fragment) else ""
            for number, line in self.scanned.lines:
                if text and text in line:
                    return number
        return None


def _parse(reader: _Reader) -> list[Any]:
    from icalendar import Calendar

    try:
        with warnings.catch_warnings():
            # icalendar warns when it guesses a zone from a vendor TZID ("/mozilla.org/.../Europe/Berlin").
            warnings.simplefilter("ignore")
            components = Calendar.from_ical(reader.scanned.text, multiple=True)
    except _PARSE_ERRORS as error:
        message = f"cannot be read as iCalendar: {error}"
        raise InvalidInput([Problem(message, reader.source_name, reader.line_of(str(error)))]) from None
    return [c for c in components if c.name == "VCALENDAR"]


def _standard(calendar: Any, reader: _Reader) -> Any:
    """The calendar with Google's X-WR-TIMEZONE applied, so its times are in that zone."""
    import x_wr_timezone  # type: ignore[import-untyped]

    name = calendar.get("X-WR-TIMEZONE")
    if name is None:
        return calendar
    if not is_zone(str(name)):
        line = next((n for n, text in reader.scanned.lines if text.upper().startswith("X-WR-TIMEZONE")), None)
        raise InvalidInput([Problem(f"X-WR-TIMEZONE {str(name)!r} is not a known time zone", reader.source_name, line)])
    return x_wr_timezone.to_standard(calendar)


def _events(calendars: list[Any], reader: _Reader) -> list[tuple[Any, Any, Block | None]]:
    """Every VEVENT with its calendar and its block of lines (matched in document order)."""
    blocks = [block for block in reader.scanned.blocks if block.name == "VEVENT"]
    found = [(calendar, event) for calendar in calendars for event in calendar.walk("VEVENT")]
    if len(blocks) != len(found):  # icalendar dropped or invented a component; lines are then unknown
        return [(calendar, event, None) for calendar, event in found]
    return [(calendar, event, block) for (calendar, event), block in zip(found, blocks, strict=True)]


def _recurring(component: Any) -> bool:
    return any(name in component for name in _RECURRENCE)


def _expand(
    calendars: list[Any], located: list[tuple[Any, Any, Block | None]], options: ImportOptions, reader: _Reader
) -> list[_Located]:
    """Single events as they are, recurring ones as their occurrences in the window."""
    series = {str(event.get("UID")) for _, event, _ in located if _recurring(event)}
    singles = [_Located(event, block) for _, event, block in located if str(event.get("UID")) not in series]
    if not series:
        return singles
    if options.date_from is None or options.date_to is None:
        for _, event, block in located:
            if _recurring(event):
                rule = "RRULE" if "RRULE" in event else "RDATE"
                reader.problem(
                    f"event {str(event.get('SUMMARY', event.get('UID', '')))!r} repeats ({rule}); "
                    "give --from and --to to expand its occurrences within those days",
                    block,
                    rule,
                )
        return singles
    import recurring_ical_events  # type: ignore[import-untyped]

    blocks = {str(event.get("UID")): block for _, event, block in located if _recurring(event)}
    occurrences: list[_Located] = []
    for calendar in calendars:
        try:
            found = recurring_ical_events.of(calendar).between(options.date_from, options.date_to + _DAY)
        except (*_PARSE_ERRORS, recurring_ical_events.InvalidCalendar) as error:
            first = next(iter(blocks.values()), None)
            reader.problem(f"its recurring events cannot be expanded ({type(error).__name__}: {error})", first, "RRULE")
            raise InvalidInput(reader.problems) from None
        for occurrence in found:
            key = str(occurrence.get("UID"))
            if key in series:
                occurrences.append(_Located(occurrence, blocks.get(key), occurrence["DTSTART"].dt))
    return singles + occurrences


# --- dates -------------------------------------------------------------------


def _iana(tzid: str | None) -> str | None:
    """The IANA zone a TZID names: itself, a Windows name's zone, or a vendor path's tail (/mozilla.org/.../Zone)."""
    if not tzid:
        return None
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    candidates = [tzid, WINDOWS_TO_OLSON.get(tzid.strip()), *("/".join(tzid.split("/")[i:]) for i in range(1, 4))]
    return next((name for name in candidates if name and "/" in name and is_zone(name)), None)


def _zoned(value: dt.datetime, tzid: str | None) -> dt.datetime:
    """The instant in the IANA zone its TZID names, when icalendar built a zone from the file's VTIMEZONE instead."""
    name = _iana(tzid)
    if name is None or value.tzinfo is None or getattr(value.tzinfo, "key", None) == name:
        return value
    return value.astimezone(ZoneInfo(name))


def _zone_of(value: dt.datetime) -> tuple[str | None, str | None]:
    """(offset, IANA zone) for an aware datetime; (None, None) for floating time."""
    tzinfo = value.tzinfo
    if tzinfo is None:
        return None, None
    key = getattr(tzinfo, "key", None)
    if (isinstance(tzinfo, ZoneInfo) and key in UTC_ZONES) or tzinfo is dt.UTC:
        return "Z", None
    if isinstance(tzinfo, ZoneInfo) and key and is_zone(key):
        return None, key
    # A zone defined only by the file's VTIMEZONE: keep the instant, as its UTC offset then.
    offset = value.utcoffset()
    assert offset is not None
    if offset.total_seconds() % 60:
        return "Z", None
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return (f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}" if minutes else "Z"), None


def _timed(value: dt.datetime, offset: str | None, tz: str | None) -> FuzzyDate:
    if offset == "Z" and value.tzinfo is not None and value.utcoffset():
        value = value.astimezone(dt.UTC)
    precision = Precision.SECOND if value.second else Precision.MINUTE
    return FuzzyDate(
        precision,
        value.year,
        value.month,
        value.day,
        hour=value.hour,
        minute=value.minute,
        second=value.second if precision is Precision.SECOND else None,
        offset=offset,
        tz=tz,
    )


def _day(value: dt.date) -> FuzzyDate:
    return FuzzyDate(Precision.DAY, value.year, value.month, value.day)


def _end(component: Any, start: dt.date) -> dt.date | None:
    """DTEND, or DTSTART + DURATION, or None."""
    if "DTEND" in component:
        end: dt.date = component["DTEND"].dt
        return end
    if "DURATION" in component:
        duration = component["DURATION"].dt
        return start + duration if isinstance(duration, dt.timedelta) else None
    return None


def _date(component: Any) -> tuple[EventDate, str | None]:
    """The event's date from DTSTART/DTEND/DURATION, and its IANA zone; raises ValueError."""
    start = component["DTSTART"].dt
    end = _end(component, start)
    if isinstance(start, dt.datetime):
        start = _zoned(start, component["DTSTART"].params.get("TZID"))
    if isinstance(end, dt.datetime) and "DTEND" in component:
        end = _zoned(end, component["DTEND"].params.get("TZID"))
    if not isinstance(start, dt.datetime):
        last = end - _DAY if end is not None else start
        if isinstance(last, dt.datetime):
            last = last.date()
        return (Interval(_day(start), _day(last)) if last > start else _day(start)), None
    offset, tz = _zone_of(start)
    first = _timed(start, offset, tz)
    if end is None or not isinstance(end, dt.datetime) or _key(end) <= _key(start):
        return first, tz
    if start.tzinfo is not None and end.tzinfo is not None:
        end = end.astimezone(start.tzinfo)
    elif start.tzinfo is None:
        end = end.replace(tzinfo=None)
    end_offset = _zone_of(end)[0] if offset is not None else None
    return Interval(first, _timed(end, end_offset, tz)), tz


def _key(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


# --- records -----------------------------------------------------------------


def _texts(component: Any, name: str) -> Iterator[str]:
    """Each value of property `name` as text; X- values unescaped as TEXT (RFC 5545 3.8.8.2).

    icalendar keeps values of properties it does not know verbatim (7.2+), escapes and all.
    """
    values = component.get(name)
    for value in values if isinstance(values, list) else [values] if values is not None else []:
        yield unescape_text(str(value)) if name.startswith("X-") else str(value)


def _text(component: Any, name: str) -> str | None:
    text = next(_texts(component, name), "").strip()
    return text or None


def _categories(component: Any) -> tuple[str, ...]:
    values = component.get("CATEGORIES")
    tags: list[str] = []
    for value in values if isinstance(values, list) else [values] if values is not None else []:
        for item in getattr(value, "cats", [value]):
            text = str(item).strip()
            if text and text not in tags:
                tags.append(text)
    return tuple(tags)


def _occurrence_suffix(start: dt.date | dt.datetime) -> str:
    if isinstance(start, dt.datetime):
        return f"{start:%Y-%m-%dt%H%M}"
    return start.isoformat()


def _json_texts(text: str) -> tuple[str, ...]:
    """A JSON list of non-empty texts; raises ValueError for anything else."""
    items = json.loads(text)
    if not isinstance(items, list) or not all(isinstance(item, str) and item.strip() for item in items):
        raise ValueError(f"{X_TAGS} must be a JSON list of texts")
    if any(has_lone_surrogate(item) for item in items):
        raise ValueError(f"{X_TAGS} holds a lone surrogate (half of a pair), not a character")
    return tuple(items)


def _ours(located: _Located, reader: _Reader, ids: UniqueIds) -> Event | None:
    """An event we exported, restored from its X- properties."""
    component, block = located.component, located.block
    tz = _text(component, X_TZ)
    try:
        date = parse_date(next(_texts(component, X_DATE)), tz=tz)
        sources = tuple(source_from_json(text) for text in _texts(component, X_SOURCE))
        tags_text = _text(component, X_TAGS)
        tags = _json_texts(tags_text) if tags_text else _categories(component)
        importance_text = _text(component, X_IMPORTANCE)
        importance = float(importance_text) if importance_text else None
    except (ValueError, DateError) as error:
        reader.problem(f"cannot read our X-TIMELINE properties: {error}", block, X_DATE)
        return None
    own_id = id_from_uid(str(component.get("UID", "")))
    title = _text(component, X_TITLE) or _text(component, "SUMMARY") or "Untitled event"
    wanted = own_id if own_id and ID_PATTERN.match(own_id) else (slugify(title) or "event")
    description_text = component.get("DESCRIPTION")
    description = split_description(str(description_text), sources) if description_text is not None else None
    return Event(
        id=ids.claim(wanted),
        title=title,
        date=date,
        description=description,
        location=_text(component, "LOCATION"),
        tz=tz,
        tags=tags,
        sources=sources,
        importance=importance,
    )


def _theirs(located: _Located, reader: _Reader, ids: UniqueIds) -> Event | None:
    """An event from another calendar: dates from DTSTART/DTEND/DURATION, text from the standard properties."""
    component, block = located.component, located.block
    try:
        date, tz = _date(component)
    except (ValueError, DateError, OverflowError, AttributeError) as error:
        reader.problem(f"its dates cannot be used: {error}", block, "DTSTART")
        return None
    title = _text(component, "SUMMARY")
    wanted = slugify(title or str(component.get("UID", ""))) or "event"
    if located.occurrence is not None:
        wanted = f"{wanted}-{_occurrence_suffix(located.occurrence)}"
    url = _text(component, "URL")
    return Event(
        id=ids.claim(wanted),
        title=title or "Untitled event",
        date=date,
        description=_text(component, "DESCRIPTION"),
        location=_text(component, "LOCATION"),
        tz=tz,
        tags=_categories(component),
        sources=(Source(url=url),) if url and _URL.match(url) else (),
    )


def _check(located: Iterable[tuple[Any, Any, Block | None]], reader: _Reader) -> None:
    """Every property icalendar could not read, and every event without exactly one start."""
    for _, component, block in located:
        for prop, message in component.errors:
            reader.problem(f"{prop or 'a line'}: {message}", block, prop)
        name = _text(component, "SUMMARY") or str(component.get("UID", ""))
        for prop in ("DTSTART", "DTEND", "DURATION"):
            if isinstance(component.get(prop), list):
                reader.problem(f"event {name!r} has more than one {prop}", block, prop)
        if "DTSTART" not in component:
            reader.problem(f"event {name!r} has no DTSTART, so it has no date", block)


def _header(calendars: list[Any], source_name: str, options: ImportOptions) -> dict[str, Any]:
    first = calendars[0]
    stem = PurePath(source_name).stem.replace("-", " ").replace("_", " ").strip().capitalize()
    title = options.title or _text(first, "X-WR-CALNAME") or _text(first, "NAME") or stem or "Calendar"
    as_of_text = _text(first, X_AS_OF)
    try:
        as_of = dt.date.fromisoformat(as_of_text) if as_of_text else None
    except ValueError:
        as_of = None
    description = _text(first, "X-WR-CALDESC") or _text(first, "DESCRIPTION")
    return {"title": title, "description": description, "as_of": as_of}


def import_ics(data: bytes, source_name: str, options: ImportOptions) -> Timeline:
    """The events of an iCalendar file; raises `InvalidInput` naming the line of anything it cannot read."""
    if (options.date_from is None) != (options.date_to is None):
        raise InvalidInput([Problem("give both --from and --to to expand recurring events", source_name)])
    if options.date_from and options.date_to and options.date_to < options.date_from:
        raise InvalidInput([Problem("--to is before --from", source_name)])
    reader = _Reader(source_name, scan(decode(data, source_name), source_name))
    calendars = _parse(reader)
    located = _events(calendars, reader)
    _check(located, reader)
    if reader.problems:
        raise InvalidInput(reader.problems)
    try:
        calendars = [_standard(calendar, reader) for calendar in calendars]
    except _PARSE_ERRORS as error:
        raise InvalidInput([Problem(f"its X-WR-TIMEZONE cannot be applied: {error}", source_name)]) from None
    located = _events(calendars, reader)
    if not located:
        kinds = sorted({c.name for calendar in calendars for c in calendar.subcomponents} - {"VTIMEZONE"})
        held = f"; it holds only {', '.join(kinds)}" if kinds else ""
        raise InvalidInput([Problem(f"has no events (VEVENT) to import{held}", source_name)])
    ids = UniqueIds()
    events: list[Event] = []
    for item in _expand(calendars, located, options, reader):
        convert = _ours if X_DATE in item.component else _theirs
        event = convert(item, reader, ids)
        if event is not None:
            events.append(event)
    if reader.problems:
        raise InvalidInput(reader.problems)
    if not events:
        window = f" between {options.date_from} and {options.date_to}" if options.date_from else ""
        raise InvalidInput([Problem(f"its recurring events have no occurrences{window}", source_name)])
    return Timeline(events=events, **_header(calendars, source_name, options))
