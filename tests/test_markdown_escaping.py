"""Hostile event text: whatever an event says, the Markdown keeps its structure and shows the text as written."""

from __future__ import annotations

from typing import Final

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_markdown import ARTICLE, check_table, cmark_html, event, parse_html, render_both, to_markdown
from timeline.display import display
from timeline.formats.markdown import group_events
from timeline.formats.markdown_text import (
    clean,
    clean_all,
    heading,
    inline,
    inline_all,
    line,
    paragraphs,
    plain,
    plain_all,
)
from timeline.formats.mermaid import label, labels
from timeline.records import Source, Timeline

#: Pieces of syntax from Markdown, GFM, GitHub, HTML, pandoc and Mermaid, to be glued into hostile text.
PIECES: Final = (
    "|",
    "\\|",
    "\\",
    "*",
    "**",
    "_",
    "__",
    "`",
    "```",
    "~",
    "~~",
    "~~~",
    "$",
    "$$",
    "!",
    "[",
    "]",
    "(",
    ")",
    "[x](y)",
    "[^1]",
    "[^1]:",
    "![a](b)",
    "[ref]: /u",
    "<",
    ">",
    "<script>alert(1)</script>",
    "<b>",
    "</td>",
    "<!-- c -->",
    "<https://a.org>",
    "&",
    "&amp;",
    "&#60;",
    "&copy",
    "#",
    "# ",
    "## ",
    "#58;",
    "- ",
    "+ ",
    "* ",
    "1. ",
    "2) ",
    "a. ",
    "iv) ",
    "(1) ",
    "> ",
    ": ",
    "=",
    "---",
    "***",
    "___",
    "- - -",
    "    ",
    "\t",
    " ",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\u00a0",
    "\u2028",
    ":",
    ";",
    "%",
    "%%",
    "%%{init: {}}%%",
    "title ",
    "section ",
    "@",
    "a@b.com",
    "x.y+z@mail.example.org",
    "a@b_c.de",
    "foo/bar@baz.com",
    "www.",
    "www.example.com",
    "www.a_b.c_d",
    "http://",
    "https://example.org/a_b_(c)",
    "HTTP://X.ORG",
    "ftp://f.org/x",
    "http://.x",
    "javascript:alert(1)",
    "{",
    "}",
    "'",
    '"',
    ".",
    ",",
    "?",
    "a",
    "Z",
    "1",
    "é",
    "Москва",
    "평양",
    "日本",
    "العربية",
    "😀",
    "ﬂ°°58¶ß",
)
hostile = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), min_size=1, max_size=10).map("".join)
#: Near-links: the pieces GFM's autolinker looks at, glued together in every order.
LINK_PIECES: Final = (
    "a",
    "Z",
    "0",
    ".",
    "@",
    "_",
    "-",
    "+",
    "/",
    ":",
    "//",
    "http",
    "https://",
    "ftp://",
    "HTTP://",
    "www.",
    "|",
    "(",
    ")",
    ";",
    "&",
    "&amp;",
    "!",
    "*",
    "~",
    "<",
    ">",
    "?",
    ",",
    "'",
    '"',
    " ",
    "x.org",
    "b.co",
    "é",
)
near_links = st.lists(st.sampled_from(LINK_PIECES), min_size=1, max_size=12).map("".join)
titles = hostile.filter(lambda t: clean(t) != "")


@st.composite
def hostile_timelines(draw: st.DrawFn) -> Timeline:
    count = draw(st.integers(1, 4))
    events = []
    for index in range(count):
        sources = draw(
            st.lists(
                st.builds(
                    Source,
                    url=st.none()
                    | st.sampled_from(["https://example.org/a|b", "javascript:alert(1)", "https://x.org/<a>"]),
                    title=st.none() | titles,
                    publisher=st.none() | hostile,
                )
                | st.just(ARTICLE),
                max_size=2,
            )
        )
        date = draw(st.sampled_from(["1953-07-27", "late 1960s?", "c. 2019", "2024-10/..", "/2020", "2024-06"]))
        events.append(
            event(
                f"e{index}",
                draw(titles),
                date,
                description=draw(st.none() | hostile),
                location=draw(st.none() | hostile),
                sources=tuple(sources),
            )
        )
    return Timeline(title=draw(titles), events=events, description=draw(st.none() | hostile))


class TestHostileText:
    """Property: any text renders as written, in any place, in both renderers, with the structure intact."""

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(hostile_timelines())
    def test_table_style(self, timeline: Timeline) -> None:
        """One row per event, four cells each reading as the records say; the title stays one heading."""
        page = check_table(timeline, to_markdown(timeline))
        assert ((2, clean(timeline.title)),) == page.headings
        expected_paragraphs = paragraphs(timeline.description) if timeline.description else []
        assert tuple(expected_paragraphs) == page.paragraphs[: len(expected_paragraphs)]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(hostile_timelines())
    def test_list_style(self, timeline: Timeline) -> None:
        """One bullet per event reading "date — title", details as their own paragraphs; no stray headings."""
        page, _ = render_both(to_markdown(timeline, md_style="list", md_heading_level=3))
        groups = group_events(timeline.events)
        assert ((3, clean(timeline.title)), *((4, label) for label, _ in groups)) == page.headings
        expected_items = []
        for e in timeline.events:
            details = paragraphs(e.description) if e.description else []
            location = clean(e.location) if e.location else ""
            if location:
                details[:1] = [f"{location} — {details[0]}" if details else location]
            expected_items.append(" ".join([f"{display(e.date)} — {clean(e.title)}", *details]))
        assert tuple(expected_items) == page.items

    @settings(max_examples=300, deadline=None)
    @given(hostile)
    def test_inline_text_round_trips(self, text: str) -> None:
        """`inline` and `line` text reads back exactly, as a paragraph, a heading and a table cell."""
        one_line = clean(text)
        if not one_line:
            return
        markdown = f"{line(one_line)}\n\n{heading(2, one_line)}\n\n| h |\n| - |\n| {inline(one_line)} |\n"
        page, _ = render_both(markdown)
        assert (one_line,) == page.paragraphs
        assert ((2, one_line),) == page.headings
        assert ((one_line,),) == page.tables[0].rows


