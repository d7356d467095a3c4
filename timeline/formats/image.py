"""Timeline images (SVG, PNG, PDF) that draw each date as precisely as it is known, with labels that never overlap.

A day is a point, a coarser date a band over its possible dates, a period a bar whose
imprecise ends fade; approximate dates are dotted, uncertain ones dashed and hollow. Long
empty stretches are cut out of the axis. Labels are laid out in layers (`image_layout`)
from text widths measured as a browser measures them (`image_text`), on a broken axis
(`image_axis`). matplotlib draws it (its Figure API only; pyplot is slow to import) with
fixed settings in an `rc_context`, so the same timeline gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import itertools
import re
from collections.abc import Sequence
from typing import Any, Final, Literal

import attrs

from timeline.collector import collector_paused
from timeline.dates import Bound, FuzzyDate, Interval, Precision
from timeline.display import display
from timeline.formats import Exported, ExportOptions
from timeline.formats.image_axis import Scale, build_scale, elapsed_words, segment_ticks, to_days
from timeline.formats.image_layout import LabelBox, Placement, layout_labels, pack_rows
from timeline.formats.image_text import ASCENT, DESCENT, FONT_STACK, Measurer, font_families
from timeline.records import Event, Timeline

__all__ = ["ENCODINGS", "encodings_used", "export_pdf", "export_png", "export_svg"]

Kind = Literal["point", "band", "bar"]

# --- sizes, in pixels (the figure is drawn at 72 dpi, so a point is a pixel) ---------------
MARGIN: Final = 24.0
TITLE_SIZE: Final = 20.0
DESC_SIZE: Final = 12.5
META_SIZE: Final = 11.0
LEGEND_SIZE: Final = 11.0
DATE_SIZE: Final = 10.5
LABEL_SIZE: Final = 12.0
TICK_SIZE: Final = 11.0
BREAK_SIZE: Final = 10.0
LANE_SIZE: Final = 12.5
LABEL_TEXT_WIDTH: Final = 200.0
LABEL_LINES: Final = 3
LABEL_PAD: Final = 3.0
LEADING: Final = 1.0
LAYER_GAP: Final = 10.0
MARKS_GAP: Final = 12.0
ROW_HEIGHT: Final = 14.0
MAX_ROWS: Final = 8
FADE_PX: Final = 36.0
ARROW_PX: Final = 9.0
BREAK_GAP_MIN: Final = 36.0
#: Up to this many events every one is labelled, however tall the image grows.
LABEL_ALL: Final = 400
#: Past LABEL_ALL: how many label layers, and how many top-ranked candidates to try.
MAX_LAYERS: Final = 30
#: Past LABEL_ALL, the share of the label layers' room offered to candidates: every candidate not
#: placed still leaves a stub in each layer, so offering too many fills the layers with stubs.
CANDIDATE_FILL: Final = 0.45
DENSITY_FROM: Final = 300
DENSITY_HEIGHT: Final = 28.0

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
_LANES_LIGHT: Final = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_LANES_DARK: Final = ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#F0E442", "#0072B2")


@attrs.frozen
class Theme:
    background: str
    text: str
    muted: str
    leader: str
    axis: str
    lanes: tuple[str, ...]


THEMES: Final = {
    "light": Theme("#ffffff", "#1a1a1a", "#555555", "#8c8c8c", "#333333", _LANES_LIGHT),
    "dark": Theme("#16181d", "#ececec", "#b0b0b0", "#7a7a7a", "#d0d0d0", _LANES_DARK),
}

#: Every visual encoding the legend can explain, in legend order.
ENCODINGS: Final = (
    "point",
    "band",
    "bar",
    "fuzzy",
    "ongoing",
    "open",
    "approximate",
    "uncertain",
    "break",
    "density",
)


@attrs.frozen
class Mark:
    """How one event is drawn, in days; pixels come from the scale."""

    index: int
    kind: Kind
    lane: int
    #: The whole extent in days (a point's day, a band's dates, a bar's start to its end).
    start: float
    end: float
    #: A bar's solid part, and its faded imprecise ends (None where the end is exact or absent).
    core: tuple[float, float] | None = None
    fade_in: tuple[float, float] | None = None
    fade_out: tuple[float, float] | None = None
    #: An unknown or open start or end: the bar fades out over FADE_PX beyond its known part.
    open_start: bool = False
    open_end: bool = False
    ongoing: bool = False
    approximate: bool = False
    uncertain: bool = False
    #: Where the leader starts, in days.
    anchor: float = 0.0
    #: What the axis must show: the dates this event is known to touch.
    spans: tuple[tuple[float, float], ...] = ()
    timed: bool = False


def _range(date: FuzzyDate) -> tuple[float, float, bool]:
    """A date's [earliest, latest] in days, and whether it is a day or finer (drawn as an instant)."""
    lo = to_days(date.earliest)
    if date.precision.is_timed:
        return lo, lo, True
    return lo, to_days(date.latest, end=True), date.precision >= Precision.DAY


def _mark(event: Event, index: int, lane: int, ongoing_end: float | None) -> Mark:
    date = event.date
    common: dict[str, Any] = {"index": index, "lane": lane}
    common.update(approximate=date.approximate, uncertain=date.uncertain)
    if isinstance(date, FuzzyDate):
        lo, hi, exact = _range(date)
        if exact:
            at = (lo + hi) / 2
            return Mark(
                kind="point", start=lo, end=hi, anchor=at, spans=((lo, max(hi, lo + 1e-3)),), timed=lo == hi, **common
            )
        return Mark(kind="band", start=lo, end=hi, anchor=(lo + hi) / 2, spans=((lo, hi),), **common)
    return _bar(date, ongoing_end, common)


