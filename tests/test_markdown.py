"""The Markdown exporter, proved by rendering every file it writes with cmark-gfm and markdown-it-py.

cmark-gfm is GitHub's own parser (Debian's build takes extensions with `-e`; it has no
`--footnotes` flag); markdown-it-py stands for the CommonMark tools. Both must show the same
tables, rows, headings, links and footnotes, and neither may find raw HTML in the file.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from timeline.cli import main
from timeline.dates import parse_date
from timeline.display import display
from timeline.formats import ExportOptions, export
from timeline.formats.markdown import START_UNKNOWN, group_events
from timeline.formats.markdown_text import clean, paragraphs
from timeline.records import Event, Source, Timeline

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "events" / "nk-russia.yaml"
GOLDEN = ROOT / "exports" / "nk-russia.md"

CMARK = ["cmark-gfm", "-e", "table", "-e", "footnotes", "-e", "autolink", "-e", "strikethrough", "-e", "tagfilter"]
_MDIT = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).use(footnote_plugin)

#: Every element our Markdown may produce; anything else came from raw HTML in the file.
ALLOWED_TAGS = frozenset(
    [
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "sup",
        "section",
        "ol",
        "ul",
        "li",
        "strong",
        "em",
        "img",
        "pre",
        "code",
        "hr",
    ]
)
_VOID = frozenset({"img", "hr", "br", "input"})


# --- rendering ----------------------------------------------------------------


def cmark_html(markdown: str) -> str:
    """HTML from cmark-gfm with GitHub's extensions; fails the test if cmark-gfm is missing."""
    result = subprocess.run(CMARK, input=markdown.encode("utf-8"), capture_output=True, check=True, timeout=60)
    return result.stdout.decode("utf-8")


def mdit_html(markdown: str) -> str:
    """HTML from markdown-it-py (CommonMark, GFM tables and strikethrough, footnotes), raw HTML allowed."""
    return _MDIT.render(markdown)


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find(self, tag: str) -> list[Node]:
        return [node for node in self.walk() if node.tag == tag]

    def text(self) -> str:
        """The text a reader sees, without footnote reference numbers and back-links."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif not ({"footnote-ref", "footnote-backref"} & child.classes):
                parts.append(child.text())
        return "".join(parts)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


@dataclass(frozen=True)
class Table:
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: For each row, the footnote each reference in it points to (as 1-based positions in the list).
    refs: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Page:
    """What a reader gets from one rendering: the parts both renderers must agree on."""

    headings: tuple[tuple[int, str], ...]
    paragraphs: tuple[str, ...]
    tables: tuple[Table, ...]
    items: tuple[str, ...]
    links: tuple[tuple[str, str], ...]
    images: tuple[tuple[str, str], ...]
    refs: tuple[int, ...]
    footnotes: tuple[str, ...]
    code: tuple[tuple[str, str], ...]
    tags: frozenset[str]
    comments: tuple[str, ...]


def parse_html(html: str) -> Page:
    """The parts of a rendered page that tests compare, read from its HTML."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    root = builder.root
    sections = [n for n in root.walk() if n.tag == "section" and "footnotes" in n.classes]
    notes = [li for section in sections for li in section.find("li")]
    note_ids = {li.attrs.get("id", ""): index for index, li in enumerate(notes, start=1)}
    in_notes = {id(n) for section in sections for n in section.walk()}

    def target(a: Node) -> int:
        return note_ids.get(a.attrs.get("href", "").lstrip("#"), 0)

    def refs_in(node: Node) -> tuple[int, ...]:
        return tuple(target(a) for sup in node.find("sup") if "footnote-ref" in sup.classes for a in sup.find("a"))

    tables = []
    for table in root.find("table"):
        head = tuple(clean_text(th) for th in table.find("th"))
        body_rows = [tr for tr in table.find("tr") if tr.find("td")]
        tables.append(
            Table(
                head,
                tuple(tuple(clean_text(td) for td in tr.find("td")) for tr in body_rows),
                tuple(refs_in(tr) for tr in body_rows),
            )
        )
    # Footnote references and back-links (href "#fn-1", "#fnref1", ...) are compared as `refs` instead.
    links = tuple(
        (same_href(a.attrs.get("href", "")), clean_text(a))
        for a in root.find("a")
        if not a.attrs.get("href", "").startswith("#fn")
    )
    code = tuple((node.attrs.get("class", ""), node.text()) for pre in root.find("pre") for node in pre.find("code"))
    return Page(
        headings=tuple(
            (int(n.tag[1]), clean_text(n)) for n in root.walk() if n.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}
        ),
        paragraphs=tuple(clean_text(p) for p in root.find("p") if id(p) not in in_notes),
        tables=tuple(tables),
        items=tuple(clean_text(li) for li in root.find("li") if id(li) not in in_notes),
        links=links,
        images=tuple((img.attrs.get("src", ""), img.attrs.get("alt", "")) for img in root.find("img")),
        refs=refs_in(root),
        footnotes=tuple(clean_text(li) for li in notes),
        code=code,
        tags=frozenset(n.tag for n in root.walk() if n.tag != "root"),
        comments=tuple(builder.comments),
    )


