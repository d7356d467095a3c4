"""Our .ics files read by the parsers calendar software uses, which must agree with each other and with us.

icalendar (no component errors), vobject, ical.js (Thunderbird's parser, run with node)
and a real CalDAV server (Radicale: every event PUT, read back with REPORT, and found
by its own time-range filter) must see the same events with the same start and end.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.ical.clients import Radicale, Seen, assert_parsers_agree
from tests.strategies import rich_timelines
from timeline.dates import FuzzyDate, Interval, parse_date
from timeline.formats import ExportOptions
from timeline.formats.ical import export_ics
from timeline.records import Event, Timeline

COMMITTED = sorted([ROOT / "exports" / "nk-russia.ics", *(ROOT / "tests" / "golden" / "ical").glob("*.ics")])


def _start(event: Event) -> str | None:
    """The start a reader must see, from our own model (None where a day meets a time)."""
    date = event.date
    first = date.start if isinstance(date, Interval) else date
    if not isinstance(first, FuzzyDate):
        return None
    mixed = isinstance(date, Interval) and isinstance(date.end, FuzzyDate)
    if mixed and date.end.precision.is_timed != first.precision.is_timed:  # type: ignore[union-attr]
        return None
    value = first.earliest
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    if value.tzinfo is None:
        return f"{value.year:04d}-{value:%m-%dT%H:%M:%S}"
    utc = value.astimezone(dt.UTC)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}Z"


def _check_model(timeline: Timeline, seen: list[Seen]) -> None:
    by_uid = {f"{event.id}@timeline": event for event in timeline.events}
    for item in seen:
        expected = _start(by_uid[item.uid])
        if expected is not None:
            assert expected == item.start, item.uid


EDGES = [
    ("year-5", "0005-03-04T10:00", "Asia/Pyongyang"),
    ("year-9998", "9998-03-04T10:00", "Europe/Berlin"),
    ("berlin-1945", "1945-05-08T23:01", "Europe/Berlin"),
    ("pyongyang-2016", "2016-01-06T10:00", "Asia/Pyongyang"),
    ("pyongyang-1953", "1953-07-27T10:00", "Asia/Pyongyang"),
    ("year-1-offset", "0001-01-01T10:00+09:00", None),
    ("abidjan-lmt", "1900-01-01T10:00", "Africa/Abidjan"),
    ("spring-gap", "2024-03-31T02:30", "Europe/Berlin"),
    ("clocks-back", "2024-10-27T02:30", "Europe/Berlin"),
    ("first-days", "0001-01-01/0001-01-02", None),
    ("new-york-lmt", "0099-01-01T10:00", "America/New_York"),
    ("last-day", "9999-12-30", None),
]


class TestParsersAgree:
    """Every .ics we write is read the same way by icalendar, vobject, ical.js and Radicale."""

    @pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
    def test_committed_files(self, path: Path) -> None:
        """The committed export and golden files: same events, same starts and ends."""
        seen = assert_parsers_agree(path.read_bytes())
        assert len(seen) == path.read_bytes().count(b"BEGIN:VEVENT")
        assert len(seen) >= 3

    def test_example_against_model(self, example_timeline: Timeline) -> None:
        """The example's 18 events start where their earliest bound says, and the ongoing one ends after as_of."""
        seen = assert_parsers_agree(export_ics(example_timeline, ExportOptions()).data)
        assert 18 == len(seen)
        _check_model(example_timeline, seen)
        assert Seen("nk-troops-in-russia@timeline", "2024-10-01", "2025-07-15") in seen

    def test_edges(self) -> None:
        """Year 1 to 9999, local mean time, 1945 Berlin, a skipped and a repeated local time.

        A fresh Radicale: vobject, which it runs on, keeps the first VTIMEZONE it meets per
        TZID for the life of the process, and the other tests' files define Asia/Pyongyang
        from 1953 only, which says nothing of year 5.
        """
        events = [Event(id=i, title=i, date=parse_date(d, tz=z), tz=z) for i, d, z in EDGES]
        timeline = Timeline("Edges", events, as_of=dt.date(2025, 7, 14))
        exported = export_ics(timeline, ExportOptions())
        assert () == exported.skipped
        server = Radicale()
        try:
            seen = assert_parsers_agree(exported.data, radicale=server)
        finally:
            server.close()
        assert len(EDGES) == len(seen)
        _check_model(timeline, seen)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rich_timelines(), st.sampled_from(["span", "first-day"]))
    def test_any_timeline(self, timeline: Timeline, mode: str) -> None:
        """Hypothesis timelines: the parsers agree on every event written, and with our model on its start."""
        exported = export_ics(timeline, ExportOptions(ics_imprecise=mode))  # type: ignore[arg-type]
        seen = assert_parsers_agree(exported.data)
        assert len(timeline.events) - len(exported.skipped) == len(seen)
        _check_model(timeline, seen)
