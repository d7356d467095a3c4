"""CSV event files: the export, the loader, Excel's habits, formula neutralisation, located errors, round trips."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLE, ROOT
from tests.strategies import hostile_text, rich_timelines
from timeline import InvalidInput, load, load_timeline
from timeline.cli import main
from timeline.dates import parse_date
from timeline.formats import ExportOptions
from timeline.formats.spreadsheet import export_csv, neutralise, read_csv, restore
from timeline.load import load_documents
from timeline.records import Event, Source, Timeline

GOLDEN = ROOT / "tests" / "golden" / "csv"


def export_text(timeline: Timeline) -> str:
    return export_csv(timeline, ExportOptions()).data.decode("utf-8")


def rows(timeline: Timeline) -> list[list[str]]:
    """The exported CSV split back into cells by Python's csv module (no restoring)."""
    return list(csv.reader(io.StringIO(export_text(timeline).removeprefix("\ufeff"), newline="")))


def loaded(text: str, name: str = "events.csv") -> Timeline:
    """The timeline a CSV text loads to, through the same path as files (reader, then structure.py)."""
    return load_documents([read_csv(text, name)]).timeline


def errors(text: str, name: str = "events.csv") -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        loaded(text, name)
    return [str(problem) for problem in caught.value.errors]


def event(event_id: str = "e", title: str = "T", date: str = "2024", **fields: object) -> Event:
    return Event(id=event_id, title=title, date=parse_date(date), **fields)  # type: ignore[arg-type]


HEADER = "id,title,date,end,description,location,tz,tags,source_url,source_title,source_publisher,source_published"


class TestExport:
    """`export_csv`: the header, one row per event, and what each cell holds."""

    def test_golden_example(self, example_timeline: Timeline) -> None:
        """exports/nk-russia.csv is what `timeline export events/nk-russia.yaml -o exports/nk-russia.csv` writes."""
        assert (ROOT / "exports" / "nk-russia.csv").read_bytes() == export_csv(example_timeline, ExportOptions()).data

    def test_cli_writes_the_golden_file(self, tmp_path: Path) -> None:
        """The CLI picks the format from the .csv suffix and writes the same bytes."""
        out = tmp_path / "nk-russia.csv"
        result = CliRunner().invoke(main, ["export", str(EXAMPLE), "-o", str(out)])
        assert 0 == result.exit_code, result.output
        assert (ROOT / "exports" / "nk-russia.csv").read_bytes() == out.read_bytes()

    def test_utf8_with_bom_and_crlf(self, example_timeline: Timeline) -> None:
        """The file starts with a UTF-8 byte-order mark (so Excel reads UTF-8) and every record ends in CRLF."""
        data = export_csv(example_timeline, ExportOptions()).data
        assert data.startswith(b"\xef\xbb\xbfid,title,date,end,")
        assert data.count(b"\r\n") == data.count(b"\n") == len(example_timeline) + 1

    def test_header(self) -> None:
        """The header names the fixed columns; more sources add numbered columns, importance comes when used."""
        assert [HEADER.split(",")] == rows(Timeline("t", [event()]))[:1]
        three = (Source(url="https://a.org"), Source(title="B"), Source(publisher="C"))
        header = rows(Timeline("t", [event(sources=three, importance=2.0)]))[0]
        assert [
            *HEADER.split(","),
            "source2_url",
            "source2_title",
            "source2_publisher",
            "source2_published",
            "source3_url",
            "source3_title",
            "source3_publisher",
            "source3_published",
            "importance",
        ] == header

    @pytest.mark.parametrize(
        ("date", "cells"),
        [
            ("2024-06-19", ["2024-06-19", ""]),
            ("late 1970s", ["late 197X", ""]),
            ("2024-08-06/2025-04", ["2024-08-06", "2025-04"]),
            ("2024-10/..", ["2024-10", ".."]),
            ("2021/", ["2021/", ""]),
            ("../2024", ["../2024", ""]),
            ("/2024", ["/2024", ""]),
        ],
    )
    def test_date_and_end(self, date: str, cells: list[str]) -> None:
        """An interval with a dated start fills `date` and `end`; other intervals stay whole in `date`."""
        assert cells == rows(Timeline("t", [event(date=date)]))[1][2:4]

    def test_cells(self) -> None:
        """Tags join with ';' (escaping ';' and '\\'), sources fill their columns, numbers are plain."""
        source = Source(
            url="https://a.org/x?a=1,2", title="T, with comma", publisher="P", published=parse_date("2025-07")
        )
        row = rows(
            Timeline(
                "t",
                [
                    event(
                        description='Said "yes"\nthen left',
                        location="Kursk",
                        tz="Europe/Moscow",
                        tags=("a;b", "c\\d", "e"),
                        sources=(source,),
                        importance=3.0,
                    )
                ],
            )
        )[1]
        assert [
            "e",
            "T",
            "2024",
            "",
            'Said "yes"\nthen left',
            "Kursk",
            "Europe/Moscow",
            "a\\;b;c\\\\d;e",
            "https://a.org/x?a=1,2",
            "T, with comma",
            "P",
            "2025-07",
            "3",
        ] == row

    def test_deterministic(self, example_timeline: Timeline) -> None:
        """The same timeline gives the same bytes."""
        assert export_csv(example_timeline, ExportOptions()).data == export_csv(example_timeline, ExportOptions()).data