class TestNearLinks:
    """Property: text full of almost-URLs and almost-addresses links the same text in both renderers."""

    @settings(max_examples=400, deadline=None)
    @given(near_links)
    def test_links_agree(self, text: str) -> None:
        """Every place GitHub would autolink is an explicit link, so markdown-it shows the same links."""
        one_line = clean(text)
        if not one_line:
            return
        markdown = (
            f"{line(one_line)}\n\n| h |\n| - |\n| {inline(one_line)} |\n\n- **x** — {inline(one_line)}[^1]\n\n[^1]: n\n"
        )
        page, _ = render_both(markdown)
        assert (one_line,) == page.paragraphs[:1]
        assert ((one_line,),) == page.tables[0].rows


class TestSpecificText:
    """Each kind of hostile text, named, in the table and the list."""

    @pytest.mark.parametrize(
        "text",
        [
            "a | b || c \\| d",
            "*bold* _it_ **x** __y__ ~~strike~~",
            "[x](https://evil.example) ![i](https://evil.example/i.png) [^1]",
            "<script>alert(1)</script>",
            "first line\nsecond | line\n\nsecond paragraph",
            "# not a heading",
            "- not a bullet",
            "1. not a list",
            "> not a quote",
            "`code` and ``` fences",
            "costs US$20 and S$25",
            "&amp; stays &amp;",
            "Москва, 평양, 日本, العربية",
        ],
    )
    def test_text_everywhere(self, text: str) -> None:
        """The text is shown as written in the title, description, cells, bullets and footnotes."""
        source = Source(title=text, publisher=text)
        timeline = Timeline(
            title=text,
            description=text,
            events=[event("a", text, "2024-06", description=text, location=text, sources=(source,))],
        )
        table_page = check_table(timeline, to_markdown(timeline))
        assert clean(text) == table_page.headings[0][1]
        flat = " ".join(paragraphs(text))
        assert (f"{flat}, {flat}.",) == table_page.footnotes
        list_page, _ = render_both(to_markdown(timeline, md_style="list"))
        assert 1 == len(list_page.items)

    def test_script_is_text_not_a_tag(self) -> None:
        """<script> in any field reaches the HTML as escaped text, never as an element."""
        text = "<script>alert(1)</script>"
        timeline = Timeline(title=text, events=[event("a", text, "2024", description=text)])
        for markdown in (to_markdown(timeline), to_markdown(timeline, md_style="list", mermaid=True)):
            page, common = render_both(markdown)
            assert "script" not in page.tags | common.tags
            assert "&lt;script&gt;" in cmark_html(markdown)

    def test_bare_links_are_explicit(self) -> None:
        """URLs, www. addresses and e-mails in text become the same links in both renderers."""
        text = "see https://example.org/a_b_(c)), www.example.com. or mail x.y@example.org."
        page, _ = render_both(to_markdown(Timeline(title="t", events=[event("a", text, "2024")])))
        assert (
            ("https://example.org/a_b_(c)", "https://example.org/a_b_(c)"),
            ("http://www.example.com", "www.example.com"),
            ("mailto:x.y@example.org", "x.y@example.org"),
        ) == page.links

    def test_script_urls_are_not_links(self) -> None:
        """A javascript: source URL is shown as text, not made a link."""
        source = Source(url="javascript:alert(1)")
        page, _ = render_both(to_markdown(Timeline(title="t", events=[event("a", "x", "2024", sources=(source,))])))
        assert () == page.links
        assert ("javascript:alert(1).",) == page.footnotes


class TestOwnReading:
    """The tests' own reading of rendered HTML."""

    def test_keeps_no_break_spaces(self) -> None:
        """A no-break space is kept as text, so one the exporter lost would be noticed."""
        assert ("10\u00a0000",) == parse_html("<p>10\u00a0000</p>").paragraphs


class TestBatches:
    """Law: the batch functions give exactly what the one-text functions give, text by text."""

    @settings(max_examples=300, deadline=None)
    @given(st.lists(hostile, max_size=8))
    def test_clean_all(self, texts: list[str]) -> None:
        """`clean_all` is `clean` on each text, NULs included."""
        assert [clean(t) for t in texts] == clean_all(texts)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(hostile.map(clean), max_size=8))
    def test_inline_and_plain_all(self, texts: list[str]) -> None:
        """`inline_all` and `plain_all` are `inline` and `plain` on each text."""
        assert [inline(t) for t in texts] == inline_all(texts)
        assert [plain(t) for t in texts] == plain_all(texts)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(hostile, max_size=8))
    def test_mermaid_labels(self, texts: list[str]) -> None:
        """`labels` is `label` on each text."""
        assert [label(t) for t in texts] == labels(texts)
