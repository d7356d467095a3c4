"""The iCalendar importer: other apps' calendars, recurring events, broken files, and the event file it writes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE
from timeline.cli import main
from timeline.dates import parse_date
from timeline.formats.event_yaml import dump_event_file
from timeline.formats.ical import import_ics
from timeline.importing import ImportOptions
from timeline.load import load_timeline
from timeline.problems import InvalidInput
from timeline.records import Event, Source, Timeline

CALENDARS = Path(icalendar.__file__).parent / "tests" / "calendars"

GOOGLE = """\ufeffBEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:PUBLISH
X-WR-CALNAME:Work
X-WR-TIMEZONE:Europe/Berlin
X-WR-CALDESC:Team calendar
BEGIN:VEVENT
DTSTART:20250712T080000Z
DTEND:20250712T093000Z
DTSTAMP:20250701T000000Z
UID:abc123@google.com
SUMMARY:Planning, with commas
DESCRIPTION:Line one\\nLine two
LOCATION:Room 1
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20250714
DTEND;VALUE=DATE:20250717
DTSTAMP:20250701T000000Z
UID:trip@google.com
SUMMARY:Trip
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20250720
DTSTAMP:20250701T000000Z
UID:holiday@google.com
SUMMARY:Holiday
URL:https://example.org/holiday
CATEGORIES:Leave,Family
END:VEVENT
BEGIN:VEVENT
DTSTART:20250721T090000
DURATION:PT45M
DTSTAMP:20250701T000000Z
UID:floating@google.com
SUMMARY:Standup
END:VEVENT
END:VCALENDAR
"""

OUTLOOK = """BEGIN:VCALENDAR\r
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r
VERSION:2.0\r
METHOD:PUBLISH\r
BEGIN:VTIMEZONE\r
TZID:W. Europe Standard Time\r
BEGIN:STANDARD\r
DTSTART:16011028T030000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010325T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
DTSTART;TZID=W. Europe Standard Time:20250715T140000\r
DTEND;TZID=W. Europe Standard Time:20250715T150000\r
DTSTAMP:20250701T000000Z\r
UID:040000008200E00074C5B7101A82E0080000000\r
SUMMARY:Review\r
END:VEVENT\r
END:VCALENDAR\r
"""

WEEKLY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Apple Inc.//macOS 14//EN
BEGIN:VEVENT
UID:weekly@apple
DTSTAMP:20250101T000000Z
DTSTART;TZID=Asia/Seoul:20250106T093000
DTEND;TZID=Asia/Seoul:20250106T100000
RRULE:FREQ=WEEKLY;COUNT=10
EXDATE;TZID=Asia/Seoul:20250113T093000
SUMMARY:Weekly sync
END:VEVENT
BEGIN:VEVENT
UID:weekly@apple
RECURRENCE-ID;TZID=Asia/Seoul:20250120T093000
DTSTAMP:20250101T000000Z
DTSTART;TZID=Asia/Seoul:20250120T110000
DTEND;TZID=Asia/Seoul:20250120T113000
SUMMARY:Weekly sync (moved)
END:VEVENT
BEGIN:VEVENT
UID:once@apple
DTSTAMP:20250101T000000Z
DTSTART;VALUE=DATE:20240301
SUMMARY:Once
END:VEVENT
END:VCALENDAR
"""


def _import(text: str, name: str = "calendar.ics", **options: object) -> Timeline:
    return import_ics(text.encode("utf-8"), name, ImportOptions(**options))  # type: ignore[arg-type]


def _by_id(timeline: Timeline) -> dict[str, Event]:
    return {event.id: event for event in timeline.events}


def _problems(text: str | bytes, **options: object) -> list[str]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(InvalidInput) as raised:
        import_ics(data, "bad.ics", ImportOptions(**options))  # type: ignore[arg-type]
    return [str(problem) for problem in raised.value.problems]


