"""Our TimelineJS JSON loaded by the real TimelineJS library in headless Chromium: what it built is what we meant."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser import dump_dom, read_json_result
from tests.conftest import CLIENTS
from timeline import Timeline, load_timeline
from timeline.dates import Bound, FuzzyDate, Instant, Interval, Precision
from timeline.display import display
from timeline.formats import ExportOptions
from timeline.formats.timelinejs import export_timelinejs

DIST = CLIENTS / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
EDGE_CASES = Path(__file__).parent / "golden" / "timelinejs" / "edge-cases.yaml"
CHROMIUM_FLAGS = [
    "--window-size=1400,900",
    # TimelineJS animates and lays out on timers; virtual time lets it finish before the DOM is dumped.
    "--virtual-time-budget=15000",
]

# After TimelineJS is ready, reads its model (config.events: the dates it parsed), its time markers and
# the slides it rendered, and writes them into the page as JSON for --dump-dom.
_PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="{css}">
<script src="{js}"></script>
</head><body>
<div id="timeline" style="width: 1200px; height: 700px"></div>
<script type="application/json" id="data">{data}</script>
<pre id="result">not ready</pre>
<script>
const errors = [];
window.addEventListener('error', (e) => errors.push('error: ' + e.message));
window.alert = (m) => errors.push('alert ran: ' + m);
const consoleError = console.error;
console.error = (...args) => {{ errors.push('console.error: ' + args.map(String).join(' ')); consoleError(...args); }};
const parts = (d) => {{
  if (!d) return null;
  const o = d.data.date_obj;
  return [o.getFullYear(), o.getMonth() + 1, o.getDate(), o.getHours(), o.getMinutes(), o.getSeconds(),
          o.getMilliseconds()];
}};
const text = (root, selector) => {{
  const el = root && root.querySelector(selector);
  return el ? el.textContent : null;
}};
const finish = (tl) => {{
  const slides = {{}};
  for (const id of [tl.config.title ? tl.config.title.unique_id : null, ...tl.config.events.map((e) => e.unique_id)]) {{
    const el = id && document.getElementById(id);
    if (!el) continue;
    slides[id] = {{
      headline: text(el, '.tl-headline'),
      date: text(el, '.tl-headline-date'),
      content: text(el, '.tl-text-content'),
      links: [...el.querySelectorAll('.tl-text-content a')].map((a) => a.getAttribute('href')),
      nested_links: el.querySelectorAll('a a').length,
    }};
  }}
  const result = {{
    errors,
    config_errors: tl.config.messages.errors.map(String),
    events: tl.config.events.map((e) => ({{id: e.unique_id, start: parts(e.start_date), end: parts(e.end_date)}})),
    markers: tl._timenav._markers.map((m) => ({{
      id: m.data.unique_id, headline: text(m._el.container, '.tl-headline')}})),
    dom_markers: document.querySelectorAll('.tl-timemarker').length,
    groups: [...document.querySelectorAll('.tl-timegroup-message')].map((g) => g.textContent),
    message: text(document, '.tl-message-content'),
    slides,
  }};
  document.getElementById('result').textContent = JSON.stringify(result);
}};
try {{
  const data = JSON.parse(document.getElementById('data').textContent);
  const tl = new TL.Timeline('timeline', data, {{script_path: '{script_path}'}});
  tl.on('ready', () => setTimeout(() => finish(tl), 200));
}} catch (e) {{
  errors.push('constructor: ' + e);
  document.getElementById('result').textContent = JSON.stringify({{errors}});
}}
</script>
</body></html>
"""


def run_timelinejs(document: bytes) -> dict[str, Any]:
    """What TimelineJS built from a TimelineJS JSON file, read back from headless Chromium's DOM."""
    js, css = DIST / "js" / "timeline.js", DIST / "css" / "timeline.css"
    assert js.is_file(), f"TimelineJS is not installed at {DIST}; run tests/clients/install.sh"
    # The JSON goes into a <script> element; "<" as \\u003c keeps "</script>" in text from closing it.
    data = document.decode("utf-8").replace("<", "\\u003c")
    page_text = _PAGE.format(css=css.as_uri(), js=js.as_uri(), data=data, script_path=js.parent.as_uri() + "/")
    # TimelineJS places dates in the browser's zone; UTC makes the wall clock what it reads back.
    dom = dump_dom(page_text, flags=CHROMIUM_FLAGS, env={**os.environ, "TZ": "UTC"})
    result: dict[str, Any] = read_json_result(dom, "result")
    return result


# --- what we meant, from the date model (not from the exporter's mapping) -------------------------