def _bar(date: Interval, ongoing_end: float | None, common: dict[str, Any]) -> Mark:
    spans: list[tuple[float, float]] = []
    start = end = None
    fade_in = fade_out = None
    if isinstance(date.start, FuzzyDate):
        s0, s1, exact = _range(date.start)
        spans.append((s0, max(s1, s0 + 1e-3)))
        start = s0 if exact else s1
        if not exact:
            fade_in = (s0, s1)
    if isinstance(date.end, FuzzyDate):
        e0, e1, exact = _range(date.end)
        spans.append((e0, max(e1, e0 + 1e-3)))
        end = e1 if exact else e0
        if not exact:
            fade_out = (e0, e1)
    ongoing = date.end is Bound.OPEN and start is not None and ongoing_end is not None
    if ongoing:
        assert ongoing_end is not None
        assert start is not None
        end = max(ongoing_end, start)
        spans.append((end, end + 1e-3))
    lo = fade_in[0] if fade_in else start
    hi = fade_out[1] if fade_out else end
    lo = lo if lo is not None else end
    hi = hi if hi is not None else start
    assert lo is not None
    assert hi is not None
    core = (start if start is not None else lo, end if end is not None else hi)
    anchor = (fade_in[0] + fade_in[1]) / 2 if fade_in else (start if start is not None else (lo + hi) / 2)
    return Mark(
        kind="bar",
        start=lo,
        end=hi,
        core=core if core[1] >= core[0] else None,
        fade_in=fade_in,
        fade_out=fade_out,
        open_start=not isinstance(date.start, FuzzyDate),
        open_end=not isinstance(date.end, FuzzyDate) and not ongoing,
        ongoing=ongoing,
        anchor=anchor,
        spans=tuple(spans),
        **common,
    )


def encodings_used(marks: Sequence[Mark], scale: Scale | None = None, density: bool = False) -> tuple[str, ...]:
    """The encodings these marks use, in legend order."""
    used: set[str] = set()
    for mark in marks:
        used.add(mark.kind)
        if mark.fade_in or mark.fade_out:
            used.add("fuzzy")
        if mark.ongoing:
            used.add("ongoing")
        if mark.open_start or mark.open_end:
            used.add("open")
        if mark.approximate:
            used.add("approximate")
        if mark.uncertain:
            used.add("uncertain")
    if scale is not None and scale.breaks:
        used.add("break")
    if density:
        used.add("density")
    return tuple(e for e in ENCODINGS if e in used)


_COARSE_WORDS: Final = {
    Precision.CENTURY: "century",
    Precision.DECADE: "decade",
    Precision.YEAR: "year",
    Precision.SEASON: "season",
    Precision.MONTH: "month",
}


def _legend_text(encoding: str, events: Sequence[Event], as_of_text: str | None) -> str:
    if encoding == "point":
        timed = any(isinstance(e.date, FuzzyDate) and e.date.precision.is_timed for e in events)
        return "Exact day or time" if timed else "Exact day"
    if encoding == "band":
        coarse = sorted(
            {e.date.precision for e in events if isinstance(e.date, FuzzyDate) and e.date.precision < Precision.DAY},
            reverse=True,
        )
        words = [_COARSE_WORDS[p] for p in coarse]
        known = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
        return f"Known to the {known}: band over the possible dates"
    return {
        "bar": "Period, start to end",
        "fuzzy": "Imprecise start or end (faded)",
        "ongoing": f"Ongoing, drawn to {as_of_text}" if as_of_text else "Ongoing",
        "open": "Start or end unknown (fades out)",
        "approximate": "Approximate, c. (dotted, lighter)",
        "uncertain": "Uncertain, ? (dashed, hollow)",
        "break": "Axis cut: time omitted",
        "density": "Number of events (density)",
    }[encoding]


# --- text blocks -----------------------------------------------------------------------


@attrs.frozen
class Line:
    text: str
    size: float
    bold: bool
    width: float

    @property
    def height(self) -> float:
        return (ASCENT + DESCENT) * self.size


def _block_height(lines: Sequence[Line]) -> float:
    return sum(line.height for line in lines) + LEADING * max(len(lines) - 1, 0)


@attrs.frozen
class Label:
    """One event's label: its lines, its reserved size, and the full text for its tooltip."""

    index: int
    lines: tuple[Line, ...]
    width: float
    height: float
    full: str


def _reserve(width: float) -> float:
    """Room for a measured width: browsers may differ by a hair, so a little more."""
    return width * 1.02 + 2.0


def _text_width(count: int) -> float:
    """How wide a label's text may be: narrower when many labels must share the width."""
    return LABEL_TEXT_WIDTH if count <= 40 else 170.0 if count <= 100 else 150.0


def _label(event: Event, index: int, measure: Measurer, locale: str, text_width: float) -> Label:
    date_text = display(event.date, locale)
    date_lines, _ = measure.wrap(date_text, DATE_SIZE, text_width, 2, bold=True)
    title_lines, _ = measure.wrap(event.title, LABEL_SIZE, text_width, LABEL_LINES)
    lines = tuple(
        [Line(t, DATE_SIZE, True, _reserve(measure.width(t, DATE_SIZE, True))) for t in date_lines]
        + [Line(t, LABEL_SIZE, False, _reserve(measure.width(t, LABEL_SIZE))) for t in title_lines]
    )
    width = max(line.width for line in lines) + 2 * LABEL_PAD
    return Label(index, lines, width, _block_height(lines) + 2 * LABEL_PAD, f"{date_text}: {event.title}")


# --- ranking which events get labels when not all can --------------------------------------


