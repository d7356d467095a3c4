"""Fuzzing: the date parser, the loaders and importers, and whole-pipeline round trips through the CLI.

Only our own error types may come out of the parser (DateError) and the loaders (InvalidInput);
anything that loads must export in every text format; and event files survive YAML -> JSON ->
YAML, YAML -> ICS -> YAML and YAML -> CSV -> YAML as equal records. The number of examples
comes from the Hypothesis profile: the default in CI, many more with `nox -s fuzz`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.strategies import event_dates, rich_timelines, timelines
from timeline import InvalidInput, load
from timeline.cli import main
from timeline.dates import DateError, EventDate, parse_date, parse_single
from timeline.display import available_locales, display, precision_phrase
from timeline.formats import FORMATS, ExportOptions
from timeline.formats.event_yaml import dump_event_file
from timeline.formats.spreadsheet import COLUMNS
from timeline.importing import ImportOptions, importer_for
from timeline.load import Loaded
from timeline.problems import Problem
from timeline.readers import read_yaml
from timeline.records import Timeline
from timeline.structure import DERIVED_FIELDS, EVENT_FIELDS, HEADER_FIELDS, SOURCE_FIELDS, TOP_FIELDS

FUZZ: Final = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- the date parser ------------------------------------------------------------------

#: Pieces of every notation the parser reads, and of near misses, glued at random.
DATE_PIECES: Final = (
    *"0123456789",
    *("19", "20", "2024", "1953", "0000", "9999", "10000", "00", "01", "12", "13", "21", "24", "25", "29", "31", "60"),
    *("-", "/", "..", "?", "~", "%", "X", "XX", "x", "u", "T", ":", "+", "Z", ".", ",", " ", "  ", "\t"),
    *("early ", "mid ", "late ", "mid-", "c. ", "c.", "ca. ", "circa ", "about ", "around ", "since ", "until "),
    *("spring ", "summer ", "autumn ", "winter ", "January ", "Jan ", "June ", "July ", "Sept ", "juillet ", "7월 "),
    *("s", "0s", "'s", "th", " century", "BC", "AD", "BCE", "the ", " and ", " to ", " – ", "—", "–"),
    *("T10:00", "T24:00", "T23:59:60", "+09:00", "-23:59", "+14:01", "+99", ".123456", "[Asia/Pyongyang]"),
    *("２", "٣", "߀", "\u00a0", "\u2028", "\x00", "é", "{", "}", "[", "]", "(", ")", "'", '"'),
)
date_texts = st.one_of(
    event_dates.map(lambda d: d.canonical()),
    event_dates.map(display),
    st.lists(st.sampled_from(DATE_PIECES), max_size=10).map("".join),
    st.text(max_size=30),
    st.builds(
        lambda d, piece, at: (lambda c: c[: at % (len(c) + 1)] + piece + c[at % (len(c) + 1) :])(d.canonical()),
        event_dates,
        st.sampled_from(DATE_PIECES),
        st.integers(0, 40),
    ),
)
zones_or_junk = st.sampled_from([None, "Asia/Pyongyang", "UTC", "Europe/Kyiv", "Nowhere/Else", "", "utc", "+09:00"])


class TestDateParser:
    """Any text: a date that reads back from its canonical form, or DateError; never another exception."""

    @FUZZ
    @given(date_texts, zones_or_junk)
    def test_parse_date(self, text: str, tz: str | None) -> None:
        """A date or an interval that reads back equal from its canonical text and displays; else DateError."""
        try:
            date: EventDate = parse_date(text, tz=tz)
        except DateError:
            event("refused")
            return
        event(f"parsed: {type(date).__name__}")
        assert date == parse_date(date.canonical(), tz=tz)
        assert display(date)
        assert precision_phrase(date)

    @FUZZ
    @given(date_texts)
    def test_parse_single(self, text: str) -> None:
        """One date that reads back equal from its canonical text; else DateError."""
        try:
            date = parse_single(text)
        except DateError:
            return
        assert date == parse_single(date.canonical())

    @FUZZ
    @given(event_dates, st.sampled_from(available_locales()))
    def test_display_every_locale(self, date: EventDate, locale: str) -> None:
        """Every date displays in every locale, as non-empty text."""
        assert display(date, locale).strip()


# --- the loaders -----------------------------------------------------------------------

keys = st.sampled_from(sorted({*EVENT_FIELDS, *SOURCE_FIELDS, *TOP_FIELDS, *HEADER_FIELDS, *DERIVED_FIELDS})) | st.text(
    max_size=8
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    # Half a surrogate pair: JSON can escape one (and nothing can write it out again).
    st.builds(str.__add__, st.text(max_size=3), st.characters(categories=["Cs"])),
    date_texts,
    st.sampled_from(["https://example.org/a", "javascript:alert(1)", "Asia/Pyongyang", "a-1", "2025-07-14"]),
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=12,
)
slugs_or_not = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,12}", fullmatch=True) | values
sources_data = st.one_of(
    st.sampled_from(["https://example.org/a", "not a url", "javascript:alert(1)", ""]),
    st.fixed_dictionaries(
        {}, optional={"url": scalars, "title": scalars, "publisher": scalars, "published": date_texts, "x": values}
    ),
    values,
)
#: Events that are nearly valid: each field right, or a near miss, or anything at all.
near_events = st.fixed_dictionaries(
    {"id": slugs_or_not, "title": st.text(min_size=1, max_size=12) | scalars},
    optional={
        "date": date_texts | scalars,
        "start": date_texts,
        "end": date_texts | st.sampled_from(["..", ""]),
        "description": st.text(max_size=20) | scalars,
        "location": st.text(max_size=10),
        "tz": zones_or_junk,
        "tags": st.lists(st.text(max_size=6) | scalars, max_size=3) | scalars,
        "sources": st.lists(sources_data, max_size=2) | scalars,
        "importance": scalars,
        "display": scalars,
        "titel": scalars,
    },
)
events_data = near_events | st.dictionaries(keys, values, max_size=8)


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    """A valid event file's data with a few fields replaced, removed or added: mostly loads, sometimes not."""
    data = read_yaml(dump_event_file(draw(timelines(max_events=4))).decode("utf-8"), "x").data
    for _ in range(draw(st.integers(0, 3))):
        target = data["events"][draw(st.integers(0, len(data["events"]) - 1))]
        if draw(st.booleans()) and draw(st.booleans()):
            target = data["timeline"]
        field = draw(st.sampled_from(sorted(target)) | keys if target else keys)
        action = draw(st.sampled_from(["replace", "replace", "remove"]))
        if action == "remove":
            target.pop(field, None)
        else:
            target[field] = draw(date_texts | values)
    return data


