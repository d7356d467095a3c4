"""The image exporter: golden example, determinism, legend, axis cuts, accessibility, honesty about dates."""

from __future__ import annotations

import datetime as dt
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from image_cases import many_scripts, random_events

from timeline import Timeline
from timeline.cli import main
from timeline.dates import parse_date
from timeline.formats import ExportOptions
from timeline.formats.image import export_pdf, export_png, export_svg

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "image"
SVG = "{http://www.w3.org/2000/svg}"


def _svg(timeline: Timeline, **options: object) -> str:
    return export_svg(timeline, ExportOptions(**options)).data.decode("utf-8")  # type: ignore[arg-type]


def _legend(svg: str) -> set[str]:
    return set(re.findall(r'<g id="legend-([a-z-]+)">', svg))


def _timeline(*dates: str, as_of: dt.date | None = dt.date(2025, 1, 1)) -> Timeline:
    from timeline.records import Event

    return Timeline("T", [Event(f"e{i}", f"Event {i}", parse_date(d)) for i, d in enumerate(dates)], as_of=as_of)


class TestGolden:
    """The committed example image is what the exporter writes now, byte for byte."""

    def test_example_svg_matches_the_committed_export(self, tmp_path: Path) -> None:
        """`timeline export events/nk-russia.yaml -o exports/nk-russia.svg` reproduces the committed file."""
        out = tmp_path / "nk-russia.svg"
        result = CliRunner().invoke(main, ["export", str(ROOT / "events" / "nk-russia.yaml"), "-o", str(out)])
        assert 0 == result.exit_code, result.output
        assert (ROOT / "exports" / "nk-russia.svg").read_bytes() == out.read_bytes()

    def test_lanes_dark_theme_matches_golden(self, example_timeline: Timeline) -> None:
        """The example in tag lanes, dark theme, is the golden file byte for byte."""
        data = export_svg(example_timeline, ExportOptions(lanes="tag", theme="dark")).data
        assert (GOLDEN / "nk-russia-lanes-dark.svg").read_bytes() == data


class TestDeterminism:
    """The same timeline gives the same bytes, in every image format."""

    @pytest.mark.parametrize("exporter", [export_svg, export_png, export_pdf])
    def test_two_exports_are_identical(self, example_timeline: Timeline, exporter: object) -> None:
        """Two exports of the example are byte-identical."""
        first = exporter(example_timeline, ExportOptions()).data  # type: ignore[operator]
        second = exporter(example_timeline, ExportOptions()).data  # type: ignore[operator]
        assert first == second

    def test_no_date_metadata(self, example_timeline: Timeline) -> None:
        """Neither the SVG nor the PDF records when it was made."""
        svg = _svg(example_timeline)
        pdf = export_pdf(example_timeline, ExportOptions()).data
        assert ("<dc:date>" in svg, b"/CreationDate" in pdf) == (False, False)


class TestLegend:
    """The legend explains every encoding used in the image, and only those."""

    def test_example_legend(self, example_timeline: Timeline) -> None:
        """Days, bands, bars, faded ends, ongoing, uncertain and the axis cut; nothing approximate or open."""
        expected = {"point", "band", "bar", "fuzzy", "ongoing", "uncertain", "break"}
        assert expected == _legend(_svg(example_timeline))

    def test_only_days(self) -> None:
        """A timeline of exact days explains only the point."""
        assert {"point"} == _legend(_svg(_timeline("2024-01-01", "2024-02-03", "2024-03-09")))

    def test_open_end_and_approximate(self) -> None:
        """A month start (faded), an unknown end and an approximate year are explained; nothing else is."""
        assert {"band", "bar", "fuzzy", "open", "approximate"} == _legend(
            _svg(_timeline("2024-10/", "c. 2023", "2024~"))
        )

    def test_axis_cut_only_when_cut(self, example_timeline: Timeline) -> None:
        """Without cuts the legend does not explain them."""
        assert "break" not in _legend(_svg(example_timeline, breaks=False))


class TestAxisBreaks:
    """Long empty stretches are cut out of the axis, with the time they omit."""

    def test_example_is_cut(self, example_timeline: Timeline) -> None:
        """The example's axis has cut marks, each saying how much time it omits."""
        svg = _svg(example_timeline)
        cuts = re.findall(r'<g id="break-(\d+)">', svg)
        assert len(cuts) >= 1
        assert re.search(r">(years|months)</text>", svg)

    def test_no_breaks_option(self, example_timeline: Timeline) -> None:
        """breaks=False draws one continuous axis."""
        assert [] == re.findall(r'<g id="break-\d+">', _svg(example_timeline, breaks=False))

    def test_evenly_spread_events_are_not_cut(self) -> None:
        """Events every ten years leave no stretch worth cutting."""
        svg = _svg(_timeline(*(str(year) for year in range(1950, 2030, 10))))
        assert [] == re.findall(r'<g id="break-\d+">', svg)