def _spread(n: int) -> list[int]:
    """A rank for each of n positions such that every prefix of the ranking is spread evenly (bit reversal)."""
    bits = max(1, (n - 1).bit_length())
    return sorted(range(n), key=lambda i: (int(f"{i:0{bits}b}"[::-1], 2), i))


def _candidates(events: Sequence[Event], order: Sequence[int], limit: int) -> list[int]:
    spread = {index: rank for rank, index in enumerate(_spread(len(order)))}
    by_position = {event_index: spread[pos] for pos, event_index in enumerate(order)}

    def key(i: int) -> tuple[bool, float, int]:
        importance = events[i].importance
        return (importance is None, -(importance or 0.0), by_position[i])

    return sorted(order, key=key)[:limit]


# --- the drawing ---------------------------------------------------------------------------


@attrs.frozen
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    color: str
    bold: bool = False
    align: Literal["left", "right", "center"] = "left"
    gid: str | None = None


@attrs.define
class Canvas:
    """Everything to draw, in pixels with y down, collected before matplotlib is touched."""

    width: float
    height: float = 0.0
    texts: list[Text] = attrs.Factory(list)
    #: (kind, args, gid) drawn in order.
    shapes: list[tuple[str, dict[str, Any], str | None]] = attrs.Factory(list)
    groups: dict[str, list[int]] = attrs.Factory(dict)
    tooltips: dict[str, str] = attrs.Factory(dict)


def _text_lines(
    canvas: Canvas, x: float, top: float, lines: Sequence[Line], color: str, muted: str, gid: str | None = None
) -> float:
    """Draw lines of text from `top` down; return the bottom."""
    y = top
    for line in lines:
        canvas.texts.append(
            Text(x, y + ASCENT * line.size, line.text, line.size, muted if line.bold else color, line.bold, gid=gid)
        )
        y += line.height + LEADING
    return y - LEADING


@attrs.frozen
class _Lane:
    name: str | None
    color: str
    events: tuple[int, ...]


def _lanes(timeline: Timeline, options: ExportOptions, theme: Theme) -> list[_Lane]:
    if options.lanes != "tag":
        return [_Lane(None, theme.lanes[0], tuple(range(len(timeline.events))))]
    names: dict[str, list[int]] = {}
    for index, event in enumerate(timeline.events):
        names.setdefault(event.tags[0] if event.tags else "", []).append(index)
    lanes = []
    for number, (name, members) in enumerate(names.items()):
        lanes.append(_Lane(name or "(no tag)", theme.lanes[number % len(theme.lanes)], tuple(members)))
    return lanes


def _as_of(timeline: Timeline, options: ExportOptions) -> tuple[dt.date | None, float | None, bool]:
    """The day ongoing events run to, in days; True when it had to be the timeline's latest date."""
    as_of = options.as_of or timeline.as_of
    if as_of is not None:
        return as_of, to_days(as_of, end=True), False
    latest = [to_days(e.date.latest, end=True) for e in timeline.events if e.date.latest is not None]
    latest += [
        to_days(e.date.start.latest, end=True)
        for e in timeline.events
        if isinstance(e.date, Interval) and isinstance(e.date.start, FuzzyDate)
    ]
    if not latest:
        return None, None, True
    last = max(latest)
    return dt.date.fromordinal(int(last) - 1 if last == int(last) else int(last)), last, True


