"""Fuzzy dates: a date with a precision, qualifiers, and derived inclusive bounds.

Real sources say "late 1970s", "in June", "c. 2019". A `FuzzyDate` keeps what was
said (precision, early/mid/late part, approximate/uncertain qualifiers) and derives
`earliest`/`latest` once, at construction, so every output agrees on the bounds.
An `Interval` joins two of them, or one and an open or unknown end.

The parser is our own: `pendulum.parse("1978")` silently means 1 January 1978.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import re
from typing import Final, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

__all__ = [
    "Bound",
    "DateError",
    "EventDate",
    "FuzzyDate",
    "Interval",
    "Part",
    "Precision",
    "bound_key",
    "parse_date",
]

MIN_YEAR: Final = 1
MAX_YEAR: Final = 9999


class DateError(ValueError):
    """A date text that cannot be parsed, or names a date that does not exist."""


class Precision(enum.IntEnum):
    """How exactly a date is known, coarsest first, so precisions compare."""

    CENTURY = 0
    DECADE = 1
    YEAR = 2
    SEASON = 3
    MONTH = 4
    DAY = 5
    MINUTE = 6
    SECOND = 7

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def is_timed(self) -> bool:
        return self >= Precision.MINUTE


class Part(enum.Enum):
    """Early, mid or late part of a decade, year or month."""

    EARLY = "early"
    MID = "mid"
    LATE = "late"


class Bound(enum.Enum):
    """A missing interval end: OPEN has no bound ("ongoing", `..`); UNKNOWN is not known (``)."""

    OPEN = ".."
    UNKNOWN = ""


# Seasons by their EDTF month codes (northern hemisphere).
SEASONS: Final = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
_SEASON_CODES: Final = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_SEASON_MONTHS: Final = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 2)}

# early / mid / late: (first, last) sub-unit of a decade (years), year (months), month (days).
_DECADE_PARTS: Final = {Part.EARLY: (0, 3), Part.MID: (4, 6), Part.LATE: (7, 9)}
_YEAR_PARTS: Final = {Part.EARLY: (1, 4), Part.MID: (5, 8), Part.LATE: (9, 12)}
_MONTH_PARTS: Final = {Part.EARLY: (1, 10), Part.MID: (11, 20), Part.LATE: (21, 31)}

Instant: TypeAlias = dt.date | dt.datetime


def _bounds(d: FuzzyDate) -> tuple[Instant, Instant]:
    p, y = d.precision, d.year
    if p is Precision.CENTURY:
        first, last = max(y, MIN_YEAR), y + 99
        return dt.date(first, 1, 1), dt.date(last, 12, 31)
    if p is Precision.DECADE:
        lo, hi = _DECADE_PARTS[d.part] if d.part else (0, 9)
        return dt.date(max(y + lo, MIN_YEAR), 1, 1), dt.date(y + hi, 12, 31)
    if p is Precision.YEAR:
        lo, hi = _YEAR_PARTS[d.part] if d.part else (1, 12)
        return dt.date(y, lo, 1), dt.date(y, hi, _last_day(y, hi))
    if p is Precision.SEASON:
        assert d.season is not None
        m1, m2 = _SEASON_MONTHS[d.season]
        y2 = y + 1 if d.season == 24 else y
        return dt.date(y, m1, 1), dt.date(y2, m2, _last_day(y2, m2))
    assert d.month is not None
    if p is Precision.MONTH:
        last_day = _last_day(y, d.month)
        lo, hi = _MONTH_PARTS[d.part] if d.part else (1, last_day)
        return dt.date(y, d.month, lo), dt.date(y, d.month, min(hi, last_day))
    assert d.day is not None
    if p is Precision.DAY:
        day = dt.date(y, d.month, d.day)
        return day, day
    instant = dt.datetime(
        y,
        d.month,
        d.day,
        d.hour or 0,
        d.minute or 0,
        d.second or 0,
        d.microsecond,
        tzinfo=d.tzinfo,
    )
    return instant, instant


def _why_not_real(d: FuzzyDate, error: ValueError) -> str:
    if d.month is not None and 1 <= d.month <= 12 and MIN_YEAR <= d.year <= MAX_YEAR:
        days = _last_day(d.year, d.month)
        if d.day is not None and not 1 <= d.day <= days:
            return f"{calendar.month_name[d.month]} {d.year} has {days} days"
    if "year" in str(error):
        return f"it runs past year {MAX_YEAR}"
    return str(error)


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@attrs.frozen(repr=False)
class FuzzyDate:
    """One date as precise as its source: a century down to a second.

    `earliest` and `latest` are inclusive: `datetime.date` for day and coarser
    precisions, `datetime.datetime` for timed values (aware when an offset or a
    zone is known, naive for floating local time).
    """

    precision: Precision
    year: int
    month: int | None = None
    day: int | None = None
    season: int | None = None
    part: Part | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    microsecond: int = 0
    #: The offset written in the text, normalised: "Z" or "+09:00".
    offset: str | None = None
    #: An IANA zone name for a timed value written without an offset (from the event's `tz`).
    tz: str | None = None
    approximate: bool = False
    uncertain: bool = False
    #: What the author wrote; not part of equality (the canonical text is).
    text: str | None = attrs.field(default=None, eq=False)
    earliest: Instant = attrs.field(init=False, eq=False)
    latest: Instant = attrs.field(init=False, eq=False)
    #: `bound_key` of the bounds, computed once: sorting large timelines compares them a lot.
    earliest_key: int = attrs.field(init=False, eq=False, repr=False)
    latest_key: int = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        try:
            earliest, latest = _bounds(self)
        except ValueError as error:  # impossible day, or past year 9999
            raise DateError(f"{self.canonical()!r} is not a real date ({_why_not_real(self, error)})") from None
        object.__setattr__(self, "earliest", earliest)
        object.__setattr__(self, "latest", latest)
        object.__setattr__(self, "earliest_key", bound_key(earliest))
        object.__setattr__(self, "latest_key", bound_key(latest, latest=True))

    def __repr__(self) -> str:
        return f"FuzzyDate({self.canonical()!r})"

    @property
    def tzinfo(self) -> dt.tzinfo | None:
        """The zone of a timed value: its written offset, else its `tz`, else None (floating)."""
        if self.offset is not None:
            return _offset_tzinfo(self.offset)
        if self.tz is not None:
            try:
                return ZoneInfo(self.tz)
            except (ZoneInfoNotFoundError, ValueError):
                return None  # validation reports the unknown zone
        return None

    @property
    def is_floating(self) -> bool:
        return self.precision.is_timed and self.offset is None and self.tz is None

    def canonical(self) -> str:
        """EDTF where EDTF can say it; `early|mid|late ` before it where it cannot."""
        p, y = self.precision, self.year
        if p is Precision.CENTURY:
            text = f"{y // 100:02d}XX"
        elif p is Precision.DECADE:
            text = f"{y // 10:03d}X"
        elif p is Precision.YEAR:
            text = f"{y:04d}"
        elif p is Precision.SEASON:
            text = f"{y:04d}-{self.season}"
        elif p is Precision.MONTH:
            text = f"{y:04d}-{self.month:02d}"
        else:
            text = f"{y:04d}-{self.month:02d}-{self.day:02d}"
            if p >= Precision.MINUTE:
                text += f"T{self.hour:02d}:{self.minute:02d}"
            if p is Precision.SECOND:
                text += f":{self.second:02d}"
                if self.microsecond:
                    text += f".{self.microsecond:06d}".rstrip("0")
            if self.offset is not None:
                text += self.offset
        if self.part is not None:
            text = f"{self.part.value} {text}"
        return text + _qualifier_suffix(self.approximate, self.uncertain)

    def with_tz(self, tz: str | None) -> FuzzyDate:
        """The same date in zone `tz`, when it is a timed value without an offset."""
        if tz is None or not self.precision.is_timed or self.offset is not None:
            return self
        return attrs.evolve(self, tz=tz)


def _qualifier_suffix(approximate: bool, uncertain: bool) -> str:
    if approximate and uncertain:
        return "%"
    if uncertain:
        return "?"
    if approximate:
        return "~"
    return ""


def _offset_tzinfo(offset: str) -> dt.tzinfo:
    if offset == "Z":
        return dt.UTC
    sign = -1 if offset[0] == "-" else 1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


End: TypeAlias = "FuzzyDate | Bound"


@attrs.frozen(repr=False)
class Interval:
    """From `start` to `end`; either may be an open (`..`) or unknown (``) bound."""

    start: FuzzyDate | Bound
    end: FuzzyDate | Bound

    def __repr__(self) -> str:
        return f"Interval({self.canonical()!r})"

    @property
    def earliest(self) -> Instant | None:
        return self.start.earliest if isinstance(self.start, FuzzyDate) else None

    @property
    def latest(self) -> Instant | None:
        return self.end.latest if isinstance(self.end, FuzzyDate) else None

    @property
    def earliest_key(self) -> int:
        return self.start.earliest_key if isinstance(self.start, FuzzyDate) else bound_key(None)

    @property
    def latest_key(self) -> int:
        return self.end.latest_key if isinstance(self.end, FuzzyDate) else bound_key(None, latest=True)

    @property
    def ongoing(self) -> bool:
        return self.end is Bound.OPEN

    @property
    def first(self) -> FuzzyDate:
        """The end that describes the interval: its start, or its end when the start is missing."""
        if isinstance(self.start, FuzzyDate):
            return self.start
        assert isinstance(self.end, FuzzyDate)
        return self.end

    @property
    def precision(self) -> Precision:
        return self.first.precision

    @property
    def approximate(self) -> bool:
        return any(isinstance(e, FuzzyDate) and e.approximate for e in (self.start, self.end))

    @property
    def uncertain(self) -> bool:
        return any(isinstance(e, FuzzyDate) and e.uncertain for e in (self.start, self.end))

    def canonical(self) -> str:
        return "/".join(e.canonical() if isinstance(e, FuzzyDate) else e.value for e in (self.start, self.end))

    def with_tz(self, tz: str | None) -> Interval:
        start = self.start.with_tz(tz) if isinstance(self.start, FuzzyDate) else self.start
        end = self.end.with_tz(tz) if isinstance(self.end, FuzzyDate) else self.end
        return Interval(start, end)


EventDate: TypeAlias = FuzzyDate | Interval


_DAY_US: Final = 86_400_000_000
_UNBOUNDED: Final = 1 << 62


def bound_key(instant: Instant | None, *, latest: bool = False) -> int:
    """Microseconds that order bounds of any precision; a day's latest is its last microsecond.

    Timed values compare by their UTC instant, floating ones as if they were UTC.
    A missing bound is before everything as an earliest and after everything as a latest.
    """
    if instant is None:
        return _UNBOUNDED if latest else -_UNBOUNDED
    if isinstance(instant, dt.datetime):
        # Subtract the offset as a number: as datetimes, 0001-01-01T00:00+09:00 would fall before year 1.
        offset = instant.utcoffset()
        offset_us = (offset // dt.timedelta(microseconds=1)) if offset is not None else 0
        seconds = instant.hour * 3600 + instant.minute * 60 + instant.second
        return instant.toordinal() * _DAY_US + seconds * 1_000_000 + instant.microsecond - offset_us
    return instant.toordinal() * _DAY_US + (_DAY_US - 1 if latest else 0)


# --- parsing -----------------------------------------------------------------

_MONTHS: Final = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS["sept"] = 9
_MONTH_RE: Final = "(?P<mname>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_APPROX_PREFIX: Final = re.compile(r"^(?:circa|approximately|approx|around|about|ca|c)\b\.?\s*", re.I)
_PART_PREFIX: Final = re.compile(r"^(?P<part>early|mid|late)(?:\s+|-)", re.I)
_EDTF: Final = re.compile(
    r"""^(?P<year>\d{4}|\d{3}X|\d{2}XX)
        (?:-(?P<month>\d{2}|XX)
          (?:-(?P<day>\d{2}|XX)
            (?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})
              (?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?
              (?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?
            )?
          )?
        )?$""",
    re.X | re.I,
)
_DECADE_WORD: Final = re.compile(r"^(?P<decade>\d{3}0)'?s$", re.I)
_SEASON_WORD: Final = re.compile(r"^(?P<season>spring|summer|autumn|fall|winter),?\s+(?P<year>\d{4})$", re.I)
_MONTH_YEAR: Final = re.compile(rf"^{_MONTH_RE},?\s+(?P<year>\d{{4}})$", re.I)
_DAY_MONTH_YEAR: Final = re.compile(rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_RE},?\s+(?P<year>\d{{4}})$", re.I)
_MONTH_DAY_YEAR: Final = re.compile(rf"^{_MONTH_RE}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})$", re.I)

_EXPECTED: Final = (
    "an EDTF date (1953, 2024-06, 1953-07-27, 197X, 2024-21, 2025-07-12T10:00), "
    "a phrase (late 1970s, June 2024, 27 July 1953, c. 2019), or a range A/B"
)


def parse_date(text: str, *, tz: str | None = None) -> EventDate:
    """Parse one date or an interval `A/B`; raise `DateError` saying what was expected.

    `tz` is the zone for timed values written without an offset.
    """
    if not isinstance(text, str):
        raise DateError(f"must be a date text, {_EXPECTED}")
    return _parse_date_cached(text, tz)


@functools.lru_cache(maxsize=16384)
def _parse_date_cached(text: str, tz: str | None) -> EventDate:
    # Dates repeat a lot in real files ("2024", "2025-06"); the values are immutable, so share them.
    plain = _plain_iso(text, tz)
    if plain is not None:
        return plain
    stripped = text.strip()
    if not stripped:
        raise DateError(f"is empty; expected {_EXPECTED}")
    if "/" in stripped:
        parts = stripped.split("/")
        if len(parts) != 2:
            raise DateError(f"has more than one '/'; an interval is START/END (got {text!r})")
        start, end = (_parse_end(part.strip(), tz, text) for part in parts)
        if isinstance(start, Bound) and isinstance(end, Bound):
            raise DateError(f"an interval needs at least one date (got {text!r})")
        if isinstance(start, FuzzyDate) and isinstance(end, FuzzyDate) and end.latest_key < start.earliest_key:
            raise DateError(f"ends before it starts: {end.canonical()} is before {start.canonical()}")
        return Interval(start, end)
    return parse_single(stripped, tz=tz)


def _plain_iso(text: str, tz: str | None) -> FuzzyDate | None:
    """`YYYY`, `YYYY-MM`, `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM[:SS]` with `Z`, `±HH:MM` or no offset:
    the most common dates, read without regular expressions. None for anything else, or anything
    wrong, so that the full parser reads it or explains what is wrong."""
    size = len(text)
    if size not in _PLAIN_SIZES or not text.isascii() or not text[:4].isdigit():
        return None
    year = int(text[:4])
    if year < MIN_YEAR:
        return None
    if size == 4:
        return FuzzyDate(Precision.YEAR, year, text=text)
    if text[4] != "-" or not text[5:7].isdigit() or not 1 <= (month := int(text[5:7])) <= 12:
        return None
    if size == 7:
        return FuzzyDate(Precision.MONTH, year, month, text=text)
    if text[7] != "-" or not text[8:10].isdigit():
        return None
    day = int(text[8:10])
    try:
        if size == 10:
            return FuzzyDate(Precision.DAY, year, month, day, text=text)
        return _plain_time(text, year, month, day, tz)
    except DateError:  # no such day: the full parser says so in its words
        return None


_PLAIN_SIZES: Final = frozenset({4, 7, 10, 16, 17, 19, 20, 22, 25})


def _plain_time(text: str, year: int, month: int, day: int, tz: str | None) -> FuzzyDate | None:
    if text[10] != "T" or text[13] != ":" or not text[11:13].isdigit() or not text[14:16].isdigit():
        return None
    hour, minute, second, rest = int(text[11:13]), int(text[14:16]), None, text[16:]
    if rest[:1] == ":":
        if not rest[1:3].isdigit():
            return None
        second, rest = int(rest[1:3]), rest[3:]
    if rest == "Z":
        offset: str | None = "Z"
    elif not rest:
        offset = None
    elif len(rest) == 6 and rest[0] in "+-" and rest[3] == ":" and rest[1:3].isdigit() and rest[4:].isdigit():
        if int(rest[1:3]) > 23 or int(rest[4:]) > 59:
            return None
        offset = rest
    else:
        return None
    if hour > 23 or minute > 59 or (second is not None and second > 59):
        return None
    precision = Precision.MINUTE if second is None else Precision.SECOND
    return FuzzyDate(
        precision,
        year,
        month,
        day,
        hour=hour,
        minute=minute,
        second=second,
        offset=offset,
        tz=None if offset else tz,
        text=text,
    )


def _parse_end(part: str, tz: str | None, whole: str) -> FuzzyDate | Bound:
    if part == "..":
        return Bound.OPEN
    if part == "":
        return Bound.UNKNOWN
    try:
        end = _parse_date_cached(part, tz)  # the ends of intervals repeat more than the intervals do
    except DateError:
        end = None
    if isinstance(end, FuzzyDate):
        return end
    return parse_single(part, tz=tz, whole=whole)  # raises, naming the whole interval


def parse_single(text: str, *, tz: str | None = None, whole: str | None = None) -> FuzzyDate:
    """Parse one date (not an interval)."""
    original = text
    body = text.strip()
    approximate = uncertain = False
    while body and body[-1] in "?~%":
        mark = body[-1]
        uncertain |= mark in "?%"
        approximate |= mark in "~%"
        body = body[:-1].rstrip()
    prefix = _APPROX_PREFIX.match(body)
    if prefix and prefix.end() < len(body):
        approximate = True
        body = body[prefix.end() :]
    part: Part | None = None
    part_match = _PART_PREFIX.match(body)
    if part_match:
        part = Part(part_match["part"].lower())
        body = body[part_match.end() :].strip()
    try:
        date = _parse_body(body, part, tz)
    except DateError as error:
        raise DateError(str(error).replace("{text}", repr(whole or original))) from None
    if approximate or uncertain:
        date = attrs.evolve(date, approximate=approximate, uncertain=uncertain)
    object.__setattr__(date, "text", original)
    return date


def _parse_body(body: str, part: Part | None, tz: str | None) -> FuzzyDate:
    match = _EDTF.match(body)
    if match:
        return _from_edtf(match, part, tz)
    if m := _DECADE_WORD.match(body):
        return _make(Precision.DECADE, int(m["decade"]), part=part)
    if m := _MONTH_YEAR.match(body):
        return _make(Precision.MONTH, int(m["year"]), month=_MONTHS[m["mname"].lower()], part=part)
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        if m := pattern.match(body):
            _no_part(part, "a day")
            return _make(Precision.DAY, int(m["year"]), month=_MONTHS[m["mname"].lower()], day=int(m["day"]))
    if m := _SEASON_WORD.match(body):
        _no_part(part, "a season")
        return _make(Precision.SEASON, int(m["year"]), season=_SEASON_CODES[m["season"].lower()])
    if re.match(r"^-?\d{5,}|^-\d", body):
        raise DateError(f"{{text}} is out of range; years run from {MIN_YEAR} to {MAX_YEAR}")
    raise DateError("{text} is not a date; expected " + _EXPECTED)


def _no_part(part: Part | None, what: str) -> None:
    if part is not None:
        raise DateError(f"early/mid/late apply to a decade, a year or a month, not {what} (got {{text}})")


def _from_edtf(m: re.Match[str], part: Part | None, tz: str | None) -> FuzzyDate:
    year_text, month_text, day_text = m["year"].upper(), m["month"], m["day"]
    if "X" in year_text:
        if month_text or day_text:
            raise DateError("unspecified year digits cannot have a month or day (got {text})")
        if year_text.endswith("XX"):
            _no_part(part, "a century")
            return _make(Precision.CENTURY, int(year_text[:2]) * 100)
        return _make(Precision.DECADE, int(year_text[:3]) * 10, part=part)
    year = int(year_text)
    if month_text is None or month_text.upper() == "XX":
        if day_text and day_text.upper() != "XX":
            raise DateError("a day needs a month (got {text})")
        return _make(Precision.YEAR, year, part=part)
    month = int(month_text)
    if 21 <= month <= 24:
        if day_text:
            raise DateError("a season (21-24) cannot have a day (got {text})")
        _no_part(part, "a season")
        return _make(Precision.SEASON, year, season=month)
    if not 1 <= month <= 12:
        raise DateError(f"month {month_text} does not exist; months are 01-12, seasons 21-24 (got {{text}})")
    if day_text is None or day_text.upper() == "XX":
        if m["hour"] is not None:
            raise DateError("a time needs a day (got {text})")
        return _make(Precision.MONTH, year, month=month, part=part)
    _no_part(part, "a day")
    day = int(day_text)
    if m["hour"] is None:
        return _make(Precision.DAY, year, month=month, day=day)
    hour, minute = int(m["hour"]), int(m["minute"])
    second = int(m["second"]) if m["second"] is not None else None
    if hour > 23 or minute > 59 or (second is not None and second > 59):
        raise DateError("{text} is not a real time of day")
    fraction = m["fraction"]
    return _make(
        Precision.SECOND if second is not None else Precision.MINUTE,
        year,
        month=month,
        day=day,
        hour=hour,
        minute=minute,
        second=second,
        microsecond=int(fraction.ljust(6, "0")) if fraction else 0,
        offset=_normalise_offset(m["offset"]),
        tz=None if m["offset"] else tz,
    )


def _normalise_offset(offset: str | None) -> str | None:
    if offset is None:
        return None
    if offset.upper() == "Z":
        return "Z"
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise DateError("{text} has an impossible UTC offset")
    if hours == minutes == 0 and offset[0] == "+":
        return "+00:00"
    return f"{offset[0]}{hours:02d}:{minutes:02d}"


def _make(precision: Precision, year: int, **fields: object) -> FuzzyDate:
    # 00XX and 000X start at year 0, which does not exist; their bounds start at year 1.
    if not MIN_YEAR <= year <= MAX_YEAR and precision not in (Precision.CENTURY, Precision.DECADE):
        raise DateError(f"year {year} is out of range; years run from {MIN_YEAR} to {MAX_YEAR} (got {{text}})")
    try:
        return FuzzyDate(precision, year, **fields)  # type: ignore[arg-type]
    except DateError as error:
        # Keep the reason, but name the date as the author wrote it.
        raise DateError("{text} is not a real date (" + str(error).rsplit(" (", 1)[-1]) from None
