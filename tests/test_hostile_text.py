"""Hostile text in valid events: every export stays valid for its format and shows the text as text.

The events come from a JSON event file (JSON can carry any character, control characters
included, through escapes), are loaded as a user's file would be, and are exported with the
CLI. Each format is then read by a real reader: icalendar, vobject and ical.js for the
calendar, xml.etree for the SVG, cmark-gfm and markdown-it-py for the Markdown, mermaid in
Chromium for the Mermaid block, the csv module for the CSV, and our own loaders where an
export is also an input.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Final
from xml.etree import ElementTree

import icalendar
import pytest
from click.testing import CliRunner

from tests.ical.clients import assert_parsers_agree
from tests.test_markdown import check_table, render_both
from tests.test_mermaid import expected_texts, mermaid_source, render_mermaid
from timeline import load_timeline
from timeline.cli import main
from timeline.dates import Interval, parse_date
from timeline.display import display
from timeline.formats import ExportOptions, export
from timeline.formats.markdown import group_events
from timeline.formats.markdown_text import clean
from timeline.records import Event, Source, Timeline

#: Every kind of hostile text the issue names, and a few more, by name.
HOSTILE: Final = {
    "crlf": "first line\r\nsecond line\rthird line\nfourth line\r\n\r\nnew paragraph",
    "ics-injection": (
        "Innocent\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected@evil\r\nSUMMARY:Injected\r\n"
        "DTSTART:20240101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR"
    ),
    "ics-escapes": "a\\nb \\; \\, ; , : \\N \\\\ END:VEVENT ^n ^' ^^",
    "html": "<script>alert('hostile-script')</script><img src=x onerror=alert(1)><svg onload=alert(1)>",
    "xml": "]]><!-- c --><?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'boom'>]>&e; &amp; &#0; &#x41; \"q\" 'a'",
    "svg-attributes": '" onmouseover="alert(1)" x="\' style=\'fill:red\' xlink:href="javascript:alert(1)" a="',
    "table": "| a | b |\n|---|---|\n| c | d | \\| e ||",
    "markdown": (
        "# Heading\n- item\n1. one\n> quote\n```\ncode\n```\n[link](javascript:alert(1)) ![img](http://x/i.png) "
        "**b** _i_ ~~s~~ [^1] <b>raw</b>\n\n[^1]: note\n---\n===\n    indented code"
    ),
    "mermaid": (
        "%%{init: {'theme':'dark'}}%%\ntimeline\ntitle Owned\nsection Evil\n2024 : injected : x\n"
        "--> ; # : } { click x call alert() %% comment"
    ),
    "formula": '=HYPERLINK("http://evil.example","click")',
    "formula-plus": "+1+cmd|' /C calc'!A0",
    "formula-minus": "-2+3",
    "formula-at": "@SUM(A1:A9)",
    "formula-tab": "\t=1+1",
    "rtl": "\u202eevil.exe\u202c עברית العربية \u200fmark\u200f \u2067isolate\u2069 \u061c",
    "emoji": "👩‍👩‍👧‍👦 🏳️‍🌈 😀 \U0001f1f0\U0001f1f5 e\u0301 \ufe0f",
    "long": ("abcdefghi " * 200)[:1999] + "Z",
    "controls": "c0:"
    + "".join(chr(c) for c in range(1, 32))
    + ":del\x7f:c1\x80\x85\x9f:seps\u2028\u2029:nul\x00:nonchar\ufffe\uffff",
}
#: Strings that must never reach markup as anything but text (SVG attributes, HTML elements).
MARKERS: Final = ("alert", "onload", "onerror", "onmouseover", "javascript", "<script", "evil", "injected", "boom")
SOURCE_URLS: Final = (
    "javascript:alert(1)",
    "https://example.org/a|b<c>\"d'",
    "data:text/html,<script>x</script>",
    "https://example.org/\x01nul\x00del\x7f",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
)


def event_file(texts: dict[str, str]) -> dict[str, Any]:
    """An event file with one event per text: the text in every text field, a tag and a source."""
    events = []
    for number, (name, text) in enumerate(texts.items()):
        events.append(
            {
                "id": f"e{number}-{name}",
                "title": text,
                "date": ["1953-07-27", "late 1960s?", "2024-10/..", "c. 2019", "2024-06"][number % 5],
                "description": text,
                "location": text,
                "tags": [f"tag {text[:40]}"],
                "sources": [{"url": SOURCE_URLS[number % len(SOURCE_URLS)], "title": text, "publisher": text}],
            }
        )
    header = {"title": texts["html"], "description": texts["markdown"], "as_of": "2025-07-14"}
    return {"timeline": header, "events": events}


BENIGN: Final = {name: f"Plain text {number}" for number, name in enumerate(HOSTILE)}
FORMATS: Final = ("ics", "svg", "png", "pdf", "md", "csv", "json", "yaml", "timelinejs")


def export_all(directory: Path, texts: dict[str, str], *extra: str) -> dict[str, bytes]:
    """Every format of the event file holding `texts`, written by the CLI; no warning may be raised."""
    directory.mkdir()
    source = directory / "events.json"
    source.write_text(json.dumps(event_file(texts), ensure_ascii=True), "utf-8")
    outputs = {}
    for name in FORMATS:
        out = directory / f"out.{name}"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = CliRunner().invoke(main, ["export", str(source), "-o", str(out), "--format", name, *extra])
        assert 0 == result.exit_code, (name, result.output, result.exception)
        assert "warning: event" not in result.stderr, result.stderr  # nothing was skipped
        assert [] == control_glyphs(caught)
        outputs[name] = out.read_bytes()
    return outputs


def control_glyphs(caught: list[warnings.WarningMessage]) -> list[str]:
    """matplotlib's missing-glyph warnings for control characters: a control character reached the image.

    (Emoji miss from the installed fonts too; SECURITY.md says so, and those warnings are expected.)
    """
    found = []
    for warning in caught:
        match = re.match(r"Glyph (\d+) ", str(warning.message))
        if match is None:
            found.append(str(warning.message))  # any other warning is unexpected
        elif int(match[1]) < 32 or 127 <= int(match[1]) < 160 or int(match[1]) in (0xFFFE, 0xFFFF):
            found.append(str(warning.message))
    return found


@pytest.fixture(scope="module")
def hostile_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "events.json"
    path.write_text(json.dumps(event_file(HOSTILE), ensure_ascii=True), "utf-8")
    return path


@pytest.fixture(scope="module")
def hostile(hostile_source: Path) -> Timeline:
    """The hostile event file as the loader reads it."""
    return load_timeline(hostile_source)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return export_all(tmp_path_factory.mktemp("out") / "hostile", HOSTILE, "--mermaid")


@pytest.fixture(scope="module")
def benign(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return export_all(tmp_path_factory.mktemp("out") / "benign", BENIGN, "--mermaid")


def test_loader_keeps_the_text(hostile: Timeline) -> None:
    """The hostile texts load as written (trimmed), so the exports below really carry them."""
    assert len(HOSTILE) == len(hostile.events)
    assert {text.strip() for text in HOSTILE.values()} == {event.title for event in hostile.events}
    assert 2000 == max(len(event.title) for event in hostile.events)


#: What no text value in an iCalendar file may hold (RFC 5545 3.3.11: CONTROL is excluded, TAB allowed).
_ICS_CONTROLS: Final = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def ics_text(text: str) -> str:
    """The text an iCalendar reader must see: line breaks as LF, other ASCII controls as U+FFFD."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ICS_CONTROLS.sub(lambda m: m[0] if m[0] == "\n" else "\ufffd", text)


