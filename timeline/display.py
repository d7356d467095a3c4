"""Display text for dates, honest about precision: "late 1970s – early 1980s", "c. 2019", "June 2024".

Month and day names come from pendulum's locales; the few words pendulum has no
translation for (early/mid/late, seasons, "since") come from `_WORDS`, falling back
to English for locales it does not list.
"""

from __future__ import annotations

import functools
from typing import Final

from timeline.dates import SEASONS, Bound, EventDate, FuzzyDate, Interval, Precision

__all__ = ["DEFAULT_LOCALE", "available_locales", "display", "precision_phrase"]

DEFAULT_LOCALE: Final = "en"

_WORDS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "early": "early {}",
        "mid": "mid-{}",
        "late": "late {}",
        "approx": "c. {}",
        "since": "since {}",
        "until": "until {}",
        "unknown": "?",
        "spring": "spring {}",
        "summer": "summer {}",
        "autumn": "autumn {}",
        "winter": "winter {}",
        "century": "{}–{}",
        "decade": "{}s",
    },
    "fr": {
        "early": "début {}",
        "mid": "mi-{}",
        "late": "fin {}",
        "approx": "vers {}",
        "since": "depuis {}",
        "until": "jusqu’à {}",
        "unknown": "?",
        "spring": "printemps {}",
        "summer": "été {}",
        "autumn": "automne {}",
        "winter": "hiver {}",
        "century": "{}–{}",
        "decade": "années {}",
        "early decade": "début des années {}",
        "mid decade": "milieu des années {}",
        "late decade": "fin des années {}",
    },
    "de": {
        "early": "Anfang {}",
        "mid": "Mitte {}",
        "late": "Ende {}",
        "approx": "ca. {}",
        "since": "seit {}",
        "until": "bis {}",
        "unknown": "?",
        "spring": "Frühling {}",
        "summer": "Sommer {}",
        "autumn": "Herbst {}",
        "winter": "Winter {}",
        "century": "{}–{}",
        "decade": "{}er",
        "early decade": "Anfang der {}er",
        "mid decade": "Mitte der {}er",
        "late decade": "Ende der {}er",
    },
    "es": {
        "early": "principios de {}",
        "mid": "mediados de {}",
        "late": "finales de {}",
        "approx": "c. {}",
        "since": "desde {}",
        "until": "hasta {}",
        "unknown": "?",
        "spring": "primavera de {}",
        "summer": "verano de {}",
        "autumn": "otoño de {}",
        "winter": "invierno de {}",
        "century": "{}–{}",
        "decade": "años {}",
        "early decade": "principios de los años {}",
        "mid decade": "mediados de los años {}",
        "late decade": "finales de los años {}",
    },
    "ru": {
        "early": "начало {}",
        "mid": "середина {}",
        "late": "конец {}",
        "approx": "ок. {}",
        "since": "с {}",
        "until": "до {}",
        "unknown": "?",
        "spring": "весна {}",
        "summer": "лето {}",
        "autumn": "осень {}",
        "winter": "зима {}",
        "century": "{}–{}",
        "decade": "{}-е",
        "early decade": "начало {}-х",
        "mid decade": "середина {}-х",
        "late decade": "конец {}-х",
    },
    "ko": {
        "early": "{} 초",
        "mid": "{} 중반",
        "late": "{} 말",
        "approx": "{}경",
        "since": "{}부터",
        "until": "{}까지",
        "unknown": "?",
        "spring": "{} 봄",
        "summer": "{} 여름",
        "autumn": "{} 가을",
        "winter": "{} 겨울",
        "century": "{}–{}",
        "decade": "{}년대",
    },
}

# Month-and-year and day patterns (pendulum format tokens) where "MMMM YYYY" / "D MMMM YYYY" is wrong.
_MONTH_YEAR: Final = {"ko": "YYYY년 M월", "ja": "YYYY年M月", "zh": "YYYY年M月", "hu": "YYYY. MMMM"}
_DAY: Final = {"en": "D MMMM YYYY", "en_gb": "D MMMM YYYY", "en_us": "MMMM D, YYYY"}


@functools.cache
def available_locales() -> tuple[str, ...]:
    """The locale codes `display` accepts: pendulum's locales."""
    import pkgutil

    import pendulum.locales

    names = {module.name for module in pkgutil.iter_modules(pendulum.locales.__path__)}
    return tuple(sorted(names - {"locale"}))


def _normalise(locale: str) -> str:
    return locale.replace("-", "_").lower()


@functools.cache
def _words(locale: str) -> dict[str, str]:
    return _WORDS.get(locale, _WORDS.get(locale.split("_")[0], _WORDS["en"]))


