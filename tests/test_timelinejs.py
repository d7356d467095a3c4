"""TimelineJS3 JSON: the export's dates, text and skips; importing TimelineJS JSON and Google Sheets CSVs."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLE, ROOT
from tests.strategies import rich_timelines
from timeline import InvalidInput, load_timeline
from timeline.cli import main
from timeline.dates import parse_date
from timeline.formats import ExportOptions
from timeline.formats.timelinejs import date_parts, export_timelinejs, import_timelinejs, import_timelinejs_sheet
from timeline.formats.timelinejs_import import html_text
from timeline.importing import ImportOptions
from timeline.records import Event, Source, Timeline

GOLDEN = ROOT / "tests" / "golden" / "timelinejs"
AS_OF = dt.date(2025, 7, 14)


def exported(timeline: Timeline, **options: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(export_timelinejs(timeline, ExportOptions(**options)).data)
    return document


def event(event_id: str = "e", title: str = "T", date: str = "2024", **fields: Any) -> Event:
    return Event(id=event_id, title=title, date=parse_date(date), **fields)


def slide(timeline: Timeline, **options: Any) -> dict[str, Any]:
    """The first event slide of a timeline's export."""
    first: dict[str, Any] = exported(timeline, **options)["events"][0]
    return first


def import_json(document: dict[str, Any] | bytes, name: str = "timeline.json") -> Timeline:
    data = document if isinstance(document, bytes) else json.dumps(document, indent=1).encode()
    return import_timelinejs(data, name, ImportOptions())


def import_errors(document: dict[str, Any], name: str = "timeline.json") -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        import_json(document, name)
    return [str(problem) for problem in caught.value.errors]


class TestDateParts:
    """Each precision maps to the TimelineJS parts it can honestly give."""

    @pytest.mark.parametrize(
        ("date", "start", "end"),
        [
            ("1953-07-27", {"year": 1953, "month": 7, "day": 27}, None),
            ("2000", {"year": 2000}, None),
            ("2025?", {"year": 2025}, None),
            ("2024-12", {"year": 2024, "month": 12}, None),
            ("19XX", {"year": 1900}, {"year": 1999}),
            ("197X", {"year": 1970}, {"year": 1979}),
            ("late 196X", {"year": 1967}, {"year": 1969}),
            ("early 2025", {"year": 2025, "month": 1}, {"year": 2025, "month": 4}),
            ("2001-21", {"year": 2001, "month": 3}, {"year": 2001, "month": 5}),
            ("2001-24", {"year": 2001, "month": 12}, {"year": 2002, "month": 2}),
            ("early 2025-01", {"year": 2025, "month": 1, "day": 1}, {"year": 2025, "month": 1, "day": 10}),
            ("late 2020-02", {"year": 2020, "month": 2, "day": 21}, {"year": 2020, "month": 2, "day": 29}),
            ("2020-03-01T23:59", {"year": 2020, "month": 3, "day": 1, "hour": 23, "minute": 59}, None),
            (
                "2020-03-01T23:59:58.5+09:00",
                {"year": 2020, "month": 3, "day": 1, "hour": 23, "minute": 59, "second": 58, "millisecond": 500},
                None,
            ),
            ("2024-08-06/2025-04", {"year": 2024, "month": 8, "day": 6}, {"year": 2025, "month": 4}),
            ("late 197X/early 198X", {"year": 1977}, {"year": 1983}),
            ("2024-10/..", {"year": 2024, "month": 10}, {"year": 2025, "month": 7, "day": 14}),
            ("2021/", {"year": 2021}, None),
            ("197X/", {"year": 1970}, {"year": 1979}),
            ("2024-06-19/2024-06-19", {"year": 2024, "month": 6, "day": 19}, None),
            # TimelineJS drops an end whose parts all equal the start's given parts; the start gains a part.
            ("1977/1977-12", {"year": 1977, "month": 1}, {"year": 1977, "month": 12}),
            ("2024-01/2024-01-20", {"year": 2024, "month": 1, "day": 1}, {"year": 2024, "month": 1, "day": 20}),
        ],
    )
    def test_parts(self, date: str, start: dict[str, int], end: dict[str, int] | None) -> None:
        """The parts given are the precision: a year is only a year; a decade or a part of a unit, its bounds."""
        assert (start, end) == date_parts(parse_date(date), AS_OF)

    def test_ongoing_without_as_of(self) -> None:
        """Without a day to end it at, an ongoing event is shown from its start."""
        assert ({"year": 2024, "month": 10}, None) == date_parts(parse_date("2024-10/.."), None)

    def test_ongoing_starting_after_as_of(self) -> None:
        """An ongoing event that starts after as_of has no end before its start."""
        assert ({"year": 2026}, None) == date_parts(parse_date("2026/.."), AS_OF)

    @pytest.mark.parametrize("date", ["../2024", "/2024"])
    def test_no_start(self, date: str) -> None:
        """An interval without a start cannot be shown; the reason says why."""
        assert "it has no start date, and TimelineJS drops an event without one" == date_parts(parse_date(date), AS_OF)