def same_href(href: str) -> str:
    """An href in one spelling: percent-escapes decoded, then host and path encoded as markdown-it does."""
    return _MDIT.normalizeLink(urllib.parse.unquote(href))


_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def clean_text(node: Node) -> str:
    """The node's text with ASCII white space runs as one space (a no-break space is text, kept)."""
    return _ASCII_SPACE.sub(" ", node.text()).strip(" ")


def render_both(markdown: str) -> tuple[Page, Page]:
    """The page as cmark-gfm and as markdown-it-py show it; fails unless they agree and no raw HTML got in."""
    github, common = parse_html(cmark_html(markdown)), parse_html(mdit_html(markdown))
    assert () == github.comments, "cmark-gfm found raw HTML"
    assert set() == github.tags - ALLOWED_TAGS
    assert set() == common.tags - ALLOWED_TAGS
    for part in ("headings", "paragraphs", "tables", "items", "links", "images", "refs", "footnotes", "code"):
        assert getattr(github, part) == getattr(common, part), f"renderers disagree on {part}"
    assert all(ref > 0 for ref in github.refs), "a footnote reference does not resolve"
    assert set(range(1, len(github.footnotes) + 1)) == set(github.refs), "a footnote is never cited"
    return github, common


def to_markdown(timeline: Timeline, **options: Any) -> str:
    return export(timeline, "md", ExportOptions(**options)).data.decode("utf-8")


def cell_details(event: Event) -> str:
    """What the Details cell must read: the location, then the description's paragraphs."""
    texts = paragraphs(event.description) if event.description else []
    location = clean(event.location) if event.location else ""
    if location:
        texts[:1] = [f"{location} — {texts[0]}" if texts else location]
    return " ".join(texts)


def check_table(timeline: Timeline, markdown: str, locale: str = "en") -> Page:
    """The table has one row per event, four cells each, reading as the records say."""
    page, _ = render_both(markdown)
    assert 1 == len(page.tables)
    table = page.tables[0]
    assert ("Date", "Event", "Details", "Sources") == table.head
    expected = tuple((display(e.date, locale), clean(e.title), cell_details(e), "") for e in timeline.events)
    assert expected == table.rows
    cited = [tuple(dict.fromkeys(e.sources)) for e in timeline.events]
    assert [len(c) for c in cited] == [len(r) for r in table.refs]
    return page


def event(id: str, title: str, date: str, **fields: Any) -> Event:
    return Event(id=id, title=title, date=parse_date(date), **fields)


ARTICLE = Source(url="https://example.org/a", title="The article", publisher="Agency", published=parse_date("2025-07"))  # type: ignore[arg-type]


# --- tests ----------------------------------------------------------------------


class TestExample:
    """The shipped example, as the CLI writes it."""

    def test_golden_file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """exports/nk-russia.md is what the CLI writes with the SVG beside it, as `timeline build` does."""
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        out = tmp_path / "nk-russia.md"
        result = CliRunner().invoke(main, ["export", str(EXAMPLE), "-o", str(out), "--image", "nk-russia.svg"])
        assert 0 == result.exit_code, result.output
        assert GOLDEN.read_bytes() == out.read_bytes()

    def test_renders_every_event_and_source(self, example_timeline: Timeline) -> None:
        """Both renderers show the title, the description, 18 rows of 4 cells and one shared footnote."""
        page = check_table(example_timeline, GOLDEN.read_text("utf-8"))
        assert ((2, "North Korea's support for Russia's war"),) == page.headings
        assert 18 == len(page.tables[0].rows)
        assert (1,) * 18 == page.refs
        assert (
            "How North Korea is giving Russia an edge in the war on Ukraine, The Straits Times / Bloomberg, July 2025.",
        ) == page.footnotes

    def test_dates_keep_their_precision(self, example_timeline: Timeline) -> None:
        """The Date column shows uncertain, partial, interval and ongoing dates as such."""
        page, _ = render_both(GOLDEN.read_text("utf-8"))
        dates = [row[0] for row in page.tables[0].rows]
        for shown in ("late 1960s?", "late 1970s – early 1980s", "2025?", "since October 2024", "early January 2025"):
            assert shown in dates

    def test_legend_explains_the_marks(self) -> None:
        """A line under the table says what "?" and "since" mean, and as of which day."""
        page, _ = render_both(GOLDEN.read_text("utf-8"))
        assert (
            "Dates are as precise as the sources allow; “…?” uncertain; “since …” still going on as of 14 July 2025."
        ) == page.paragraphs[-1]

    def test_list_golden(self, example_timeline: Timeline) -> None:
        """The list style with Mermaid and image matches its golden file."""
        golden = ROOT / "tests" / "golden" / "markdown" / "nk-russia-list.md"
        markdown = to_markdown(example_timeline, md_style="list", mermaid=True, image="nk-russia.svg")
        assert golden.read_bytes() == markdown.encode("utf-8")

    def test_deterministic(self, example_timeline: Timeline) -> None:
        """The same timeline gives the same bytes."""
        assert to_markdown(example_timeline, mermaid=True) == to_markdown(example_timeline, mermaid=True)