def render(timeline: Timeline, options: ExportOptions) -> tuple[Canvas, dict[str, Any]]:
    """Lay the whole image out: every text, shape and group, and facts about it for the caller and tests."""
    theme = THEMES[options.theme]
    measure = Measurer()
    width = float(options.width)
    left, right = MARGIN, width - MARGIN
    events = timeline.events
    as_of, ongoing_end, as_of_guessed = _as_of(timeline, options)
    lanes = _lanes(timeline, options, theme)
    lane_of = {i: n for n, lane in enumerate(lanes) for i in lane.events}
    marks = [_mark(e, i, lane_of[i], ongoing_end) for i, e in enumerate(events)]
    many = len(events) > LABEL_ALL
    density = len(events) > DENSITY_FROM

    # The axis.
    break_words = [
        w
        for unit in ("year", "month", "week", "day")
        for w in elapsed_words(800 if unit == "year" else {"month": 90, "week": 20, "day": 3}[unit], options.locale)
    ]
    break_width = max(BREAK_GAP_MIN, max(measure.width(w, BREAK_SIZE) for w in break_words) + 10)
    scale = build_scale(
        [s for m in marks for s in m.spans],
        [m.anchor for m in marks],
        left,
        right,
        breaks=options.breaks,
        break_width=break_width,
    )
    used = encodings_used(marks, scale, density)

    canvas = Canvas(width)
    facts: dict[str, Any] = {"encodings": used, "breaks": len(scale.breaks), "scale": scale}

    # Header: title, description, what the image shows.
    y = MARGIN
    title = options.title or timeline.title
    title_lines, _ = measure.wrap(title, TITLE_SIZE, right - left, 2, bold=True)
    y = _text_lines(
        canvas,
        left,
        y,
        [Line(t, TITLE_SIZE, True, 0) for t in title_lines],
        theme.text,
        theme.text,
        gid="title",
    )
    if timeline.description:
        desc_lines, _ = measure.wrap(timeline.description, DESC_SIZE, right - left, 3)
        y = _text_lines(
            canvas,
            left,
            y + 6,
            [Line(t, DESC_SIZE, False, 0) for t in desc_lines],
            theme.muted,
            theme.muted,
            "description",
        )

    # Labels first: the meta line says how many are unlabelled.
    lane_layouts = []
    labelled = 0
    for number, lane in enumerate(lanes):
        order = sorted(lane.events, key=lambda i: (marks[i].anchor, i))
        if many:
            per_lane = max(4, MAX_LAYERS // len(lanes))
            per_layer = (right - left) / (_text_width(LABEL_ALL + 1) + 2 * LABEL_PAD + 8.0)
            chosen = _candidates(events, order, int(per_lane * per_layer * CANDIDATE_FILL) + 1)
        else:
            per_lane = None
            chosen = order
        text_width = _text_width(len(events))
        labels = {i: _label(events[i], i, measure, options.locale, text_width) for i in chosen}
        chosen = sorted(chosen, key=lambda i: (marks[i].anchor, i))
        boxes = [LabelBox(scale.x(marks[i].anchor), labels[i].width, labels[i].height) for i in chosen]
        layout = layout_labels(boxes, left, right, max_layers=per_lane)
        if any(p is None for p in layout.placements):
            # Re-run without the labels that found no room, so their stubs do not take room in vain.
            chosen = [i for i, p in zip(chosen, layout.placements, strict=True) if p is not None]
            boxes = [LabelBox(scale.x(marks[i].anchor), labels[i].width, labels[i].height) for i in chosen]
            layout = layout_labels(boxes, left, right, max_layers=per_lane)
        placed = {i: p for i, p in zip(chosen, layout.placements, strict=True) if p is not None}
        labelled += len(placed)
        lane_layouts.append((number, lane, labels, placed, layout.layer_heights))
    unlabelled = len(events) - labelled
    facts["unlabelled"] = unlabelled

    meta = [f"{len(events):,} event{'s' if len(events) != 1 else ''}"]
    if as_of is not None and not as_of_guessed:
        meta.append(f"as of {display(FuzzyDate(Precision.DAY, as_of.year, as_of.month, as_of.day), options.locale)}")
    if unlabelled:
        meta.append(f"{unlabelled:,} not labelled (marks only; hover a mark for its title)")
    meta_lines, _ = measure.wrap(" · ".join(meta), META_SIZE, right - left, 2)
    y = _text_lines(
        canvas, left, y + 6, [Line(t, META_SIZE, False, 0) for t in meta_lines], theme.muted, theme.muted, "meta"
    )

    # Legend: one sample and phrase per encoding used, wrapping as needed.
    as_of_text = (
        display(FuzzyDate(Precision.DAY, as_of.year, as_of.month, as_of.day), options.locale) if as_of else None
    )
    y += 10
    x = left
    row_height = (ASCENT + DESCENT) * LEGEND_SIZE
    for encoding in used:
        text = _legend_text(encoding, events, as_of_text)
        item = 30 + measure.width(text, LEGEND_SIZE) * 1.02 + 2 + 18
        if x + item > right and x > left:
            x, y = left, y + row_height + 6
        gid = f"legend-{encoding}"
        _legend_sample(canvas, encoding, x, y + row_height / 2, theme, gid)
        canvas.texts.append(Text(x + 30, y + ASCENT * LEGEND_SIZE, text, LEGEND_SIZE, theme.text, gid=gid))
        x += item
    y += row_height + 14

    # Lanes: their labels in layers, then their marks in rows.
    for number, lane, labels, placed, heights in lane_layouts:
        if lane.name is not None:
            if number:
                canvas.shapes.append(("hline", {"y": y - 6, "x0": left, "x1": right, "color": theme.leader}, None))
            canvas.texts.append(
                Text(left, y + ASCENT * LANE_SIZE, lane.name, LANE_SIZE, lane.color, True, gid=f"lane-{number}")
            )
            y += (ASCENT + DESCENT) * LANE_SIZE + 6
        layers_top = y
        tops = []
        bottom = layers_top + sum(heights) + LAYER_GAP * max(len(heights) - 1, 0)
        # Layer 0 is nearest the marks, at the bottom.
        layer_bottom = []
        b = bottom
        for h in heights:
            layer_bottom.append(b)
            tops.append(b - h)
            b -= h + LAYER_GAP
        y = bottom + MARKS_GAP
        lane_marks = [marks[i] for i in lane.events]
        density_top = y
        if density:
            y += DENSITY_HEIGHT + 4
        extents = [_extent(m, scale) for m in lane_marks]
        order = sorted(range(len(lane_marks)), key=lambda k: (extents[k][0], lane_marks[k].index))
        rows_of = pack_rows([extents[k] for k in order], MAX_ROWS)
        rows = {lane_marks[k].index: row for k, row in zip(order, rows_of, strict=True)}
        n_rows = max(rows.values(), default=0) + 1
        marks_top = y
        marks_bottom = y + n_rows * ROW_HEIGHT
        if density:
            _density(canvas, lane_marks, scale, density_top, DENSITY_HEIGHT, lane.color, left, right)
        row_center = {i: marks_bottom - (rows[i] + 0.5) * ROW_HEIGHT for i in rows}
        for m in lane_marks:
            _draw_mark(canvas, m, scale, row_center[m.index], lane.color, theme, len(events) > LABEL_ALL)
            canvas.tooltips[f"ev{m.index}-mark"] = (
                f"{display(events[m.index].date, options.locale)}: {events[m.index].title}"
            )
        for i, p in placed.items():
            label = labels[i]
            _draw_label(
                canvas,
                label,
                p,
                layer_bottom,
                tops,
                scale.x(marks[i].anchor),
                row_center[i] - _half(marks[i]),
                marks_top,
                theme,
            )
        y = marks_bottom + 6
        facts.setdefault("marks_band", []).append((marks_top, marks_bottom))
    axis_y = y
    _draw_axis(canvas, scale, axis_y, left, right, measure, options.locale, theme, facts)
    y = axis_y + 8 + 2 * (ASCENT + DESCENT) * TICK_SIZE + 10
    if as_of_guessed and any(m.ongoing for m in marks) and as_of is not None:
        note = (
            f"No as-of date was given: ongoing events are drawn to "
            f"{display(FuzzyDate(Precision.DAY, as_of.year, as_of.month, as_of.day), options.locale)}, "
            "the latest date in the timeline."
        )
        note_lines, _ = measure.wrap(note, META_SIZE, right - left, 3)
        y = (
            _text_lines(
                canvas, left, y, [Line(t, META_SIZE, False, 0) for t in note_lines], theme.muted, theme.muted, "note"
            )
            + 8
        )
    canvas.height = float(int(y + MARGIN - 8) + 1)
    return canvas, facts


def _half(mark: Mark) -> float:
    return {"point": 5.0, "band": 5.0, "bar": 4.0}[mark.kind]


def _extent(mark: Mark, scale: Scale) -> tuple[float, float]:
    x0, x1 = scale.x(mark.start), scale.x(mark.end)
    if mark.kind == "point":
        x = scale.x(mark.anchor)
        return x - 5.5, x + 5.5
    if mark.open_start:
        x0 -= FADE_PX
    if mark.open_end:
        x1 += FADE_PX
    if mark.ongoing:
        x1 += ARROW_PX
    if x1 - x0 < 5:
        c = (x0 + x1) / 2
        x0, x1 = c - 2.5, c + 2.5
    return x0, x1


def _style(mark: Mark, color: str, theme: Theme) -> dict[str, Any]:
    """Face, edge and line style: approximate dotted and lighter, uncertain dashed and hollow."""
    style: dict[str, Any] = {"face": color, "alpha": 0.9, "edge": color, "dash": None}
    if mark.kind == "band":
        style["alpha"] = 0.35
    if mark.approximate:
        style["alpha"] *= 0.5
        style["dash"] = "dotted"
    if mark.uncertain:
        style["face"] = theme.background
        style["alpha"] = 1.0
        style["dash"] = "dashed" if not mark.approximate else "dotted"
    return style


def _draw_mark(canvas: Canvas, mark: Mark, scale: Scale, cy: float, color: str, theme: Theme, small: bool) -> None:
    gid = f"ev{mark.index}-mark"
    style = _style(mark, color, theme)
    if mark.kind == "point":
        r = 3.0 if small else 4.5
        canvas.shapes.append(("circle", {"x": scale.x(mark.anchor), "y": cy, "r": r, **style}, gid))
        return
    x0, x1 = _extent(mark, scale)
    h = 10.0 if mark.kind == "band" else 8.0
    if mark.kind == "band":
        canvas.shapes.append(("rect", {"x0": x0, "x1": x1, "y": cy, "h": h, **style}, gid))
        return
    if mark.core is not None:
        c0, c1 = scale.x(mark.core[0]), scale.x(mark.core[1])
        canvas.shapes.append(("rect", {"x0": c0, "x1": max(c1, c0 + 1), "y": cy, "h": h, **style, "edge": None}, gid))
    for fade, outward in ((mark.fade_in, -1), (mark.fade_out, 1)):
        if fade is not None:
            f0, f1 = scale.x(fade[0]), scale.x(fade[1])
            canvas.shapes.append(("fade", {"x0": f0, "x1": f1, "y": cy, "h": h, "dir": outward, **style}, gid))
    if mark.open_start:
        c = scale.x(mark.core[0] if mark.core else mark.start)
        canvas.shapes.append(("fade", {"x0": c - FADE_PX, "x1": c, "y": cy, "h": h, "dir": -1, **style}, gid))
    if mark.open_end:
        c = scale.x(mark.core[1] if mark.core else mark.end)
        canvas.shapes.append(("fade", {"x0": c, "x1": c + FADE_PX, "y": cy, "h": h, "dir": 1, **style}, gid))
    if mark.ongoing:
        c = scale.x(mark.end)
        canvas.shapes.append(("arrow", {"x": c, "y": cy, "h": h, "color": color}, gid))
    if mark.approximate or mark.uncertain:
        canvas.shapes.append(
            ("outline", {"x0": x0, "x1": x1 - (ARROW_PX if mark.ongoing else 0), "y": cy, "h": h, **style}, gid)
        )


def _density(
    canvas: Canvas,
    marks: Sequence[Mark],
    scale: Scale,
    top: float,
    height: float,
    color: str,
    left: float,
    right: float,
) -> None:
    import numpy as np

    bins = np.arange(left, right + 4, 4.0)
    xs = np.asarray([scale.x(m.anchor) for m in marks])
    counts, _ = np.histogram(xs, bins=bins)
    peak = max(int(counts.max()), 1)
    steps = [(float(b), float(c) / peak * height) for b, c in zip(bins[:-1], counts, strict=True)]
    canvas.shapes.append(
        ("stairs", {"steps": steps, "x1": float(bins[-1]), "base": top + height, "color": color}, "density")
    )


def _draw_label(
    canvas: Canvas,
    label: Label,
    placement: Placement,
    layer_bottom: Sequence[float],
    tops: Sequence[float],
    anchor_x: float,
    mark_top: float,
    marks_top: float,
    theme: Theme,
) -> None:
    gid = f"ev{label.index}-label"
    bottom = layer_bottom[placement.layer]
    top = bottom - label.height
    # The leader: up from the mark, through each lower layer at its stub, to the label's underline.
    points: list[tuple[float, float]] = [(anchor_x, mark_top), (anchor_x, marks_top)]
    for layer, stub in enumerate(placement.stubs):
        points += [(stub, layer_bottom[layer]), (stub, tops[layer])]
    points.append((placement.attach(anchor_x, label.width, 8.0), bottom))
    leader = f"ev{label.index}-leader"
    canvas.shapes.append(("leader", {"points": points, "color": theme.leader}, leader))
    canvas.shapes.append(
        (
            "hline",
            {"y": bottom, "x0": placement.left, "x1": placement.left + label.width, "color": theme.leader},
            leader,
        )
    )
    y = top + LABEL_PAD
    for line in label.lines:
        canvas.texts.append(
            Text(
                placement.left + LABEL_PAD,
                y + ASCENT * line.size,
                line.text,
                line.size,
                theme.muted if line.bold else theme.text,
                line.bold,
                "left",
                gid,
            )
        )
        y += line.height + LEADING
    canvas.tooltips[gid] = label.full


def _legend_sample(canvas: Canvas, encoding: str, x: float, cy: float, theme: Theme, gid: str) -> None:
    color = theme.lanes[0]
    sample = Mark(index=-1, kind="bar", lane=0, start=0, end=1)
    if encoding == "point":
        canvas.shapes.append(
            (
                "circle",
                {"x": x + 12, "y": cy, "r": 4.5, **_style(attrs.evolve(sample, kind="point"), color, theme)},
                gid,
            )
        )
    elif encoding == "band":
        canvas.shapes.append(
            (
                "rect",
                {"x0": x, "x1": x + 24, "y": cy, "h": 10, **_style(attrs.evolve(sample, kind="band"), color, theme)},
                gid,
            )
        )
    elif encoding == "bar":
        canvas.shapes.append(
            ("rect", {"x0": x, "x1": x + 24, "y": cy, "h": 8, **_style(sample, color, theme), "edge": None}, gid)
        )
    elif encoding in ("fuzzy", "open"):
        style = _style(sample, color, theme)
        canvas.shapes.append(("rect", {"x0": x, "x1": x + 12, "y": cy, "h": 8, **style, "edge": None}, gid))
        canvas.shapes.append(("fade", {"x0": x + 12, "x1": x + 24, "y": cy, "h": 8, "dir": 1, **style}, gid))
    elif encoding == "ongoing":
        canvas.shapes.append(
            ("rect", {"x0": x, "x1": x + 16, "y": cy, "h": 8, **_style(sample, color, theme), "edge": None}, gid)
        )
        canvas.shapes.append(("arrow", {"x": x + 16, "y": cy, "h": 8, "color": color}, gid))
    elif encoding in ("approximate", "uncertain"):
        flags: dict[str, Any] = {encoding: True}
        style = _style(attrs.evolve(sample, kind="point", **flags), color, theme)
        canvas.shapes.append(("circle", {"x": x + 6, "y": cy, "r": 4.5, **style}, gid))
        band = _style(attrs.evolve(sample, kind="band", **flags), color, theme)
        canvas.shapes.append(("rect", {"x0": x + 14, "x1": x + 26, "y": cy, "h": 10, **band}, gid))
    elif encoding == "break":
        canvas.shapes.append(("hline", {"y": cy, "x0": x, "x1": x + 24, "color": theme.axis}, gid))
        canvas.shapes.append(
            ("cut", {"x": x + 12, "y": cy, "w": 10, "color": theme.axis, "background": theme.background}, gid)
        )
    elif encoding == "density":
        steps = [(x + 4 * k, h) for k, h in enumerate((3.0, 6.0, 10.0, 5.0, 8.0, 2.0))]
        canvas.shapes.append(("stairs", {"steps": steps, "x1": x + 24, "base": cy + 5, "color": color}, gid))


def _draw_axis(
    canvas: Canvas,
    scale: Scale,
    y: float,
    left: float,
    right: float,
    measure: Measurer,
    locale: str,
    theme: Theme,
    facts: dict[str, Any],
) -> None:
    bands = facts.get("marks_band", [])
    top = min((b[0] for b in bands), default=y) - 4
    for segment in scale.segments:
        canvas.shapes.append(("hline", {"y": y, "x0": segment.left, "x1": segment.right, "color": theme.axis}, "axis"))
        for tick in segment_ticks(segment, lambda s: _reserve(measure.width(s, TICK_SIZE)), locale):
            canvas.shapes.append(("vline", {"x": tick.x, "y0": y, "y1": y + 5, "color": theme.axis}, "axis"))
            canvas.texts.append(
                Text(tick.x, y + 8 + ASCENT * TICK_SIZE, tick.label, TICK_SIZE, theme.text, align="center", gid="axis")
            )
    for number, cut in enumerate(scale.breaks):
        gid = f"break-{number}"
        center = (cut.left + cut.right) / 2
        canvas.shapes.append(
            ("band", {"x0": cut.left + 3, "x1": cut.right - 3, "y0": top, "y1": y + 3, "color": theme.background}, gid)
        )
        canvas.shapes.append(
            (
                "cut",
                {
                    "x": center,
                    "y": y,
                    "w": cut.right - cut.left - 14,
                    "color": theme.axis,
                    "background": theme.background,
                },
                gid,
            )
        )
        value, unit = elapsed_words(cut.days, locale)
        base = y + 8 + ASCENT * BREAK_SIZE
        canvas.texts.append(Text(center, base, value, BREAK_SIZE, theme.muted, True, "center", gid))
        canvas.texts.append(
            Text(
                center,
                base + (ASCENT + DESCENT) * BREAK_SIZE + LEADING,
                unit,
                BREAK_SIZE,
                theme.muted,
                False,
                "center",
                gid,
            )
        )


# --- matplotlib ----------------------------------------------------------------------------

_Z: Final = {"mark": 1.0, "density": 1.0, "break": 2.0, "axis": 3.0, "leader": 4.0}


def _zorder(gid: str | None) -> float:
    if gid is None:
        return 5.0
    for key, z in _Z.items():
        if gid.endswith(key) or gid.startswith(key):
            return z
    return 5.0


def _artists(kind: str, a: dict[str, Any]) -> list[Any]:
    from matplotlib import patches
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.path import Path

    def face(alpha: float | None = None) -> Any:
        return to_rgba(a["face"], a["alpha"] if alpha is None else alpha)

    def edge() -> dict[str, Any]:
        if a.get("edge") is None:
            return {"edgecolor": "none", "linewidth": 0}
        return {"edgecolor": a["edge"], "linewidth": 1.1, "linestyle": a["dash"] or "solid"}

    if kind == "circle":
        return [patches.Circle((a["x"], a["y"]), a["r"], facecolor=face(), **edge())]
    if kind == "rect":
        return [
            patches.Rectangle((a["x0"], a["y"] - a["h"] / 2), a["x1"] - a["x0"], a["h"], facecolor=face(), **edge())
        ]
    if kind == "outline":
        return [
            patches.Rectangle((a["x0"], a["y"] - a["h"] / 2), a["x1"] - a["x0"], a["h"], facecolor="none", **edge())
        ]
    if kind == "fade":
        steps = 6
        out = []
        width = (a["x1"] - a["x0"]) / steps
        base = a["alpha"] if a["face"] != a.get("background") else 0.9
        for k in range(steps):
            # Strongest next to the known part, fading away from it.
            weight = (steps - k) / (steps + 1) if a["dir"] == 1 else (k + 1) / (steps + 1)
            out.append(
                patches.Rectangle(
                    (a["x0"] + k * width, a["y"] - a["h"] / 2),
                    width,
                    a["h"],
                    facecolor=to_rgba(a["edge"] or a["face"], base * weight * 0.8),
                    edgecolor="none",
                    linewidth=0,
                )
            )
        return out
    if kind == "arrow":
        x, y, h = a["x"], a["y"], a["h"]
        return [
            patches.Polygon(
                [(x, y - h / 2 - 2), (x + ARROW_PX, y), (x, y + h / 2 + 2)],
                closed=True,
                facecolor=a["color"],
                edgecolor="none",
            )
        ]
    if kind == "hline":
        return [Line2D([a["x0"], a["x1"]], [a["y"], a["y"]], color=a["color"], linewidth=1.0, solid_capstyle="butt")]
    if kind == "vline":
        return [Line2D([a["x"], a["x"]], [a["y0"], a["y1"]], color=a["color"], linewidth=1.0, solid_capstyle="butt")]
    if kind == "band":
        return [
            patches.Rectangle(
                (a["x0"], a["y0"]),
                a["x1"] - a["x0"],
                a["y1"] - a["y0"],
                facecolor=a["color"],
                edgecolor="none",
                linewidth=0,
            )
        ]
    if kind == "cut":
        x, y, w = a["x"], a["y"], a["w"]
        return [
            Line2D([x - w / 2 + dx - 3, x - w / 2 + dx + 3], [y + 6, y - 6], color=a["color"], linewidth=1.2)
            for dx in (0.0, w)
        ]
    if kind == "stairs":
        steps = a["steps"]
        base = a["base"]
        vertices = [(steps[0][0], base)]
        for k, (x, h) in enumerate(steps):
            nxt = steps[k + 1][0] if k + 1 < len(steps) else a["x1"]
            vertices += [(x, base - h), (nxt, base - h)]
        vertices.append((a["x1"], base))
        return [patches.Polygon(vertices, closed=True, facecolor=to_rgba(a["color"], 0.45), edgecolor="none")]
    if kind == "leader":
        points = a["points"]
        vertices = [points[0]]
        codes = [Path.MOVETO]
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if abs(x1 - x0) < 0.01:
                vertices.append((x1, y1))
                codes.append(Path.LINETO)
            else:
                middle = (y0 + y1) / 2
                vertices += [(x0, middle), (x1, middle), (x1, y1)]
                codes += [Path.CURVE4] * 3
        return [
            patches.PathPatch(
                Path(vertices, codes), facecolor="none", edgecolor=a["color"], linewidth=0.8, capstyle="butt"
            )
        ]
    raise ValueError(kind)


def _figure(canvas: Canvas, theme: Theme) -> Any:
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure
    from matplotlib.text import Text as MplText

    class Group(Artist):
        """Children drawn inside one SVG group, so an event's parts share one id."""

        def __init__(self, gid: str, children: list[Artist], zorder: float) -> None:
            super().__init__()
            self.set_gid(gid)
            self.set_zorder(zorder)
            self.children = children

        def draw(self, renderer: Any) -> None:
            renderer.open_group("g", gid=self.get_gid())
            for child in self.children:
                child.draw(renderer)
            renderer.close_group("g")

    fig = Figure(figsize=(canvas.width / 72, canvas.height / 72), dpi=72, facecolor=theme.background)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, canvas.width)
    ax.set_ylim(canvas.height, 0)
    ax.set_axis_off()
    groups: dict[str | None, list[Artist]] = {}

    def adopt(artist: Artist, gid: str | None) -> None:
        artist.set_figure(fig)
        artist.set_transform(ax.transData)
        artist.set_clip_on(False)
        groups.setdefault(gid, []).append(artist)

    for kind, args, gid in canvas.shapes:
        for artist in _artists(kind, args):
            adopt(artist, gid)
    families = list(font_families())
    for text in canvas.texts:
        adopt(
            MplText(
                text.x,
                text.y,
                text.text,
                fontsize=text.size,
                fontweight="bold" if text.bold else "normal",
                fontfamily=families,
                color=text.color,
                ha=text.align,
                va="baseline",
                parse_math=False,
            ),
            text.gid,
        )
    for number, (gid, children) in enumerate(groups.items()):
        group = Group(gid or f"part-{number}", children, _zorder(gid))
        group.set_figure(fig)
        ax.add_artist(group)
    return fig


