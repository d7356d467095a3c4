"""Any valid timeline exported to .ics and imported back gives equal records; the parsers agree on each file."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ical.clients import assert_parsers_agree
from tests.strategies import rich_timelines, timelines
from timeline.dates import Bound, FuzzyDate, Interval
from timeline.formats import ExportOptions
from timeline.formats.ical import export_ics, import_ics
from timeline.importing import ImportOptions
from timeline.problems import InvalidInput
from timeline.records import Event, Timeline


def _must_skip(event: Event, as_of: dt.date | None) -> bool:
    """Whether a calendar cannot hold the event: no start, an unknown end, or ongoing with nothing to end it."""
    date = event.date
    if not isinstance(date, Interval):
        return False
    if not isinstance(date.start, FuzzyDate) or date.end is Bound.UNKNOWN:
        return True
    if date.end is Bound.OPEN:
        start = date.start.earliest
        start_day = start.date() if isinstance(start, dt.datetime) else start
        return as_of is None or as_of < start_day
    return False


def _round_trip(timeline: Timeline, mode: str, *, caldav: bool = True) -> None:
    exported = export_ics(timeline, ExportOptions(ics_imprecise=mode))  # type: ignore[arg-type]
    skipped = {item.event_id: item.reason for item in exported.skipped}
    expected_skips = {event.id for event in timeline.events if _must_skip(event, timeline.as_of)}
    assert expected_skips <= set(skipped)
    for event_id in set(skipped) - expected_skips:  # only dates iCalendar cannot write at all
        assert "years 1-9999" in skipped[event_id]
    kept = timeline.replace(events=[event for event in timeline.events if event.id not in skipped])
    assert len(kept.events) == len(assert_parsers_agree(exported.data, caldav=caldav))
    if not kept.events:
        with pytest.raises(InvalidInput):
            import_ics(exported.data, "round-trip.ics", ImportOptions())
        return
    assert kept == import_ics(exported.data, "round-trip.ics", ImportOptions())


class TestRoundTrip:
    """export_ics then import_ics is the identity on every event a calendar can hold."""

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rich_timelines(), st.sampled_from(["span", "first-day"]))
    def test_rich_timelines(self, timeline: Timeline, mode: str) -> None:
        """Every date shape, zone and tricky text survives, in both modes for imprecise dates."""
        _round_trip(timeline, mode)

    @settings(max_examples=100, deadline=None)
    @given(timelines())
    def test_shared_strategy(self, timeline: Timeline) -> None:
        """The timelines the other formats are tested with survive too (years 1-9998, all precisions).

        Radicale is left out: zoned times here reach outside 1800-2100 (see assert_parsers_agree).
        """
        _round_trip(timeline, "span", caldav=False)

    def test_example(self, example_timeline: Timeline) -> None:
        """The shipped example comes back equal, with all 18 events."""
        exported = export_ics(example_timeline, ExportOptions())
        assert () == exported.skipped
        assert example_timeline == import_ics(exported.data, "nk-russia.ics", ImportOptions())
