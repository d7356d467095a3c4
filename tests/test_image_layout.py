"""The pure label layout, axis scale and text wrapping behind the timeline image."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.formats.image_axis import build_scale, segment_ticks, to_days
from timeline.formats.image_layout import LabelBox, layout_labels, pack_rows
from timeline.formats.image_text import Measurer

boxes_strategy = st.lists(
    st.builds(
        LabelBox,
        anchor=st.floats(0, 1000),
        width=st.floats(20, 220),
        height=st.floats(10, 60),
    ),
    min_size=1,
    max_size=60,
)


class TestLayoutLabels:
    """Labels in one layer never overlap, keep their events' order, stay inside, and every one is placed."""

    @settings(max_examples=150, deadline=None)
    @given(boxes_strategy)
    def test_layers_are_disjoint_ordered_and_inside(self, boxes: list[LabelBox]) -> None:
        """Within each layer: no overlap, anchors' order kept, all within [0, 1000]; nothing left unplaced."""
        layout = layout_labels(boxes, 0.0, 1000.0, gap=8.0)
        assert all(p is not None for p in layout.placements)
        layers: dict[int, list[tuple[float, float, float]]] = {}
        for box, placement in zip(boxes, layout.placements, strict=True):
            assert placement is not None
            assert len(placement.stubs) == placement.layer
            assert -1e-6 <= placement.left
            assert placement.left + box.width <= 1000.0 + 1e-6
            layers.setdefault(placement.layer, []).append((box.anchor, placement.left, placement.left + box.width))
        for members in layers.values():
            members.sort()
            for (_, _, right), (_, left, _) in itertools.pairwise(members):
                assert right <= left + 1e-6

    @settings(max_examples=100, deadline=None)
    @given(boxes_strategy)
    def test_leaders_keep_their_order(self, boxes: list[LabelBox]) -> None:
        """In every layer the leaders pass in the order of their events, so they never cross."""
        layout = layout_labels(boxes, 0.0, 1000.0)
        order = sorted(range(len(boxes)), key=lambda i: (boxes[i].anchor, i))
        depth = max((p.layer for p in layout.placements if p is not None), default=0)
        for layer in range(depth):
            xs = [p.stubs[layer] for i in order if (p := layout.placements[i]) is not None and p.layer > layer]
            assert xs == sorted(xs)

    def test_max_layers_leaves_the_rest_unplaced(self) -> None:
        """With one layer allowed, labels that need a second are not placed."""
        boxes = [LabelBox(500.0, 200.0, 20.0) for _ in range(5)]
        layout = layout_labels(boxes, 0.0, 1000.0, max_layers=1)
        assert 1 == sum(p is not None for p in layout.placements)


class TestPackRows:
    """Marks go to the lowest row where they touch nothing."""

    def test_rows(self) -> None:
        """Overlapping extents stack; a later one fits back into the first row."""
        assert [0, 1, 0] == pack_rows([(0, 10), (5, 15), (20, 30)], max_rows=4)


class TestScale:
    """The broken axis maps time to pixels monotonically and cuts only gaps worth cutting."""

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.integers(0, 30000), min_size=2, max_size=40), st.booleans())
    def test_monotonic(self, days: list[int], breaks: bool) -> None:
        """Later times are never left of earlier ones, and all events lie within the axis."""
        base = dt.date(1950, 1, 1).toordinal()
        spans = [(float(base + d), float(base + d + 1)) for d in days]
        scale = build_scale(spans, [lo + 0.5 for lo, _ in spans], 24.0, 1176.0, breaks=breaks)
        times = sorted(t for span in spans for t in span)
        xs = [scale.x(t) for t in times]
        assert xs == sorted(xs)
        assert 24.0 - 1e-6 <= xs[0]
        assert xs[-1] <= 1176.0 + 1e-6
        if not breaks:
            assert () == scale.breaks

    def test_ticks_fit_their_segment(self) -> None:
        """Tick labels lie inside their segment and do not touch each other."""
        measure = Measurer()
        spans = [(to_days(dt.date(2024, m, 1)), to_days(dt.date(2024, m, 1), end=True)) for m in range(1, 13)]
        scale = build_scale(spans, [lo for lo, _ in spans], 24.0, 1176.0)
        for segment in scale.segments:
            ticks = segment_ticks(segment, lambda s: measure.width(s, 11.0))
            assert ticks
            edges = [(t.x - measure.width(t.label, 11.0) / 2, t.x + measure.width(t.label, 11.0) / 2) for t in ticks]
            assert all(segment.left <= a and b <= segment.right for a, b in edges)
            assert all(a[1] < b[0] for a, b in itertools.pairwise(edges))
            assert "2024" in ticks[0].label


class TestWrap:
    """Titles wrap to a width and are cut with an ellipsis past the line limit."""

    def test_wrap_and_cut(self) -> None:
        """Every line fits; a title too long for two lines ends in an ellipsis."""
        measure = Measurer()
        lines, cut = measure.wrap("one two three four five six seven eight nine ten " * 4, 12.0, 120.0, 2)
        assert (2, True) == (len(lines), cut)
        assert lines[-1].endswith("…")
        assert all(measure.width(line, 12.0) <= 120.0 for line in lines)

    def test_short_title_is_not_cut(self) -> None:
        """A title that fits stays whole."""
        assert (["Putin visits"], False) == Measurer().wrap("Putin visits", 12.0, 200.0, 3)