class TestICalendar:
    """The calendar keeps one VEVENT per event, and every text property reads back as the text."""

    def test_event_count_and_uids(self, exported: dict[str, bytes], hostile: Timeline) -> None:
        """icalendar finds exactly our events, by UID; no injected component or property exists."""
        calendar = icalendar.Calendar.from_ical(exported["ics"])
        events = calendar.walk("VEVENT")
        assert len(hostile.events) == len(events)
        assert {f"{e.id}@timeline" for e in hostile.events} == {str(v["UID"]) for v in events}
        lines = exported["ics"].decode("utf-8").replace("\r\n ", "").split("\r\n")
        assert (1, 1) == (lines.count("BEGIN:VCALENDAR"), lines.count("END:VCALENDAR"))
        assert (len(hostile.events), len(hostile.events)) == (lines.count("BEGIN:VEVENT"), lines.count("END:VEVENT"))
        assert all(not component.errors for component in calendar.walk())

    def test_text_reads_back(self, exported: dict[str, bytes], hostile: Timeline) -> None:
        """SUMMARY, LOCATION and the calendar name are the text exactly (ASCII controls shown as U+FFFD)."""
        calendar = icalendar.Calendar.from_ical(exported["ics"])
        by_uid = {str(v["UID"]): v for v in calendar.walk("VEVENT")}
        for event in hostile.events:
            component = by_uid[f"{event.id}@timeline"]
            ongoing = " (ongoing)" if isinstance(event.date, Interval) and event.date.ongoing else ""
            assert ics_text(event.title) + ongoing == str(component["SUMMARY"]), event.id
            assert ics_text(event.location or "") == str(component["LOCATION"]), event.id
            assert ics_text(event.title) in str(component["DESCRIPTION"]), event.id
        assert ics_text(hostile.title) == str(calendar["X-WR-CALNAME"])

    def test_only_web_links(self, exported: dict[str, bytes]) -> None:
        """URL, which calendar apps make a link, is only ever a web address; the other sources stay text."""
        calendar = icalendar.Calendar.from_ical(exported["ics"])
        urls = [str(component["URL"]) for component in calendar.walk("VEVENT") if "URL" in component]
        assert urls
        assert {"https"} == {browser_scheme(url) for url in urls}

    def test_only_valid_content_lines(self, exported: dict[str, bytes]) -> None:
        """Unfolded, every line is NAME[;params]:value with no control character but TAB; lines end in CRLF."""
        text = exported["ics"].decode("utf-8")
        assert text.endswith("\r\n")
        lines = text.replace("\r\n ", "").split("\r\n")[:-1]
        assert all(re.match(r"[A-Z][A-Z0-9-]*[;:]", line) for line in lines)
        assert [] == [line[:40] for line in lines if _ICS_CONTROLS.search(line)]
        assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))

    def test_other_parsers_agree(self, exported: dict[str, bytes], hostile: Timeline) -> None:
        """vobject and ical.js (Thunderbird's parser) see the same events as icalendar."""
        seen = assert_parsers_agree(exported["ics"], caldav=False)
        assert len(hostile.events) == len(seen)


