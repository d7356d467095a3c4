"""The broken time axis of the timeline image: where to cut long empty stretches, and each segment's ticks.

Pure: times are float days (`to_days`), positions are pixels, and text widths come from a
`measure` callable, so the cut and the ticks are testable without drawing anything.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Final

import attrs
import numpy as np

from timeline.dates import Instant

__all__ = [
    "Break",
    "Scale",
    "Segment",
    "Tick",
    "build_scale",
    "elapsed_words",
    "segment_ticks",
    "to_days",
]

_YEAR: Final = 365.2425
#: A gap shorter than this share of the whole span is never cut: cutting it would gain little room.
_MIN_GAP_SHARE: Final = 0.015
#: Only the longest gaps are weighed, which keeps choosing the cuts fast for thousands of events.
_MAX_CANDIDATES: Final = 40
#: Consecutive events closer than this many pixels count as crowded.
_CROWDED_PX: Final = 200.0
#: What one cut costs, in halvings of a crowded neighbour pair's room: a cut must earn its place.
_BREAK_COST: Final = 0.5
#: Segment room is shared a fifth by time, the rest by number of events, so dense clusters get room.
_TIME_SHARE: Final = 0.2
#: A cut must also lower the crowding by this share: evenly spread events gain nothing from cuts.
_MIN_GAIN: Final = 0.04
#: Every this many pixels of empty axis count as one unit of cost.
_WASTED_PX: Final = 80.0
#: Nor is a gap cut unless it is this many times the typical spacing of events.
_MIN_GAP_TYPICAL: Final = 3.0


def to_days(instant: Instant, *, end: bool = False) -> float:
    """A date or date-time as float days since 0001-01-01 (aware ones in UTC); `end` means the day's end."""
    if isinstance(instant, dt.datetime):
        offset = instant.utcoffset()
        if offset is not None:
            instant = instant.replace(tzinfo=None) - offset
        seconds = instant.hour * 3600 + instant.minute * 60 + instant.second + instant.microsecond / 1e6
        return instant.toordinal() + seconds / 86400
    return float(instant.toordinal() + (1 if end else 0))


def _date(days: float) -> dt.date:
    return dt.date.fromordinal(max(1, min(math.floor(days), dt.date.max.toordinal())))


@attrs.frozen
class Segment:
    """A stretch of time drawn to its own linear scale between two pixel positions."""

    start: float
    end: float
    left: float
    right: float
    count: int

    def x(self, t: float) -> float:
        return self.left + (t - self.start) / (self.end - self.start) * (self.right - self.left)


@attrs.frozen
class Break:
    """A cut in the axis: the omitted time and the pixels of the mark that stands for it."""

    start: float
    end: float
    left: float
    right: float

    @property
    def days(self) -> float:
        return self.end - self.start


@attrs.frozen
class Scale:
    """Time to pixels over one or more segments; times inside a cut fall proportionally inside its mark."""

    segments: tuple[Segment, ...]
    breaks: tuple[Break, ...]

    def x(self, t: float) -> float:
        last = len(self.segments) - 1
        for index, segment in enumerate(self.segments):
            if t <= segment.end or index == last:
                if index and t < segment.start:
                    cut = self.breaks[index - 1]
                    return cut.left + (t - cut.start) / max(cut.days, 1e-9) * (cut.right - cut.left)
                return segment.x(t)
        raise AssertionError("unreachable")


@attrs.frozen
class _Plan:
    bounds: tuple[tuple[float, float], ...]  # each segment's padded [start, end]
    counts: tuple[int, ...]


def _clusters(spans: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]


def _padded(lo: float, hi: float, count: int, room_before: float, room_after: float) -> tuple[float, float]:
    """The segment's drawn range: a little air, and a lone short event shown within its calendar year."""
    if count <= 1 and hi - lo < _YEAR:
        first, last = _date(lo), _date(hi - 1e-6)
        year_lo = float(dt.date(first.year, 1, 1).toordinal())
        year_hi = float(dt.date(last.year + 1, 1, 1).toordinal()) if last.year < 9999 else hi
        if lo - year_lo <= room_before and year_hi - hi <= room_after:
            return year_lo, year_hi
    pad = max((hi - lo) * 0.03, 0.5)
    return lo - min(pad, room_before), hi + min(pad, room_after)