documents = st.one_of(
    mutated_documents(),
    mutated_documents(),
    values,
    st.lists(events_data, max_size=4),
    st.fixed_dictionaries(
        {"events": st.lists(events_data, max_size=4)},
        optional={"timeline": st.dictionaries(keys, values, max_size=4), "title": values},
    ),
)

#: Pieces of YAML syntax: indicators, anchors, aliases, tags, directives, escapes, quotes, block scalars.
YAML_PIECES: Final = (
    *("events:", "timeline:", "title:", "id:", "date:", "tags:", "sources:", " ", "\n", "\n  ", "\n  - ", "- "),
    *("[", "]", "{", "}", ",", ": ", "? ", "|", "|-", ">", "&a ", "*a", "&b ", "*b", "<<: ", "!!str ", "!!int "),
    *("!!python/object:os.system ", "!x ", "%YAML 1.1\n", "%TAG !p! tag:x:\n", "---\n", "...\n", "#", "'", '"'),
    *('"\\x00"', '"\\ud800"', '"\\U0001F600"', "\\", "~", "null", "2024", "1953-07-27", "a", "é", "\t", "\r\n"),
)
yaml_texts = st.lists(st.sampled_from(YAML_PIECES), max_size=30).map("".join)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory)


def load_or_refuse(path: Path) -> Loaded | None:
    """Load the file; None for InvalidInput (which must name the file). Any other exception fails the test."""
    problems: tuple[Problem, ...] = ()
    try:
        loaded = load(path)
    except InvalidInput as error:
        problems = error.problems
    if problems:
        assert all(problem.file == str(path) and str(problem) for problem in problems)
        event("refused")
        return None
    assert str(path) in loaded.files
    event(f"loaded, {'no' if not loaded.timeline.events else 'some'} events")
    return loaded


#: The exporters that take no fonts or browsers (the image formats are tested elsewhere and are slow).
TEXT_FORMATS: Final = ("json", "ics", "md", "csv", "yaml", "timelinejs")


def exports_cleanly(loaded: Loaded | None) -> None:
    """Whatever loads exports in every text format (skipping is allowed, raising is not)."""
    if loaded is None:
        return
    for name in TEXT_FORMATS:
        exported = FORMATS[name].exporter()(loaded.timeline, ExportOptions(mermaid=True))
        assert exported.data
        assert {s.event_id for s in exported.skipped} <= {e.id for e in loaded.timeline.events}


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


cells = st.one_of(st.text(max_size=10), date_texts, st.sampled_from(["", "a", "2024", "=1+1", "'=x", "a;b", "1,5"]))
columns = st.lists(
    st.sampled_from([*COLUMNS, "source_url", "source_title", "source2_url", "source1_url", "importance", "sep=;"])
    | st.text(max_size=6),
    max_size=10,
)


