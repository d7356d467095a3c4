"""Hypothesis strategies for dates, events and timelines, shared by every test module."""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import assume
from hypothesis import strategies as st

from timeline.dates import Bound, FuzzyDate, Interval, Part, Precision, bound_key
from timeline.records import Event, Source, Timeline

years = st.integers(min_value=1, max_value=9998)
qualifiers = st.tuples(st.booleans(), st.booleans())
zones = st.sampled_from(["Asia/Pyongyang", "Europe/Moscow", "America/New_York", "UTC", "Europe/Kyiv"])


@st.composite
def fuzzy_dates(draw: st.DrawFn, *, timed: bool = True, qualified: bool = True) -> FuzzyDate:
    """Any single date: every precision, parts, seasons, offsets and zones."""
    choices = [p for p in Precision if timed or not p.is_timed]
    precision = draw(st.sampled_from(choices))
    year = draw(years)
    approximate, uncertain = draw(qualifiers) if qualified else (False, False)
    fields: dict[str, object] = {"approximate": approximate, "uncertain": uncertain}
    if precision is Precision.CENTURY:
        year = year // 100 * 100
    elif precision is Precision.DECADE:
        year = year // 10 * 10
        fields["part"] = draw(st.none() | st.sampled_from(list(Part)))
    elif precision is Precision.YEAR:
        fields["part"] = draw(st.none() | st.sampled_from(list(Part)))
    elif precision is Precision.SEASON:
        fields["season"] = draw(st.integers(21, 23 if year == 9998 else 24))
    else:
        month = draw(st.integers(1, 12))
        fields["month"] = month
        if precision is Precision.MONTH:
            fields["part"] = draw(st.none() | st.sampled_from(list(Part)))
        else:
            fields["day"] = draw(st.integers(1, calendar.monthrange(year, month)[1]))
        if precision.is_timed:
            fields["hour"] = draw(st.integers(0, 23))
            fields["minute"] = draw(st.integers(0, 59))
            if precision is Precision.SECOND:
                fields["second"] = draw(st.integers(0, 59))
            zone = draw(st.sampled_from(["offset", "zone", "floating", "utc"]))
            if zone == "offset":
                hours = draw(st.integers(-12, 14))
                fields["offset"] = f"{'-' if hours < 0 else '+'}{abs(hours):02d}:{draw(st.sampled_from([0, 30])):02d}"
            elif zone == "utc":
                fields["offset"] = "Z"
            elif zone == "zone":
                fields["tz"] = draw(zones)
    return FuzzyDate(precision, year, **fields)  # type: ignore[arg-type]


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    """Intervals whose end is not before their start, with open and unknown ends."""
    first = draw(fuzzy_dates(timed=False))
    second = draw(fuzzy_dates(timed=False))
    lo, hi = sorted([first, second], key=lambda d: (d.earliest, d.latest))
    if hi.latest < lo.earliest:
        hi = lo
    shape = draw(st.sampled_from(["closed", "ongoing", "unknown-end", "open-start"]))
    if shape == "ongoing":
        return Interval(lo, Bound.OPEN)
    if shape == "unknown-end":
        return Interval(lo, Bound.UNKNOWN)
    if shape == "open-start":
        return Interval(Bound.OPEN, hi)
    return Interval(lo, hi)


event_dates = fuzzy_dates() | intervals()
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).map(str.strip).filter(bool)
slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)


@st.composite
def sources(draw: st.DrawFn) -> Source:
    return Source(
        url=draw(st.none() | st.sampled_from(["https://example.org/a", "https://www.straitstimes.com/x?y=1&z=2"])),
        title=draw(text),
        publisher=draw(st.none() | text),
        published=draw(st.none() | fuzzy_dates(timed=False, qualified=False)),
    )


@st.composite
def events(draw: st.DrawFn, event_id: str | None = None) -> Event:
    date = draw(event_dates)
    tz = None
    single = date.first if isinstance(date, Interval) else date
    if single.tz is not None:
        tz = single.tz
        date = date.with_tz(tz) if isinstance(date, Interval) else date
    return Event(
        id=event_id or draw(slugs),
        title=draw(text),
        date=date,
        description=draw(st.none() | text),
        location=draw(st.none() | text),
        tz=tz,
        tags=tuple(dict.fromkeys(draw(st.lists(st.from_regex(r"[a-z][a-z-]{0,10}", fullmatch=True), max_size=3)))),
        sources=tuple(draw(st.lists(sources(), max_size=2))),
        importance=draw(st.none() | st.integers(0, 10).map(float)),
    )


@st.composite
def timelines(draw: st.DrawFn, max_events: int = 8) -> Timeline:
    """A timeline of events with unique ids."""
    ids = draw(st.lists(slugs, min_size=1, max_size=max_events, unique=True))
    return Timeline(
        title=draw(text),
        description=draw(st.none() | text),
        events=[draw(events(event_id)) for event_id in ids],
    )


# --- Richer values, for formats that must carry any text and timed intervals (iCalendar) ---