class TestExport:
    """`export_timelinejs`: the TimelineJS3 JSON document."""

    def test_golden_example(self, example_timeline: Timeline) -> None:
        """tests/golden/timelinejs/nk-russia.json is the export of the example."""
        assert (GOLDEN / "nk-russia.json").read_bytes() == export_timelinejs(example_timeline, ExportOptions()).data

    def test_golden_edge_cases(self) -> None:
        """tests/golden/timelinejs/edge-cases.json is the export of edge-cases.yaml."""
        timeline = load_timeline(GOLDEN / "edge-cases.yaml")
        assert (GOLDEN / "edge-cases.json").read_bytes() == export_timelinejs(timeline, ExportOptions()).data

    def test_cli(self, tmp_path: Path) -> None:
        """`timeline export ... --format timelinejs` writes the golden file and reports events it left out."""
        out = tmp_path / "timeline.json"
        result = CliRunner().invoke(main, ["export", str(EXAMPLE), "-o", str(out), "--format", "timelinejs"])
        assert 0 == result.exit_code, result.output
        assert (GOLDEN / "nk-russia.json").read_bytes() == out.read_bytes()
        edge = CliRunner().invoke(
            main, ["export", str(GOLDEN / "edge-cases.yaml"), "-o", str(out), "--format", "timelinejs"]
        )
        assert (
            "warning: event 'no-start' was left out: not in the TimelineJS file: it has no start date, "
            "and TimelineJS drops an event without one"
        ) in edge.stderr
        assert (
            1
            == CliRunner()
            .invoke(main, ["export", str(GOLDEN / "edge-cases.yaml"), "-o", str(out), "-f", "timelinejs", "--strict"])
            .exit_code
        )

    def test_document_shape(self, example_timeline: Timeline) -> None:
        """A title slide, then one slide per event in date order with our id, dates, display date, text and group."""
        document = exported(example_timeline)
        assert ["title", "events", "x_timeline"] == list(document)
        assert {"headline": example_timeline.title, "text": f"<p>{example_timeline.description}</p>"} == document[
            "title"
        ]["text"]
        assert [e.id for e in example_timeline] == [s["unique_id"] for s in document["events"]]
        first = document["events"][0]
        assert ["unique_id", "start_date", "display_date", "text", "group", "x_timeline"] == list(first)
        assert "korean-war" == first["group"]
        assert {"description": example_timeline.description, "as_of": "2025-07-14", "locale": "en"} == document[
            "x_timeline"
        ]

    def test_display_date_is_ours(self) -> None:
        """The display date is our precision-honest text, in the export's locale."""
        timeline = Timeline("t", [event(date="late 197X/early 198X"), event("f", date="2024-10/..")], as_of=AS_OF)
        assert ["late 1970s – early 1980s", "since October 2024"] == [
            s["display_date"] for s in exported(timeline)["events"]
        ]
        assert "fin des années 1970 – début des années 1980" == slide(timeline, locale="fr")["display_date"]

    def test_text_is_escaped_html(self) -> None:
        """Headline and text are HTML: &, < and > are escaped; paragraphs and line breaks are kept."""
        source = Source(
            url='https://a.org/?a=1&b="2"', title="A <b>", publisher="P & Q", published=parse_date("2025-07")
        )
        timeline = Timeline(
            "t",
            [
                event(
                    title="Fish & <chips>",
                    description="One <i>\nline\n\nTwo & three",
                    location="A & B",
                    sources=(source, Source(url="https://b.org/x"), Source(publisher="Only <a> publisher")),
                )
            ],
        )
        text = slide(timeline)["text"]
        assert "Fish &amp; &lt;chips&gt;" == text["headline"]
        assert (
            "<p><em>A &amp; B</em></p><p>One &lt;i&gt;<br>line</p><p>Two &amp; three</p><ul>"
            '<li><a href="https://a.org/?a=1&amp;b=&quot;2&quot;">A &lt;b&gt;</a>, P &amp; Q, July 2025</li>'
            '<li><a href="https://b.org/x">b.org/x</a></li>'
            "<li>Only &lt;a&gt; publisher</li></ul>"
        ) == text["text"]

    def test_group_is_escaped_twice(self) -> None:
        """TimelineJS reads `group` as HTML twice (strips markup, then sets innerHTML), so it is escaped twice."""
        assert "R&amp;amp;D &amp;lt;b&amp;gt;" == slide(Timeline("t", [event(tags=("R&D <b>", "x"))]))["group"]
        assert "group" not in slide(Timeline("t", [event()]))

    def test_skipped(self) -> None:
        """Events without a start are left out with the reason, and nothing else is."""
        timeline = Timeline("t", [event("a", date="../2024"), event("b", date="/2024"), event("c")])
        result = export_timelinejs(timeline, ExportOptions())
        assert ["a", "b"] == [s.event_id for s in result.skipped]
        assert ["c"] == [s["unique_id"] for s in json.loads(result.data)["events"]]

    def test_ongoing_ends_at_as_of_or_generated_at(self) -> None:
        """An ongoing event ends at the option's as_of, the timeline's, or the day the file is made."""
        timeline = Timeline("t", [event(date="2024-10/..")], as_of=AS_OF)
        assert {"year": 2025, "month": 7, "day": 14} == slide(timeline)["end_date"]
        assert {"year": 2025, "month": 8, "day": 1} == slide(timeline, as_of=dt.date(2025, 8, 1))["end_date"]
        made = dt.datetime(2025, 9, 2, 12, tzinfo=dt.UTC)
        document = exported(timeline.replace(as_of=None), generated_at=made)
        assert {"year": 2025, "month": 9, "day": 2} == document["events"][0]["end_date"]
        assert {"ongoing_until": "2025-09-02", "locale": "en"} == document["x_timeline"]

    def test_title_slide_id_avoids_event_ids(self) -> None:
        """The title slide's id is one no event has, so TimelineJS never renames an event."""
        timeline = Timeline("t", [event("title"), event("title-2")])
        assert "title-3" == exported(timeline)["title"]["unique_id"]

    def test_title_option(self, example_timeline: Timeline) -> None:
        """--title replaces the headline of the title slide."""
        assert "Other" == exported(example_timeline, title="Other")["title"]["text"]["headline"]

    def test_deterministic(self, example_timeline: Timeline) -> None:
        """Same timeline, same bytes."""
        assert export_timelinejs(example_timeline, ExportOptions()).data == (
            export_timelinejs(example_timeline, ExportOptions()).data
        )


