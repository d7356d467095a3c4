"""VTIMEZONE components for the zones an export uses, covering the years its events need."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Final
from zoneinfo import ZoneInfo

from icalendar import Timezone

from timeline.formats.ical_fixes import split_rdates

__all__ = ["UTC_ZONES", "vtimezone", "vtimezone_text"]

#: IANA names that are UTC at every date (links to Etc/UTC or Etc/GMT): written as `...Z`, no VTIMEZONE.
UTC_ZONES: Final = frozenset(
    {
        "UTC",
        "Etc/UTC",
        "Etc/UCT",
        "UCT",
        "Etc/Universal",
        "Universal",
        "Etc/Zulu",
        "Zulu",
        "GMT",
        "Etc/GMT",
        "GMT0",
        "Etc/GMT0",
        "GMT+0",
        "GMT-0",
        "Etc/GMT+0",
        "Etc/GMT-0",
        "Greenwich",
        "Etc/Greenwich",
    }
)


@functools.lru_cache(maxsize=256)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """Zone `tzid` from 1 January of `first_year` to the end of `last_year`, one RDATE per line.

    icalendar's default range starts in 1970, which leaves a 1953 event before the
    zone's first observance; the caller passes the years its events use instead.
    Cached (icalendar searches every transition); callers must not modify the result.
    """
    first = dt.date(first_year, 1, 1)
    last = dt.date(last_year + 1, 1, 1) if last_year < dt.MAXYEAR else dt.date(dt.MAXYEAR, 12, 31)
    return split_rdates(Timezone.from_tzinfo(ZoneInfo(tzid), tzid, first, last))


@functools.lru_cache(maxsize=256)
def vtimezone_text(tzid: str, first_year: int, last_year: int) -> str:
    """`vtimezone(...)` as folded content lines, each ending in CRLF."""
    text: str = vtimezone(tzid, first_year, last_year).to_ical(sorted=False).decode("utf-8")
    return text