class TestOtherCalendars:
    """Google, Outlook, Apple and Thunderbird shapes: BOM, LF, X-WR-TIMEZONE, Windows zones, no DTEND, DURATION."""

    def test_google(self) -> None:
        """X-WR-TIMEZONE puts UTC times in the calendar's zone; all-day days and spans; BOM and LF endings."""
        timeline = _import(GOOGLE, "work.ics")
        assert "Work" == timeline.title
        assert "Team calendar" == timeline.description
        events = _by_id(timeline)
        assert {"planning-with-commas", "trip", "holiday", "standup"} == set(events)
        planning = events["planning-with-commas"]
        assert parse_date("2025-07-12T10:00/2025-07-12T11:30", tz="Europe/Berlin") == planning.date
        assert "Europe/Berlin" == planning.tz
        assert "Line one\nLine two" == planning.description
        assert "Room 1" == planning.location
        assert parse_date("2025-07-14/2025-07-16") == events["trip"].date
        holiday = events["holiday"]
        assert parse_date("2025-07-20") == holiday.date
        assert ("Leave", "Family") == holiday.tags
        assert (Source(url="https://example.org/holiday"),) == holiday.sources
        assert parse_date("2025-07-21T09:00/2025-07-21T09:45", tz="Europe/Berlin") == events["standup"].date

    def test_outlook_windows_zone(self) -> None:
        """A Windows zone name becomes its IANA zone; CRLF endings."""
        (event,) = _import(OUTLOOK).events
        assert "Europe/Berlin" == event.tz
        assert parse_date("2025-07-15T14:00/2025-07-15T15:00", tz="Europe/Berlin") == event.date
        assert "review" == event.id

    def test_timed_without_end(self) -> None:
        """A timed event without DTEND is an instant; UTC stays UTC; seconds give second precision."""
        text = GOOGLE.replace("X-WR-TIMEZONE:Europe/Berlin\n", "").replace("DTEND:20250712T093000Z\n", "")
        text = text.replace("DTSTART:20250712T080000Z", "DTSTART:20250712T080005Z")
        events = _by_id(_import(text))
        assert parse_date("2025-07-12T08:00:05Z") == events["planning-with-commas"].date
        assert events["planning-with-commas"].tz is None

    def test_custom_zone_keeps_instant(self) -> None:
        """A zone only the file defines (custom_America/New_York) keeps the instant, as its UTC offset."""
        timeline = import_ics((CALENDARS / "america_new_york.ics").read_bytes(), "ny.ics", ImportOptions())
        assert parse_date("2014-08-29T08:00-04:00/2014-08-29T10:00-04:00") == timeline.events[0].date

    def test_thunderbird_vendor_zone(self) -> None:
        """Thunderbird's /mozilla.org/.../America/New_York TZIDs become the IANA zone."""
        timeline = import_ics(
            (CALENDARS / "issue_313_globally_unique_tzid.ics").read_bytes(), "tb.ics", ImportOptions()
        )
        assert {"Europe/Berlin", "America/New_York", "America/Argentina/Buenos_Aires"} == {e.tz for e in timeline}

    def test_unique_ids(self) -> None:
        """Ids are slugs of the titles, numbered when titles repeat."""
        text = GOOGLE.replace("SUMMARY:Trip", "SUMMARY:Holiday")
        assert ["holiday", "holiday-2"] == sorted(e.id for e in _import(text).events if e.id.startswith("holiday"))


class TestRecurring:
    """Recurring events are expanded in the window the user gives, or refused with a clear message."""

    def test_refused_without_window(self) -> None:
        """Without --from/--to: an error naming the RRULE line."""
        assert [
            "bad.ics:9: error: event 'Weekly sync' repeats (RRULE); "
            "give --from and --to to expand its occurrences within those days"
        ] == _problems(WEEKLY)

    def test_expanded(self) -> None:
        """Occurrences in the window, with EXDATE and RECURRENCE-ID applied; single events kept whatever the window."""
        timeline = _import(WEEKLY, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 1, 31))
        starts = {e.id: e.date.canonical() for e in timeline.events}
        assert {
            "once": "2024-03-01",
            "weekly-sync-2025-01-06t0930": "2025-01-06T09:30/2025-01-06T10:00",
            "weekly-sync-moved-2025-01-20t1100": "2025-01-20T11:00/2025-01-20T11:30",
            "weekly-sync-2025-01-27t0930": "2025-01-27T09:30/2025-01-27T10:00",
        } == starts

    def test_one_bound_only(self) -> None:
        """--from without --to is refused."""
        assert ["bad.ics: error: give both --from and --to to expand recurring events"] == _problems(
            WEEKLY, date_from=dt.date(2025, 1, 1)
        )