_RC: Final[dict[str, Any]] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "timeline",
    "pdf.fonttype": 42,
    "font.sans-serif": ["DejaVu Sans"],
    "text.parse_math": False,
    "axes.unicode_minus": False,
    "path.simplify": False,
    "savefig.dpi": 72,
}


def _svg(raw: str, canvas: Canvas, title: str, description: str, locale: str) -> bytes:
    """matplotlib's SVG made accessible: pixel size, a root title and desc, the font stack, tooltips."""
    raw = re.sub(r'width="([\d.]+)pt" height="([\d.]+)pt"', r'width="\1" height="\2"', raw, count=1)
    lang = html.escape(locale.replace("_", "-"))
    head = (
        f'<title id="timeline-title">{html.escape(title)}</title>\n'
        f'<desc id="timeline-desc">{html.escape(description)}</desc>\n'
    )
    raw = re.sub(
        r"<svg ([^>]*)>\n",
        lambda m: (
            f'<svg {m.group(1)} role="img" aria-labelledby="timeline-title timeline-desc" xml:lang="{lang}">\n{head}'
        ),
        raw,
        count=1,
    )
    raw = re.sub(r"font-family: [^;\"]*", "font-family: " + FONT_STACK.replace("\\", "\\\\"), raw)

    def tooltip(m: re.Match[str]) -> str:
        tip = canvas.tooltips.get(m.group(1))
        return m.group(0) if tip is None else f"{m.group(0)}\n  <title>{html.escape(tip)}</title>"

    raw = re.sub(r'<g id="(ev\d+-(?:mark|label))">', tooltip, raw)
    return raw.encode("utf-8")


