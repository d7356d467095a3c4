"""The iCalendar exporter: file shape, dates by precision, zones, texts, skipped events, and icalendar parity."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser.string import _foldline

from tests.conftest import EXAMPLE
from tests.ical.clients import assert_parsers_agree
from tests.strategies import rich_text, rich_timelines
from timeline.cli import main
from timeline.dates import parse_date
from timeline.formats import ExportOptions
from timeline.formats.ical import export_ics
from timeline.formats.ical_export import export_ics_icalendar
from timeline.formats.ical_fixes import EscapedText, split_rdates, zoned
from timeline.formats.ical_lines import escape_text, fold, unescape_text
from timeline.formats.ical_zones import vtimezone
from timeline.records import Event, Source, Timeline

STAMP = dt.datetime(2025, 7, 14, tzinfo=dt.UTC)


def _export(*events: Event, as_of: dt.date | None = None, **options: object) -> tuple[str, tuple[object, ...]]:
    timeline = Timeline("Test", events, as_of=as_of)
    result = export_ics(timeline, ExportOptions(generated_at=STAMP, **options))  # type: ignore[arg-type]
    assert len(events) - len(result.skipped) == len(assert_parsers_agree(result.data))
    return result.data.decode("utf-8"), result.skipped


def _event(date: str, tz: str | None = None, **fields: object) -> Event:
    return Event(
        id=str(fields.pop("id", "e")),
        title=str(fields.pop("title", "T")),
        date=parse_date(date, tz=tz),
        tz=tz,
        **fields,
    )  # type: ignore[arg-type]


def _props(text: str, name: str) -> list[str]:
    """Unfolded lines of property `name` (with parameters), in order, in the events (or the calendar if none)."""
    unfolded = text.replace("\r\n ", "")
    if "BEGIN:VEVENT" in unfolded and not name.startswith("X-WR"):
        unfolded = unfolded[unfolded.index("BEGIN:VEVENT") :]
    return [line for line in unfolded.split("\r\n") if re.match(rf"{name}[;:]", line)]


class TestFileShape:
    """Calendar properties, line endings, folding, encoding."""

    def test_calendar_properties(self, example_timeline: Timeline) -> None:
        """VERSION, PRODID naming the project, CALSCALE, METHOD, NAME/X-WR-CALNAME, X-WR-CALDESC."""
        text = export_ics(example_timeline, ExportOptions()).data.decode()
        head = text.replace("\r\n ", "").split("BEGIN:VEVENT")[0].split("\r\n")
        assert "VERSION:2.0" == head[1]
        assert "PRODID:-//timeline//timeline//EN" == head[2]
        assert ["CALSCALE:GREGORIAN", "METHOD:PUBLISH"] == head[3:5]
        assert "NAME:North Korea's support for Russia's war" == head[5]
        assert "X-WR-CALNAME:North Korea's support for Russia's war" == head[6]
        assert head[7].startswith("X-WR-CALDESC:From the 1953 armistice")

    def test_no_description_no_caldesc(self) -> None:
        """X-WR-CALDESC only when the timeline has a description."""
        text, _ = _export(_event("2024-06-19"))
        assert [] == _props(text, "X-WR-CALDESC")

    def test_crlf_folding_utf8(self, example_timeline: Timeline) -> None:
        """CRLF only, no BOM, every line at most 75 octets, no UTF-8 character split by a fold."""
        long_title = "빠른 " * 40 + "😀" * 30
        timeline = example_timeline.replace(title=long_title)
        data = export_ics(timeline, ExportOptions()).data
        assert not data.startswith(b"\xef\xbb\xbf")
        assert data.endswith(b"END:VCALENDAR\r\n")
        assert b"\n" not in data.replace(b"\r\n", b"")
        assert b"\r" not in data.replace(b"\r\n", b"")
        for line in data.split(b"\r\n"):
            assert len(line) <= 75
            line.decode("utf-8")  # raises if a fold split a character
        assert long_title == icalendar.Calendar.from_ical(data)["X-WR-CALNAME"].replace("\\,", ",")

    def test_deterministic(self, example_timeline: Timeline) -> None:
        """The same timeline and options give the same bytes."""
        options = ExportOptions(generated_at=STAMP)
        assert export_ics(example_timeline, options).data == export_ics(example_timeline, options).data

    def test_source_date_epoch(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """With SOURCE_DATE_EPOCH, two CLI exports are byte-identical and DTSTAMP is that moment in UTC."""
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1752537600")
        outputs = []
        for name in ("a.ics", "b.ics"):
            result = CliRunner().invoke(main, ["export", str(EXAMPLE), "-o", str(tmp_path / name)])
            assert 0 == result.exit_code, result.output
            outputs.append((tmp_path / name).read_bytes())
        assert outputs[0] == outputs[1]
        assert b"DTSTAMP:20250715T000000Z\r\n" in outputs[0]


class TestEventProperties:
    """UID, DTSTAMP, SUMMARY, DESCRIPTION, URL, LOCATION, CATEGORIES and the X- date."""

    def test_properties(self) -> None:
        """Each property carries what the issue asks for."""
        event = _event(
            "late 1970s",
            id="angola",
            title="Deployment",
            description="About 3,000 personnel.",
            location="Luanda, Angola",
            tags=("history", "deployments, abroad"),
            sources=(
                Source(url="https://example.org/a", title="Report", publisher="NK News"),
                Source(url="https://x.org"),
            ),
        )
        text, _ = _export(event)
        assert ["UID:angola@timeline"] == _props(text, "UID")
        assert ["DTSTAMP:20250714T000000Z"] == _props(text, "DTSTAMP")
        assert ["SUMMARY:Deployment"] == _props(text, "SUMMARY")
        assert ["URL:https://example.org/a"] == _props(text, "URL")
        assert ["LOCATION:Luanda\\, Angola"] == _props(text, "LOCATION")
        assert ["CATEGORIES:history,deployments abroad"] == _props(text, "CATEGORIES")
        assert ["X-TIMELINE-DATE:late 197X"] == _props(text, "X-TIMELINE-DATE")
        description = unescape_text(_props(text, "DESCRIPTION")[0].removeprefix("DESCRIPTION:"))
        assert (
            "Date: late 1970s — known to the decade (late part)\n\nAbout 3,000 personnel.\n\n"
            "Sources:\n- Report — NK News — https://example.org/a\n- https://x.org"
        ) == description

    def test_uid_stable(self) -> None:
        """The UID depends on the event id only, not on the export."""
        first, _ = _export(_event("2024-06", id="same"))
        second, _ = _export(_event("2025-01-02T10:00", id="same", title="Changed"), as_of=dt.date(2030, 1, 1))
        assert _props(first, "UID") == _props(second, "UID")

    def test_dtstamp_default(self) -> None:
        """Without generated_at, DTSTAMP is the as_of day (reproducible), never the clock."""
        timeline = Timeline("T", [_event("2024-06-19")], as_of=dt.date(2025, 7, 14))
        assert b"DTSTAMP:20250714T000000Z" in export_ics(timeline, ExportOptions()).data


class TestDates:
    """Dates by precision: days, spans, first-day mode, intervals, ongoing, timed values."""

    @pytest.mark.parametrize(
        ("date", "start", "end"),
        [
            ("1953-07-27", "19530727", "19530728"),
            ("2024-06", "20240601", "20240701"),
            ("2024-02", "20240201", "20240301"),
            ("2024-24", "20241201", "20250301"),
            ("2019", "20190101", "20200101"),
            ("late 196X?", "19670101", "19700101"),
            ("early 2025-01", "20250101", "20250111"),
            ("19XX", "19000101", "20000101"),
            ("2024-08-06/2025-04", "20240806", "20250501"),
            ("late 197X/early 198X", "19770101", "19840101"),
        ],
    )
    def test_all_day_spans(self, date: str, start: str, end: str) -> None:
        """All-day from the earliest day to the day after the latest (DTEND exclusive)."""
        text, _ = _export(_event(date))
        assert [f"DTSTART;VALUE=DATE:{start}"] == _props(text, "DTSTART")
        assert [f"DTEND;VALUE=DATE:{end}"] == _props(text, "DTEND")

    @pytest.mark.parametrize(
        ("date", "start", "end", "summary"),
        [
            ("2019", "20190101", "20190102", "T (2019, known to the year)"),
            ("2024-06", "20240601", "20240602", "T (June 2024, known to the month)"),
            ("1953-07-27", "19530727", "19530728", "T"),
            (
                "2024-08-06/2025-04",
                "20240806",
                "20250402",
                "T (6 August 2024 – April 2025, start known to the day, end known to the month)",
            ),
        ],
    )
    def test_first_day(self, date: str, start: str, end: str, summary: str) -> None:
        """first-day: each imprecise end on its first day; the summary says the real date and precision."""
        text, _ = _export(_event(date), ics_imprecise="first-day")
        assert [f"DTSTART;VALUE=DATE:{start}", f"DTEND;VALUE=DATE:{end}"] == _props(text, "DT(START|END)")
        assert [f"SUMMARY:{escape_text(summary)}"] == _props(text, "SUMMARY")

    def test_ongoing(self) -> None:
        """Ongoing ends with the as_of day and says so in the summary and the description."""
        text, skipped = _export(_event("2024-10/..", title="Troops"), as_of=dt.date(2025, 7, 14))
        assert () == skipped
        assert ["DTSTART;VALUE=DATE:20241001", "DTEND;VALUE=DATE:20250715"] == _props(text, "DT(START|END)")
        assert ["SUMMARY:Troops (ongoing)"] == _props(text, "SUMMARY")
        assert "ongoing\\, shown until 14 July 2025" in _props(text, "DESCRIPTION")[0]

    def test_ongoing_as_of_option(self) -> None:
        """--as-of overrides the timeline's as_of."""
        timeline = Timeline("T", [_event("2024-10/..")], as_of=dt.date(2025, 7, 14))
        data = export_ics(timeline, ExportOptions(as_of=dt.date(2025, 1, 31))).data.decode()
        assert ["DTEND;VALUE=DATE:20250201"] == _props(data, "DTEND")

    @pytest.mark.parametrize(
        ("date", "reason"),
        [
            ("2024-10/..", "it is ongoing and there is no as_of day to end it at (set as_of or give --as-of)"),
            ("2024-10/", "its end is unknown, and a calendar event needs one"),
            ("../2025-04", "its start is open, and a calendar event needs one"),
            ("/2025-04", "its start is unknown, and a calendar event needs one"),
            ("99XX", "its dates run outside the years 1-9999 that iCalendar can write"),
        ],
    )
    def test_skipped(self, date: str, reason: str) -> None:
        """An event a calendar cannot hold is named with the reason, never dropped silently."""
        text, skipped = _export(_event(date, id="x"), _event("2024-06-19", id="kept"))
        assert [("x", reason)] == [(s.event_id, s.reason) for s in skipped]  # type: ignore[attr-defined]
        assert ["UID:kept@timeline"] == _props(text, "UID")

    def test_strict_cli(self, tmp_path: Path) -> None:
        """The CLI names a skipped event on stderr; --strict makes it fail."""
        source = tmp_path / "e.yaml"
        source.write_text("events:\n  - {id: open-end, title: T, start: 2024-10, end: ''}\n", encoding="utf-8")
        relaxed = CliRunner().invoke(main, ["export", str(source), "-o", str(tmp_path / "out.ics")])
        strict = CliRunner().invoke(main, ["export", str(source), "-o", str(tmp_path / "strict.ics"), "--strict"])
        assert 0 == relaxed.exit_code
        assert "open-end" in relaxed.stderr
        assert 1 == strict.exit_code
        assert "open-end" in strict.stderr

    def test_zoned_1953(self) -> None:
        """A 1953 Pyongyang time: TZID, and a VTIMEZONE whose first observance is before it."""
        text, _ = _export(_event("1953-07-27T10:00", "Asia/Pyongyang"))
        assert ["DTSTART;TZID=Asia/Pyongyang:19530727T100000"] == _props(text, "DTSTART")
        assert [] == _props(text, "DTEND")
        zone = text.split("BEGIN:VTIMEZONE")[1].split("END:VTIMEZONE")[0]
        assert "TZID:Asia/Pyongyang" in zone
        first_onset = zone.split("END:STANDARD")[0].split("\r\n")[-2]
        assert first_onset.startswith("DTSTART:")
        assert first_onset.removeprefix("DTSTART:") <= "19530727T100000"
        calendar = icalendar.Calendar.from_ical(text)
        start = calendar.walk("VEVENT")[0]["DTSTART"].dt
        assert dt.datetime(1953, 7, 27, 1, 0, tzinfo=dt.UTC) == start.astimezone(dt.UTC)

    def test_utc_offset_floating(self) -> None:
        """UTC ends in Z; a fixed offset is written in UTC with its text kept; floating stays floating."""
        text, _ = _export(
            _event("2024-06-19T02:00Z", id="utc"),
            _event("2024-06-19T03:00+09:00", id="offset"),
            _event("2025-07-12T09:00", id="floating"),
        )
        assert [
            "DTSTART:20240618T180000Z",
            "DTSTART:20240619T020000Z",
            "DTSTART:20250712T090000",
        ] == _props(text, "DTSTART")
        assert "X-TIMELINE-DATE:2024-06-19T03:00+09:00" in _props(text, "X-TIMELINE-DATE")
        assert "BEGIN:VTIMEZONE" not in text

    def test_timed_interval_and_mixed(self) -> None:
        """Timed intervals keep both times; a time and a day meet at midnight in the time's zone."""
        text, _ = _export(
            _event("2024-06-19T02:50/2024-06-19T12:30", "Europe/Moscow", id="a"),
            _event("2025-07-12T10:00/2025-07-13", "Asia/Pyongyang", id="b"),
        )
        assert [
            "DTSTART;TZID=Europe/Moscow:20240619T025000",
            "DTEND;TZID=Europe/Moscow:20240619T123000",
            "DTSTART;TZID=Asia/Pyongyang:20250712T100000",
            "DTEND;TZID=Asia/Pyongyang:20250714T000000",
        ] == _props(text, "DT(START|END)")

    def test_ambiguous_local_time_in_utc(self) -> None:
        """A repeated local time (clocks going back) is written as its first occurrence in UTC."""
        text, _ = _export(_event("2024-10-27T02:30", "Europe/Berlin"))
        assert ["DTSTART:20241027T003000Z"] == _props(text, "DTSTART")
        assert ["X-TIMELINE-DATE:2024-10-27T02:30"] == _props(text, "X-TIMELINE-DATE")


