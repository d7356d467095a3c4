"""Import TimelineJS3 JSON files and CSVs of TimelineJS's Google Sheets template.

Both become the plain data of an event file, which `structure.py` validates as it
would a YAML file, with every problem located in the source (`file.json:12:7`,
`sheet.csv:ROW:COL`). Partial dates keep their precision: a slide with only a year
is year-precise, not 1 January. A display date we can read (`c. 1850`, `late 1970s`)
that agrees with the parts refines them. A file exported by `timeline` carries its
records under `x_timeline`; a carried field is used while the visible field it
mirrors is unchanged, so such a file imports back to equal records.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any, Final, TypeAlias

import attrs

from timeline.dates import DateError, EventDate, FuzzyDate, Interval, Precision, bound_key, parse_date, parse_single
from timeline.formats.spreadsheet import read_table
from timeline.formats.timelinejs import (
    CARRIED_KEY,
    DATE_PARTS,
    Parts,
    date_parts,
    event_html,
    group_text,
    headline_html,
    paragraphs_html,
)
from timeline.importing import ImportOptions
from timeline.problems import InvalidInput, Problem, suggest
from timeline.readers import DataPath, RawDocument, decode_text, read_json
from timeline.records import Source, Timeline

__all__ = ["html_text", "import_json", "import_sheet"]

Where: TypeAlias = Callable[[str], "tuple[int, int] | None"]

_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_INTEGER: Final = re.compile(r"^-?[0-9]+$")
_PART_RANGES: Final = {
    "month": (1, 12),
    "day": (1, 31),
    "hour": (0, 23),
    "minute": (0, 59),
    "second": (0, 59),
    "millisecond": (0, 999),
}


# --- HTML to text ------------------------------------------------------------------

_BLOCKS: Final = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "table", "tr", "pre"}
    | {"section", "article", "header", "footer", "figure"}
)
_LINES: Final = frozenset({"br", "li", "dt", "dd"})


class _TextParser(HTMLParser):
    """Text as a browser lays it out: blocks are paragraphs, `<br>` and list items are lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[""]]
        self.links: list[tuple[str, list[str]]] = []
        self.skip = 0

    def _break(self, paragraph: bool) -> None:
        lines = self.paragraphs[-1]
        if paragraph:
            if lines != [""]:
                self.paragraphs.append([""])
        elif lines[-1].strip():
            lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "iframe"):
            self.skip += 1
        elif tag in _BLOCKS:
            self._break(True)
        elif tag in _LINES:
            self._break(False)
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append((href, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "iframe"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self._break(True)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.paragraphs[-1][-1] += data
        if self.links:
            self.links[-1][1].append(data)

    def result(self) -> str:
        blocks = []
        for lines in self.paragraphs:
            kept = [" ".join(line.split()) for line in lines]
            text = "\n".join(line for line in kept if line)
            if text:
                blocks.append(text)
        return "\n\n".join(blocks)


def html_text(markup: str) -> tuple[str, list[tuple[str, str]]]:
    """The text a reader sees in TimelineJS HTML, and its links as (href, link text)."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    links = [(href, " ".join("".join(parts).split())) for href, parts in parser.links]
    return parser.result(), links


def _plain(markup: str) -> str:
    return " ".join(html_text(markup)[0].split())


# --- slides: what both inputs say, before it becomes an event ----------------------


@attrs.frozen
class _Slide:
    """One TimelineJS slide (event, era or title) as text values, with where each field stands."""

    where: Where
    kind: str = "event"
    unique_id: str = ""
    start: dict[str, str] | None = None
    end: dict[str, str] | None = None
    display_date: str = ""
    headline: str = ""
    text: str = ""
    group: str = ""
    media_url: str = ""
    media_caption: str = ""
    media_credit: str = ""
    carried: dict[str, Any] | None = None


class _Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[Problem] = []

    def add(self, message: str, where: tuple[int, int] | None, field: str | None = None) -> None:
        line, column = where if where else (None, None)
        self.found.append(Problem(message, file=self.file, line=line, column=column, field=field))


def _clean_integer(value: str) -> str:
    # As TimelineJS does: "1,953" and " 7 " are numbers.
    return re.sub(r"[\s,]+", "", value)


def _fuzzy(slide: _Slide, side: str, problems: _Problems) -> FuzzyDate | None:
    """The date a set of parts means, as precise as the parts given; None (with a problem) if it is not one."""
    raw = slide.start if side == "start" else slide.end
    assert raw is not None
    values: dict[str, int] = {}
    for key in DATE_PARTS:
        text = _clean_integer(raw.get(key, ""))
        if not text:
            continue
        if not _INTEGER.match(text):
            problems.add(f"{side} {key} must be a whole number (got {raw[key]!r})", slide.where(f"{side}.{key}"), key)
            return None
        values[key] = int(text)
    label = f"{side} date"
    if "year" not in values:
        problems.add(f"the {label} has no year; TimelineJS needs one", slide.where(f"{side}.year"), "year")
        return None
    for key, (low, high) in _PART_RANGES.items():
        value = values.get(key)
        if value is not None and not low <= value <= high:
            problems.add(
                f"{key} {value} does not exist ({low}-{high}); TimelineJS would silently move the date instead",
                slide.where(f"{side}.{key}"),
                key,
            )
            return None
    for finer, coarser in (("day", "month"), ("hour", "day"), ("minute", "hour"), ("second", "minute")):
        if finer in values and coarser not in values:
            problems.add(f"the {label} has a {finer} but no {coarser}", slide.where(f"{side}.{finer}"), finer)
            return None
    year = values["year"]
    if not 1 <= year <= 9999:
        problems.add(
            f"year {year} is outside the years timeline handles (1 to 9999)", slide.where(f"{side}.year"), "year"
        )
        return None
    if "millisecond" in values or "second" in values:
        precision = Precision.SECOND
    elif "hour" in values:
        precision = Precision.MINUTE
    elif "day" in values:
        precision = Precision.DAY
    elif "month" in values:
        precision = Precision.MONTH
    else:
        precision = Precision.YEAR
    timed = precision.is_timed
    try:
        return FuzzyDate(
            precision,
            year,
            month=values.get("month"),
            day=values.get("day"),
            hour=values.get("hour") if timed else None,
            minute=values.get("minute", 0) if timed else None,
            second=values.get("second", 0) if precision is Precision.SECOND else None,
            microsecond=values.get("millisecond", 0) * 1000,
        )
    except DateError as error:
        problems.add(str(error), slide.where(f"{side}.day"), "day")
        return None


def _given_parts(raw: dict[str, str] | None) -> Parts | None:
    if raw is None:
        return None
    parts: Parts = {}
    for key in DATE_PARTS:
        text = _clean_integer(raw.get(key, ""))
        if text:
            if not _INTEGER.match(text):
                return None
            parts[key] = int(text)
    return parts


def _within(date: EventDate, start: FuzzyDate, end: FuzzyDate | None) -> bool:
    """Whether `date` lies within what the parts say: it begins in the start's unit and ends in the end's."""
    first = start if end is None else end
    earliest, latest = date.earliest, date.latest
    if earliest is None or latest is None:
        return False
    return bound_key(start.earliest) <= bound_key(earliest) <= bound_key(start.latest, latest=True) and bound_key(
        first.earliest
    ) <= bound_key(latest, latest=True) <= bound_key(first.latest, latest=True)


def _refined(display_date: str, start: FuzzyDate, end: FuzzyDate | None) -> EventDate | None:
    """The display date as a date, when we can read it and it agrees with the parts."""
    text = re.sub(r"\s*[–—]\s*", "/", _plain(display_date))
    since = re.match(r"(?i)since\s+", text)
    if since:  # our own "since October 2024": ongoing, whatever day the export ended it at
        text, end = text[since.end() :] + "/..", None
    if not text:
        return None
    try:
        date = parse_date(text)
    except DateError:
        return None
    if since:
        return date if isinstance(date, Interval) and _within(date.first, start, None) else None
    return date if _within(date, start, end) else None


def _slide_date(slide: _Slide, carried: dict[str, Any], as_of: Any, problems: _Problems) -> str | None:
    """The canonical text of a slide's date: the carried one while the parts still match it."""
    if carried.get("date") is not None:
        try:
            date = parse_date(str(carried["date"]), tz=carried.get("tz"))
        except DateError:
            date = None
        if date is not None:
            expected = date_parts(date, as_of)
            if not isinstance(expected, str) and expected == (_given_parts(slide.start), _given_parts(slide.end)):
                return date.canonical()
    if slide.start is None:
        problems.add("has no start date; TimelineJS does not show such a slide either", slide.where("start"))
        return None
    start = _fuzzy(slide, "start", problems)
    end = _fuzzy(slide, "end", problems) if slide.end is not None else None
    if start is None or (slide.end is not None and end is None):
        return None
    if slide.display_date:
        refined = _refined(slide.display_date, start, end)
        if refined is not None:
            return refined.canonical()
    if end is None or end == start:
        return start.canonical()
    return Interval(start, end).canonical()


# --- slides to event data --------------------------------------------------------------


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


def _sources_from(text_links: list[tuple[str, str]], slide: _Slide) -> list[dict[str, str]]:
    sources: list[dict[str, str]] = []
    seen: set[str] = set()
    for href, label in text_links:
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", href) or href in seen:
            continue
        seen.add(href)
        source = {"url": href}
        if label and label not in (href, re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*:(//)?", "", href)):
            source["title"] = label
        sources.append(source)
    media = slide.media_url.strip()
    if re.match(r"^https?://\S+$", media) and media not in seen:
        # The slide's photo or embed: where it comes from is worth keeping, with its caption and credit.
        source = {"url": media}
        if _plain(slide.media_caption):
            source["title"] = _plain(slide.media_caption)
        if _plain(slide.media_credit):
            source["publisher"] = _plain(slide.media_credit)
        sources.append(source)
    return sources


def _carried_sources(records: Any) -> tuple[Source, ...] | None:
    if not isinstance(records, list):
        return None
    sources = []
    try:
        for record in records:
            published = record.get("published")
            sources.append(
                Source(
                    url=record.get("url"),
                    title=record.get("title"),
                    publisher=record.get("publisher"),
                    published=parse_single(published) if published else None,
                )
            )
    except (AttributeError, DateError):
        return None
    return tuple(sources)


class _Converter:
    """Turns slides into the data of an event file, and remembers where each event's fields came from."""

    def __init__(self, file: str, as_of: Any, locale: str) -> None:
        self.problems = _Problems(file)
        self.as_of = as_of
        self.locale = locale
        self.events: list[dict[str, Any]] = []
        self.wheres: list[Where] = []
        self.ids: set[str] = set()

    def _id(self, slide: _Slide, title: str) -> str:
        wanted = slide.unique_id.strip()
        base = wanted if _ID.match(wanted) else (_slug(title) or f"event-{len(self.events) + 1}")
        candidate, number = base, 1
        while candidate in self.ids:
            number += 1
            candidate = f"{base}-{number}"
        self.ids.add(candidate)
        return candidate

    def add(self, slide: _Slide) -> None:
        carried = slide.carried if isinstance(slide.carried, dict) else {}
        date = _slide_date(slide, carried, self.as_of, self.problems)
        text, links = html_text(slide.text)
        title = _headline_text(slide.headline) or _plain(slide.media_caption) or _first_line(text)
        event: dict[str, Any] = {"title": title or f"Untitled event {len(self.events) + 1}"}
        carried_sources = _carried_sources(carried.get("sources", []))
        description, location = carried.get("description"), carried.get("location")
        if (
            carried
            and carried_sources is not None
            and isinstance(description, str | None)
            and isinstance(location, str | None)
            and event_html(description, location, carried_sources, self.locale) == slide.text
        ):
            event.update(description=description, location=location, sources=carried.get("sources"))
        else:
            event.update(description=text or None, sources=_sources_from(links, slide) or None)
        tags = carried.get("tags")
        if not (
            isinstance(tags, list)
            and all(isinstance(t, str) for t in tags)
            and group_text(tuple(tags)) == (slide.group or None)
        ):
            group = _plain(_plain(slide.group)) if slide.group else ""
            tags = [group] if group else None
            if slide.kind == "era":
                tags = [*(tags or []), "era"]
        event.update(tags=tags, tz=carried.get("tz"), importance=carried.get("importance"), date=date)
        event = {"id": self._id(slide, str(event["title"])), **{k: v for k, v in event.items() if v is not None}}
        self.events.append(event)
        self.wheres.append(slide.where)


def _headline_text(headline: str) -> str:
    """The text of a headline: exactly what was escaped when it holds no markup (ours never does)."""
    text = html.unescape(headline)
    return text if headline_html(text) == headline else _plain(headline)


def _first_line(text: str) -> str:
    line = text.split("\n", 1)[0].strip()
    return line if len(line) <= 100 else line[:99].rstrip() + "…"


#: Which slide field an event field comes from, for locating structure.py's messages.
_FIELD_SOURCE: Final = {
    "id": "unique_id",
    "title": "headline",
    "date": "start",
    "description": "text",
    "location": "text",
    "sources": "text",
    "tags": "group",
    "tz": "carried",
    "importance": "carried",
}


def _timeline(
    converter: _Converter, header: dict[str, Any], title_where: Where | None, file: str, options: ImportOptions
) -> Timeline:
    """Validate the converted data as an event file and return its timeline."""
    from timeline.load import load_documents

    if converter.problems.found:
        raise InvalidInput(converter.problems.found)
    wheres = converter.wheres

    def locate(path: DataPath, key: bool) -> tuple[int, int] | None:
        if path[:1] == ("events",) and len(path) >= 2 and isinstance(path[1], int) and path[1] < len(wheres):
            field = str(path[2]) if len(path) > 2 else "start"
            return wheres[path[1]](_FIELD_SOURCE.get(field, "start"))
        if path[:1] == ("timeline",) and title_where is not None:
            return title_where("headline" if path[-1] == "title" else "text")
        return None

    data = {"timeline": {key: value for key, value in header.items() if value}, "events": converter.events}
    timeline = load_documents([RawDocument(file, data, locate)], default_title=_default_title(file)).timeline
    return timeline.replace(title=options.title) if options.title else timeline


def _default_title(file: str) -> str:
    from pathlib import PurePath

    return PurePath(file).stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Timeline"


def _header(title_slide: _Slide | None, carried: dict[str, Any]) -> dict[str, Any]:
    """The timeline's title, description and as_of: carried values while the title slide still shows them."""
    header: dict[str, Any] = {"as_of": carried.get("as_of")}
    if title_slide is None:
        return header
    description = carried.get("description")
    header["title"] = _headline_text(title_slide.headline)
    if isinstance(description, str) and paragraphs_html(description) == title_slide.text:
        header["description"] = description
    else:
        header["description"] = html_text(title_slide.text)[0] or None
    return header


# --- JSON ------------------------------------------------------------------------------


def _text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value if isinstance(value, str) else ""


def _json_parts(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    return {key: _text_value(value.get(key)) for key in DATE_PARTS if key in value}


def _json_slide(document: RawDocument, item: Any, path: DataPath, kind: str) -> _Slide:
    paths = {
        "unique_id": ("unique_id",),
        "start": ("start_date",),
        "end": ("end_date",),
        "display_date": ("display_date",),
        "headline": ("text", "headline"),
        "text": ("text", "text"),
        "group": ("group",),
        "media": ("media", "url"),
        "carried": (CARRIED_KEY,),
    }

    def where(field: str) -> tuple[int, int] | None:
        side, _, part = field.partition(".")
        steps = (f"{side}_date", part) if part else paths.get(field, ())
        return document.locate((*path, *steps))

    item = item if isinstance(item, dict) else {}
    text = item.get("text") if isinstance(item.get("text"), dict) else {}
    media = item.get("media") if isinstance(item.get("media"), dict) else {}
    assert isinstance(text, dict)
    assert isinstance(media, dict)
    return _Slide(
        where=where,
        kind=kind,
        unique_id=_text_value(item.get("unique_id")),
        start=_json_parts(item.get("start_date")),
        end=_json_parts(item.get("end_date")),
        display_date=_text_value(item.get("display_date")),
        headline=_text_value(text.get("headline")),
        text=_text_value(text.get("text")),
        group=_text_value(item.get("group")),
        media_url=_text_value(media.get("url")),
        media_caption=_text_value(media.get("caption")),
        media_credit=_text_value(media.get("credit")),
        carried=item.get(CARRIED_KEY) if isinstance(item.get(CARRIED_KEY), dict) else None,
    )


def import_json(data: bytes, source_name: str, options: ImportOptions) -> Timeline:
    """A TimelineJS3 JSON file (events, eras and a title slide) as a timeline."""
    document = read_json(decode_text(data, source_name), source_name)
    root = document.data
    if not isinstance(root, dict) or not isinstance(root.get("events"), list):
        raise InvalidInput(
            [document.problem("is not a TimelineJS file: it needs an 'events' list of slides with start_date", ())]
        )
    carried = root.get(CARRIED_KEY) if isinstance(root.get(CARRIED_KEY), dict) else {}
    assert isinstance(carried, dict)
    ongoing_until = _as_of(carried.get("ongoing_until")) or _as_of(carried.get("as_of"))
    converter = _Converter(source_name, ongoing_until, str(carried.get("locale") or "en"))
    for index, item in enumerate(root["events"]):
        if not isinstance(item, dict):
            converter.problems.add("each slide must be an object", document.locate(("events", index)))
            continue
        converter.add(_json_slide(document, item, ("events", index), "event"))
    for index, item in enumerate(root.get("eras") or []):
        converter.add(_json_slide(document, item, ("eras", index), "era"))
    title = _json_slide(document, root["title"], ("title",), "title") if isinstance(root.get("title"), dict) else None
    return _timeline(converter, _header(title, carried), title.where if title else None, source_name, options)


def _as_of(value: Any) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# --- the Google Sheets template, as CSV --------------------------------------------------

#: The template's columns (and the older ones TimelineJS still reads), by their normalised names.
SHEET_COLUMNS: Final = (
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Alt Text",
    "Type",
    "Group",
    "Tag",
    "Background",
    "Start Date",
    "End Date",
)
_SHEET_BY_NAME: Final = {name.lower(): name for name in SHEET_COLUMNS}
#: Where each slide field is, for messages.
_PART_COLUMNS: Final = {
    "year": "Year",
    "month": "Month",
    "day": "Day",
    "hour": "Time",
    "minute": "Time",
    "second": "Time",
    "millisecond": "Time",
}
_SHEET_FIELDS: Final = {
    "start": "Year",
    "end": "End Year",
    "display_date": "Display Date",
    "headline": "Headline",
    "text": "Text",
    "group": "Group",
    "media": "Media",
    "unique_id": "Headline",
    "carried": "Headline",
}
_PERIOD: Final = re.compile(r"\s*([AaPp])\.?[Mm]\.?\s*$")


def _time_parts(text: str) -> dict[str, str] | str:
    """Hour, minute, second and millisecond of a Time cell, read as TimelineJS reads it, or what is wrong."""
    wrong = f"is not a time such as 14:30, 2:30 PM or 14:30:05.250 (got {text!r})"
    period = _PERIOD.search(text)
    clock = text[: period.start()].strip() if period else text.strip()
    if re.fullmatch(r"[0-9]{3,4}", clock):
        pieces = [clock[:-2], clock[-2:]]
    else:
        pieces = clock.split(":") if ":" in clock else clock.split(".")
    if not 1 <= len(pieces) <= 3 or not all(re.fullmatch(r"[0-9]{1,2}", piece) for piece in pieces[:2]):
        return wrong
    hour = int(pieces[0])
    if period and period[1].lower() == "p" and hour != 12:
        hour += 12
    elif period and period[1].lower() == "a" and hour == 12:
        hour = 0
    parts = {"hour": str(hour), "minute": pieces[1] if len(pieces) > 1 else "0"}
    if len(pieces) == 3:
        match = re.fullmatch(r"([0-9]{1,2})(?:[.,]([0-9]{1,3}))?", pieces[2])
        if not match:
            return wrong
        parts["second"] = match[1]
        if match[2]:
            parts["millisecond"] = str(int(match[2].ljust(3, "0")))
    return parts


def _iso_parts(text: str) -> dict[str, str] | None:
    """A v1 template's Start/End Date: YYYY, YYYY-MM, YYYY-MM-DD or M/D/YYYY."""
    text = text.strip()
    if m := re.fullmatch(r"(-?[0-9]+)(?:-([0-9]{1,2}))?(?:-([0-9]{1,2}))?", text):
        return {k: v for k, v in zip(("year", "month", "day"), m.groups(), strict=True) if v}
    if m := re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/(-?[0-9]+)", text):
        return {"month": m[1], "day": m[2], "year": m[3]}
    return None


def import_sheet(data: bytes, source_name: str, options: ImportOptions) -> Timeline:
    """Rows of TimelineJS's Google Sheets template (saved as CSV) as a timeline."""
    table = read_table(decode_text(data, source_name), source_name)
    problems = _Problems(source_name)
    columns: dict[str, int] = {}
    for position, raw in enumerate(table.header):
        name = " ".join(raw.split()).lower()
        if not name:
            continue
        known = _SHEET_BY_NAME.get(name)
        if known is None:
            problems.add(
                f"unknown column {raw.strip()!r}; TimelineJS's template has {', '.join(SHEET_COLUMNS[:18])}"
                f"{suggest(name, _SHEET_BY_NAME)}".replace("did you mean 'headline'", "did you mean 'Headline'"),
                (1, position + 1),
            )
        elif known in columns:
            problems.add(f"column {known!r} appears twice", (1, position + 1))
        else:
            columns[known] = position
    if "Year" not in columns and "Start Date" not in columns:
        problems.add(
            "the header has no 'Year' column; is this TimelineJS's template? (first row: Year, Month, ...)", (1, 1)
        )
    if problems.found:
        raise InvalidInput(problems.found)
    converter = _Converter(source_name, None, "en")
    title: _Slide | None = None
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        slide = _sheet_slide(row, number, columns, converter.problems)
        if slide is None:
            continue
        if slide.kind == "title" and title is None:
            title = slide
        else:
            converter.add(slide)
    return _timeline(converter, _header(title, {}), title.where if title else None, source_name, options)


def _sheet_slide(row: list[str], number: int, columns: dict[str, int], problems: _Problems) -> _Slide | None:
    def cell(name: str) -> str:
        position = columns.get(name)
        return row[position].strip() if position is not None and position < len(row) else ""

    def where(field: str) -> tuple[int, int] | None:
        side, _, part = field.partition(".")
        if part:
            name = _PART_COLUMNS[part] if side == "start" else "End " + _PART_COLUMNS[part]
            if name not in columns:
                name = "Start Date" if side == "start" else "End Date"
        else:
            name = field if field in columns else _SHEET_FIELDS.get(field, "Year")
        position = columns.get(name)
        return number, (position + 1 if position is not None else 1)

    kind = cell("Type").lower() or "event"
    start: dict[str, str] | None = None
    end: dict[str, str] | None = None
    if "Start Date" in columns and cell("Start Date"):
        start = _iso_parts(cell("Start Date"))
        if start is None:
            problems.add(f"is not a date such as 1953-07-27 (got {cell('Start Date')!r})", where("Start Date"))
            return None
    elif cell("Year"):
        start = {"year": cell("Year"), "month": cell("Month"), "day": cell("Day")}
    if "End Date" in columns and cell("End Date"):
        end = _iso_parts(cell("End Date"))
        if end is None:
            problems.add(f"is not a date such as 1953-07-27 (got {cell('End Date')!r})", where("End Date"))
            return None
    elif cell("End Year"):
        end = {"year": cell("End Year"), "month": cell("End Month"), "day": cell("End Day")}
    for name, parts in (("Time", start), ("End Time", end)):
        if not cell(name):
            continue
        if parts is None:
            problems.add(f"has a time but no {'start' if name == 'Time' else 'end'} year", where(name))
            return None
        time = _time_parts(cell(name))
        if isinstance(time, str):
            problems.add(time, where(name))
            return None
        parts.update(time)
    if kind == "title":
        start = None
    return _Slide(
        where=where,
        kind=kind if kind in ("title", "era") else "event",
        start=start,
        end=end,
        display_date=cell("Display Date"),
        headline=cell("Headline"),
        text=cell("Text"),
        group=cell("Group") or cell("Tag"),
        media_url=cell("Media"),
        media_caption=cell("Media Caption"),
        media_credit=cell("Media Credit"),
    )
