"""Turn a file's plain data into records, collecting every problem with where it stands.

This is hand-written rather than cattrs-generated: each check needs to say, in the
reader's terms, which event and field is wrong, what was expected, and the likely
fix ("did you mean 'title'?"), and to keep going so one run lists every problem.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import reprlib
from typing import Any, Final

import attrs

from timeline.dates import Bound, DateError, EventDate, FuzzyDate, Interval, bound_key, parse_date, parse_single
from timeline.ids import ID_PATTERN
from timeline.problems import Problem, suggest
from timeline.readers import DataPath, RawDocument
from timeline.records import Event, Source

__all__ = ["Header", "StructuredFile", "structure_document"]

EVENT_FIELDS: Final = (
    "id",
    "title",
    "date",
    "start",
    "end",
    "description",
    "location",
    "tz",
    "tags",
    "sources",
    "importance",
)
#: Written by the JSON export for readers; accepted and recomputed on input.
DERIVED_FIELDS: Final = frozenset({"display", "earliest", "latest", "precision", "approximate", "uncertain"})
SOURCE_FIELDS: Final = ("url", "title", "publisher", "published")
HEADER_FIELDS: Final = ("title", "description", "as_of")
TOP_FIELDS: Final = ("timeline", "events", *HEADER_FIELDS)

_ALLOWED_SETS: Final[dict[tuple[str, ...], frozenset[str]]] = {
    fields: frozenset(fields) for fields in (EVENT_FIELDS, SOURCE_FIELDS, HEADER_FIELDS, TOP_FIELDS)
}


@attrs.frozen
class Header:
    """The `timeline:` block of one file."""

    title: str | None = None
    description: str | None = None
    as_of: dt.date | None = None


@attrs.frozen
class StructuredFile:
    document: RawDocument
    header: Header
    events: tuple[Event, ...]
    #: The path of the events list, and where each event stands in it, by position in `events`.
    events_path: DataPath
    indexes: tuple[int, ...]
    problems: tuple[Problem, ...]

    def path(self, position: int) -> DataPath:
        """Where the mapping of `events[position]` starts, for messages found after structuring."""
        return (*self.events_path, self.indexes[position])


_SHORT: Final = reprlib.Repr()  # Python 3.11's Repr takes no arguments
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother, _SHORT.maxlist, _SHORT.maxdict = 3, 60, 60, 5, 4


def _shown(value: Any) -> str:
    """`repr(value)`, cut short: a message quotes what it got, not a 200,000-item list."""
    return _SHORT.repr(value)


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


class _Structurer:
    def __init__(self, document: RawDocument) -> None:
        self.doc = document
        self.problems: list[Problem] = []

    def error(
        self, message: str, path: DataPath, *, key: bool = False, event_id: str | None = None, field: str | None = None
    ) -> None:
        self.problems.append(self.doc.problem(message, path, key=key, event_id=event_id, field=field))

    def text(
        self, value: Any, path: DataPath, event_id: str | None, field: str, *, required: bool = False
    ) -> str | None:
        if value is None:
            if required:
                self.error("is required and missing", path, event_id=event_id, field=field)
            return None
        if isinstance(value, str):
            stripped = value.strip()
            if stripped:
                return stripped
            if required:
                self.error("must not be empty", path, event_id=event_id, field=field)
            return None
        self.error(f"must be text (got {_type_name(value)}: {_shown(value)})", path, event_id=event_id, field=field)
        return None

    def field_text(
        self, raw: dict[str, Any], key: str, path: DataPath, event_id: str | None, *, required: bool = False
    ) -> str | None:
        """`raw[key]` as text; clean text (the usual case) returns without building a path for messages."""
        value = raw.get(key)
        if _is_clean(value):
            return value
        return self.text(value, (*path, key), event_id, key, required=required)

    def unknown_keys(
        self,
        mapping: dict[str, Any],
        allowed: tuple[str, ...],
        path: DataPath,
        event_id: str | None,
        what: str,
        ignored: frozenset[str] = frozenset(),
    ) -> None:
        known = _ALLOWED_SETS[allowed]
        if mapping.keys() <= known or (ignored and mapping.keys() <= known | ignored):  # the usual case, in C
            return
        for key in mapping:
            if key not in allowed and key not in ignored:
                name = str(key) if len(str(key)) <= 60 else _shown(key)
                self.error(
                    f"is not a field of {what}; known fields: {', '.join(allowed)}{suggest(name, allowed)}",
                    (*path, key),
                    key=True,
                    event_id=event_id,
                    field=name,
                )


def structure_document(document: RawDocument) -> StructuredFile:
    """The header and events of one file, and every problem found in them."""
    s = _Structurer(document)
    data = document.data
    header = Header()
    events_data: Any = None
    events_path: DataPath = ("events",)
    if isinstance(data, list):
        events_data, events_path = data, ()
    elif isinstance(data, dict):
        s.unknown_keys(data, TOP_FIELDS, (), None, "an event file")
        header_data: dict[str, Any] = {k: data[k] for k in HEADER_FIELDS if k in data}
        header_path: DataPath = ()
        block = data.get("timeline")
        if isinstance(block, dict):
            s.unknown_keys(block, HEADER_FIELDS, ("timeline",), None, "the 'timeline' block")
            header_data, header_path = {k: block[k] for k in HEADER_FIELDS if k in block}, ("timeline",)
        elif block is not None:
            s.error(
                f"must be a mapping with title, description, as_of (got {_type_name(block)})",
                ("timeline",),
                field="timeline",
            )
        header = _header(s, header_data, header_path)
        events_data = data.get("events")
        if events_data is None:
            s.error("is missing: an event file needs an 'events:' list", (), field="events")
            events_data = []
    elif data is None:
        s.error("is empty; an event file holds 'timeline:' and 'events:'", ())
        events_data = []
    else:
        s.error(f"must hold a mapping with 'events:' (got {_type_name(data)})", ())
        events_data = []
    if not isinstance(events_data, list):
        s.error(f"must be a list of events (got {_type_name(events_data)})", events_path, field="events")
        events_data = []
    events: list[Event] = []
    indexes: list[int] = []
    shared = _Shared()
    for index, raw in enumerate(events_data):
        event = _usual_event(raw, shared)
        if event is None:
            event = _event(s, raw, (*events_path, index))
            if event is None:
                continue
        events.append(event)
        indexes.append(index)
    return StructuredFile(document, header, tuple(events), events_path, tuple(indexes), tuple(s.problems))


_USUAL_FIELDS: Final = frozenset({"id", "title", "date", "description", "location", "tags", "sources"})
_USUAL_SOURCE_FIELDS: Final = frozenset({"url", "title", "publisher"})


def _usual_event(raw: Any, shared: _Shared) -> Event | None:
    """The event of a mapping that is valid in the usual way, or None to take the checking path.

    Most events are clean text in the usual fields; building them without the checks that
    name paths and fields makes loading large files several times faster. Anything the least
    unusual (a time zone, a number, stray spaces, an unknown field) returns None, and `_event`
    then checks it fully.
    """
    if type(raw) is not dict or not raw.keys() <= _USUAL_FIELDS:
        return None
    get = raw.get
    event_id, title, date_text = get("id"), get("title"), get("date")
    if (
        type(event_id) is not str
        or type(title) is not str
        or type(date_text) is not str
        or title == ""
        or title[0].isspace()
        or title[-1].isspace()
        or ID_PATTERN.match(event_id) is None
    ):
        return None
    description, location = get("description"), get("location")
    if description is not None and not _is_clean(description):
        return None
    if location is not None and not _is_clean(location):
        return None
    date = shared.dates.get(date_text)
    if date is None:
        try:
            date = shared.dates[date_text] = parse_date(date_text)
        except DateError:
            return None
    tags: Any = get("tags")
    if tags is None or tags == []:
        tags = ()
    elif type(tags) is list:
        tags = tuple(tags)
        for tag in tags:
            if type(tag) is not str or tag == "" or tag[0].isspace() or tag[-1].isspace():
                return None
        if len(tags) > 1 and len(set(tags)) != len(tags):
            tags = tuple(dict.fromkeys(tags))  # the first of each, as the checking path keeps
    else:
        return None
    cited: Any = get("sources")
    if cited is None:
        cited = ()
    elif type(cited) is list:
        sources = shared.sources
        found: list[Source] = []
        for item in cited:
            if type(item) is not dict or not item.keys() <= _USUAL_SOURCE_FIELDS:
                return None
            key = (item.get("url"), item.get("title"), item.get("publisher"))
            source = sources.get(key)
            if source is None:
                source = _usual_source(*key)
                if source is None:
                    return None
                sources[key] = source
            found.append(source)
        cited = tuple(found)
    else:
        return None
    return Event(event_id, title, date, description, location, None, tags, cited)


def _usual_source(url: Any, title: Any, publisher: Any) -> Source | None:
    if url is None and title is None and publisher is None:
        return None
    if url is not None and (not _is_clean(url) or _URL.match(url) is None):
        return None
    if (title is not None and not _is_clean(title)) or (publisher is not None and not _is_clean(publisher)):
        return None
    return Source(url, title, publisher)


def _is_clean(value: Any) -> bool:
    """Non-empty text without spaces around it: what `_Structurer.text` would keep as it is."""
    return type(value) is str and value != "" and not value[0].isspace() and not value[-1].isspace()


@attrs.define
class _Shared:
    """Values built once per load and shared by the events that repeat them."""

    dates: dict[str, EventDate] = attrs.Factory(dict)
    sources: dict[tuple[Any, Any, Any], Source] = attrs.Factory(dict)


def _header(s: _Structurer, data: dict[str, Any], path: DataPath) -> Header:
    title = s.text(data.get("title"), (*path, "title"), None, "title")
    description = s.text(data.get("description"), (*path, "description"), None, "description")
    as_of = None
    raw = data.get("as_of")
    if raw is not None:
        as_of = _as_of(s, raw, (*path, "as_of"))
    return Header(title, description, as_of)


def _as_of(s: _Structurer, raw: Any, path: DataPath) -> dt.date | None:
    try:
        date = parse_single(str(raw)) if isinstance(raw, str | int) else None
    except DateError as error:
        s.error(str(error), path, field="as_of")
        return None
    if date is None or date.precision < date.precision.DAY:
        s.error(f"must be a day such as 2025-07-15 (got {_shown(raw)})", path, field="as_of")
        return None
    return dt.date(date.year, date.month or 1, date.day or 1)


def _event(s: _Structurer, raw: Any, path: DataPath) -> Event | None:
    if not isinstance(raw, dict):
        s.error(f"each event must be a mapping with id, title and date (got {_type_name(raw)})", path)
        return None
    event_id = raw.get("id")
    label = event_id if isinstance(event_id, str) and event_id else None
    before = len(s.problems)
    s.unknown_keys(raw, EVENT_FIELDS, path, label, "an event", DERIVED_FIELDS)

    if event_id is None:
        s.error(
            "is required and missing; give each event a short unique id such as 'kursk-incursion'", path, field="id"
        )
    elif not isinstance(event_id, str) or not ID_PATTERN.match(event_id):
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", str(event_id)[:60]).strip("-._").lower() or "event-1"
        s.error(
            f"must be a slug of letters, digits, '-', '_' or '.' (got {_shown(event_id)}); try {slug!r}",
            (*path, "id"),
            field="id",
        )
        label = event_id if isinstance(event_id, str) and len(event_id) <= 60 else _shown(event_id)
    if "title" in raw:
        title = s.field_text(raw, "title", path, label, required=True)
    else:
        title = None
        s.error("is required and missing", path, event_id=label, field="title")
    description = s.field_text(raw, "description", path, label)
    location = s.field_text(raw, "location", path, label)
    tz = _tz(s, raw.get("tz"), (*path, "tz"), label)
    date = _date(s, raw, path, label, tz)
    tags = _tags(s, raw.get("tags"), (*path, "tags"), label)
    sources = _sources(s, raw.get("sources"), (*path, "sources"), label)
    importance = _importance(s, raw.get("importance"), (*path, "importance"), label)
    if len(s.problems) > before or title is None or date is None or not isinstance(event_id, str):
        return None
    return Event(
        id=event_id,
        title=title,
        date=date,
        description=description,
        location=location,
        tz=tz,
        tags=tags,
        sources=sources,
        importance=importance,
    )


def _tz(s: _Structurer, raw: Any, path: DataPath, label: str | None) -> str | None:
    if raw is None:
        return None
    name = s.text(raw, path, label, "tz")
    if name is None:
        return None
    from timeline.zones import is_zone, zone_suggestion

    if not is_zone(name):
        s.error(
            f"is not a known IANA time zone (got {_shown(name)}){zone_suggestion(name)}",
            path,
            event_id=label,
            field="tz",
        )
        return None
    return name


def _date_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # JSON `"date": 2019`
    return None


def _date(s: _Structurer, raw: dict[str, Any], path: DataPath, label: str | None, tz: str | None) -> EventDate | None:
    has_date, has_start, has_end = "date" in raw, "start" in raw, "end" in raw
    if has_date and (has_start or has_end):
        s.error(
            "give either 'date' or 'start'/'end', not both", (*path, "date"), key=True, event_id=label, field="date"
        )
        return None
    if has_date:
        date: EventDate | None = _parse(s, raw["date"], (*path, "date"), label, "date", tz, single=False)
        return date
    if has_start and has_end:
        start = _end(s, raw["start"], (*path, "start"), label, "start", tz)
        end = _end(s, raw["end"], (*path, "end"), label, "end", tz)
        if start is None or end is None:
            return None
        if isinstance(start, Bound) and isinstance(end, Bound):
            s.error("an event needs at least one dated end", (*path, "start"), event_id=label, field="start")
            return None
        if (
            isinstance(start, FuzzyDate)
            and isinstance(end, FuzzyDate)
            and bound_key(end.latest, latest=True) < bound_key(start.earliest)
        ):
            s.error(
                f"ends before it starts: {end.canonical()} is before {start.canonical()}",
                (*path, "end"),
                event_id=label,
                field="end",
            )
            return None
        return Interval(start, end)
    if has_start:
        s.error(
            "needs an 'end' too (use '..' for ongoing), or use 'date' for a single date",
            (*path, "start"),
            key=True,
            event_id=label,
            field="start",
        )
    elif has_end:
        s.error("needs a 'start' too", (*path, "end"), key=True, event_id=label, field="end")
    else:
        s.error(
            "is required and missing; e.g. date: 2024-06, date: late 1970s, date: 2024-10/..",
            path,
            event_id=label,
            field="date",
        )
    return None


def _parse(
    s: _Structurer, value: Any, path: DataPath, label: str | None, field: str, tz: str | None, *, single: bool
) -> Any:
    text = _date_text(value)
    if text is None:
        s.error(
            f"must be a date text such as 2024-06 or 'late 1970s' (got {_type_name(value)})",
            path,
            event_id=label,
            field=field,
        )
        return None
    try:
        return parse_single(text, tz=tz) if single else parse_date(text, tz=tz)
    except DateError as error:
        s.error(str(error), path, event_id=label, field=field)
        return None


def _end(
    s: _Structurer, value: Any, path: DataPath, label: str | None, field: str, tz: str | None
) -> FuzzyDate | Bound | None:
    if value == "..":
        return Bound.OPEN
    if value is None or value == "":
        return Bound.UNKNOWN
    result: FuzzyDate | None = _parse(s, value, path, label, field, tz, single=True)
    return result


def _tags(s: _Structurer, raw: Any, path: DataPath, label: str | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        s.error(f"must be a list of tags (got {_type_name(raw)})", path, event_id=label, field="tags")
        return ()
    tags: list[str] = []
    for index, tag in enumerate(raw):
        text = s.text(tag, (*path, index), label, "tags", required=True)
        if text is not None and text not in tags:
            tags.append(text)
    return tuple(tags)


def _sources(s: _Structurer, raw: Any, path: DataPath, label: str | None) -> tuple[Source, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str | dict):
        raw = [raw]
    if not isinstance(raw, list):
        s.error(f"must be a list of sources (got {_type_name(raw)})", path, event_id=label, field="sources")
        return ()
    sources: list[Source] = []
    for index, item in enumerate(raw):
        item_path = (*path, index)
        if isinstance(item, str):
            sources.append(Source(url=_url(s, item, item_path, label)))
            continue
        if not isinstance(item, dict):
            s.error(
                f"each source must be a URL or a mapping with url, title, publisher, published "
                f"(got {_type_name(item)})",
                item_path,
                event_id=label,
                field="sources",
            )
            continue
        problems_before = len(s.problems)
        s.unknown_keys(item, SOURCE_FIELDS, item_path, label, "a source")
        published = None
        if item.get("published") is not None:
            published = _parse(s, item["published"], (*item_path, "published"), label, "published", None, single=True)
        source = Source(
            url=_url(s, item.get("url"), (*item_path, "url"), label),
            title=s.field_text(item, "title", item_path, label),
            publisher=s.field_text(item, "publisher", item_path, label),
            published=published,
        )
        if (
            not (source.url or source.title or source.publisher or source.published)
            and len(s.problems) == problems_before
        ):
            s.error("is empty; give at least a url or a title", item_path, event_id=label, field="sources")
            continue
        sources.append(source)
    return tuple(sources)


_URL: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def _url(s: _Structurer, raw: Any, path: DataPath, label: str | None) -> str | None:
    url = s.text(raw, path, label, "url")
    if url is not None and not _URL.match(url):
        s.error(
            f"must be a URL such as https://example.org/article (got {_shown(url)})", path, event_id=label, field="url"
        )
        return None
    return url


def _importance(s: _Structurer, raw: Any, path: DataPath, label: str | None) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw) if not isinstance(raw, bool | list | dict) else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        s.error(
            f"must be a number, higher for more important events (got {_shown(raw)})",
            path,
            event_id=label,
            field="importance",
        )
        return None
    return value