def svg_tree(data: bytes) -> ElementTree.Element:
    """The SVG parsed as XML 1.0; fails on any character or markup XML does not allow."""
    return ElementTree.fromstring(data)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


class TestSvg:
    """The SVG is well-formed XML in which event text is only ever text."""

    def test_well_formed(self, exported: dict[str, bytes]) -> None:
        """xml.etree parses it (no control character, no stray markup)."""
        assert "svg" == _local(svg_tree(exported["svg"]).tag)

    def test_no_element_or_attribute_from_text(self, exported: dict[str, bytes], benign: dict[str, bytes]) -> None:
        """Elements and attribute names are those of a plain timeline of the same shape; no value holds a marker."""
        hostile_root, plain_root = svg_tree(exported["svg"]), svg_tree(benign["svg"])
        tags = {_local(e.tag) for e in hostile_root.iter()}
        assert set() == tags - {_local(e.tag) for e in plain_root.iter()}
        names = {_local(name) for e in hostile_root.iter() for name in e.attrib}
        assert set() == names - {_local(name) for e in plain_root.iter() for name in e.attrib}
        values = [value.lower() for e in hostile_root.iter() for value in e.attrib.values()]
        assert [] == [(marker, v[:60]) for v in values for marker in MARKERS if marker in v]

    def test_text_is_shown(self, exported: dict[str, bytes], hostile: Timeline) -> None:
        """Each event's tooltip is its date and title, as text (control characters shown as U+FFFD)."""
        root = svg_tree(exported["svg"])
        tooltips = {
            e.get("id"): "".join(child.itertext())
            for e in root.iter()
            for child in e
            if _local(e.tag) == "g" and _local(child.tag) == "title"
        }
        for index, event in enumerate(hostile.events):
            expected = f"{display(event.date)}: {event.title}"
            shown = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]", "\ufffd", expected)
            assert re.sub("[\t\n\r\x85]", " ", shown) == tooltips[f"ev{index}-label"], event.id

    def test_lanes_from_hostile_tags(self, hostile_source: Path, tmp_path: Path) -> None:
        """Tags become lane names as text too."""
        out = tmp_path / "lanes.svg"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = CliRunner().invoke(main, ["export", str(hostile_source), "-o", str(out), "--lanes", "tag"])
        assert 0 == result.exit_code, result.output
        assert [] == control_glyphs(caught)
        root = svg_tree(out.read_bytes())
        values = [value.lower() for e in root.iter() for value in e.attrib.values()]
        assert [] == [v[:60] for v in values for marker in MARKERS if marker in v]
        assert "script" not in {_local(e.tag) for e in root.iter()}

    def test_png_and_pdf(self, exported: dict[str, bytes]) -> None:
        """The bitmap decodes and the PDF is complete."""
        from PIL import Image

        with Image.open(io.BytesIO(exported["png"])) as image:
            image.verify()
        assert exported["pdf"].startswith(b"%PDF-")
        assert exported["pdf"].rstrip().endswith(b"%%EOF")