class TestImportOwnExport:
    """Our own export imports back to equal records."""

    def test_example(self, example_timeline: Timeline) -> None:
        """The example comes back whole: title, description, as_of and every event."""
        assert example_timeline == import_json((GOLDEN / "nk-russia.json").read_bytes())

    def test_edge_cases(self) -> None:
        """The edge cases come back, except the events TimelineJS cannot hold."""
        original = load_timeline(GOLDEN / "edge-cases.yaml")
        kept = [e for e in original if e.id not in ("no-start", "unknown-start")]
        assert original.replace(events=kept) == import_json((GOLDEN / "edge-cases.json").read_bytes())

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rich_timelines())
    def test_round_trip(self, timeline: Timeline) -> None:
        """Any timeline survives export and import, minus the events reported as skipped."""
        result = export_timelinejs(timeline, ExportOptions())
        skipped = {item.event_id for item in result.skipped}
        expected = timeline.replace(events=[e for e in timeline if e.id not in skipped])
        assert expected == import_timelinejs(result.data, "timeline.json", ImportOptions())

    def test_cli(self, tmp_path: Path) -> None:
        """`timeline import timeline.json -o events.yaml` recognises TimelineJS and writes equal events."""
        out = tmp_path / "events.yaml"
        result = CliRunner().invoke(main, ["import", str(GOLDEN / "nk-russia.json"), "-o", str(out)])
        assert 0 == result.exit_code, result.output
        assert load_timeline(EXAMPLE) == load_timeline(out)

    def test_edited_fields_win(self, example_timeline: Timeline) -> None:
        """A headline, date, text or group edited after export is what is imported."""
        document = json.loads((GOLDEN / "nk-russia.json").read_bytes())
        first = document["events"][0]
        first["text"]["headline"] = "Armistice &amp; after"
        first["start_date"] = {"year": 1953, "month": 8}
        first["text"]["text"] = "<p>New text</p>"
        first["group"] = "history"
        imported = import_json(document).events[0]
        assert ("Armistice & after", parse_date("1953-08"), "New text", ("history",), ()) == (
            imported.title,
            imported.date,
            imported.description,
            imported.tags,
            imported.sources,
        )


