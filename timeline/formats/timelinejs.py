"""TimelineJS3 (Knight Lab) JSON: the `timelinejs` export format, and the entry points of its importers.

A TimelineJS date is a set of parts (year, month, day, hour, minute, second,
millisecond); the parts given are its precision. A date of ours maps to the parts of
its precision; one TimelineJS cannot say with parts alone (a decade, early/mid/late,
a season) becomes its inclusive bounds as `start_date`/`end_date`, and every event
carries our display text ("late 1970s", "c. 2019", "since October 2024") as
`display_date`, which TimelineJS shows instead of its own.

Headline and text are HTML in TimelineJS, so our text is escaped; sources become
links under the description. Each event also carries its record under `x_timeline`, a
key TimelineJS ignores, so `timeline import` restores exactly what was exported, as
long as the visible fields it mirrors were not edited (an edited field wins).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any, Final

from timeline.dates import Bound, EventDate, FuzzyDate, Instant, Precision
from timeline.display import display
from timeline.formats import Exported, ExportOptions, Skipped
from timeline.formats.markdown_text import is_safe_url
from timeline.importing import ImportOptions
from timeline.records import Event, Source, Timeline

__all__ = [
    "CARRIED_KEY",
    "DATE_PARTS",
    "carried_record",
    "date_parts",
    "event_html",
    "export_timelinejs",
    "group_text",
    "headline_html",
    "import_timelinejs",
    "import_timelinejs_sheet",
    "paragraphs_html",
]

#: The key under which each event (and the file) carries our own record; TimelineJS ignores unknown keys.
CARRIED_KEY: Final = "x_timeline"
#: TimelineJS's date parts, coarsest first.
DATE_PARTS: Final = ("year", "month", "day", "hour", "minute", "second", "millisecond")

Parts = dict[str, int]


def _parts(instant: Instant, precision: Precision) -> Parts:
    """The parts of an instant down to `precision` (a date at DAY, a datetime's wall clock below)."""
    parts: Parts = {"year": instant.year}
    if precision >= Precision.SEASON:
        parts["month"] = instant.month
    if precision >= Precision.DAY:
        parts["day"] = instant.day
    if isinstance(instant, dt.datetime) and precision.is_timed:
        parts["hour"] = instant.hour
        parts["minute"] = instant.minute
        if precision is Precision.SECOND:
            parts["second"] = instant.second
            if instant.microsecond:
                parts["millisecond"] = instant.microsecond // 1000
    return parts


def _span(date: FuzzyDate) -> tuple[Parts, Parts | None]:
    """The parts of a date, or of its first and last unit when parts alone would overstate it."""
    precision = date.precision
    if precision in (Precision.CENTURY, Precision.DECADE):
        return {"year": date.earliest.year}, {"year": date.latest.year}
    if precision is Precision.SEASON or (date.part is not None and precision in (Precision.YEAR, Precision.MONTH)):
        unit = Precision.MONTH if precision in (Precision.YEAR, Precision.SEASON) else Precision.DAY
        return _parts(date.earliest, unit), _parts(date.latest, unit)
    if precision.is_timed:
        # The wall clock as written: TimelineJS has no zones and places every date in the reader's own.
        assert date.month is not None
        assert date.day is not None
        wall = dt.datetime(date.year, date.month, date.day, date.hour or 0, date.minute or 0, date.second or 0)
        return _parts(wall.replace(microsecond=date.microsecond), precision), None
    return _parts(date.earliest, precision), None


def _day(instant: Instant) -> dt.date:
    return instant.date() if isinstance(instant, dt.datetime) else instant


def date_parts(date: EventDate, as_of: dt.date | None) -> tuple[Parts, Parts | None] | str:
    """`start_date` and `end_date` parts for a date, or why TimelineJS cannot show it.

    An ongoing interval ends at `as_of` (without one, it is shown from its start only).
    """
    if isinstance(date, FuzzyDate):
        start, end = _span(date)
    elif not isinstance(date.start, FuzzyDate):
        return "it has no start date, and TimelineJS drops an event without one"
    else:
        start, start_last = _span(date.start)
        if isinstance(date.end, FuzzyDate):
            end_first, end_last = _span(date.end)
            end = end_last or end_first
        elif date.end is Bound.OPEN and as_of is not None and as_of >= _day(date.start.earliest):
            end = {"year": as_of.year, "month": as_of.month, "day": as_of.day}
        else:
            end = start_last
    return _distinct(start, end)


def _distinct(start: Parts, end: Parts | None) -> tuple[Parts, Parts | None]:
    """TimelineJS drops an end whose parts all match the start's given parts (1977 to 1977-12 would lose
    its end), so the start gains its next part at its first value, which places it at the same instant."""
    while end is not None and all(end.get(key) == value for key, value in start.items()):
        missing = [key for key in DATE_PARTS if key in end and key not in start]
        if not missing:
            return start, None
        start = {**start, missing[0]: 0 if DATE_PARTS.index(missing[0]) >= 3 else 1}
        start = {key: start[key] for key in DATE_PARTS if key in start}
    return start, end


# --- HTML ----------------------------------------------------------------------


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def headline_html(title: str) -> str:
    """A title as TimelineJS headline HTML."""
    return _escape(title)


def group_text(tags: tuple[str, ...]) -> str | None:
    """The group for an event's tags: its first tag.

    TimelineJS reads `group` as HTML twice (it strips markup, then sets the result as
    HTML), so the tag is escaped twice to show as written.
    """
    return _escape(_escape(tags[0])) if tags else None


def paragraphs_html(text: str) -> str:
    """Plain text as HTML paragraphs: a blank line starts a paragraph, a line break is `<br>`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [block.strip() for block in re.split(r"\n[ \t]*\n", text)]
    return "".join(f"<p>{_escape(block).replace(chr(10), '<br>')}</p>" for block in blocks if block)


def _link_text(url: str) -> str:
    # Without its scheme, so TimelineJS's autolinking does not wrap a second link inside ours.
    return re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*:(//)?", "", url) or url


def _source_html(source: Source, locale: str) -> str:
    label = source.title or source.publisher or _link_text(source.url or "")
    head = _escape(label)
    if source.url and is_safe_url(source.url):  # a javascript: or data: source is shown, never linked
        head = f'<a href="{html.escape(source.url, quote=True)}">{head}</a>'
    elif source.url and not (source.title or source.publisher):
        head = _escape(source.url)
    details = [head]
    if source.publisher and source.title:
        details.append(_escape(source.publisher))
    if source.published:
        details.append(_escape(display(source.published, locale)))
    return "<li>" + ", ".join(details) + "</li>"


def event_html(description: str | None, location: str | None, sources: tuple[Source, ...], locale: str) -> str:
    """TimelineJS slide text: the location in italics, the description's paragraphs, the sources as links."""
    parts = []
    if location:
        parts.append(f"<p><em>{_escape(location)}</em></p>")
    if description:
        parts.append(paragraphs_html(description))
    if sources:
        parts.append("<ul>" + "".join(_source_html(source, locale) for source in sources) + "</ul>")
    return "".join(parts)


# --- export ----------------------------------------------------------------------


def _source_record(source: Source) -> dict[str, Any]:
    fields = {
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published.canonical() if source.published else None,
    }
    return {key: value for key, value in fields.items() if value is not None}


def carried_record(event: Event) -> dict[str, Any]:
    """What an event carries under `x_timeline`: what its visible fields cannot say exactly, empty ones left out."""
    fields: dict[str, Any] = {
        "date": event.date.canonical(),
        "tz": event.tz,
        "location": event.location,
        "description": event.description,
        "tags": list(event.tags) or None,
        "sources": [_source_record(source) for source in event.sources] or None,
        "importance": event.importance,
    }
    return {key: value for key, value in fields.items() if value is not None}


def _title_id(events: tuple[Event, ...]) -> str:
    """An id for the title slide that no event has, so TimelineJS never renames an event's id."""
    ids = {event.id for event in events}
    candidate, number = "title", 1
    while candidate in ids:
        number += 1
        candidate = f"title-{number}"
    return candidate


def export_timelinejs(timeline: Timeline, options: ExportOptions) -> Exported:
    """The TimelineJS3 JSON for a timeline; an event without a start is skipped with the reason."""
    as_of = options.as_of or timeline.as_of
    # Without an as_of, ongoing events end on the day the file is made (the caller's generated_at).
    ongoing_until = as_of or (options.generated_at.date() if options.generated_at else None)
    title = options.title or timeline.title
    events: list[dict[str, Any]] = []
    skipped: list[Skipped] = []
    for event in timeline.events:
        dates = date_parts(event.date, ongoing_until)
        if isinstance(dates, str):
            skipped.append(Skipped(event.id, f"not in the TimelineJS file: {dates}"))
            continue
        start, end = dates
        slide: dict[str, Any] = {"unique_id": event.id, "start_date": start}
        if end is not None:
            slide["end_date"] = end
        slide["display_date"] = _escape(display(event.date, options.locale))
        slide["text"] = {
            "headline": headline_html(event.title),
            "text": event_html(event.description, event.location, event.sources, options.locale),
        }
        group = group_text(event.tags)
        if group is not None:
            slide["group"] = group
        slide[CARRIED_KEY] = carried_record(event)
        events.append(slide)
    document: dict[str, Any] = {}
    if title or timeline.description:
        document["title"] = {
            "unique_id": _title_id(timeline.events),
            "text": {"headline": headline_html(title), "text": paragraphs_html(timeline.description or "")},
        }
    document["events"] = events
    carried = {
        "description": timeline.description,
        "as_of": as_of.isoformat() if as_of else None,
        "ongoing_until": ongoing_until.isoformat() if ongoing_until and ongoing_until != as_of else None,
        "locale": options.locale,
    }
    document[CARRIED_KEY] = {key: value for key, value in carried.items() if value is not None}
    data = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return Exported(data.encode("utf-8"), tuple(skipped))


# --- import entry points (the work is in timelinejs_import and timelinejs_sheet) ------------


def import_timelinejs(data: bytes, source_name: str, options: ImportOptions) -> Timeline:
    """A TimelineJS3 JSON file as a timeline; partial dates keep their precision."""
    from timeline.formats.timelinejs_import import import_json

    return import_json(data, source_name, options)


def import_timelinejs_sheet(data: bytes, source_name: str, options: ImportOptions) -> Timeline:
    """A CSV of TimelineJS's Google Sheets template as a timeline; a row with only a year is year-precise."""
    from timeline.formats.timelinejs_sheet import import_sheet

    return import_sheet(data, source_name, options)