@st.composite
def mutated_csv(draw: st.DrawFn) -> list[list[str]]:
    """A valid CSV export's rows with a few cells replaced."""
    text = FORMATS["csv"].exporter()(draw(timelines(max_events=4)), ExportOptions()).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for _ in range(draw(st.integers(0, 3))):
        row = rows[draw(st.integers(0, len(rows) - 1))]
        if row:
            row[draw(st.integers(0, len(row) - 1))] = draw(cells)
    return rows


class TestLoaders:
    """Any structure in any of our formats: a timeline or InvalidInput, never another exception."""

    @FUZZ
    @given(documents, st.booleans())
    def test_json(self, workdir: Path, document: Any, ascii_only: bool) -> None:
        """Any structure written as JSON loads (and then exports) or is refused."""
        path = workdir / "fuzz.json"
        # Unescaped, a surrogate can only be written as invalid UTF-8, which must be refused too.
        path.write_bytes(json.dumps(document, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass"))
        exports_cleanly(load_or_refuse(path))

    @FUZZ
    @given(documents, st.booleans(), st.booleans())
    def test_yaml(self, workdir: Path, document: Any, unicode: bool, flow: bool) -> None:
        """Any structure written as YAML, block or flow style, loads (and then exports) or is refused."""
        path = workdir / "fuzz.yaml"
        text = yaml.safe_dump(document, allow_unicode=unicode, default_flow_style=flow)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        exports_cleanly(load_or_refuse(path))

    @FUZZ
    @given(mutated_csv() | st.builds(lambda h, r: [h, *r], columns, st.lists(st.lists(cells, max_size=10), max_size=5)))
    def test_csv(self, workdir: Path, rows: list[list[str]]) -> None:
        """Any header and cells, or a real export with cells replaced, load (and then export) or are refused."""
        path = workdir / "fuzz.csv"
        path.write_text(csv_text(rows), "utf-8")
        exports_cleanly(load_or_refuse(path))

    @FUZZ
    @given(documents, st.sampled_from([".json", ".yaml"]))
    def test_cli(self, workdir: Path, document: Any, suffix: str) -> None:
        """`timeline validate` and `timeline list` end with status 0 or 1 and never a traceback."""
        path = workdir / f"cli{suffix}"
        text = json.dumps(document) if suffix == ".json" else yaml.safe_dump(document)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        for command in ("validate", "list"):
            result = run(command, path)
            assert result.exit_code in (0, 1), result.output
            event(f"{command}: exit {result.exit_code}")

    @FUZZ
    @given(yaml_texts)
    def test_yaml_syntax(self, workdir: Path, text: str) -> None:
        """Text made of YAML's own syntax (anchors, tags, directives, escapes) loads or is refused."""
        path = workdir / "syntax.yaml"
        path.write_text(text, "utf-8")
        exports_cleanly(load_or_refuse(path))

    @FUZZ
    @given(st.binary(max_size=200), st.sampled_from([".yaml", ".json", ".csv"]))
    def test_any_bytes(self, workdir: Path, data: bytes, suffix: str) -> None:
        """Any bytes under any event-file suffix load or are refused."""
        path = workdir / f"bytes{suffix}"
        path.write_bytes(data)
        exports_cleanly(load_or_refuse(path))


#: Pieces of iCalendar content lines, for the importer.
ICS_LINES: Final = (
    "DTSTART:20240101T100000Z",
    "DTSTART;VALUE=DATE:20240101",
    "DTSTART;TZID=Asia/Pyongyang:20240101T100000",
    "DTSTART;TZID=Nowhere:20240101T100000",
    "DTSTART:2024",
    "DTSTART:99999999",
    "DTEND;VALUE=DATE:20231231",
    "DTEND:20240101T090000Z",
    "DURATION:P1D",
    "DURATION:-P1W",
    "DURATION:PXD",
    "SUMMARY:Title\\, with\\; escapes\\n",
    "SUMMARY:",
    "DESCRIPTION:a\\nb",
    "LOCATION:x",
    "UID:a@timeline",
    "UID:b",
    "RRULE:FREQ=DAILY;COUNT=3",
    "RRULE:FREQ=YEARLY",
    "RRULE:FREQ=NOPE",
    "RDATE:20240105T100000Z",
    "EXDATE:20240102T100000Z",
    "RECURRENCE-ID:20240102T100000Z",
    "X-TIMELINE-DATE:late 1970s",
    "X-TIMELINE-DATE:2024-13",
    'X-TIMELINE-TAGS:["a"]',
    "X-TIMELINE-TAGS:[1]",
    'X-TIMELINE-SOURCE:{"url": "https://e.org"}',
    "X-TIMELINE-SOURCE:{",
    "X-TIMELINE-IMPORTANCE:nan",
    "X-WR-TIMEZONE:Asia/Pyongyang",
    "X-WR-TIMEZONE:Nowhere",
    "CATEGORIES:a,b",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "BEGIN:VTIMEZONE",
    "END:VTIMEZONE",
    "BEGIN:VALARM",
    "END:VALARM",
    " folded continuation",
    "",
    "no colon at all",
    ";:",
)


class TestImporters:
    """`timeline import`'s readers: a timeline or InvalidInput, never another exception."""

    @FUZZ
    @given(st.lists(st.sampled_from(ICS_LINES), max_size=15), st.booleans(), st.booleans())
    def test_ics(self, lines: list[str], window: bool, valid_start: bool) -> None:
        """Content lines in any order and number inside a calendar with one event (that may start valid)."""
        start = ["UID:base", "DTSTART;VALUE=DATE:20240101", "SUMMARY:base"] if valid_start else []
        body = [*start, *lines]
        text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", *body, "END:VEVENT", "END:VCALENDAR"])
        options = ImportOptions(date_from=_DAY_FROM, date_to=_DAY_TO) if window else ImportOptions()
        problems: tuple[Problem, ...] = ()
        try:
            timeline = importer_for("fuzz.ics")[1](text.encode("utf-8"), "fuzz.ics", options)
        except InvalidInput as error:
            problems = error.problems
        if problems:
            assert all(problem.file == "fuzz.ics" for problem in problems)
            event("refused")
            return
        event("imported")
        exports_cleanly(Loaded(timeline, (), ("fuzz.ics",)))
        assert dump_event_file(timeline)

    @FUZZ
    @given(documents)
    def test_json_import(self, document: Any) -> None:
        """A .json is read as TimelineJS or as our own events, whichever it looks like."""
        data = json.dumps(document).encode("utf-8")
        try:
            timeline = importer_for("fuzz.json")[1](data, "fuzz.json", ImportOptions())
        except InvalidInput:
            event("refused")
            return
        event("imported")
        assert dump_event_file(timeline)


_DAY_FROM, _DAY_TO = parse_single("2024-01-01").earliest, parse_single("2024-12-31").earliest


# --- whole pipelines through the CLI -----------------------------------------------------


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(main, [str(arg) for arg in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def skipped_ids(result: Result) -> set[str]:
    return set(re.findall(r"warning: event '([^']+)' was left out", result.stderr))


def start_from_yaml(workdir: Path, timeline: Timeline) -> tuple[Path, Timeline]:
    """The timeline as an event file, and what that file loads as (the records every step must keep)."""
    source = workdir / "start.yaml"
    source.write_bytes(dump_event_file(timeline))
    return source, load(source).timeline


class TestRoundTrips:
    """YAML -> another format -> YAML, each step a `timeline` command, gives equal records."""

    @FUZZ
    @given(rich_timelines())
    def test_yaml_json_yaml(self, workdir: Path, timeline: Timeline) -> None:
        """Export to JSON, import back to YAML: the same timeline, title and as_of included."""
        source, original = start_from_yaml(workdir, timeline)
        assert 0 == run("export", source, "-o", workdir / "mid.json").exit_code
        assert 0 == run("import", workdir / "mid.json", "-o", workdir / "end.yaml").exit_code
        assert original == load(workdir / "end.yaml").timeline

    @FUZZ
    @given(rich_timelines() | timelines())
    def test_yaml_ics_yaml(self, workdir: Path, timeline: Timeline) -> None:
        """Every event a calendar can hold comes back equal; the others are named as left out."""
        source, original = start_from_yaml(workdir, timeline)
        exported = run("export", source, "-o", workdir / "mid.ics")
        assert 0 == exported.exit_code
        skipped = skipped_ids(exported)
        kept = original.replace(events=[e for e in original.events if e.id not in skipped])
        event(f"{'some' if skipped else 'no'} events left out of the calendar")
        imported = run("import", workdir / "mid.ics", "-o", workdir / "end.yaml")
        if not kept.events:
            assert 1 == imported.exit_code
            assert "has no events (VEVENT) to import" in imported.stderr
            return
        assert 0 == imported.exit_code
        assert kept == load(workdir / "end.yaml").timeline

    @FUZZ
    @given(rich_timelines())
    def test_yaml_csv_yaml(self, workdir: Path, timeline: Timeline) -> None:
        """A CSV holds events only (no title, description or as_of): the events come back equal."""
        source, original = start_from_yaml(workdir, timeline)
        assert 0 == run("export", source, "-o", workdir / "mid.csv").exit_code
        assert 0 == run("import", workdir / "mid.csv", "-o", workdir / "end.yaml").exit_code
        assert original.events == load(workdir / "end.yaml").timeline.events

    @FUZZ
    @given(rich_timelines())
    def test_yaml_itself(self, workdir: Path, timeline: Timeline) -> None:
        """The event file written from records loads as those records (the start of every pipeline)."""
        _, original = start_from_yaml(workdir, timeline)
        assert timeline == original