# A TimelineJS file as people write them (after the examples in TimelineJS's documentation).
FOREIGN: dict[str, Any] = {
    "title": {
        "media": {"url": "https://example.org/cover.jpg"},
        "text": {
            "headline": "Whitney Houston<br/> 1963 - 2012",
            "text": "<p>Houston's voice caught the imagination</p>",
        },
    },
    "events": [
        {
            "start_date": {"year": "1963"},
            "display_date": "c. 1963",
            "text": {
                "headline": "Born",
                "text": "<p>In Newark, <a href='https://en.wikipedia.org/wiki/Newark'>NJ</a></p>",
            },
            "group": "Life",
        },
        {
            "start_date": {"year": 1985, "month": 2},
            "text": {"headline": "First album"},
            "media": {"url": "https://www.youtube.com/watch?v=x", "caption": "A <b>video</b>", "credit": "Arista"},
        },
        {
            "start_date": {"year": "1992", "month": "11", "day": "25", "hour": "20", "minute": "30"},
            "end_date": {"year": "1993", "month": "2"},
            "unique_id": "the bodyguard!",
            "text": {"headline": "The Bodyguard", "text": "Line one<br>line two<p>Para</p>"},
        },
        {"start_date": {"year": 1970}, "display_date": "Spring 1970", "text": {"headline": "Spring"}},
        {"start_date": {"year": 1970, "month": 3}, "display_date": "Spring 1970", "text": {"headline": "March"}},
        {"start_date": {"year": 2012}, "text": {"headline": "Born"}},
        {"start_date": {"year": 2000, "month": 1, "day": 1}, "text": {"headline": ""}},
    ],
    "eras": [{"start_date": {"year": 1985}, "end_date": {"year": 1999}, "text": {"headline": "Peak years"}}],
}


@pytest.fixture(scope="module")
def imported() -> Timeline:
    return import_json(FOREIGN, "whitney.json")