def _wall(instant: Instant) -> list[int]:
    if isinstance(instant, dt.datetime):
        return [*instant.timetuple()[:6], instant.microsecond // 1000]
    return [instant.year, instant.month, instant.day, 0, 0, 0, 0]


def _start_of_unit(instant: Instant, unit: Precision) -> list[int]:
    """The first instant of the year, month or day (or the instant itself) that `instant` falls in."""
    wall = _wall(instant)
    keep = {Precision.YEAR: 1, Precision.MONTH: 2, Precision.DAY: 3}.get(unit, 7)
    return wall[:keep] + [1, 1, 0, 0, 0, 0][keep - 1 :]


def _last_unit(date: FuzzyDate) -> Precision:
    """The unit a date's last part is counted in: the years of a decade, the months of a season or of early 2001..."""
    precision = date.precision
    if precision <= Precision.DECADE or (precision is Precision.YEAR and date.part is None):
        return Precision.YEAR
    if precision in (Precision.YEAR, Precision.SEASON) or (precision is Precision.MONTH and date.part is None):
        return Precision.MONTH
    return Precision.DAY if precision <= Precision.DAY else precision


def _spans_units(date: FuzzyDate) -> bool:
    return date.precision in (Precision.CENTURY, Precision.DECADE, Precision.SEASON) or date.part is not None


def _comparable(text: str) -> str:
    return re.sub(r"https?://", "", "".join(text.split()))


def expected_placement(date: FuzzyDate | Interval, as_of: dt.date) -> tuple[list[int], list[int] | None]:
    """Where TimelineJS should put an event: its earliest instant, and the first instant of its last unit."""
    first = date.first if isinstance(date, Interval) else date
    start = _wall(first.earliest)
    if isinstance(date, FuzzyDate):
        end = _start_of_unit(date.latest, _last_unit(date)) if _spans_units(date) else None
    elif isinstance(date.end, FuzzyDate):
        end = _start_of_unit(date.end.latest, _last_unit(date.end))
    elif date.end is Bound.OPEN:
        end = _wall(as_of)
    else:
        end = _start_of_unit(first.latest, _last_unit(first)) if _spans_units(first) else None
    return start, end


# --- the runs --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases(example_timeline: Timeline) -> dict[str, tuple[Timeline, Any, dict[str, Any]]]:
    """Each case's timeline, its export, and what TimelineJS built from it (one Chromium run per case)."""
    found = {}
    for name, timeline in (("example", example_timeline), ("edge-cases", load_timeline(EDGE_CASES))):
        exported = export_timelinejs(timeline, ExportOptions())
        found[name] = (timeline, exported, run_timelinejs(exported.data))
    return found


CASES = ["example", "edge-cases"]


class TestTimelineJSLoadsOurFile:
    """TimelineJS 3.9 (npm @knight-lab/timelinejs) builds the timeline we exported, as we meant it."""

    @pytest.mark.parametrize("case", CASES)
    def test_no_errors(self, cases: dict[str, Any], case: str) -> None:
        """No script error, no configuration error, no error message in the timeline, and no script of ours ran."""
        result = cases[case][2]
        assert [] == result["errors"]
        assert [] == result["config_errors"]
        assert "rror" not in (result["message"] or "")

    @pytest.mark.parametrize("case", CASES)
    def test_one_marker_per_exported_event(self, cases: dict[str, Any], case: str) -> None:
        """Every event we exported has one marker with its id, and nothing else has one."""
        timeline, exported, result = cases[case]
        skipped = {item.event_id for item in exported.skipped}
        wanted = sorted(event.id for event in timeline if event.id not in skipped)
        assert wanted == sorted(marker["id"] for marker in result["markers"])
        assert len(wanted) == result["dom_markers"]
        assert wanted == sorted(event["id"] for event in result["events"])

    @pytest.mark.parametrize("case", CASES)
    def test_each_event_is_placed_at_the_date_we_meant(self, cases: dict[str, Any], case: str) -> None:
        """TimelineJS's parsed start is the event's earliest instant; its end, the start of the last unit."""
        timeline, _, result = cases[case]
        by_id = {event.id: event for event in timeline}
        as_of = timeline.as_of
        assert as_of is not None
        for built in result["events"]:
            event = by_id[built["id"]]
            start, end = expected_placement(event.date, as_of)
            assert (event.id, start, end) == (built["id"], built["start"], built["end"])

    @pytest.mark.parametrize("case", CASES)
    def test_text_shows_as_written(self, cases: dict[str, Any], case: str) -> None:
        """Headlines, our display dates, the location, description and sources show as plain text, markup and all."""
        timeline, _, result = cases[case]
        for event in timeline:
            if event.id not in result["slides"]:
                continue
            slide = result["slides"][event.id]
            assert event.title == slide["headline"]
            assert display(event.date) == slide["date"]
            # textContent has no breaks for <br> and </p>, so compare without whitespace; TimelineJS links
            # bare URLs in the text itself, showing them without their scheme.
            content = _comparable(slide["content"] or "")
            for text in (event.location, event.description, *(s.title for s in event.sources)):
                if text:
                    assert _comparable(text) in content
            autolinked = re.findall(r"https?://\S*[\w/]", event.description or "")
            assert [s.url for s in event.sources if s.url] + autolinked == sorted(
                slide["links"], key=lambda href: href in autolinked
            )
            assert 0 == slide["nested_links"]
        markers = {marker["id"]: marker["headline"] for marker in result["markers"]}
        assert {event.id: event.title for event in timeline if event.id in markers} == markers

    @pytest.mark.parametrize("case", CASES)
    def test_groups_are_first_tags(self, cases: dict[str, Any], case: str) -> None:
        """The group rows are the events' first tags, shown as written."""
        timeline, exported, result = cases[case]
        skipped = {item.event_id for item in exported.skipped}
        shown = [event for event in timeline if event.id not in skipped]
        groups = {event.tags[0] if event.tags else "" for event in shown}
        assert groups == set(result["groups"])

    def test_title_slide(self, cases: dict[str, Any]) -> None:
        """The title slide shows the timeline's title as written, markup and all."""
        timeline, _, result = cases["edge-cases"]
        assert timeline.title == result["slides"]["title"]["headline"]

    def test_edge_cases_cover_what_timelinejs_gets_wrong(self, cases: dict[str, Any]) -> None:
        """The edge cases include the traps: year 99, an end TimelineJS would drop, events with no start."""
        timeline, exported, _ = cases["edge-cases"]
        ids = {event.id for event in timeline}
        assert {"year-99", "year-to-month", "winter", "second-utc", "ongoing"} <= ids
        assert {"no-start", "unknown-start"} == {item.event_id for item in exported.skipped}