class TestBrokenCalendars:
    """Broken files give errors that name the line; never a traceback."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("", "bad.ics: error: is empty; an iCalendar file starts with BEGIN:VCALENDAR"),
            (
                "hello\n",
                "bad.ics:1: error: does not start with BEGIN:VCALENDAR (got 'hello'); is this an iCalendar file?",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20250101\nSUMMARY oops\nEND:VEVENT\nEND:VCALENDAR\n",
                "bad.ics:4: error: is not an iCalendar content line NAME:value (got 'SUMMARY oops')",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\nEND:VCALENDAR\n",
                "bad.ics:4: error: END:VCALENDAR does not close anything here; "
                "expected END:VEVENT for the BEGIN on line 2",
            ),
            (
                "BEGIN:VCALENDAR\n",
                "bad.ics:1: error: BEGIN:VCALENDAR is never closed by END:VCALENDAR",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2025-01-01\nEND:VEVENT\nEND:VCALENDAR\n",
                "bad.ics:3: error: DTSTART: Expected datetime, date, or time. Got: '2025-01-01'",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:No date\nEND:VEVENT\nEND:VCALENDAR\n",
                "bad.ics:2: error: event 'No date' has no DTSTART, so it has no date",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VTODO\nSUMMARY:x\nEND:VTODO\nEND:VCALENDAR\n",
                "bad.ics: error: has no events (VEVENT) to import; it holds only VTODO",
            ),
        ],
    )
    def test_located(self, text: str, expected: str) -> None:
        """Each problem is reported with the file and line."""
        assert [expected] == _problems(text)

    def test_not_utf8(self) -> None:
        """A byte that is not UTF-8 is named with its line."""
        data = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:caf\xe9\r\n"
        assert ["bad.ics:3: error: is not UTF-8 text (byte 0xE9); iCalendar files are UTF-8"] == _problems(data)

    @pytest.mark.parametrize("path", sorted(CALENDARS.glob("*.ics")), ids=lambda p: p.name)
    def test_icalendar_corpus(self, path: Path, tmp_path: Path) -> None:
        """Every calendar in icalendar's own test data imports (to a valid event file) or is refused clearly."""
        for options in (ImportOptions(), ImportOptions(dt.date(2020, 1, 1), dt.date(2020, 12, 31))):
            try:
                timeline = import_ics(path.read_bytes(), path.name, options)
            except InvalidInput as refused:
                problems = refused.problems
            else:
                problems = ()
            if problems:
                assert all(problem.message and problem.file == path.name for problem in problems)
                continue
            assert timeline.events
            written = tmp_path / "imported.yaml"
            written.write_bytes(dump_event_file(timeline, f"Imported from {path.name}"))
            assert timeline == load_timeline(written)


class TestEventFile:
    """`timeline import` writes a valid, readable event file that says where it came from."""

    def test_cli(self, tmp_path: Path) -> None:
        """The YAML starts with a comment naming the source and loads back to the imported records."""
        source = tmp_path / "work.ics"
        source.write_text(GOOGLE, encoding="utf-8")
        output = tmp_path / "events" / "work.yaml"
        output.parent.mkdir()
        result = CliRunner().invoke(main, ["import", str(source), "-o", str(output)])
        assert 0 == result.exit_code, result.output
        assert output.read_text(encoding="utf-8").startswith("# Imported from work.ics (ics)")
        assert _import(GOOGLE, str(source)) == load_timeline(output)

    def test_own_export_through_yaml(self, tmp_path: Path, example_timeline: Timeline) -> None:
        """export -> .ics -> import -> YAML -> load gives the example back, ids and precision intact."""
        calendar, events = tmp_path / "nk.ics", tmp_path / "nk.yaml"
        exported = CliRunner().invoke(main, ["export", str(EXAMPLE), "-o", str(calendar)])
        assert 0 == exported.exit_code, exported.output
        imported = CliRunner().invoke(main, ["import", str(calendar), "-o", str(events)])
        assert 0 == imported.exit_code, imported.output
        assert example_timeline == load_timeline(events)

    def test_cli_error(self, tmp_path: Path) -> None:
        """A broken calendar: exit status 1, the located error on stderr, no traceback, no file."""
        source = tmp_path / "broken.ics"
        source.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:nope\nEND:VEVENT\nEND:VCALENDAR\n", encoding="utf-8")
        output = tmp_path / "out.yaml"
        result = CliRunner().invoke(main, ["import", str(source), "-o", str(output)])
        assert 1 == result.exit_code
        assert f"{source}:3: error: DTSTART" in result.stderr
        assert "Traceback" not in result.output
        assert not output.exists()

    def test_cli_recurring_window(self, tmp_path: Path) -> None:
        """--from/--to reach the importer from the command line."""
        source = tmp_path / "weekly.ics"
        source.write_text(WEEKLY, encoding="utf-8")
        output = tmp_path / "weekly.yaml"
        arguments = ["import", str(source), "-o", str(output), "--from", "2025-01-01", "--to", "2025-01-10"]
        result = CliRunner().invoke(main, arguments)
        assert 0 == result.exit_code, result.output
        assert ["once", "weekly-sync-2025-01-06t0930"] == sorted(e.id for e in load_timeline(output))