class TestImportForeign:
    """TimelineJS files made elsewhere: partial dates keep their precision, nothing is lost silently."""

    def test_header(self, imported: Timeline) -> None:
        """The title slide gives the title and description, as text."""
        assert ("Whitney Houston 1963 - 2012", "Houston's voice caught the imagination", None) == (
            imported.title,
            imported.description,
            imported.as_of,
        )

    def test_events(self, imported: Timeline) -> None:
        """Ids, titles, dates, text, tags and sources as a reader would expect them."""
        summary = [(e.id, e.title, e.date.canonical(), e.description, e.tags, e.sources) for e in imported]
        assert [
            (
                "born",
                "Born",
                "1963~",
                "In Newark, NJ",
                ("Life",),
                (Source(url="https://en.wikipedia.org/wiki/Newark", title="NJ"),),
            ),
            ("march", "March", "1970-03", None, (), ()),
            ("spring", "Spring", "1970-21", None, (), ()),
            ("peak-years", "Peak years", "1985/1999", None, ("era",), ()),
            (
                "first-album",
                "First album",
                "1985-02",
                None,
                (),
                (Source(url="https://www.youtube.com/watch?v=x", title="A video", publisher="Arista"),),
            ),
            ("the-bodyguard", "The Bodyguard", "1992-11-25T20:30/1993-02", "Line one\nline two\n\nPara", (), ()),
            ("untitled-event-7", "Untitled event 7", "2000-01-01", None, (), ()),
            ("born-2", "Born", "2012", None, (), ()),
        ] == summary


class TestHtmlText:
    """TimelineJS text as a reader sees it."""

    @pytest.mark.parametrize(
        ("markup", "text", "links"),
        [
            ("<p>One</p><p>Two</p>", "One\n\nTwo", []),
            ("a<br>b<br/><br/>c", "a\nb\nc", []),
            ("<ul><li>x</li><li>y</li></ul>", "x\ny", []),
            ("Fish &amp; chips &lt;b&gt;", "Fish & chips <b>", []),
            ("  spaced\n  out  ", "spaced out", []),
            (
                'See <a href="https://a.org">the report</a> and more',
                "See the report and more",
                [("https://a.org", "the report")],
            ),
            ("<script>alert(1)</script>Safe", "Safe", []),
        ],
    )
    def test_html_text(self, markup: str, text: str, links: list[tuple[str, str]]) -> None:
        """Blocks are paragraphs, <br> and list items lines, entities decoded, links collected with their text."""
        assert (text, links) == html_text(markup)

    def test_display_date_inside_start_date(self) -> None:
        """A display_date given in start_date (TimelineJS reads it there too) refines the date."""
        document = {"events": [{"start_date": {"year": 1850, "display_date": "c. 1850"}, "text": {"headline": "A"}}]}
        assert "1850~" == import_json(document).events[0].date.canonical()


class TestImportErrors:
    """Problems in a TimelineJS file are located in it."""

    def test_month_13(self) -> None:
        """A month TimelineJS would silently roll into the next year is an error at the month."""
        document = {"events": [{"start_date": {"year": 2024, "month": 13}, "text": {"headline": "A"}}]}
        assert [
            "timeline.json:6:14: error: 'month': month 13 does not exist (1-12); "
            "TimelineJS would silently move the date instead"
        ] == import_errors(document)

    def test_missing_start(self) -> None:
        """A slide without start_date (which TimelineJS silently drops) is an error."""
        document = {"events": [{"text": {"headline": "A"}}]}
        assert [
            "timeline.json:3:3: error: has no start date; TimelineJS does not show such a slide either"
        ] == import_errors(document)

    @pytest.mark.parametrize(
        ("start", "message"),
        [
            ({"month": 3}, "'year': the start date has no year; TimelineJS needs one"),
            ({"year": "19x3"}, "'year': start year must be a whole number (got '19x3')"),
            ({"year": 1.5}, "'year': start year must be a whole number (got '1.5')"),
            ({"year": -500}, "'year': year -500 is outside the years timeline handles (1 to 9999)"),
            ({"year": 2023, "month": 2, "day": 29}, "'day': '2023-02-29' is not a real date"),
            ({"year": 2023, "day": 2}, "'day': the start date has a day but no month"),
        ],
    )
    def test_bad_parts(self, start: dict[str, Any], message: str) -> None:
        """Each bad part is named, with what was wrong."""
        found = import_errors({"events": [{"start_date": start, "text": {"headline": "A"}}]})
        assert 1 == len(found)
        assert message in found[0]
        assert found[0].startswith("timeline.json:")

    def test_end_before_start(self) -> None:
        """An end before the start is reported at the slide's start_date."""
        document = {"events": [{"start_date": {"year": 2024}, "end_date": {"year": 2020}, "text": {"headline": "A"}}]}
        assert ["timeline.json:4:18: error: event 'a': 'date': ends before it starts: 2020 is before 2024"] == (
            import_errors(document)
        )

    def test_not_timelinejs(self) -> None:
        """A JSON file without events is refused with what was expected."""
        assert [
            "timeline.json:1:1: error: is not a TimelineJS file: it needs an 'events' list of slides with start_date"
        ] == import_errors({"title": {"text": {"headline": "x"}}})


