"""The benchmark's floors write what our exporters write, so "vs floor" compares equal outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.benchmarks import synthetic
from tests.benchmarks.run import FLOOR_WRITERS
from timeline import ExportOptions, export, load
from timeline.records import Timeline


@pytest.fixture(scope="module")
def timeline(tmp_path_factory: pytest.TempPathFactory) -> Timeline:
    """Synthetic events as the benchmark makes them, loaded from JSON as the benchmark loads them."""
    path = Path(tmp_path_factory.mktemp("floors")) / "events.json"
    path.write_text(synthetic.as_json(synthetic.events(2_000)), encoding="utf-8")
    return load(path).timeline


def floor(name: str, timeline: Timeline) -> bytes:
    namespace: dict[str, object] = {"TL": timeline}
    exec(FLOOR_WRITERS[name], namespace)  # our own benchmark code, run as the benchmark runs it
    out = namespace["out"]
    assert isinstance(out, bytes)
    return out


def ours(name: str, timeline: Timeline) -> bytes:
    return export(timeline, name, ExportOptions()).data


@pytest.mark.parametrize("name", ["csv", "ics"])
def test_same_bytes(name: str, timeline: Timeline) -> None:
    """The CSV and iCalendar floors write exactly our bytes."""
    assert floor(name, timeline) == ours(name, timeline)


def test_json_same_records(timeline: Timeline) -> None:
    """The JSON floor writes the same records (on one line, without the header fields)."""
    assert json.loads(floor("json", timeline)) == json.loads(ours("json", timeline))["events"]


def test_markdown_same_lines_but_the_legend(timeline: Timeline) -> None:
    """The Markdown floor writes our heading, table rows and footnotes; only the legend line is ours alone."""
    mine = ours("md", timeline).decode().split("\n")
    legend = [line for line in mine if line.startswith("*Dates are")]
    assert len(legend) == 1
    index = mine.index(legend[0])
    assert floor("md", timeline).decode().split("\n") == mine[:index] + mine[index + 2 :]