#: English month names, fixed: `calendar.month_name` follows the process's C locale (and calls strftime).
_ENGLISH_MONTHS: Final = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _format(year: int, month: int, day: int, pattern: str, locale: str) -> str:
    if locale in ("en", "en_gb"):
        # The common English case without pendulum: keeps `list` and the exporters quick to start.
        if pattern == "MMMM YYYY":
            return f"{_ENGLISH_MONTHS[month]} {year}"
        return f"{day} {_ENGLISH_MONTHS[month]} {year}"
    import pendulum

    return pendulum.date(year, month, day).format(pattern, locale=locale)


def _year(year: int) -> str:
    return str(year)


def _base(d: FuzzyDate, locale: str) -> str:
    words = _words(locale)
    p = d.precision
    if p is Precision.CENTURY:
        return words["century"].format(_year(max(d.year, 1)), _year(d.year + 99))
    if p is Precision.DECADE:
        return words["decade"].format(_year(d.year))
    if p is Precision.YEAR:
        return _year(d.year)
    if p is Precision.SEASON:
        assert d.season is not None
        return words[SEASONS[d.season]].format(_year(d.year))
    assert d.month is not None
    if p is Precision.MONTH:
        return _format(d.year, d.month, 1, _MONTH_YEAR.get(locale, "MMMM YYYY"), locale)
    assert d.day is not None
    text = _format(d.year, d.month, d.day, _DAY.get(locale, "LL"), locale)
    if p.is_timed:
        text += f", {d.hour:02d}:{d.minute:02d}"
        if p is Precision.SECOND:
            text += f":{d.second:02d}"
        if d.offset == "Z":
            text += " UTC"
        elif d.offset is not None:
            text += f" UTC{d.offset}"
        elif d.tz is not None:
            text += f" ({d.tz})"
    return text


def _single(d: FuzzyDate, locale: str) -> str:
    words = _words(locale)
    text = _base(d, locale)
    if d.part is not None:
        # Some languages phrase "late 1970s" differently from "late 2025" ("fin des années 1970").
        decade_phrase = words.get(f"{d.part.value} decade") if d.precision is Precision.DECADE else None
        text = decade_phrase.format(d.year) if decade_phrase else words[d.part.value].format(text)
    if d.approximate:
        text = words["approx"].format(text)
    if d.uncertain:
        text += "?"
    return text


def display(date: EventDate, locale: str = DEFAULT_LOCALE) -> str:
    """The date as a reader should see it: precision, approximation and uncertainty visible."""
    return _display(date, _normalise(locale))


@functools.lru_cache(maxsize=1 << 16)
def _display(date: EventDate, locale: str) -> str:
    # Large timelines repeat dates ("2024", "June 2025"), and a build asks for each one in every
    # format: 100,000 events may hold 30,000 distinct dates, hence room for twice that.
    if isinstance(date, FuzzyDate):
        return _single(date, locale)
    words = _words(locale)
    start, end = date.start, date.end
    if isinstance(start, FuzzyDate) and end is Bound.OPEN:
        return words["since"].format(_single(start, locale))
    if start is Bound.OPEN and isinstance(end, FuzzyDate):
        return words["until"].format(_single(end, locale))
    left = _single(start, locale) if isinstance(start, FuzzyDate) else words["unknown"]
    right = _single(end, locale) if isinstance(end, FuzzyDate) else words["unknown"]
    return f"{left} – {right}"


def precision_phrase(date: EventDate) -> str:
    """The precision spelled out for a reader, e.g. "known to the month, approximate"."""
    first = date.first if isinstance(date, Interval) else date
    words = {
        Precision.CENTURY: "known to the century",
        Precision.DECADE: "known to the decade",
        Precision.YEAR: "known to the year",
        Precision.SEASON: "known to the season",
        Precision.MONTH: "known to the month",
        Precision.DAY: "known to the day",
        Precision.MINUTE: "known to the minute",
        Precision.SECOND: "known to the second",
    }
    phrase = words[first.precision]
    if first.part is not None:
        phrase = f"{phrase} ({first.part.value} part)"
    if isinstance(date, Interval):
        phrase = f"a period, start {phrase}"
        if date.end is Bound.OPEN:
            phrase += ", ongoing"
        elif date.end is Bound.UNKNOWN:
            phrase += ", end unknown"
        elif date.start is Bound.UNKNOWN:
            phrase += ", start unknown"
    if date.approximate:
        phrase += ", approximate"
    if date.uncertain:
        phrase += ", uncertain"
    return phrase