TEMPLATE_HEADER = (
    "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,"
    "Media Caption,Media Thumbnail,Type,Group,Background"
)


def import_sheet(text: str | bytes, name: str = "sheet.csv") -> Timeline:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return import_timelinejs_sheet(data, name, ImportOptions())


def sheet_errors(text: str) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        import_sheet(text)
    return [str(problem) for problem in caught.value.errors]


class TestImportSheet:
    """CSVs of TimelineJS's Google Sheets template."""

    SHEET = (
        f"{TEMPLATE_HEADER}\n"
        ",,,,,,,,,My <i>timeline</i>,An intro,,,,,title,,\n"
        "1953,,,,,,,,,Year only,,,,,,,,\n"
        "1953,7,,,,,,,,Month,,,,,,,,\n"
        "1953,7,27,10:00 PM,,,,,,Time,,,,,,,Korea,\n"
        '1850,,,,,,,,c. 1850,About,"<p>Text with <a href=""https://a.org"">a link</a></p>",'
        "https://img.org/p.jpg,AP,A photo,,,,#fff\n"
        "1977,,,,1983,,,,late 1970s – early 1980s,Span,,,,,,,,\n"
        "1985,,,,1999,,,,,An era,,,,,,era,,\n"
        '"1,999",12,31,23:59:59.5,2000,1,1,00:00,,Seconds,,,,,,,,\n'
    )

    def test_rows(self) -> None:
        """Each row keeps its precision: a year is year-precise, a time is a minute; display dates refine."""
        timeline = import_sheet(self.SHEET)
        assert ("My timeline", "An intro") == (timeline.title, timeline.description)
        assert [
            (
                "about",
                "1850~",
                (
                    Source(url="https://a.org", title="a link"),
                    Source(url="https://img.org/p.jpg", title="A photo", publisher="AP"),
                ),
            ),
            ("year-only", "1953", ()),
            ("month", "1953-07", ()),
            ("time", "1953-07-27T22:00", ()),
            ("span", "late 197X/early 198X", ()),
            ("an-era", "1985/1999", ()),
            ("seconds", "1999-12-31T23:59:59.5/2000-01-01T00:00", ()),
        ] == [(e.id, e.date.canonical(), e.sources) for e in timeline]
        assert {"time": ("Korea",), "an-era": ("era",)} == {e.id: e.tags for e in timeline if e.tags}

    def test_excel_flavoured(self) -> None:
        """The sheet saved by Excel in a ';' locale (BOM, CRLF) imports the same."""
        excel = "\ufeff" + self.SHEET.replace(",", ";").replace("\n", "\r\n").replace('"1;999"', '"1,999"')
        assert [e.date for e in import_sheet(self.SHEET)] == [e.date for e in import_sheet(excel.encode("utf-8"))]

    @pytest.mark.parametrize(
        ("time", "canonical"),
        [("2:30 PM", "T14:30"), ("12:05 am", "T00:05"), ("1430", "T14:30"), ("9", "T09:00"), ("14.30", "T14:30")],
    )
    def test_times(self, time: str, canonical: str) -> None:
        """Times as TimelineJS reads them: 12-hour clocks, no separator, an hour alone."""
        timeline = import_sheet(f"Year,Month,Day,Time,Headline\n2024,5,1,{time},A\n")
        assert f"2024-05-01{canonical}" == timeline.events[0].date.canonical()

    def test_unknown_column(self) -> None:
        """A column the template does not have is an error at its header cell, with a suggestion."""
        found = sheet_errors("Year,Headlin,Text\n2024,A,\n")
        assert 1 == len(found)
        assert found[0].startswith("sheet.csv:1:2: error: unknown column 'Headlin'; TimelineJS's template has Year,")
        assert found[0].endswith("Group, Background; did you mean 'Headline'?")

    def test_month_13(self) -> None:
        """A bad month points at the Month cell of its row."""
        assert [
            "sheet.csv:3:2: error: 'month': month 13 does not exist (1-12); "
            "TimelineJS would silently move the date instead"
        ] == sheet_errors("Year,Month,Headline\n2024,1,A\n2024,13,B\n")

    def test_bad_time(self) -> None:
        """A time that is not one points at the Time cell."""
        assert [
            "sheet.csv:2:3: error: is not a time such as 14:30, 2:30 PM or 14:30:05.250 (got 'noon')"
        ] == sheet_errors("Year,Day,Time,Headline\n2024,1,noon,A\n")

    def test_missing_year(self) -> None:
        """A row without a year is an error (TimelineJS would silently leave it out)."""
        assert [
            "sheet.csv:2:1: error: has no start date; TimelineJS does not show such a slide either"
        ] == sheet_errors("Year,Headline\n,A\n")

    def test_cli(self, tmp_path: Path) -> None:
        """`timeline import sheet.csv --from-timelinejs -o events.yaml` writes a valid event file."""
        source, out = tmp_path / "sheet.csv", tmp_path / "events.yaml"
        source.write_text(self.SHEET, encoding="utf-8")
        result = CliRunner().invoke(main, ["import", str(source), "--from-timelinejs", "-o", str(out)])
        assert 0 == result.exit_code, result.output
        assert ["about", "year-only", "month", "time", "span", "an-era", "seconds"] == [
            e.id for e in load_timeline(out)
        ]


