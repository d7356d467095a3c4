"""Hypothesis strategies for dates, events and timelines, shared by every test module."""

from __future__ import annotations

import calendar

from hypothesis import strategies as st

from timeline.dates import Bound, FuzzyDate, Interval, Part, Precision
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