def _plan(clusters: list[tuple[float, float]], cuts: Sequence[int], anchors: np.ndarray) -> _Plan:
    groups: list[tuple[float, float]] = []
    start = 0
    for cut in [*sorted(cuts), len(clusters) - 1]:
        groups.append((clusters[start][0], clusters[cut][1]))
        start = cut + 1
    counts = [
        int(np.searchsorted(anchors, hi, side="right") - np.searchsorted(anchors, lo, side="left")) for lo, hi in groups
    ]
    bounds = []
    for index, (lo, hi) in enumerate(groups):
        before = (lo - groups[index - 1][1]) / 2 if index else math.inf
        after = (groups[index + 1][0] - hi) / 2 if index + 1 < len(groups) else math.inf
        bounds.append(_padded(lo, hi, counts[index], before, after))
    return _Plan(tuple(bounds), tuple(counts))


def _allocate(plan: _Plan, left: float, right: float, break_width: float, min_width: float) -> list[float]:
    n = len(plan.bounds)
    room = right - left - (n - 1) * break_width - n * min_width
    durations = [hi - lo for lo, hi in plan.bounds]
    total_time = sum(durations) or 1.0
    total_count = sum(plan.counts) or 1
    return [
        min_width + max(room, 0.0) * (_TIME_SHARE * d / total_time + (1 - _TIME_SHARE) * c / total_count)
        for d, c in zip(durations, plan.counts, strict=True)
    ]


def _crowding(plan: _Plan, widths: list[float], anchors: np.ndarray) -> float:
    cost = 0.0
    for (lo, hi), width in zip(plan.bounds, widths, strict=True):
        inside = anchors[np.searchsorted(anchors, lo) : np.searchsorted(anchors, hi, side="right")]
        if len(inside) > 1:
            gaps = np.diff(inside) / (hi - lo) * width
            # Halving the room of crowded neighbours costs the same at any density, so a dense cluster
            # keeps asking for room however crowded it already is.
            cost += float(np.clip(np.log2(_CROWDED_PX / (gaps + 2.0)), 0.0, None).sum())
    return cost