class TestFormulaNeutralisation:
    """Cells a spreadsheet would run as formulas get a leading apostrophe, which the loader removes."""

    @pytest.mark.parametrize(
        ("cell", "written"),
        [
            ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
            ("+1+1", "'+1+1"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tTab", "'\tTab"),
            ("\rReturn", "'\rReturn"),
            ("'Tis the season", "''Tis the season"),
            ("'", "''"),
            ("-1.5", "-1.5"),
            ("Plain", "Plain"),
            ("a=b", "a=b"),
        ],
    )
    def test_neutralise_and_restore(self, cell: str, written: str) -> None:
        """Risky cells gain one apostrophe (as does a genuine leading apostrophe); restoring removes exactly one."""
        assert (written, cell) == (neutralise(cell), restore(neutralise(cell)))

    def test_golden_file(self) -> None:
        """tests/golden/csv/formulas.csv is the export of formulas.yaml: every text column neutralised."""
        timeline = load_timeline(GOLDEN / "formulas.yaml")
        assert (GOLDEN / "formulas.csv").read_bytes() == export_csv(timeline, ExportOptions()).data

    def test_golden_file_loads_back(self) -> None:
        """Loading the neutralised file gives back the formulas as text, exactly."""
        original = load_timeline(GOLDEN / "formulas.yaml")
        assert original.events == load_timeline(GOLDEN / "formulas.csv").events

    def test_every_risky_cell_is_neutralised(self) -> None:
        """No cell of the golden file starts with =, +, -, @, tab or CR (numbers aside)."""
        table = list(csv.reader(io.StringIO((GOLDEN / "formulas.csv").read_text("utf-8-sig"), newline="")))
        risky = [cell for row in table for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert ["-1.5"] == risky


class TestExcelFlavours:
    """Files as Excel and LibreOffice write them."""

    def test_excel_semicolon_bom_crlf(self, tmp_path: Path) -> None:
        """A BOM, ';' as the delimiter, CRLF, a quoted line break, a decimal comma and capitalised headers load."""
        path = tmp_path / "excel.csv"
        path.write_bytes(
            b"\xef\xbb\xbfID;Title;Date;End;Description;Tags;Source URL;Importance\r\n"
            b'kursk;"Incursion; then retreat";2024-08-06;2025-04;"Line one\r\nline two";kursk;https://a.org;"1,5"\r\n'
            b"armistice;Armistice;1953-07-27;;;history;https://b.org;2\r\n"
        )
        timeline = load_timeline(path)
        assert [
            event(
                "armistice",
                "Armistice",
                "1953-07-27",
                tags=("history",),
                sources=(Source(url="https://b.org"),),
                importance=2.0,
            ),
            event(
                "kursk",
                "Incursion; then retreat",
                "2024-08-06/2025-04",
                description="Line one\r\nline two",
                tags=("kursk",),
                sources=(Source(url="https://a.org"),),
                importance=1.5,
            ),
        ] == list(timeline.events)

    def test_excel_sep_line(self) -> None:
        """Excel's "sep=;" first line names the delimiter and is not a row."""
        assert [("a", "A, b")] == [(e.id, e.title) for e in loaded("sep=;\r\nid;title;date\r\na;A, b;2024\r\n")]
        assert errors("sep=;\nid;title;date\na;A;2024-13\n")[0].startswith("events.csv:2:3: error: event 'a'")

    def test_tab_delimited(self) -> None:
        """Tab-separated text (a spreadsheet's "Unicode text") loads."""
        timeline = loaded("id\ttitle\tdate\na\tA, with comma\t2024\n")
        assert [("a", "A, with comma")] == [(e.id, e.title) for e in timeline]

    def test_column_order_and_header_spelling_are_free(self) -> None:
        """Columns may come in any order; names ignore case, spaces and '_' vs ' '."""
        timeline = loaded(" Date ,Source Title,TITLE,id\n2024,Report,A title,a\n")
        assert [event("a", "A title", "2024", sources=(Source(title="Report"),))] == list(timeline.events)

    def test_blank_rows_and_short_rows(self) -> None:
        """Blank lines and rows of empty cells are skipped; a row with fewer cells has empty ones."""
        timeline = loaded(f"{HEADER}\r\n\r\na,A,2024\r\n,,,,,\r\nb,B,2025\r\n")
        assert ["a", "b"] == [e.id for e in timeline]

    def test_extra_empty_cells_are_ignored(self) -> None:
        """Trailing empty cells beyond the header (a spreadsheet's habit) are not an error."""
        assert ["a"] == [e.id for e in loaded("id,title,date\na,A,2024,,\n")]

    def test_tags(self) -> None:
        """Tags split on ';', with '\\;' and '\\\\' escapes; empty tags are dropped; a lone backslash stays."""
        timeline = loaded('id,title,date,tags\na,A,2024,"x; y;;a\\;b;c\\\\;d\\e;"\n')
        assert ("x", "y", "a;b", "c\\", "d\\e") == timeline.events[0].tags


class TestLocatedErrors:
    """Every problem names the file, the spreadsheet row (header = 1) and the column (A = 1)."""

    def test_bad_date(self) -> None:
        """A bad date points at its cell, even after a cell with a line break."""
        text = f'{HEADER}\na,"two\nlines",2024\nb,B,2024-13\n'
        assert [
            "events.csv:3:3: error: event 'b': 'date': month 13 does not exist; months are 01-12, seasons 21-24 "
            "(got '2024-13')"
        ] == errors(text)

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            ("a,A,2024,2023", "events.csv:2:4: error: event 'a': 'end': ends before it starts: 2023 is before 2024"),
            ("a,A,,2024", "events.csv:2:4: error: event 'a': 'end': needs a 'start' too"),
            (
                "a,A,2020/2021,2024",
                "events.csv:2:3: error: event 'a': 'date': give either 'date' or 'start'/'end', not both",
            ),
            ("a,,2024", "events.csv:2:1: error: event 'a': 'title': is required and missing"),
            (
                "Bad Id,A,2024",
                "events.csv:2:1: error: 'id': must be a slug of letters, digits, '-', '_' or '.' "
                "(got 'Bad Id'); try 'bad-id'",
            ),
            (
                "a,A,2024,,,,Mars/Olympus",
                "events.csv:2:7: error: event 'a': 'tz': is not a known IANA time zone (got 'Mars/Olympus')",
            ),
            (
                "a,A,2024,,,,,,not a url",
                "events.csv:2:9: error: event 'a': 'url': must be a URL such as "
                "https://example.org/article (got 'not a url')",
            ),
            (
                "a,A,2024,,,,,,,,,June",
                "events.csv:2:12: error: event 'a': 'published': 'June' is not a date; expected ",
            ),
        ],
    )
    def test_cell_problems(self, row: str, message: str) -> None:
        """Problems that structure.py finds point at the row and the column of the field."""
        found = errors(f"{HEADER}\n{row}\n")
        assert 1 == len(found)
        assert found[0].startswith(message)

    def test_second_source_located(self) -> None:
        """A problem in the second source points at its source2_ column."""
        text = "id,title,date,source_url,source2_url\na,A,2024,https://a.org,nope\n"
        assert errors(text)[0].startswith("events.csv:2:5: error: event 'a': 'url': must be a URL")

    def test_unknown_column(self) -> None:
        """An unknown column is an error at its header cell, with a suggestion."""
        assert [
            "events.csv:1:2: error: unknown column 'Tilte'; the columns are id, title, date, end, description, "
            "location, tz, tags, source_url, source_title, source_publisher, source_published, source2_url ... "
            "for more sources, and importance; did you mean 'title'?"
        ] == errors("id,Tilte,date\na,A,2024\n")

    def test_missing_column(self) -> None:
        """A header without a required column says which."""
        assert ["events.csv:1:1: error: the header row has no 'date' column"] == errors("id,title\na,A\n")

    def test_no_header(self) -> None:
        """A file that starts with data is told to start with the header."""
        assert [
            "events.csv:1:1: error: the first row must be the header naming the columns: "
            "id,title,date,end,description,location,tz,tags,... (found 'a', 'A', '2024')"
        ] == errors("a,A,2024\n")

    def test_same_source_column_twice(self) -> None:
        """source_url and source1_url name the same column."""
        assert errors("id,title,date,source_url,source1_url\na,A,2024,,\n")[0].startswith(
            "events.csv:1:5: error: column 'source1_url' repeats column 4"
        )

    def test_duplicate_column(self) -> None:
        """A column named twice is an error at the second."""
        assert errors("id,title,date,Title\na,A,2024,B\n")[0].startswith(
            "events.csv:1:4: error: column 'Title' appears twice (also column 2)"
        )

    def test_timelinejs_template(self) -> None:
        """TimelineJS's template is recognised and the right command suggested."""
        found = errors("Year,Month,Day,Headline,Text\n2024,,,A,\n")
        assert [
            "events.csv:1:1: error: this looks like TimelineJS's spreadsheet template, not an event CSV; "
            "convert it with: timeline import FILE --from-timelinejs -o events.yaml"
        ] == found

    def test_too_many_cells(self) -> None:
        """A row with more cells than the header (an unquoted comma) is an error at the first extra cell."""
        assert [
            "events.csv:2:4: error: has 4 cells but the header names 3 columns "
            "(a cell holding ',' must be in double quotes)"
        ] == errors("id,title,date\na,Kursk, Russia,2024\n")

    def test_unclosed_quote(self) -> None:
        """An unclosed quote is reported, not swallowed to the end of the file."""
        assert errors('id,title,date\na,"A,2024\nb,B,2024\n')[0].startswith("events.csv:2: error: is not valid CSV")

    def test_empty_file(self) -> None:
        """An empty file needs a header."""
        assert errors("")[0].startswith("events.csv: error: is empty; an event CSV starts with a header row")

    def test_cli_validate(self, tmp_path: Path) -> None:
        """`timeline validate` prints located CSV problems like any other."""
        path = tmp_path / "events.csv"
        path.write_text("id,title,date\na,A,2024\nb,B,someday\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["validate", str(path)])
        assert 1 == result.exit_code
        assert f"{path}:3:3: error: event 'b': 'date': 'someday' is not a date" in result.stderr


class TestLoading:
    """CSV files load wherever event files do."""

    def test_example_round_trip(self, example_timeline: Timeline) -> None:
        """The exported example loads back to equal events."""
        assert example_timeline.events == load_timeline(ROOT / "exports" / "nk-russia.csv").events

    def test_directory_includes_csv(self, tmp_path: Path) -> None:
        """A directory's *.csv files load with its YAML files."""
        (tmp_path / "a.yaml").write_text("events: [{id: a, title: A, date: 2024}]\n")
        (tmp_path / "b.csv").write_text("id,title,date\nb,B,2025\n")
        assert ["a", "b"] == [e.id for e in load(tmp_path).timeline]

    def test_duplicate_ids_across_files(self, tmp_path: Path) -> None:
        """An id used in a YAML file and a CSV row is reported at the CSV row."""
        (tmp_path / "a.yaml").write_text("events: [{id: a, title: A, date: 2024}]\n")
        (tmp_path / "b.csv").write_text("id,title,date\nx,X,2025\na,B,2025\n")
        with pytest.raises(InvalidInput) as caught:
            load(tmp_path)
        assert str(caught.value.errors[0]).startswith(
            f"{tmp_path / 'b.csv'}:3:1: error: event 'a': 'id': is used twice"
        )

    def test_import_converts_csv(self, tmp_path: Path) -> None:
        """`timeline import events.csv -o events.yaml` converts an event CSV to YAML."""
        source, out = tmp_path / "events.csv", tmp_path / "events.yaml"
        source.write_bytes((ROOT / "exports" / "nk-russia.csv").read_bytes())
        result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
        assert 0 == result.exit_code, result.output
        assert load_timeline(EXAMPLE).events == load_timeline(out).events

    def test_title_comes_from_the_file_name(self, tmp_path: Path) -> None:
        """A CSV holds events only: the title comes from the file name."""
        path = tmp_path / "north-korea.csv"
        path.write_text("id,title,date\na,A,2024\n")
        assert "North korea" == load_timeline(path).title


class TestRoundTrip:
    """Export then load gives equal events, whatever the text and dates."""

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rich_timelines())
    def test_round_trip(self, timeline: Timeline) -> None:
        """Every event survives the CSV: dates of every shape, zones, tags, sources, importance, any text."""
        assert timeline.events == loaded(export_text(timeline)).events

    @settings(max_examples=150, deadline=None)
    @given(st.lists(hostile_text, min_size=9, max_size=9))
    def test_formula_text_round_trips(self, texts: list[str]) -> None:
        """Text that starts like a formula or with apostrophes comes back exactly, in every text column."""
        title, description, location, tag1, tag2, url_title, publisher, *_ = texts
        original = Timeline(
            "t",
            [
                event(
                    title=title,
                    description=description,
                    location=location,
                    tags=tuple(dict.fromkeys((tag1, tag2))),
                    sources=(Source(title=url_title, publisher=publisher),),
                    importance=-1.5,
                )
            ],
        )
        text = export_text(original)
        cells = [cell for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")) for cell in row]
        # A plain number ("-1.5") is not a formula, and stays a number in a spreadsheet.
        risky = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert [] == [c for c in risky if not re.fullmatch(r"-[0-9]+(\.[0-9]+)?", c)]
        assert original.events == loaded(text).events


class TestLoaderNeverCrashes:
    """Whatever a CSV holds, loading gives events or located problems, never a traceback."""

    @settings(max_examples=300, deadline=None)
    @given(st.text(st.sampled_from("ab1-/:;,\"'\n\r\t =.X"), max_size=60))
    def test_any_body(self, body: str) -> None:
        """Any body under a full header loads or raises InvalidInput."""
        with contextlib.suppress(InvalidInput):
            loaded(f"{HEADER},source2_url,importance\n{body}")

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=40))
    def test_any_text(self, text: str) -> None:
        """Any text at all loads or raises InvalidInput."""
        with contextlib.suppress(InvalidInput):
            loaded(text)
