"""The SVG timelines laid out by a real browser: no two texts overlap, none covers a mark, nothing leaves the image."""

from __future__ import annotations

from typing import Any

import pytest
from image_cases import dense_week, many_scripts, random_events

from tests.browser import dump_dom, read_json_result
from timeline import Timeline
from timeline.formats import ExportOptions
from timeline.formats.image import export_svg

CHROMIUM = "chromium"
# Measures every <text> and every event mark after layout, relative to its SVG, and writes the
# result into the page, which --dump-dom then prints.
_SCRIPT = r"""
const out = {};
for (const holder of document.querySelectorAll('div[data-case]')) {
  const svg = holder.querySelector('svg');
  const origin = svg.getBoundingClientRect();
  const box = (el) => { const r = el.getBoundingClientRect();
    return [r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top]; };
  const owner = (el) => { for (let g = el.parentElement; g && g !== svg; g = g.parentElement) {
    if (g.id && !/^(text|patch|line2d|axes|figure)_\d+$/.test(g.id)) return g.id; } return ''; };
  out[holder.dataset.case] = {
    width: origin.width, height: origin.height,
    texts: [...svg.querySelectorAll('text')].map(t => ({
      id: owner(t), text: t.textContent, box: box(t)})),
    marks: [...svg.querySelectorAll('g[id$="-mark"]')].map(g => ({id: g.id, box: box(g)})),
  };
}
const json = JSON.stringify(out).replace(/&/g, '&amp;').replace(/</g, '&lt;');
document.body.innerHTML = '<pre id="result">' + json + '</pre>';
"""


def _cases(example: Timeline) -> dict[str, Timeline]:
    return {
        "example": example,
        "dense-week": dense_week(),
        "random-150": random_events(150),
        "scripts": many_scripts(),
    }


def _page(svgs: dict[str, bytes]) -> str:
    parts = []
    for name, data in svgs.items():
        svg = data.decode("utf-8")
        svg = svg[svg.index("<svg") :]
        parts.append(f'<div data-case="{name}" style="margin:0;padding:0;line-height:0">{svg}</div>')
    body = "\n".join(parts)
    head = '<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0">'
    return f"{head}{body}<script>{_SCRIPT}</script></body></html>"


def browser_boxes(svgs: dict[str, bytes]) -> dict[str, Any]:
    """Every text and mark box of each SVG as headless Chromium lays it out."""
    dom = dump_dom(_page(svgs), flags=["--window-size=1400,1000"])
    result: dict[str, Any] = read_json_result(dom, "result")
    return result


@pytest.fixture(scope="module")
def laid_out(example_timeline: Timeline) -> dict[str, Any]:
    svgs = {name: export_svg(timeline, ExportOptions()).data for name, timeline in _cases(example_timeline).items()}
    return browser_boxes(svgs)


def _overlap(a: list[float], b: list[float], tolerance: float = 0.01) -> bool:
    return a[0] < b[2] - tolerance and b[0] < a[2] - tolerance and a[1] < b[3] - tolerance and b[1] < a[3] - tolerance


def _overlapping_pairs(
    boxes: list[tuple[str, list[float]]], others: list[tuple[str, list[float]]] | None = None
) -> list[str]:
    """Overlapping pairs among `boxes` (or between `boxes` and `others`), by a sweep over x."""
    if others is None:
        items = sorted(enumerate(boxes), key=lambda item: item[1][1][0])
        found = []
        for n, (_, (name_a, a)) in enumerate(items):
            for _, (name_b, b) in items[n + 1 :]:
                if b[0] >= a[2]:
                    break
                if _overlap(a, b):
                    found.append(f"{name_a} {a} / {name_b} {b}")
        return found
    return [f"{na} {a} / {nb} {b}" for na, a in boxes for nb, b in others if _overlap(a, b)]


CASES = ["example", "dense-week", "random-150", "scripts"]


class TestBrowserLayout:
    """Headless Chromium's boxes for the example, a dense week beside 70 years, 150 random events, many scripts."""

    @pytest.mark.parametrize("case", CASES)
    def test_every_event_is_labelled(self, laid_out: dict[str, Any], case: str, example_timeline: Timeline) -> None:
        """Each event has a label with text in the rendered SVG."""
        timeline = _cases(example_timeline)[case]
        labelled = {t["id"] for t in laid_out[case]["texts"] if t["id"].endswith("-label") and t["text"].strip()}
        assert {f"ev{i}-label" for i in range(len(timeline))} == labelled

    @pytest.mark.parametrize("case", CASES)
    def test_no_two_texts_overlap(self, laid_out: dict[str, Any], case: str) -> None:
        """No two text elements' boxes intersect, whatever they are (labels, ticks, legend, title)."""
        texts = [(f"{t['id']}:{t['text']!r}", t["box"]) for t in laid_out[case]["texts"]]
        assert len(texts) > 10
        assert [] == _overlapping_pairs(texts)

    @pytest.mark.parametrize("case", CASES)
    def test_texts_do_not_cover_marks(self, laid_out: dict[str, Any], case: str) -> None:
        """No text box intersects an event's mark (point, band or bar)."""
        texts = [(f"{t['id']}:{t['text']!r}", t["box"]) for t in laid_out[case]["texts"]]
        marks = [(m["id"], m["box"]) for m in laid_out[case]["marks"]]
        assert len(marks) > 5
        assert [] == _overlapping_pairs(texts, marks)

    @pytest.mark.parametrize("case", CASES)
    def test_nothing_outside_the_image(self, laid_out: dict[str, Any], case: str) -> None:
        """Every text and mark lies inside the SVG's viewport."""
        result = laid_out[case]
        boxes = [(t["id"] + ":" + t["text"], t["box"]) for t in result["texts"]]
        boxes += [(m["id"], m["box"]) for m in result["marks"]]
        width, height = result["width"], result["height"]
        outside = [name for name, b in boxes if b[0] < 0 or b[1] < 0 or b[2] > width or b[3] > height]
        assert [] == outside


class TestOverlapCheck:
    """The overlap check itself finds what it should."""

    def test_finds_an_overlap_and_ignores_touching(self) -> None:
        """Boxes that share area are reported; boxes that only touch are not."""
        boxes = [("a", [0.0, 0.0, 10.0, 10.0]), ("b", [5.0, 5.0, 15.0, 15.0]), ("c", [15.0, 0.0, 20.0, 5.0])]
        assert ["a [0.0, 0.0, 10.0, 10.0] / b [5.0, 5.0, 15.0, 15.0]"] == _overlapping_pairs(boxes)