#: Keys of TimelineJS slides, and a few others, for fuzzing.
_KEYS = [
    "events",
    "title",
    "eras",
    "start_date",
    "end_date",
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "millisecond",
    "display_date",
    "text",
    "headline",
    "unique_id",
    "group",
    "media",
    "url",
    "caption",
    "credit",
    "x_timeline",
    "date",
    "tags",
    "sources",
    "as_of",
    "description",
    "other",
]
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10_000) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4),
    max_leaves=25,
)


class TestImportNeverCrashes:
    """Whatever a file holds, the importers give a timeline or located problems, never a traceback."""

    @settings(max_examples=300, deadline=None)
    @given(st.dictionaries(st.sampled_from(_KEYS), _json_values, max_size=4))
    @example({"events": [{"start_date": {"year": "2020"}}], "eras": True})
    @example({"events": [{"start_date": {"year": "2020"}}], "eras": [1]})
    def test_json(self, document: dict[str, Any]) -> None:
        """Random TimelineJS-shaped JSON imports or raises InvalidInput."""
        with contextlib.suppress(InvalidInput):
            import_json(document)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.lists(st.text(st.sampled_from("12a:,;\"' \n<>-/PM"), max_size=6), max_size=6), max_size=4))
    def test_sheet(self, cells: list[list[str]]) -> None:
        """Random cells under the template's header import or raise InvalidInput."""
        lines = [TEMPLATE_HEADER] + [",".join('"' + c.replace('"', '""') + '"' for c in row) for row in cells]
        with contextlib.suppress(InvalidInput):
            import_sheet("\n".join(lines) + "\n")
