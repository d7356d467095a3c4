"""Export speed of the Markdown exporter on synthetic events: mixed precisions, non-Latin text, one source each.

`python -m tests.test_markdown_speed` measures 100,000 events in each style (the target is
100,000 events/s); the test only guards against a large slowdown, such as quadratic work.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from timeline.dates import parse_date
from timeline.formats import ExportOptions
from timeline.formats.markdown import export_markdown
from timeline.records import Event, Source, Timeline

_WORDS = ["troops", "Kursk", "armistice", "병력", "파병", "войска", "перемирие", "القوات", "会谈", "delegation"]


def _dates(r: random.Random) -> list[Callable[[], str]]:
    return [
        lambda: f"{r.randint(1900, 2025)}",
        lambda: f"{r.randint(1900, 2025)}-{r.randint(1, 12):02d}",
        lambda: f"{r.randint(1900, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
        lambda: f"{r.choice(['early', 'mid', 'late'])} {r.randint(190, 202)}0s",
        lambda: f"c. {r.randint(1900, 2025)}",
        lambda: f"{r.randint(1900, 2024)}-{r.randint(1, 12):02d}/..",
        lambda: f"{r.randint(1950, 1990)}/{r.randint(1991, 2025)}-{r.randint(1, 12):02d}",
        lambda: f"{r.randint(1990, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:30:00Z",
        lambda: f"{r.randint(1900, 2025)}-2{r.randint(1, 4)}",
        lambda: f"{r.randint(1900, 2025)}?",
    ]


def synthetic(count: int, seed: int = 7) -> Timeline:
    """`count` events; half have a 10-60 word description, 30% a location, each its own source."""
    r = random.Random(seed)
    dates = _dates(r)
    events = [
        Event(
            id=f"event-{i}",
            title=" ".join(r.choices(_WORDS, k=r.randint(3, 12))).capitalize(),
            date=parse_date(r.choice(dates)()),
            description=" ".join(r.choices(_WORDS, k=r.randint(10, 60))) if r.random() < 0.5 else None,
            location=r.choice(["Pyongyang", "Kursk region", "Москва", "서울"]) if r.random() < 0.3 else None,
            sources=(Source(url=f"https://example.org/{i}", title="Report", publisher="Agency"),),
        )
        for i in range(count)
    ]
    return Timeline(title="Synthetic", events=events)


def cpu_seconds(timeline: Timeline, options: ExportOptions, runs: int = 3) -> float:
    """The best of `runs` exports, in CPU seconds (other work on the machine does not count)."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        export_markdown(timeline, options)
        best = min(best, time.process_time() - start)
    return best


def test_no_large_slowdown() -> None:
    """20,000 events in the slowest style take under 4 s of CPU (about 0.2 s when written)."""
    timeline = synthetic(20_000)
    assert cpu_seconds(timeline, ExportOptions(md_style="list", mermaid=True), runs=1) < 4.0


def main() -> None:
    timeline = synthetic(100_000)
    for style, mermaid in (("table", False), ("list", False), ("list", True)):
        seconds = cpu_seconds(timeline, ExportOptions(md_style=style, mermaid=mermaid))
        flags = f"--md-style {style}" + (" --mermaid" if mermaid else "")
        print(f"{flags:28} {seconds:.3f} s CPU  {len(timeline) / seconds:>9,.0f} events/s")


if __name__ == "__main__":
    main()