class TestMarkdown:
    """The Markdown table keeps its shape: a heading, one row of four cells per event, no raw HTML."""

    def test_table_shape(self, exported: dict[str, bytes], hostile: Timeline) -> None:
        """cmark-gfm and markdown-it-py agree; each row reads as the event's date, title and details."""
        markdown = exported["md"].decode("utf-8")
        page = check_table(hostile, markdown)
        assert len(hostile.events) == len(page.tables[0].rows)
        assert all(4 == len(row) for row in page.tables[0].rows)
        assert ((2, clean(hostile.title)),) == page.headings
        assert {browser_scheme(href) for href, _ in page.links} <= {"http", "https", "mailto"}

    def test_list_style(self, hostile_source: Path, hostile: Timeline, tmp_path: Path) -> None:
        """In list style each event is one bullet, and no text becomes a heading."""
        out = tmp_path / "list.md"
        result = CliRunner().invoke(main, ["export", str(hostile_source), "-o", str(out), "--md-style", "list"])
        assert 0 == result.exit_code, result.output
        page, _ = render_both(out.read_text("utf-8"))
        assert len(hostile.events) == len(page.items)
        groups = group_events(hostile.events)
        assert ((2, clean(hostile.title)), *((3, label) for label, _ in groups)) == page.headings

    def test_mermaid_renders_the_text(self, exported: dict[str, bytes], hostile: Timeline) -> None:
        """Mermaid itself draws the block without error, showing every period and title as written."""
        source = mermaid_source(exported["md"].decode("utf-8"))
        (rendered,) = render_mermaid([source])
        assert rendered.error is None
        assert expected_texts(hostile) == rendered.texts


_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