#: Text with what escaping and folding must survive: line breaks, tabs, , ; \ : " and \N, wide characters.
_tricky = st.text(st.sampled_from([",", ";", "\\", ":", '"', "\n", "\t", "N", "n", " ", "é", "한", "—", "😀", "a"]))
rich_text = (
    st.one_of(_tricky, st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\t")))
    .map(str.strip)
    .filter(bool)
)
#: Timed values stay within 1800-2100, the years every exported VTIMEZONE covers (wider ranges are tested apart).
timed_years = st.integers(min_value=1800, max_value=2100)


@st.composite
def timed_dates(draw: st.DrawFn, *, regime: str | None = None, tz: str | None = None) -> FuzzyDate:
    """A minute or second in a zone, at a fixed offset, in UTC, or floating."""
    regime = regime or draw(st.sampled_from(["offset", "zone", "floating", "utc"]))
    year, month = draw(timed_years), draw(st.integers(1, 12))
    fields: dict[str, object] = {
        "month": month,
        "day": draw(st.integers(1, calendar.monthrange(year, month)[1])),
        "hour": draw(st.integers(0, 23)),
        "minute": draw(st.integers(0, 59)),
    }
    precision = draw(st.sampled_from([Precision.MINUTE, Precision.SECOND]))
    if precision is Precision.SECOND:
        fields["second"] = draw(st.integers(0, 59))
        fields["microsecond"] = draw(st.sampled_from([0, 0, 500_000, 123_456]))
    if regime == "offset":
        hours = draw(st.integers(-12, 14))
        fields["offset"] = f"{'-' if hours < 0 else '+'}{abs(hours):02d}:{draw(st.sampled_from([0, 30, 45])):02d}"
    elif regime == "utc":
        fields["offset"] = "Z"
    elif regime == "zone":
        fields["tz"] = tz or draw(zones)
    return FuzzyDate(precision, year, **fields)  # type: ignore[arg-type]


@st.composite
def timed_intervals(draw: st.DrawFn) -> Interval:
    """Intervals with a timed end: both timed in one regime, or a time and a day, or ongoing from a time."""
    regime = draw(st.sampled_from(["offset", "zone", "floating", "utc"]))
    tz = draw(zones) if regime == "zone" else None
    first, second = draw(timed_dates(regime=regime, tz=tz)), draw(timed_dates(regime=regime, tz=tz))
    lo, hi = sorted([first, second], key=lambda d: bound_key(d.earliest))
    shape = draw(st.sampled_from(["timed", "time-to-day", "day-to-time", "ongoing"]))
    if shape == "ongoing":
        return Interval(lo, Bound.OPEN)
    if shape == "time-to-day":
        day = hi.earliest
        end = FuzzyDate(Precision.DAY, day.year, day.month, day.day)
        return Interval(lo, end) if bound_key(end.latest, latest=True) >= bound_key(lo.earliest) else Interval(lo, hi)
    if shape == "day-to-time":
        day = lo.earliest
        start = FuzzyDate(Precision.DAY, day.year, day.month, day.day)
        return (
            Interval(start, hi) if bound_key(hi.latest, latest=True) >= bound_key(start.earliest) else Interval(lo, hi)
        )
    return Interval(lo, hi)


@st.composite
def rich_sources(draw: st.DrawFn) -> Source:
    return Source(
        url=draw(
            st.none()
            | st.sampled_from(["https://example.org/a,b;c", "https://ko.wikipedia.org/wiki/한국", "urn:isbn:1"])
        ),
        title=draw(rich_text),
        publisher=draw(st.none() | rich_text),
        published=draw(st.none() | fuzzy_dates(timed=False)),
    )


@st.composite
def rich_events(draw: st.DrawFn, event_id: str) -> Event:
    """Any event a file can hold: every date shape, text with every character that needs escaping."""
    date = draw(fuzzy_dates(timed=False) | timed_dates() | intervals() | timed_intervals())
    ends = (date.start, date.end) if isinstance(date, Interval) else (date,)
    tz = next((end.tz for end in ends if isinstance(end, FuzzyDate) and end.tz), None) or draw(st.none() | zones)
    date = date.with_tz(tz)
    if isinstance(date, Interval) and isinstance(date.start, FuzzyDate) and isinstance(date.end, FuzzyDate):
        assume(bound_key(date.end.latest, latest=True) >= bound_key(date.start.earliest))  # as the loader requires
    return Event(
        id=event_id,
        title=draw(rich_text),
        date=date,
        description=draw(st.none() | rich_text),
        location=draw(st.none() | rich_text),
        tz=tz,
        tags=tuple(dict.fromkeys(draw(st.lists(rich_text, max_size=3)))),
        sources=tuple(draw(st.lists(rich_sources(), max_size=2))),
        importance=draw(st.none() | st.floats(allow_nan=False, allow_infinity=False)),
    )


@st.composite
def rich_timelines(draw: st.DrawFn, max_events: int = 6) -> Timeline:
    """A timeline of `rich_events` with unique ids, with or without an as_of day."""
    ids = draw(st.lists(slugs, min_size=1, max_size=max_events, unique=True))
    return Timeline(
        title=draw(rich_text),
        description=draw(st.none() | rich_text),
        events=[draw(rich_events(event_id)) for event_id in ids],
        as_of=draw(st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))),
    )


# --- Text a spreadsheet would run as a formula, or a CSV writer must quote (CSV) ---

#: Starts a spreadsheet reads as a formula (OWASP: = + - @ tab CR), apostrophes, quotes and delimiters.
_hostile_heads = st.sampled_from(["=", "+", "-", "@", "'", "''", "=HYPERLINK(", "-1+", "@SUM(", '"', ";", ",", "\t"])
_hostile_bodies = st.text(st.sampled_from(["a", "1", " ", "\n", "\r", '"', "'", ",", ";", "\t", "=", "é"]))
#: Text that starts like a formula or with apostrophes, holds delimiters, quotes and line breaks; stripped, non-empty.
hostile_text = (
    st.builds(str.__add__, _hostile_heads, _hostile_bodies | rich_text).map(str.strip).filter(bool) | rich_text
)
