"""Where icalendar writes something wrong for us, corrected in this one place (each with why).

1. TEXT escaping: `vText` first turns a literal backslash-N in the text into a line break
   (`_escape_char` does `replace(r"\\N", "\\n")`), so "C:\\New" comes back as "C:" + newline
   + "ew". `EscapedText` escapes per RFC 5545 3.3.11 and nothing more; `categories` puts
   it inside CATEGORIES too (vCategory wraps each item in a vText of its own).
2. Zone names: for a zoned datetime icalendar picks a TZID from a table of "equivalent"
   zones and writes `Z` when UTC is among them, so 1900-01-01 10:00 in Africa/Abidjan (then
   UTC-0:16) is written 10:00Z. `zoned` names the event's zone itself.
3. RDATE lists: `Timezone.from_tzinfo` writes every transition of an observance on one
   comma-separated RDATE line; ical.js and vobject misread such lists (times shift by an
   hour), so `split_rdates` writes one RDATE per line, which RFC 5545 equally allows.
   It also repeats the observance's DTSTART as its first RDATE: ical.js (Timezone.
   _expandComponent, 2.2.1) takes an observance's onsets from its RDATEs alone when it
   has any, dropping DTSTART, so Berlin's switch to summer time on 2 April 1945 vanished
   and 8 May 1945 23:01 came out an hour off. RFC 5545 3.8.5.2 makes the set of onsets
   the union of DTSTART and RDATE, so the repeat changes nothing for other readers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from icalendar import Timezone, vCategory, vDatetime, vText

from timeline.formats.ical_lines import escape_text

__all__ = ["EscapedText", "categories", "split_rdates", "zoned"]


class EscapedText(vText):
    """A TEXT value escaped exactly per RFC 5545 (see 1. above)."""

    def to_ical(self) -> bytes:
        return escape_text(str(self)).encode("utf-8")


def categories(items: tuple[str, ...]) -> vCategory:
    """A CATEGORIES value whose items are escaped as `EscapedText` (see 1.)."""
    value = vCategory(list(items))
    value.cats = [EscapedText(item) for item in items]
    return value


def zoned(local: dt.datetime, tzid: str) -> Any:
    """A DATE-TIME value `local` in zone `tzid`, with that TZID whatever icalendar's tables say (see 2.)."""
    value = vDatetime(local.replace(tzinfo=None))
    value.params["TZID"] = tzid
    return value


def split_rdates(timezone: Timezone) -> Timezone:
    """The same VTIMEZONE with one date per RDATE property, the first repeating DTSTART (see 3.)."""
    for observance in timezone.subcomponents:
        rdates = observance.pop("RDATE", None)
        if rdates is None:
            continue
        start: Any = observance["DTSTART"]
        observance.add("RDATE", start.dt)
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            for period in rdate.dts:
                observance.add("RDATE", period.dt)
    return timezone