def build_scale(
    spans: Sequence[tuple[float, float]],
    anchors: Sequence[float],
    left: float,
    right: float,
    *,
    breaks: bool = True,
    break_width: float = 36.0,
    min_width: float = 56.0,
) -> Scale:
    """The scale for events covering `spans` and placed at `anchors`, cutting gaps that give crowded events room."""
    if not spans:
        today = float(dt.date(2000, 1, 1).toordinal())
        spans = [(today, today + 1)]
    clusters = _clusters(spans)
    points = np.sort(np.asarray(anchors, dtype=float)) if len(anchors) else np.asarray([clusters[0][0]])
    total = clusters[-1][1] - clusters[0][0]
    cuts: list[int] = []
    if breaks and len(clusters) > 1:
        typical = float(np.median(np.diff(points))) if len(points) > 2 else 0.0
        gaps = sorted(
            (
                (clusters[i + 1][0] - clusters[i][1], i)
                for i in range(len(clusters) - 1)
                if clusters[i + 1][0] - clusters[i][1] >= max(_MIN_GAP_SHARE * total, _MIN_GAP_TYPICAL * typical)
            ),
            key=lambda gap: (-gap[0], gap[1]),
        )
        cuts = sorted(i for _, i in gaps[:_MAX_CANDIDATES])

        candidates = set(cuts)

        def crowding(chosen: list[int]) -> float:
            plan = _plan(clusters, chosen, points)
            widths = _allocate(plan, left, right, break_width, min_width)
            if min(widths) < min_width or sum(widths) + (len(widths) - 1) * break_width > right - left + 1e-6:
                return math.inf
            # Long empty stretches left on the axis waste room too.
            waste = 0.0
            for (lo, hi), width in zip(plan.bounds, widths, strict=True):
                scale = width / (hi - lo)
                for gap in candidates.difference(chosen):
                    if lo <= clusters[gap][1] and clusters[gap + 1][0] <= hi:
                        waste += (clusters[gap + 1][0] - clusters[gap][1]) * scale / _WASTED_PX
            return _crowding(plan, widths, points) + waste

        # Start with every long gap cut, then mend the cuts that do not earn their place: a cluster that
        # needs room only gets it once all the gaps around it are cut, which adding cuts one by one misses.
        current = crowding(cuts)
        while cuts:
            best_cost, best = min((crowding([c for c in cuts if c != cut]), cut) for cut in cuts)
            if math.isfinite(current) and best_cost > current * (1 + _MIN_GAIN) + _BREAK_COST:
                break
            cuts.remove(best)
            current = best_cost
    plan = _plan(clusters, cuts, points)
    widths = _allocate(plan, left, right, break_width, min_width)
    segments: list[Segment] = []
    cut_marks: list[Break] = []
    x = left
    for index, ((lo, hi), width) in enumerate(zip(plan.bounds, widths, strict=True)):
        if index:
            cut_marks.append(Break(plan.bounds[index - 1][1], lo, x, x + break_width))
            x += break_width
        segments.append(Segment(lo, hi, x, x + width, plan.counts[index]))
        x += width
    return Scale(tuple(segments), tuple(cut_marks))


# --- ticks -----------------------------------------------------------------------


@attrs.frozen
class Tick:
    """A labelled tick: its time, its pixel and its text (empty for an unlabelled tick)."""

    t: float
    x: float
    label: str


@functools.cache
def _month_abbr(month: int, locale: str) -> str:
    if locale.split("_")[0].split("-")[0].lower() == "en":
        return calendar.month_abbr[month]
    import pendulum

    return str(pendulum.date(2000, month, 1).format("MMM", locale=locale))


# (kind, step, approximate days per step), finest first.
_UNITS: Final = (
    ("day", 1, 1.0),
    ("day", 2, 2.0),
    ("week", 1, 7.0),
    ("month", 1, 30.4),
    ("month", 3, 91.3),
    ("month", 6, 182.6),
    ("year", 1, _YEAR),
    ("year", 2, 2 * _YEAR),
    ("year", 5, 5 * _YEAR),
    ("year", 10, 10 * _YEAR),
    ("year", 20, 20 * _YEAR),
    ("year", 50, 50 * _YEAR),
    ("year", 100, 100 * _YEAR),
    ("year", 200, 200 * _YEAR),
    ("year", 500, 500 * _YEAR),
    ("year", 1000, 1000 * _YEAR),
)


