"""The date model: parsing, bounds, canonical text, ordering."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import event_dates, fuzzy_dates
from timeline.dates import Bound, DateError, FuzzyDate, Interval, Part, Precision, bound_key, parse_date

D = dt.date


class TestBounds:
    """Bounds are fixed so that every output agrees on them."""

    @pytest.mark.parametrize(
        ("text", "precision", "earliest", "latest"),
        [
            ("1953", Precision.YEAR, D(1953, 1, 1), D(1953, 12, 31)),
            ("2024-06", Precision.MONTH, D(2024, 6, 1), D(2024, 6, 30)),
            ("2024-02", Precision.MONTH, D(2024, 2, 1), D(2024, 2, 29)),
            ("2023-02", Precision.MONTH, D(2023, 2, 1), D(2023, 2, 28)),
            ("1953-07-27", Precision.DAY, D(1953, 7, 27), D(1953, 7, 27)),
            ("197X", Precision.DECADE, D(1970, 1, 1), D(1979, 12, 31)),
            ("1970s", Precision.DECADE, D(1970, 1, 1), D(1979, 12, 31)),
            ("19XX", Precision.CENTURY, D(1900, 1, 1), D(1999, 12, 31)),
            ("2024-XX", Precision.YEAR, D(2024, 1, 1), D(2024, 12, 31)),
            ("2024-06-XX", Precision.MONTH, D(2024, 6, 1), D(2024, 6, 30)),
            ("early 1970s", Precision.DECADE, D(1970, 1, 1), D(1973, 12, 31)),
            ("mid-1990s", Precision.DECADE, D(1994, 1, 1), D(1996, 12, 31)),
            ("late 1970s", Precision.DECADE, D(1977, 1, 1), D(1979, 12, 31)),
            ("early 2025", Precision.YEAR, D(2025, 1, 1), D(2025, 4, 30)),
            ("mid 2025", Precision.YEAR, D(2025, 5, 1), D(2025, 8, 31)),
            ("late 2025", Precision.YEAR, D(2025, 9, 1), D(2025, 12, 31)),
            ("early June 2024", Precision.MONTH, D(2024, 6, 1), D(2024, 6, 10)),
            ("mid June 2024", Precision.MONTH, D(2024, 6, 11), D(2024, 6, 20)),
            ("late February 2024", Precision.MONTH, D(2024, 2, 21), D(2024, 2, 29)),
            ("2024-21", Precision.SEASON, D(2024, 3, 1), D(2024, 5, 31)),
            ("2024-22", Precision.SEASON, D(2024, 6, 1), D(2024, 8, 31)),
            ("2024-23", Precision.SEASON, D(2024, 9, 1), D(2024, 11, 30)),
            ("2023-24", Precision.SEASON, D(2023, 12, 1), D(2024, 2, 29)),
            ("June 2024", Precision.MONTH, D(2024, 6, 1), D(2024, 6, 30)),
            ("27 July 1953", Precision.DAY, D(1953, 7, 27), D(1953, 7, 27)),
            ("July 27, 1953", Precision.DAY, D(1953, 7, 27), D(1953, 7, 27)),
            ("c. 2019", Precision.YEAR, D(2019, 1, 1), D(2019, 12, 31)),
            ("0001", Precision.YEAR, D(1, 1, 1), D(1, 12, 31)),
            ("9999", Precision.YEAR, D(9999, 1, 1), D(9999, 12, 31)),
        ],
    )
    def test_single(self, text: str, precision: Precision, earliest: D, latest: D) -> None:
        """Each form gets the precision and inclusive bounds the rules fix."""
        date = parse_date(text)
        assert isinstance(date, FuzzyDate)
        assert (precision, earliest, latest) == (date.precision, date.earliest, date.latest)

    def test_timed_instant(self) -> None:
        """A timed value's bounds are its instant, in its offset."""
        date = parse_date("2025-07-12T10:00:00+09:00")
        expected = dt.datetime(2025, 7, 12, 10, tzinfo=dt.timezone(dt.timedelta(hours=9)))
        assert (expected, expected) == (date.earliest, date.latest)

    def test_timed_utc(self) -> None:
        """`Z` means UTC and is kept in the canonical text."""
        date = parse_date("1957-10-04T19:28:34Z")
        assert dt.datetime(1957, 10, 4, 19, 28, 34, tzinfo=dt.UTC) == date.earliest
        assert "1957-10-04T19:28:34Z" == date.canonical()

    def test_timed_takes_zone(self) -> None:
        """A time without an offset takes the event's zone, 1953 rules included."""
        date = parse_date("1953-07-27T10:00", tz="Asia/Pyongyang")
        assert isinstance(date, FuzzyDate)
        assert dt.timedelta(hours=9) == date.earliest.utcoffset()  # type: ignore[union-attr]
        assert not date.is_floating

    def test_floating(self) -> None:
        """A time with neither offset nor zone floats."""
        date = parse_date("2025-07-12T10:00")
        assert isinstance(date, FuzzyDate)
        assert date.is_floating
        assert Precision.MINUTE == date.precision

    def test_interval(self) -> None:
        """An interval runs from its start's earliest to its end's latest."""
        date = parse_date("late 1970s/early 1980s")
        assert isinstance(date, Interval)
        assert (D(1977, 1, 1), D(1983, 12, 31)) == (date.earliest, date.latest)
        assert Precision.DECADE == date.precision

    def test_mixed_precision_interval(self) -> None:
        """The ends of an interval may have different precisions."""
        date = parse_date("2024-08-06/2025-04")
        assert (D(2024, 8, 6), D(2025, 4, 30)) == (date.earliest, date.latest)

    @pytest.mark.parametrize(
        ("text", "start", "end", "earliest", "latest"),
        [
            ("2024-10/..", FuzzyDate, Bound.OPEN, D(2024, 10, 1), None),
            ("../2019", Bound.OPEN, FuzzyDate, None, D(2019, 12, 31)),
            ("2024-10/", FuzzyDate, Bound.UNKNOWN, D(2024, 10, 1), None),
            ("/2019", Bound.UNKNOWN, FuzzyDate, None, D(2019, 12, 31)),
        ],
    )
    def test_open_and_unknown_ends(self, text: str, start: object, end: object, earliest: D, latest: D) -> None:
        """Open and unknown ends have no bound."""
        date = parse_date(text)
        assert isinstance(date, Interval)
        for expected, actual in ((start, date.start), (end, date.end)):
            assert actual is expected if isinstance(expected, Bound) else isinstance(actual, FuzzyDate)
        assert (earliest, latest) == (date.earliest, date.latest)

    def test_qualifiers_do_not_move_bounds(self) -> None:
        """`?`, `~` and `%` are kept but leave the bounds alone."""
        plain = parse_date("2019")
        for text, approximate, uncertain in (("2019?", False, True), ("2019~", True, False), ("2019%", True, True)):
            date = parse_date(text)
            assert (plain.earliest, plain.latest) == (date.earliest, date.latest)
            assert (approximate, uncertain) == (date.approximate, date.uncertain)

    @pytest.mark.parametrize("text", ["c. 2019", "circa 2019", "around 2019", "ca. 2019", "c.2019"])
    def test_approximate_phrases(self, text: str) -> None:
        """People's words for "approximately" make the date approximate."""
        assert parse_date("2019~") == parse_date(text)


