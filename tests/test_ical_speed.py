"""Export speed: 5,000 events in under 1.5 s, and the fast writer's output still parses with icalendar."""

from __future__ import annotations

import icalendar

from tests.ical.bench import OPTIONS, bench_timeline, events_per_second, minimal_writer
from timeline.formats.ical import export_ics


class TestSpeed:
    """The direct writer keeps exports fast (tests/ical/bench.py reports the figures)."""

    def test_five_thousand_events(self) -> None:
        """5,000 events export in under 1.5 s (best of three)."""
        timeline = bench_timeline(5_000)
        assert events_per_second(export_ics, timeline) > 5_000 / 1.5

    def test_output_parses(self) -> None:
        """icalendar reads every event of the fast writer's output, without errors."""
        data = export_ics(bench_timeline(5_000), OPTIONS).data
        calendar = icalendar.Calendar.from_ical(data)
        assert 5_000 == len(calendar.walk("VEVENT"))
        assert [] == [component.errors for component in calendar.walk() if component.errors]

    def test_minimal_writer_same_bytes(self) -> None:
        """The benchmark's minimal writer writes the same bytes, so its speed is a fair yardstick."""
        timeline = bench_timeline(500)
        assert export_ics(timeline, OPTIONS).data == minimal_writer(timeline, OPTIONS)
