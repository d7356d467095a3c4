"""Display text: precision, approximation and uncertainty visible, in the reader's language."""

from __future__ import annotations

import pytest
from hypothesis import given

from tests.strategies import event_dates
from timeline.dates import parse_date
from timeline.display import available_locales, display, precision_phrase


class TestDisplay:
    """Dates read as a careful writer would put them."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("1953-07-27", "27 July 1953"),
            ("late 1970s/early 1980s", "late 1970s – early 1980s"),
            ("c. 2019", "c. 2019"),
            ("2019?", "2019?"),
            ("2019%", "c. 2019?"),
            ("June 2024", "June 2024"),
            ("2024-10/..", "since October 2024"),
            ("../2019", "until 2019"),
            ("2024-10/", "October 2024 – ?"),
            ("1970s", "1970s"),
            ("19XX", "1900–1999"),
            ("mid-1990s", "mid-1990s"),
            ("early June 2024", "early June 2024"),
            ("2024-24", "winter 2024"),
            ("2025-07-12T10:00:00+09:00", "12 July 2025, 10:00:00 UTC+09:00"),
            ("1957-10-04T19:28:34Z", "4 October 1957, 19:28:34 UTC"),
            ("2025-07-12T10:00", "12 July 2025, 10:00"),
        ],
    )
    def test_english(self, text: str, expected: str) -> None:
        """English display text for each kind of date."""
        assert expected == display(parse_date(text))

    def test_zone_named(self) -> None:
        """A zoned time names its zone."""
        assert "12 July 2025, 10:00 (Asia/Pyongyang)" == display(parse_date("2025-07-12T10:00", tz="Asia/Pyongyang"))

    @pytest.mark.parametrize(
        ("locale", "text", "expected"),
        [
            ("fr", "1953-07-27", "27 juillet 1953"),
            ("fr", "2024-10/..", "depuis octobre 2024"),
            ("de", "June 2024", "Juni 2024"),
            ("de", "c. 2019", "ca. 2019"),
            ("ko", "June 2024", "2024년 6월"),
            ("es", "late 1970s", "finales de los años 1970"),
            ("fr", "late 1970s/early 1980s", "fin des années 1970 – début des années 1980"),
            ("de", "mid-1990s", "Mitte der 1990er"),
            ("ru", "early 1970s", "начало 1970-х"),
            ("fr", "late 2025", "fin 2025"),
        ],
    )
    def test_locales(self, locale: str, text: str, expected: str) -> None:
        """Month names and qualifier words follow the locale."""
        assert expected == display(parse_date(text), locale)

    def test_unknown_words_fall_back_to_english(self) -> None:
        """A locale without qualifier words still gets its month names."""
        assert "c. juni 2024" == display(parse_date("c. June 2024"), "nl")

    @given(event_dates)
    def test_every_date_displays(self, date: object) -> None:
        """Every valid date has non-empty display text in every listed locale."""
        for locale in ("en", "fr", "ko", "ru"):
            assert display(date, locale)  # type: ignore[arg-type]

    def test_locales_listed(self) -> None:
        """pendulum's locales are offered."""
        assert {"en", "fr", "de", "ko"} <= set(available_locales())


class TestPrecisionPhrase:
    """The precision spelled out, for calendar descriptions."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2024-06", "known to the month"),
            ("c. 2019", "known to the year, approximate"),
            ("late 1970s/early 1980s", "a period, start known to the decade (late part)"),
            ("2024-10/..", "a period, start known to the month, ongoing"),
            ("1953-07-27?", "known to the day, uncertain"),
        ],
    )
    def test_phrase(self, text: str, expected: str) -> None:
        """The phrase names the precision and the qualifiers."""
        assert expected == precision_phrase(parse_date(text))