class TestIcalendarParity:
    """The direct writer gives exactly the bytes of icalendar's own serializer; the fixes are needed."""

    @settings(max_examples=150, deadline=None)
    @given(rich_timelines(), st.sampled_from(["span", "first-day"]))
    def test_same_bytes(self, timeline: Timeline, mode: str) -> None:
        """export_ics == export_ics_icalendar for any timeline."""
        options = ExportOptions(generated_at=STAMP, ics_imprecise=mode)  # type: ignore[arg-type]
        assert export_ics_icalendar(timeline, options).data == export_ics(timeline, options).data

    @settings(max_examples=300)
    @given(st.text(min_size=1, max_size=400).filter(lambda s: "\n" not in s and "\r" not in s))
    def test_fold(self, line: str) -> None:
        """fold() is icalendar's _foldline, in UTF-8."""
        assert _foldline(line).encode("utf-8") == fold(line)

    @given(rich_text)
    def test_escape_round_trip(self, text: str) -> None:
        """escape_text and unescape_text are inverse."""
        assert text == unescape_text(escape_text(text))

    def test_vtext_backslash_n(self) -> None:
        """icalendar's vText turns a literal backslash-N into a line break; EscapedText does not."""
        assert b"C:\\\\New" == EscapedText("C:\\New").to_ical()
        assert b"C:\\nNew" != icalendar.vText("C:\\New").to_ical().replace(b"\\\\", b"")  # icalendar's output differs

    def test_zone_not_replaced_by_utc(self) -> None:
        """icalendar writes Africa/Abidjan as Z; `zoned` keeps the zone (it was UTC-0:16 in 1900)."""
        event = icalendar.Event()
        event.add("DTSTART", dt.datetime(1900, 1, 1, 10, tzinfo=__import__("zoneinfo").ZoneInfo("Africa/Abidjan")))
        assert b"DTSTART:19000101T100000Z" in event.to_ical()
        fixed = icalendar.Event()
        fixed.add("DTSTART", zoned(dt.datetime(1900, 1, 1, 10), "Africa/Abidjan"))
        assert b"DTSTART;TZID=Africa/Abidjan:19000101T100000" in fixed.to_ical()

    def test_rdates_one_per_line_with_dtstart(self) -> None:
        """Every RDATE holds one date, and an observance with RDATEs repeats its DTSTART among them."""
        text = vtimezone("Europe/Berlin", 1945, 2030).to_ical().decode().replace("\r\n ", "")
        rdates = [line for line in text.split("\r\n") if line.startswith("RDATE")]
        assert len(rdates) > 50
        assert all("," not in line for line in rdates)
        assert "RDATE:19450402T030000" in rdates
        plain = icalendar.Timezone.from_tzinfo(
            __import__("zoneinfo").ZoneInfo("Europe/Berlin"), "Europe/Berlin", dt.date(1945, 1, 1), dt.date(2031, 1, 1)
        )
        assert any("," in line for line in plain.to_ical().decode().replace("\r\n ", "").split("\r\n"))
        assert split_rdates(plain).to_ical() == vtimezone("Europe/Berlin", 1945, 2030).to_ical()
