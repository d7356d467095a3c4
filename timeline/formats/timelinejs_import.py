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

import datetime as dt
import html
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any, Final, TypeAlias

import attrs

from timeline.dates import DateError, EventDate, FuzzyDate, Interval, Precision, bound_key, parse_date, parse_single
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
from timeline.ids import ID_PATTERN, UniqueIds, slugify
from timeline.importing import ImportOptions
from timeline.load import load_documents
from timeline.problems import InvalidInput, Problem
from timeline.readers import DataPath, RawDocument, decode_text, read_json
from timeline.records import Source, Timeline

__all__ = ["Converter", "Problems", "Slide", "Where", "build_timeline", "header_from", "html_text", "import_json"]

Where: TypeAlias = Callable[[str], "tuple[int, int] | None"]

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
        self.in_link = False
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
            self.in_link = bool(href)
            if href:
                self.links.append((href, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.in_link = False
        if tag in ("script", "style", "iframe"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self._break(True)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.paragraphs[-1][-1] += data
        if self.in_link:
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
class Slide:
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


class Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[Problem] = []

    def add(self, message: str, where: tuple[int, int] | None, field: str | None = None) -> None:
        line, column = where if where else (None, None)
        self.found.append(Problem(message, file=self.file, line=line, column=column, field=field))


def _clean_integer(value: str) -> str:
    # As TimelineJS does: "1,953" and " 7 " are numbers.
    return re.sub(r"[\s,]+", "", value)


def _fuzzy(slide: Slide, side: str, problems: Problems) -> FuzzyDate | None:
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


def _slide_date(slide: Slide, carried: dict[str, Any], as_of: Any, problems: Problems) -> str | None:
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


def _sources_from(text_links: list[tuple[str, str]], slide: Slide) -> list[dict[str, str]]:
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


class Converter:
    """Turns slides into the data of an event file, and remembers where each event's fields came from."""

    def __init__(self, file: str, as_of: Any, locale: str) -> None:
        self.problems = Problems(file)
        self.as_of = as_of
        self.locale = locale
        self.events: list[dict[str, Any]] = []
        self.wheres: list[Where] = []
        self.ids = UniqueIds()

    def _id(self, slide: Slide, title: str) -> str:
        wanted = slide.unique_id.strip()
        base = wanted if ID_PATTERN.match(wanted) else (slugify(title) or f"event-{len(self.events) + 1}")
        return self.ids.claim(base)

    def add(self, slide: Slide) -> None:
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


def build_timeline(
    converter: Converter, header: dict[str, Any], title_where: Where | None, file: str, options: ImportOptions
) -> Timeline:
    """Validate the converted data as an event file and return its timeline."""
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


def header_from(title_slide: Slide | None, carried: dict[str, Any]) -> dict[str, Any]:
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


def _json_slide(document: RawDocument, item: Any, path: DataPath, kind: str) -> Slide:
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
    start_date = item.get("start_date") if isinstance(item.get("start_date"), dict) else {}
    assert isinstance(start_date, dict)
    text = item.get("text") if isinstance(item.get("text"), dict) else {}
    media = item.get("media") if isinstance(item.get("media"), dict) else {}
    assert isinstance(text, dict)
    assert isinstance(media, dict)
    return Slide(
        where=where,
        kind=kind,
        unique_id=_text_value(item.get("unique_id")),
        start=_json_parts(item.get("start_date")),
        end=_json_parts(item.get("end_date")),
        display_date=_text_value(item.get("display_date")) or _text_value(start_date.get("display_date")),
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
    converter = Converter(source_name, ongoing_until, str(carried.get("locale") or "en"))
    for index, item in enumerate(root["events"]):
        if not isinstance(item, dict):
            converter.problems.add("each slide must be an object", document.locate(("events", index)))
            continue
        converter.add(_json_slide(document, item, ("events", index), "event"))
    eras = root.get("eras") or []
    if not isinstance(eras, list):
        converter.problems.add("'eras' must be a list of slides", document.locate(("eras",)))
        eras = []
    for index, item in enumerate(eras):
        if not isinstance(item, dict):
            converter.problems.add("each era must be an object", document.locate(("eras", index)))
            continue
        converter.add(_json_slide(document, item, ("eras", index), "era"))
    title = _json_slide(document, root["title"], ("title",), "title") if isinstance(root.get("title"), dict) else None
    return build_timeline(converter, header_from(title, carried), title.where if title else None, source_name, options)


def _as_of(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
