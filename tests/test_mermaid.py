"""The Mermaid timeline block, rendered by the real mermaid package in headless Chromium.

Mermaid can render without an error while silently dropping the rest of a line (after "#" or
"%"), so each test reads the text of the rendered SVG back and compares it with every section,
period and event label it must show, in order.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest

from tests.browser import dump_dom, read_json_result
from tests.test_markdown import ARTICLE, cmark_html, event, mdit_html, parse_html, to_markdown
from timeline.display import display
from timeline.formats.markdown import group_events
from timeline.formats.markdown_text import clean
from timeline.formats.mermaid import label, mermaid_block
from timeline.records import Timeline

ROOT = Path(__file__).resolve().parent.parent
MERMAID_JS = Path(__file__).resolve().parent / "clients" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
GOLDEN = Path(__file__).resolve().parent / "golden" / "markdown"

CHROMIUM_FLAGS: Final = ("--virtual-time-budget=120000",)

# The page renders each diagram in turn and writes, per diagram, the error (if any) and the text of
# every SVG <text> element in document order (a wrapped label's lines joined by spaces).
_PAGE: Final = """<!doctype html>
<html><head><meta charset="utf-8"><title>mermaid</title></head>
<body><pre id="out">pending</pre><div id="box"></div>
<script type="application/json" id="diagrams">{diagrams}</script>
<script src="{script}"></script>
<script>
mermaid.initialize({{startOnLoad: false, securityLevel: "strict"}});
(async () => {{
  const results = [];
  const diagrams = JSON.parse(document.getElementById("diagrams").textContent);
  const box = document.getElementById("box");
  for (let i = 0; i < diagrams.length; i++) {{
    try {{
      const {{svg}} = await mermaid.render("d" + i, diagrams[i]);
      box.innerHTML = svg;
      const texts = [...box.querySelectorAll("svg text")].map((t) => {{
        const spans = [...t.querySelectorAll("tspan")];
        return spans.length ? spans.map((s) => s.textContent).join(" ") : t.textContent;
      }});
      const failed = box.querySelector(".error-icon, .error-text") !== null;
      results.push({{error: failed ? "error diagram" : null, texts}});
    }} catch (e) {{
      results.push({{error: String(e && e.message || e), texts: []}});
    }}
  }}
  document.getElementById("out").textContent = JSON.stringify(results);
}})();
</script></body></html>
"""


@dataclass(frozen=True)
class Rendered:
    error: str | None
    texts: tuple[str, ...]


def render_mermaid(diagrams: Sequence[str]) -> list[Rendered]:
    """Render each diagram with mermaid in one Chromium run; fails if Chromium or mermaid is missing."""
    assert MERMAID_JS.is_file(), f"{MERMAID_JS} missing: run tests/clients/install.sh"
    data = json.dumps(list(diagrams)).replace("</", "<\\/")
    dom = dump_dom(_PAGE.format(diagrams=data, script=MERMAID_JS.as_uri()), flags=CHROMIUM_FLAGS, timeout=300)
    results: list[dict[str, Any]] = read_json_result(dom, "out")
    assert len(diagrams) == len(results)
    return [Rendered(r["error"], tuple(" ".join(t.split()) for t in r["texts"])) for r in results]


def expected_texts(timeline: Timeline, title: str | None = None) -> tuple[str, ...]:
    """Every label the diagram must show, in document order: each section, its periods and their events; the title."""
    texts: list[str] = []
    for section, events in group_events(timeline.events):
        texts.append(section)
        previous = None
        for e in events:
            when = display(e.date)
            if when != previous:
                texts.append(when)
                previous = when
            texts.append(clean(e.title))
    texts.append(clean(title or timeline.title))
    return tuple(" ".join(t.split()) for t in texts)


def mermaid_source(markdown: str) -> str:
    """The mermaid block as both Markdown renderers hand it to Mermaid (they must agree)."""
    github, common = parse_html(cmark_html(markdown)), parse_html(mdit_html(markdown))
    blocks = [text for kind, text in github.code if kind == "language-mermaid"]
    assert [text for kind, text in common.code if kind == "language-mermaid"] == blocks
    assert 1 == len(blocks)
    return blocks[0]


HOSTILE_WORDS: Final = (
    "a: b",
    "c : d",
    "12:30",
    "#1",
    "#58;",
    "&#58;",
    "&amp;",
    "%",
    "%% comment",
    "%%{init: {'theme':'dark'}}%%",
    ";",
    "a;b",
    "title",
    "Title fight",
    "section",
    "Section 8",
    "timeline",
    "Timeline of",
    "accTitle: x",
    "accDescr {y}",
    "<br>",
    "<b>bold</b>",
    "<script>alert(1)</script>",
    "`code`",
    "```",
    "{",
    "}",
    "ﬂ°°58¶ß",
    "$$x$$",
    "-->",
    "::",
    "|",
    "[x](y)",
    "Москва",
    "평양",
    "日本語",
    "😀",
    "ok",
)


def hostile_timelines(count: int, seed: int = 20250714) -> list[Timeline]:
    """Timelines whose titles and periods are made of Mermaid's syntax, chosen by a fixed seed."""
    r = random.Random(seed)
    timelines = []
    for _ in range(count):
        events = []
        for index in range(r.randint(1, 6)):
            title = " ".join(r.choices(HOSTILE_WORDS, k=r.randint(1, 5)))
            date = r.choice(["1953-07-27", "late 1960s?", "c. 2019", "2024-10/..", "/2020", "2024-06", "2024-06"])
            events.append(event(f"e{index}", title, date, sources=(ARTICLE,)))
        title = " ".join(r.choices(HOSTILE_WORDS, k=r.randint(1, 4)))
        timelines.append(Timeline(title=title, events=events))
    return timelines