def sourced(*events: Event) -> Timeline:
    return Timeline(title="Sourced", events=events)


OTHER = Source(title="Other report", publisher="Wire")


class TestFootnotes:
    """Sources become GFM footnotes, one per distinct source."""

    def test_shared_source_once(self) -> None:
        """Two events citing the same source share footnote 1; a new source is footnote 2, in citation order."""
        timeline = sourced(
            event("a", "A", "2020", sources=(ARTICLE,)),
            event("b", "B", "2021", sources=(OTHER, ARTICLE)),
            event("c", "C", "2022", sources=(ARTICLE, ARTICLE)),
        )
        page = check_table(timeline, to_markdown(timeline))
        assert ((1,), (2, 1), (1,)) == page.tables[0].refs
        assert ("The article, Agency, July 2025.", "Other report, Wire.") == page.footnotes

    def test_title_links_to_url(self) -> None:
        """The source title is the link; a source with only a URL shows the URL."""
        timeline = sourced(event("a", "A", "2020", sources=(ARTICLE, Source(url="https://example.org/x_(y)"))))
        page, _ = render_both(to_markdown(timeline))
        assert (
            ("https://example.org/a", "The article"),
            ("https://example.org/x_(y)", "https://example.org/x_(y)"),
        ) == page.links
        assert ("The article, Agency, July 2025.", "https://example.org/x_(y).") == page.footnotes

    def test_source_date_is_localised(self) -> None:
        """The publication date follows --locale."""
        timeline = sourced(event("a", "A", "2020", sources=(ARTICLE,)))
        page, _ = render_both(to_markdown(timeline, locale="fr"))
        assert ("The article, Agency, juillet 2025.",) == page.footnotes

    def test_unsourced_events(self) -> None:
        """Events without sources have an empty Sources cell and the file no footnotes."""
        timeline = sourced(event("a", "A", "2020"))
        page = check_table(timeline, to_markdown(timeline))
        assert () == page.footnotes
        assert "[^" not in to_markdown(timeline)


class TestLayout:
    """Title, description, heading levels, image, and the two styles."""

    def test_heading_level(self, example_timeline: Timeline) -> None:
        """--md-heading-level sets the title's level; list headings sit one level below."""
        table, _ = render_both(to_markdown(example_timeline, md_heading_level=4))
        assert ((4, "North Korea's support for Russia's war"),) == table.headings
        listed, _ = render_both(to_markdown(example_timeline, md_style="list", md_heading_level=1))
        assert (1, "North Korea's support for Russia's war") == listed.headings[0]
        assert {2} == {level for level, _ in listed.headings[1:]}

    @pytest.mark.parametrize("level", [0, 6])
    def test_heading_level_range(self, level: int) -> None:
        """Levels outside 1–5 are refused (the list style needs one more level)."""
        with pytest.raises(ValueError, match="md_heading_level"):
            to_markdown(sourced(event("a", "A", "2020")), md_heading_level=level)

    def test_title_option_and_description(self) -> None:
        """--title replaces the title; each description paragraph stays a paragraph."""
        timeline = Timeline(
            title="Old", description="First.\n\n# Second\nstill second.", events=[event("a", "A", "2020")]
        )
        page, _ = render_both(to_markdown(timeline, title="New"))
        assert ((2, "New"),) == page.headings
        assert ("First.", "# Second still second.") == page.paragraphs[:2]

    def test_image(self) -> None:
        """--image shows the image, with the title as alt text, whatever its path holds."""
        timeline = sourced(event("a", "A", "2020"))
        for path in ("nk-russia.svg", "my files/time line (v2)>.svg", "C:\\out\\t.svg"):
            page, _ = render_both(to_markdown(timeline, image=path))
            assert ((same_href(path), "Timeline: Sourced"),) == tuple((same_href(s), a) for s, a in page.images)

    def test_empty_timeline(self) -> None:
        """No events: the title alone, no empty table or list."""
        for style in ("table", "list"):
            page, _ = render_both(to_markdown(Timeline(title="Empty"), md_style=style, mermaid=True))
            assert ((2, "Empty"),) == page.headings
            assert () == page.tables
            assert () == page.items

    def test_list_items(self, example_timeline: Timeline) -> None:
        """The list style: one bullet per event, "date — title", then location and description."""
        page, _ = render_both(to_markdown(example_timeline, md_style="list"))
        assert 18 == len(page.items)
        assert (
            "27 July 1953 — Korean War armistice ends the fighting Panmunjom, Korea — The Korean War "
            '"wound down in 1953"; the armistice was signed on 27 July 1953. Since then North Korea has rarely '
            "sent its troops abroad."
        ) == page.items[0]
        assert (1,) * 18 == page.refs