def _summary(timeline: Timeline, facts: dict[str, Any]) -> str:
    parts = [timeline.description or "", f"A timeline of {len(timeline.events)} events."]
    if facts.get("breaks"):
        parts.append(f"The time axis is cut in {facts['breaks']} place(s) where nothing happens for a long time.")
    if facts.get("unlabelled"):
        parts.append(f"{facts['unlabelled']} events are shown as marks without labels.")
    return " ".join(p for p in parts if p)


#: What XML 1.0 cannot hold and fonts have no glyph for: control characters and the noncharacters U+FFFE, U+FFFF.
_UNDRAWABLE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_BREAKS: Final = re.compile("[\t\n\r\x85]")


def drawable(text: str) -> str:
    """The text as an image shows it: tabs and line breaks as spaces, other control characters as U+FFFD."""
    if text.isprintable():  # the common case, checked in C
        return text
    return _UNDRAWABLE.sub("\ufffd", _BREAKS.sub(" ", text))


def _drawable_input(timeline: Timeline, options: ExportOptions) -> tuple[Timeline, ExportOptions]:
    """The timeline and options with every text the image draws made `drawable` (event text is untrusted)."""
    events = [
        event
        if event.title.isprintable() and all(tag.isprintable() for tag in event.tags)
        else attrs.evolve(event, title=drawable(event.title), tags=tuple(dict.fromkeys(map(drawable, event.tags))))
        for event in timeline.events
    ]
    timeline = timeline.replace(
        title=drawable(timeline.title),
        description=drawable(timeline.description) if timeline.description else None,
        events=events,
    )
    return timeline, attrs.evolve(options, title=drawable(options.title) if options.title else None)


