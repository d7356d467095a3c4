"""The records a timeline is made of: `Source`, `Event` and `Timeline` (frozen attrs classes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import attrgetter
from typing import Any, Final, TypeVar

import attrs

from timeline.dates import EventDate, FuzzyDate, Instant, Interval, bound_key

__all__ = ["Event", "Source", "Timeline", "per_date", "sort_key"]


@attrs.frozen
class Source:
    """Where an event is documented: an article, a report, a document."""

    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: FuzzyDate | None = None


@attrs.frozen
class Event:
    """Something that happened, dated as precisely as the sources allow."""

    id: str
    title: str
    date: EventDate
    description: str | None = None
    location: str | None = None
    #: IANA zone for timed values written without an offset.
    tz: str | None = None
    tags: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    #: Ranks events when an image has room to label only some of them; higher first.
    importance: float | None = None

    @property
    def earliest(self) -> Instant | None:
        return self.date.earliest

    @property
    def latest(self) -> Instant | None:
        return self.date.latest

    @property
    def is_interval(self) -> bool:
        return isinstance(self.date, Interval)


_T = TypeVar("_T")


def per_date(events: Sequence[Event], compute: Callable[[EventDate], _T]) -> list[_T]:
    """`compute(event.date)` for each event, worked out once per date object.

    A load shares one date object among the events that repeat it, so a large timeline
    has far fewer date objects than events; looking them up by identity is quicker than
    hashing a date.
    """
    found: dict[int, _T] = {}
    results = []
    for event in events:
        date = event.date
        key = id(date)
        if key in found:
            results.append(found[key])
        else:
            results.append(found.setdefault(key, compute(date)))
    return results


def sort_key(event: Event) -> tuple[int, int, str]:
    """The one total order of events: earliest bound, then latest bound, then id; never raises.

    An event with no lower bound comes first, one with no upper bound last among equals.
    """
    date = event.date
    return (date.earliest_key, date.latest_key, event.id)


_BIAS: Final = 1 << 62  # `bound_key` lies within ±2**62, so biased bounds fit in 64 bits each


def _bounds_key(event: Event) -> int:
    """Both bounds in one integer, ordered as the pair (earliest, latest) is."""
    date = event.date
    return ((date.earliest_key + _BIAS) << 64) | (date.latest_key + _BIAS)


def _sorted_events(events: Iterable[Event]) -> tuple[Event, ...]:
    # In `sort_key` order: by id, then stably by bounds. Two sorts on single values beat one on
    # tuples (0.10 s against 0.17 s for 100,000 events).
    ordered = sorted(events, key=attrgetter("id"))
    ordered.sort(key=_bounds_key)
    return tuple(ordered)


@attrs.frozen
class Timeline:
    """A titled, sorted sequence of events."""

    title: str
    events: tuple[Event, ...] = attrs.field(default=(), converter=_sorted_events)
    description: str | None = None
    #: The day "ongoing" ends at in exports, so output never depends on today.
    as_of: dt.date | None = None

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def filter(
        self,
        *,
        start: Instant | None = None,
        end: Instant | None = None,
        tags: Iterable[str] = (),
    ) -> Timeline:
        """The events that overlap [start, end] and carry every tag in `tags`.

        An event with an open end overlaps everything after its start.
        """
        wanted = set(tags)
        lo = bound_key(start) if start is not None else None
        hi = bound_key(end, latest=True) if end is not None else None
        kept = [
            event
            for event in self.events
            if (lo is None or event.date.latest_key >= lo)
            and (hi is None or event.date.earliest_key <= hi)
            and wanted.issubset(event.tags)
        ]
        return attrs.evolve(self, events=kept)

    def replace(self, **changes: Any) -> Timeline:
        return attrs.evolve(self, **changes)