class TestAccessibility:
    """A root title and description, real text for every event, tooltips with the full text."""

    def test_root_title_and_desc(self, example_timeline: Timeline) -> None:
        """The SVG starts with a <title> and <desc> that name the timeline and describe it."""
        root = ET.fromstring(_svg(example_timeline))
        assert [f"{SVG}title", f"{SVG}desc"] == [child.tag for child in root[:2]]
        assert example_timeline.title == root[0].text
        assert example_timeline.description is not None
        assert (root[1].text or "").startswith(example_timeline.description)
        assert "timeline-title timeline-desc" == root.get("aria-labelledby")

    def test_text_is_real_text(self, example_timeline: Timeline) -> None:
        """Every event's title is in <text> elements (wrapped over lines), not drawn as paths."""
        root = ET.fromstring(_svg(example_timeline))
        words = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
        for event in example_timeline:
            assert event.title.split()[0] in words
        assert re.search(r"font-family: 'DejaVu Sans'", _svg(example_timeline))

    def test_truncated_title_keeps_full_text_in_tooltip(self) -> None:
        """A title too long for three lines ends with an ellipsis; its <title> has all of it."""
        timeline = many_scripts()
        long = next(e for e in timeline if e.id == "long")
        index = timeline.events.index(long)
        root = ET.fromstring(_svg(timeline))
        group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == f"ev{index}-label")
        shown = [t.text or "" for t in group.iter(f"{SVG}text")]
        assert shown[-1].endswith("…")
        tooltip = group.find(f"{SVG}title")
        assert tooltip is not None
        assert (tooltip.text or "").endswith(long.title)

    def test_every_mark_has_a_tooltip(self, example_timeline: Timeline) -> None:
        """Every event's mark carries its date and title, so even unlabelled marks can be read."""
        root = ET.fromstring(_svg(example_timeline))
        tips = {
            g.get("id"): (g.find(f"{SVG}title").text or "")  # type: ignore[union-attr]
            for g in root.iter(f"{SVG}g")
            if (g.get("id") or "").endswith("-mark")
        }
        assert len(example_timeline) == len(tips)
        assert tips["ev0-mark"] == "27 July 1953: Korean War armistice ends the fighting"


class TestHonesty:
    """Ongoing events and unknown ends are shown for what they are, never dropped."""

    def test_ongoing_without_as_of_is_drawn_and_explained(self) -> None:
        """With no as-of date an ongoing event runs to the latest date, and the image says so."""
        result = export_svg(_timeline("2020-03/..", "2024-06-19", as_of=None), ExportOptions())
        svg = result.data.decode("utf-8")
        assert () == result.skipped
        assert "ongoing" in _legend(svg)
        assert "No as-of date was given" in svg
        assert "19 June 2024" in svg

    def test_options_as_of_overrides(self) -> None:
        """options.as_of is the date ongoing events are drawn to."""
        svg = _svg(_timeline("2020-03/..", as_of=dt.date(2021, 1, 1)), as_of=dt.date(2023, 5, 2))
        assert "Ongoing, drawn to 2 May 2023" in svg

    def test_unknown_end_is_shown_open(self) -> None:
        """`2024-10/` is drawn, with the legend explaining its fading end."""
        result = export_svg(_timeline("2024-10/", "2024-12-01"), ExportOptions())
        assert () == result.skipped
        assert "open" in _legend(result.data.decode("utf-8"))


class TestLargeTimelines:
    """Past a few hundred events every mark is drawn, the events that fit are labelled, and the rest counted."""

    def test_thousand_events(self) -> None:
        """All 1,000 marks are drawn; the image says how many are unlabelled."""
        timeline = random_events(1000, importance=True)
        svg = _svg(timeline)
        marks = set(re.findall(r'<g id="ev(\d+)-mark">', svg))
        labels = set(re.findall(r'<g id="ev(\d+)-label">', svg))
        assert len(timeline) == len(marks)
        assert 50 < len(labels) < len(timeline)
        assert f"{len(timeline) - len(labels):,} not labelled" in svg

    def test_importance_ranks_labels(self) -> None:
        """With room for few labels, the most important events get them."""
        timeline = random_events(1000, importance=True)
        svg = _svg(timeline)
        labelled = {int(i) for i in re.findall(r'<g id="ev(\d+)-label">', svg)}
        important = [i for i, e in enumerate(timeline) if e.importance == 5.0]
        plain = [i for i, e in enumerate(timeline) if e.importance is None]
        share = len(labelled.intersection(important)) / len(important)
        assert share > 2 * len(labelled.intersection(plain)) / len(plain)


class TestFormats:
    """PNG at the requested width; PDF with searchable text; options respected."""

    def test_png_width(self, example_timeline: Timeline) -> None:
        """The PNG is exactly `width` pixels wide."""
        data = export_png(example_timeline, ExportOptions(width=900)).data
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert 900 == struct.unpack(">I", data[16:20])[0]

    def test_svg_width_in_pixels(self, example_timeline: Timeline) -> None:
        """The SVG is `width` CSS pixels wide."""
        root = ET.fromstring(_svg(example_timeline, width=1500))
        assert "1500" == root.get("width")

    def test_pdf_has_embedded_text(self, example_timeline: Timeline) -> None:
        """The PDF embeds TrueType text, not outlines."""
        data = export_pdf(example_timeline, ExportOptions()).data
        assert data.startswith(b"%PDF")
        assert b"/FontFile2" in data

    def test_title_option(self, example_timeline: Timeline) -> None:
        """options.title replaces the timeline's title."""
        root = ET.fromstring(_svg(example_timeline, title="Another title"))
        assert "Another title" == root[0].text
