"""Records and the one total order of events."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import events, timelines
from timeline.dates import parse_date
from timeline.records import Event, Timeline, sort_key


def event(event_id: str, date: str, tags: tuple[str, ...] = ()) -> Event:
    return Event(id=event_id, title=event_id, date=parse_date(date), tags=tags)


class TestSortKey:
    """Sorting by earliest, then latest, then id, never raises."""

    def test_order(self) -> None:
        """Unbounded starts first, narrower before wider, unbounded ends last among equals."""
        items = [
            event("ongoing", "2024-10/.."),
            event("month", "2024-10"),
            event("day", "2024-10-01"),
            event("open-start", "../2019"),
            event("decade", "202X"),
            event("year", "2024"),
        ]
        expected = ["open-start", "decade", "year", "day", "month", "ongoing"]
        assert expected == [e.id for e in sorted(items, key=sort_key)]

    def test_timed_against_days(self) -> None:
        """A timed value sorts by its UTC instant among day-precision events."""
        items = [event("day", "2025-07-12"), event("timed", "2025-07-11T23:00:00-05:00")]
        assert ["day", "timed"] == [e.id for e in sorted(items, key=sort_key)]

    @given(st.lists(events(), max_size=12), st.randoms())
    def test_any_permutation_sorts_the_same(self, items: list[Event], random: object) -> None:
        """Sorting is total: every permutation gives one order."""
        shuffled = list(items)
        random.shuffle(shuffled)  # type: ignore[attr-defined]
        assert [sort_key(e) for e in sorted(items, key=sort_key)] == [
            sort_key(e) for e in sorted(shuffled, key=sort_key)
        ]


class TestTimeline:
    """A timeline keeps its events sorted and filters them."""

    def test_sorted_on_construction(self) -> None:
        """Events are sorted however they are given."""
        timeline = Timeline("t", [event("b", "2025"), event("a", "1953")])
        assert ["a", "b"] == [e.id for e in timeline]

    @given(st.lists(st.one_of(events(), st.sampled_from([event("z", "../2019"), event("y", "2024/..")])), max_size=12))
    def test_construction_sorts_by_sort_key(self, items: list[Event]) -> None:
        """The quicker sort inside `Timeline` gives exactly the order of `sort_key`, ties broken by id."""
        assert list(Timeline("t", items).events) == sorted(items, key=sort_key)

    def test_filter_by_range(self) -> None:
        """Events overlapping the range are kept; ongoing events overlap everything after their start."""
        timeline = Timeline("t", [event("old", "1953"), event("new", "2025"), event("ongoing", "2010/..")])
        kept = timeline.filter(start=dt.date(2020, 1, 1), end=dt.date(2030, 1, 1))
        assert ["ongoing", "new"] == [e.id for e in kept]

    def test_filter_by_tag(self) -> None:
        """Every given tag must be present."""
        timeline = Timeline("t", [event("a", "2020", ("x", "y")), event("b", "2021", ("x",))])
        assert ["a"] == [e.id for e in timeline.filter(tags=["x", "y"])]

    @given(timelines())
    def test_len(self, timeline: Timeline) -> None:
        """len() counts events."""
        assert len(timeline.events) == len(timeline)