def _export(timeline: Timeline, options: ExportOptions, fmt: Literal["svg", "png", "pdf"]) -> Exported:
    # Drawing builds several objects per mark, linked in cycles (artists, transforms and their
    # callbacks): two fifths of the time for 20,000 events went to the collector walking them.
    with collector_paused():
        return _draw(timeline, options, fmt)


def _draw(timeline: Timeline, options: ExportOptions, fmt: Literal["svg", "png", "pdf"]) -> Exported:
    import matplotlib

    timeline, options = _drawable_input(timeline, options)
    theme = THEMES[options.theme]
    settings: Any = {**_RC, "font.family": list(font_families())}
    with matplotlib.rc_context(settings):
        canvas, facts = render(timeline, options)
        fig = _figure(canvas, theme)
        buffer = io.BytesIO()
        title = options.title or timeline.title
        metadata: dict[str, Any]
        if fmt == "svg":
            metadata = {"Date": None, "Creator": "timeline", "Title": title}
        elif fmt == "png":
            metadata = {"Software": None, "Title": title}
        else:
            metadata = {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None, "Title": title}
        fig.savefig(buffer, format=fmt, dpi=72, metadata=metadata, facecolor=theme.background)
    data = buffer.getvalue()
    if fmt == "svg":
        data = _svg(data.decode("utf-8"), canvas, title, _summary(timeline, facts), options.locale)
    return Exported(data)


def export_svg(timeline: Timeline, options: ExportOptions) -> Exported:
    """The timeline as an accessible SVG with real, searchable text."""
    return _export(timeline, options, "svg")


def export_png(timeline: Timeline, options: ExportOptions) -> Exported:
    """The timeline as a PNG, `options.width` pixels wide."""
    return _export(timeline, options, "png")


def export_pdf(timeline: Timeline, options: ExportOptions) -> Exported:
    """The timeline as a vector PDF for print, with embedded, searchable text."""
    return _export(timeline, options, "pdf")