class TestErrors:
    """Bad dates get a clear `DateError`, never another exception."""

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("2023-02-29", "'2023-02-29' is not a real date (February 2023 has 28 days)"),
            ("2024-13", "month 13 does not exist; months are 01-12, seasons 21-24 (got '2024-13')"),
            ("2024-04-31", "'2024-04-31' is not a real date (April 2024 has 30 days)"),
            ("0000", "year 0 is out of range; years run from 1 to 9999 (got '0000')"),
            ("10000", "'10000' is out of range; years run from 1 to 9999"),
            ("9999-24", "'9999-24' is not a real date (it runs past year 9999)"),
            ("2020/2019", "ends before it starts: 2019 is before 2020"),
            ("../..", "an interval needs at least one date (got '../..')"),
            ("2024-06-01T25:00", "'2024-06-01T25:00' is not a real time of day"),
            (
                "late 1953-07-27",
                "early/mid/late apply to a decade, a year or a month, not a day (got 'late 1953-07-27')",
            ),
        ],
    )
    def test_message(self, text: str, message: str) -> None:
        """The message says what is wrong and shows what was given."""
        with pytest.raises(DateError) as info:
            parse_date(text)
        assert message == str(info.value)

    @given(st.text(max_size=30))
    def test_only_date_errors(self, text: str) -> None:
        """Any text parses or raises DateError; nothing else escapes."""
        with contextlib.suppress(DateError):
            parse_date(text)


class TestCanonical:
    """The canonical text is EDTF where EDTF can say it and reads back equal."""

    @pytest.mark.parametrize(
        ("text", "canonical"),
        [
            ("1970s", "197X"),
            ("late 1970s", "late 197X"),
            ("mid-1990s", "mid 199X"),
            ("June 2024", "2024-06"),
            ("early June 2024", "early 2024-06"),
            ("27 July 1953", "1953-07-27"),
            ("c. 2019", "2019~"),
            ("spring 2024", "2024-21"),
            ("2024-XX", "2024"),
            ("late 1970s/early 1980s", "late 197X/early 198X"),
            ("2025-07-12T10:00:00+0900", "2025-07-12T10:00:00+09:00"),
            ("2025-07-12T10:00:00.500Z", "2025-07-12T10:00:00.5Z"),
        ],
    )
    def test_examples(self, text: str, canonical: str) -> None:
        """Phrases normalise to one canonical spelling."""
        assert canonical == parse_date(text).canonical()

    @given(event_dates)
    def test_round_trip(self, date: FuzzyDate | Interval) -> None:
        """Parsing the canonical text gives an equal date."""
        first = date.first if isinstance(date, Interval) else date
        assert date == parse_date(date.canonical(), tz=first.tz)

    @given(event_dates)
    def test_earliest_not_after_latest(self, date: FuzzyDate | Interval) -> None:
        """earliest <= latest whenever both exist."""
        if date.earliest is not None and date.latest is not None:
            assert bound_key(date.earliest) <= bound_key(date.latest, latest=True)

    @given(fuzzy_dates(timed=False))
    def test_part_narrows(self, date: FuzzyDate) -> None:
        """An early/mid/late part lies within the whole unit."""
        import attrs

        if date.part is not None:
            whole = attrs.evolve(date, part=None)
            assert whole.earliest <= date.earliest <= date.latest <= whole.latest


class TestPrecision:
    """Precisions are ordered coarse to fine."""

    def test_order(self) -> None:
        """CENTURY < DECADE < YEAR < SEASON < MONTH < DAY < MINUTE < SECOND."""
        assert list(Precision) == sorted(Precision)
        assert Precision.CENTURY < Precision.DAY < Precision.SECOND

    def test_part_enum(self) -> None:
        """Parts read back from their words."""
        assert Part.LATE == Part("late")
