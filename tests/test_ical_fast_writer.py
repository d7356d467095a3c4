"""The fast writer's output parses with icalendar and matches the benchmark's yardstick (figures: nox -s bench)."""

from __future__ import annotations

import icalendar

from tests.ical.bench import OPTIONS, bench_timeline, minimal_writer
from timeline.formats.ical import export_ics


class TestSpeed:
    """The direct writer stays correct; its speed is reported by tests/ical/bench.py, not asserted."""

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