class TestGrouping:
    """Headings per year, or per decade when years would be too many; never more precise than an event."""

    def test_years(self, example_timeline: Timeline) -> None:
        """The example groups by year; decade-precision events go under their decade."""
        labels = [label for label, _ in group_events(example_timeline.events)]
        assert ["1953", "1960s", "1970s", "2000", "2011", "2019", "2022", "2024", "2025"] == labels

    def test_decades_when_many_years(self) -> None:
        """Forty distinct years become decade headings."""
        timeline = sourced(*(event(f"e{y}", "x", str(y)) for y in range(1900, 1980, 2)))
        labels = [label for label, _ in group_events(timeline.events)]
        assert [f"{d}s" for d in range(1900, 1980, 10)] == labels

    def test_locale_and_unknown_start(self) -> None:
        """Decade labels are localised; an interval without a start gets its own heading."""
        timeline = sourced(event("a", "A", "/2020"), event("b", "B", "late 1960s"), event("c", "C", "19XX"))
        assert [START_UNKNOWN, "1900–1999", "années 1960"] == [
            label for label, _ in group_events(timeline.events, "fr")
        ]

    def test_groups_keep_order(self, example_timeline: Timeline) -> None:
        """Concatenating the groups gives back every event in order."""
        groups = group_events(example_timeline.events)
        assert list(example_timeline.events) == [e for _, events in groups for e in events]


class TestDates:
    """Dates as the display text: precise, localised, with their qualifiers visible and explained."""

    def test_locale(self, example_timeline: Timeline) -> None:
        """--locale fr writes French dates, "depuis" for the ongoing event."""
        page = check_table(example_timeline, to_markdown(example_timeline, locale="fr"), locale="fr")
        dates = [row[0] for row in page.tables[0].rows]
        assert "27 juillet 1953" == dates[0]
        assert "depuis octobre 2024" in dates
        assert page.paragraphs[-1].endswith("“depuis …” still going on as of 14 juillet 2025.")

    def test_legend_names_only_used_marks(self) -> None:
        """An approximate date adds "c." to the legend; exact dates need no legend."""
        approximate = to_markdown(sourced(event("a", "A", "c. 2019")))
        page, _ = render_both(approximate)
        assert "Dates are as precise as the sources allow; “c. …” approximate." == page.paragraphs[-1]
        exact, _ = render_both(to_markdown(sourced(event("a", "A", "2019"))))
        assert () == exact.paragraphs

    def test_legend_unknown_ends(self) -> None:
        """Intervals with an unknown start or end explain their "?"."""
        page, _ = render_both(to_markdown(sourced(event("a", "A", "/2020"), event("b", "B", "2019/"))))
        assert (
            "Dates are as precise as the sources allow; “? – …” start not known; “… – ?” end not known."
        ) == page.paragraphs[-1]

    def test_as_of_option(self, example_timeline: Timeline) -> None:
        """--as-of names the day ongoing events run to."""
        page, _ = render_both(to_markdown(example_timeline, as_of=dt.date(2025, 8, 1)))
        assert page.paragraphs[-1].endswith("as of 1 August 2025.")


class TestCommandLine:
    """`timeline export ... -o FILE.md` with the Markdown options."""

    def test_options(self, tmp_path: Path) -> None:
        """The CLI passes style, heading level, Mermaid, image and locale through."""
        out = tmp_path / "t.txt"
        args = ["export", str(EXAMPLE), "-o", str(out), "--format", "md", "--md-style", "list"]
        args += ["--md-heading-level", "3", "--mermaid", "--image", "t.svg", "--locale", "de"]
        result = CliRunner().invoke(main, args)
        assert 0 == result.exit_code, result.output
        page, _ = render_both(out.read_text("utf-8"))
        assert (3, "North Korea's support for Russia's war") == page.headings[0]
        assert (4, "1960er") in page.headings
        assert (("t.svg", "Timeline: North Korea's support for Russia's war"),) == page.images
        assert 1 == len(page.code)
        assert page.items[0].startswith("27. Juli 1953 — ")
