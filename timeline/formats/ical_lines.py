"""iCalendar content lines written directly: values, TEXT escaping and folding, byte for byte as icalendar writes them.

icalendar builds a typed object per property and re-derives parameters, sorting and
folding for each (profiled: about 90% of an export's time). Our events use a handful of
value types, so `content_line` formats them straight to text; `tests/test_ical_export.py`
proves the result equals icalendar's own `to_ical` for the same values (with the fixes
in `ical_fixes`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final, TypeAlias

import attrs

__all__ = [
    "CRLF",
    "Categories",
    "Uri",
    "Value",
    "Zoned",
    "content_line",
    "escape_text",
    "fold",
    "format_date",
    "format_datetime",
    "unescape_text",
]

CRLF: Final = "\r\n"
#: icalendar folds before a character that would bring the line to 75 octets.
_LIMIT: Final = 75


class Uri(str):
    """A URI value (URL): written as it is, no TEXT escaping; make it with `Uri.of` to encode what a URI cannot hold."""

    __slots__ = ()

    @classmethod
    def of(cls, url: str) -> Uri:
        """The URL with control characters and spaces percent-encoded, so it stays one property value."""
        return cls(_URI_UNSAFE.sub(lambda m: f"%{ord(m[0]):02X}", url) if _URI_UNSAFE.search(url) else url)


@attrs.frozen
class Categories:
    """A CATEGORIES value: a comma-separated list of TEXT."""

    items: tuple[str, ...]


@attrs.frozen
class Zoned:
    """A local date-time in a named zone: written `NAME;TZID=zone:YYYYMMDDTHHMMSS`."""

    local: dt.datetime
    tzid: str


#: str is TEXT; a naive datetime is floating time; an aware one is UTC (`Z`).
Value: TypeAlias = str | Uri | Categories | dt.date | dt.datetime | Zoned


#: RFC 5545 3.3.11 allows no CONTROL character in TEXT but TAB (line breaks are escaped as `\n`).
_CONTROLS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: What may not stand in a URI value: controls (a CR or LF would end the property) and spaces.
_URI_UNSAFE: Final = re.compile("[\x00-\x20\x7f]")


def escape_text(text: str) -> str:
    r"""RFC 5545 3.3.11 TEXT: backslash, semicolon and comma escaped, line breaks as `\n`, other controls as U+FFFD."""
    if not text.isprintable() and _CONTROLS.search(text):  # isprintable is a fast C scan; most text passes
        text = _CONTROLS.sub("\ufffd", text)
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if ";" in text:
        text = text.replace(";", "\\;")
    if "," in text:
        text = text.replace(",", "\\,")
    if "\n" in text or "\r" in text:
        # RFC 5545 has no escape for a lone CR; icalendar (and calendar apps) read it as a line break.
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return text


def format_date(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def format_datetime(instant: dt.datetime) -> str:
    """`YYYYMMDDTHHMMSS`, with `Z` when aware (only UTC values are passed aware)."""
    text = (
        f"{instant.year:04d}{instant.month:02d}{instant.day:02d}"
        f"T{instant.hour:02d}{instant.minute:02d}{instant.second:02d}"
    )
    return text + "Z" if instant.tzinfo is not None else text


def content_line(name: str, value: Value) -> str:
    """One unfolded content line."""
    if type(value) is str:  # the common case first: TEXT (Uri is a str subclass)
        return f"{name}:{escape_text(value)}"
    if isinstance(value, Uri):
        return f"{name}:{value}"
    if isinstance(value, str):
        return f"{name}:{escape_text(value)}"
    if isinstance(value, dt.datetime):
        return f"{name}:{format_datetime(value)}"
    if isinstance(value, dt.date):
        return f"{name};VALUE=DATE:{format_date(value)}"
    if isinstance(value, Zoned):
        return f"{name};TZID={value.tzid}:{format_datetime(value.local)}"
    return f"{name}:" + ",".join(escape_text(item) for item in value.items)


def fold(line: str) -> bytes:
    """The line in UTF-8, folded at 75 octets without splitting a character or an escape.

    Exactly icalendar's `_foldline`: each piece is the longest run of whole characters
    of at most 74 octets, except that a backslash or RFC 6868 caret ending a piece moves
    to the next, with the character it escapes (icalendar issue #1501).
    """
    data = line.encode("utf-8")
    if len(data) < _LIMIT:
        return data
    pieces: list[bytes] = []
    start = 0
    width = _LIMIT - 1
    while len(data) - start > width:
        end = start + width
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back off to the character's start
            end -= 1
        if data[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


_ESCAPED: Final = re.compile(r"\\([\\;,:nN])")


def unescape_text(text: str) -> str:
    r"""The inverse of `escape_text` (also reading `\N` and the non-standard `\:` that some writers use)."""
    return _ESCAPED.sub(lambda m: "\n" if m[1] in "nN" else m[1], text) if "\\" in text else text