class TestCsv:
    """Every row has the header's cells; no cell starts a formula; loading gives the events back."""

    def test_shape_and_formulas(self, exported: dict[str, bytes], hostile: Timeline) -> None:
        """Every row has the header's number of cells, and no cell begins like a formula."""
        rows = list(csv.reader(io.StringIO(exported["csv"].decode("utf-8-sig"), newline="")))
        header = rows[0]
        assert len(hostile.events) + 1 == len(rows)
        assert all(len(header) == len(row) for row in rows)
        assert [] == [cell[:20] for row in rows[1:] for cell in row if cell.startswith(_FORMULA_STARTS)]

    @pytest.mark.parametrize("name", ["csv", "json", "yaml"])
    def test_loads_back(self, name: str, exported: dict[str, bytes], hostile: Timeline, tmp_path: Path) -> None:
        """The exports that are also inputs load back to equal events."""
        path = tmp_path / f"again.{name}"
        path.write_bytes(exported[name])
        assert hostile.events == load_timeline(path).events


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(markup: str) -> _Elements:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser


class TestJson:
    """The JSON exports parse; TimelineJS's HTML fields hold only the markup we write."""

    def test_records_json(self, exported: dict[str, bytes], hostile: Timeline) -> None:
        """The records JSON parses and holds every title exactly."""
        data = json.loads(exported["json"])
        assert [e.title for e in hostile.events] == [e["title"] for e in data["events"]]

    def test_timelinejs_html(self, exported: dict[str, bytes], hostile: Timeline) -> None:
        """Headlines are escaped text; the text HTML holds only p, br, a (safe hrefs only) and small."""
        data = json.loads(exported["timelinejs"])
        slides = data["events"]
        assert len(hostile.events) == len(slides)
        for slide, event in zip(slides, hostile.events, strict=True):
            headline = elements(slide["text"]["headline"])
            assert set() == headline.tags
            assert event.title == "".join(headline.text)
            body = elements(slide["text"]["text"])
            assert body.tags <= {"p", "br", "a", "small", "ul", "li", "em"}, body.tags
            hrefs = [value for name, value in body.attributes if name == "href"]
            assert all(browser_scheme(href) == "https" for href in hrefs), hrefs


class TestRecordsMadeInCode:
    """Records made by the library or an importer, which no loader checked, cannot inject either."""

    TIMELINE: Final = Timeline(
        title="t",
        as_of=dt.date(2025, 7, 14),
        events=[
            Event(
                id="a",
                title="A",
                date=parse_date("2024-06"),
                sources=(Source(url="https://x.org/\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected", title="s"),),
            ),
            Event(id="b", title="B", date=parse_date("2024"), sources=(Source(url="java\tscript:alert(1)"),)),
            Event(id="c", title="C", date=parse_date("2025"), sources=(Source(url=" \njavascript:x()", title="c"),)),
        ],
    )

    def test_ics_url_stays_one_property(self) -> None:
        """A URL holding CRLF is percent-encoded: still three events, no injected UID."""
        data = export(self.TIMELINE, "ics", ExportOptions()).data
        calendar = icalendar.Calendar.from_ical(data)
        assert ["a@timeline", "b@timeline", "c@timeline"] == sorted(str(e["UID"]) for e in calendar.walk("VEVENT"))
        url = next(str(e["URL"]) for e in calendar.walk("VEVENT") if str(e["UID"]) == "a@timeline")
        assert "https://x.org/%0D%0AEND:VEVENT%0D%0ABEGIN:VEVENT%0D%0AUID:injected" == url

    def test_script_urls_are_never_links(self) -> None:
        """Script URLs hidden behind a tab or leading white space are not links in TimelineJS or Markdown."""
        slides = json.loads(export(self.TIMELINE, "timelinejs", ExportOptions()).data)["events"]
        hrefs = [v for slide in slides for name, v in elements(slide["text"]["text"]).attributes if name == "href"]
        assert ["https://x.org/\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected"] == hrefs
        page, _ = render_both(export(self.TIMELINE, "md", ExportOptions()).data.decode("utf-8"))
        assert [] == [href for href, _ in page.links if browser_scheme(href) in {"javascript", "vbscript", "data"}]


def browser_scheme(href: str) -> str:
    """The scheme a browser reads in an href (WHATWG: outer controls and spaces, inner tabs and newlines dropped)."""
    cleaned = re.sub("[\t\n\r]", "", href.strip("".join(map(chr, range(33)))))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return match[1].lower() if match else ""