def _tick_dates(kind: str, step: int, start: float, end: float) -> list[dt.date]:
    first, last = _date(start), _date(end)
    out: list[dt.date] = []
    if kind == "year":
        year = -(-first.year // step) * step
        while year <= last.year:
            out.append(dt.date(year, 1, 1))
            year += step
    elif kind == "month":
        index = first.year * 12 + first.month - 1
        while index <= last.year * 12 + last.month - 1:
            if index % 12 % step == 0 and 1 <= index // 12 <= 9999:
                out.append(dt.date(index // 12, index % 12 + 1, 1))
            index += 1
    else:
        day = first
        while day <= last:
            if (kind == "week" and day.weekday() == 0) or (kind == "day" and day.toordinal() % step == 0):
                out.append(day)
            if day == dt.date.max:
                break
            day += dt.timedelta(days=1)
    return [d for d in out if start <= d.toordinal() <= end]


def _tick_label(kind: str, day: dt.date, first: bool, locale: str) -> str:
    if kind == "year":
        return str(day.year)
    month = _month_abbr(day.month, locale)
    if kind == "month":
        return f"{month} {day.year}" if first or day.month == 1 else month
    return f"{day.day} {month} {day.year}" if first or (day.month == 1 and day.day == 1) else f"{day.day} {month}"


def _span_label(segment: Segment, locale: str) -> str:
    first, last = _date(segment.start), _date(segment.end - 1e-6)
    if first.year != last.year:
        return f"{first.year}–{last.year}"
    if first.month != last.month or segment.end - segment.start > 31:
        return str(first.year)
    return f"{_month_abbr(first.month, locale)} {first.year}"


def segment_ticks(
    segment: Segment, measure: Callable[[str], float], locale: str = "en", gap: float = 12.0
) -> list[Tick]:
    """The finest calendar ticks whose labels fit the segment without touching; a span label if none fit."""
    width = segment.right - segment.left
    duration = segment.end - segment.start
    for kind, step, days in _UNITS:
        if duration / days > width / 28:
            continue
        dates = _tick_dates(kind, step, segment.start, segment.end)
        if not dates:
            continue
        xs = [segment.x(float(d.toordinal())) for d in dates]
        short = [_tick_label(kind, d, False, locale) for d in dates]
        widths = [measure(t) for t in short]
        spacing = min((b - a for a, b in itertools.pairwise(xs)), default=math.inf)
        if spacing < max(widths) + gap:
            continue
        inside = [
            i
            for i, (x, w) in enumerate(zip(xs, widths, strict=True))
            if x - w / 2 >= segment.left + 2 and x + w / 2 <= segment.right - 2
        ]
        while inside:
            # The first tick shown names its year; drop ticks from the left until that fits.
            labels = [_tick_label(kind, dates[i], n == 0, locale) for n, i in enumerate(inside)]
            spans = [(xs[i] - measure(t) / 2, xs[i] + measure(t) / 2) for i, t in zip(inside, labels, strict=True)]
            if (
                spans[0][0] >= segment.left + 2
                and spans[0][1] <= segment.right - 2
                and all(a[1] + gap <= b[0] for a, b in itertools.pairwise(spans))
            ):
                return [Tick(float(dates[i].toordinal()), xs[i], t) for i, t in zip(inside, labels, strict=True)]
            inside = inside[1:]
        break
    return [Tick((segment.start + segment.end) / 2, (segment.left + segment.right) / 2, _span_label(segment, locale))]


_ELAPSED: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "en": {"year": ("year", "years"), "month": ("month", "months"), "week": ("week", "weeks"), "day": ("day", "days")},
    "fr": {"year": ("an", "ans"), "month": ("mois", "mois"), "week": ("sem.", "sem."), "day": ("jour", "jours")},
    "de": {
        "year": ("Jahr", "Jahre"),
        "month": ("Monat", "Monate"),
        "week": ("Woche", "Wochen"),
        "day": ("Tag", "Tage"),
    },
    "es": {"year": ("año", "años"), "month": ("mes", "meses"), "week": ("sem.", "sem."), "day": ("día", "días")},
    "ru": {"year": ("г.", "г."), "month": ("мес.", "мес."), "week": ("нед.", "нед."), "day": ("дн.", "дн.")},
    "ko": {"year": ("년", "년"), "month": ("개월", "개월"), "week": ("주", "주"), "day": ("일", "일")},
}


def elapsed_words(days: float, locale: str = "en") -> tuple[str, str]:
    """The time a cut omits, rounded to a unit a reader thinks in: ("13", "years")."""
    if days >= 2 * _YEAR:
        value, unit = round(days / _YEAR), "year"
    elif days >= 60:
        value, unit = round(days / 30.44), "month"
    elif days >= 14:
        value, unit = round(days / 7), "week"
    else:
        value, unit = max(1, round(days)), "day"
    words = _ELAPSED.get(locale.split("_")[0].split("-")[0].lower(), _ELAPSED["en"])[unit]
    return str(value), words[0] if value == 1 else words[1]