@pytest.fixture(scope="module")
def rendered(example_timeline: Timeline) -> dict[str, Any]:
    """One Chromium run for the whole module: the example, hostile timelines and raw keyword periods."""
    hostile = hostile_timelines(40)
    periods = ["title of a period", "section 5", "Timeline", "accDescr {x}"]
    keywords = mermaid_block("k", ["1950s"] * 4, periods, ["e", "f", "g", "h"])
    sources = {
        "example": mermaid_source(to_markdown(example_timeline, mermaid=True)),
        "example-list": mermaid_source(to_markdown(example_timeline, mermaid=True, md_style="list")),
        "keywords": keywords.removeprefix("```mermaid\n").removesuffix("\n```"),
        **{f"hostile-{i}": mermaid_source(to_markdown(t, mermaid=True)) for i, t in enumerate(hostile)},
    }
    results = render_mermaid(list(sources.values()))
    return {"results": dict(zip(sources, results, strict=True)), "hostile": hostile}


class TestLabel:
    """`label` writes Mermaid's syntax characters as numeric entities."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("a: b", "a#58; b"),
            ("#1", "#35;1"),
            ("50%", "50#37;"),
            ("a;b", "a#59;b"),
            ("<br>", "#60;br#62;"),
            ("&amp;", "#38;amp#59;"),
            ("`x`", "#96;x#96;"),
            ("line\nbreak", "line break"),
            ("Москва", "Москва"),
        ],
    )
    def test_entities(self, text: str, expected: str) -> None:
        """Each character that means something to Mermaid becomes #code;."""
        assert expected == label(text)

    @pytest.mark.parametrize("text", ["title x", "Title x", "section y", "timeline z", "accTitle q", "accDescr r"])
    def test_leading_keyword(self, text: str) -> None:
        """A period starting with a keyword has its first letter encoded, and only there."""
        assert f"#{ord(text[0])};{text[1:]}" == label(text, statement=True)
        assert text == label(text)


class TestRendering:
    """The real mermaid renders every block without error and shows every label as written."""

    def test_example(self, rendered: dict[str, Any], example_timeline: Timeline) -> None:
        """The example: all 18 events, under their sections and periods, in order."""
        result = rendered["results"]["example"]
        assert result.error is None
        assert expected_texts(example_timeline) == result.texts

    def test_same_block_in_list_style(self, rendered: dict[str, Any]) -> None:
        """The list style writes the same block."""
        assert rendered["results"]["example"] == rendered["results"]["example-list"]

    def test_hostile_labels(self, rendered: dict[str, Any]) -> None:
        """Titles made of ":", "#", "%", ";", entities, keywords and HTML all come through verbatim."""
        for index, timeline in enumerate(rendered["hostile"]):
            result = rendered["results"][f"hostile-{index}"]
            assert (index, None) == (index, result.error)
            assert (index, expected_texts(timeline)) == (index, result.texts)

    def test_no_event_lost(self, rendered: dict[str, Any]) -> None:
        """Independently of grouping: every event title is in the SVG as often as there are such events."""
        for index, timeline in enumerate(rendered["hostile"]):
            texts = list(rendered["results"][f"hostile-{index}"].texts)
            for e in timeline.events:
                title = " ".join(clean(e.title).split())
                assert title in texts, (index, title)
                texts.remove(title)

    def test_keyword_periods(self, rendered: dict[str, Any]) -> None:
        """Periods that start with title, section, timeline or accDescr stay periods."""
        result = rendered["results"]["keywords"]
        assert result.error is None
        assert (
            "1950s",
            "title of a period",
            "e",
            "section 5",
            "f",
            "Timeline",
            "g",
            "accDescr {x}",
            "h",
            "k",
        ) == result.texts


class TestBlock:
    """The block's text."""

    def test_golden(self, example_timeline: Timeline) -> None:
        """The example's Markdown with --mermaid matches its golden file byte for byte."""
        golden = GOLDEN / "nk-russia-mermaid.md"
        assert golden.read_bytes() == to_markdown(example_timeline, mermaid=True).encode("utf-8")

    def test_one_section_per_group(self, example_timeline: Timeline) -> None:
        """Sections are the list style's headings: years, or decades for coarser dates."""
        source = mermaid_source(to_markdown(example_timeline, mermaid=True))
        lines = [line.strip() for line in source.splitlines()]
        sections = [line.removeprefix("section ") for line in lines if line.startswith("section ")]
        assert ["1953", "1960s", "1970s", "2000", "2011", "2019", "2022", "2024", "2025"] == sections

    def test_no_block_without_events(self) -> None:
        """An empty timeline gets no diagram (Mermaid would show an empty one)."""
        assert "```mermaid" not in to_markdown(Timeline(title="Empty"), mermaid=True)
