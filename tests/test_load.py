"""Loading event files: records from YAML and JSON, every problem located, JSON round trips."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.conftest import EXAMPLE
from tests.strategies import timelines
from timeline import InvalidInput, load, load_timeline
from timeline.dates import Bound, Interval, parse_date
from timeline.formats import ExportOptions
from timeline.formats.records_json import export_json
from timeline.records import Timeline

MALFORMED = Path(__file__).parent / "malformed"

#: Each malformed file and the first error it must produce, exactly.
CORPUS = {
    "bad-id.yaml": "bad-id.yaml:2:9: error: 'id': must be a slug of letters, digits, '-', '_' or '.' "
    "(got 'Kursk Incursion'); try 'kursk-incursion'",
    "bad-indentation.yaml": "bad-indentation.yaml:4:4: error: is not valid YAML: did not find expected '-' indicator",
    "billion-laughs.yaml": "billion-laughs.yaml:6:4: error: YAML aliases expand to more than 1,000,000 values; "
    "refusing the file (a 'billion laughs' bomb?)",
    "date-and-start.yaml": "date-and-start.yaml:4:5: error: event 'both': 'date': "
    "give either 'date' or 'start'/'end', not both",
    "duplicate-key.json": "duplicate-key.json:3:31: error: duplicate key 'title'; each key may appear once",
    "duplicate-key.yaml": "duplicate-key.yaml:5:5: error: duplicate key 'date'; each key may appear once",
    "end-before-start.yaml": "end-before-start.yaml:5:10: error: event 'backwards': 'end': "
    "ends before it starts: 2019 is before 2020-05",
    "events-not-list.yaml": "events-not-list.yaml:2:3: error: 'events': must be a list of events (got a mapping)",
    "impossible-date.yaml": "impossible-date.yaml:4:11: error: event 'leap': 'date': "
    "'2023-02-29' is not a real date (February 2023 has 28 days)",
    "missing-events.yaml": "missing-events.yaml:1:1: error: 'events': is missing: "
    "an event file needs an 'events:' list",
    "missing-title.yaml": "missing-title.yaml:2:5: error: event 'kursk': 'title': is required and missing",
    "month-13.yaml": "month-13.yaml:4:11: error: event 'kursk': 'date': "
    "month 13 does not exist; months are 01-12, seasons 21-24 (got '2024-13')",
    "nan.json": "nan.json:3:61: error: is not valid JSON: NaN is not a JSON number",
    "not-a-date.yaml": "not-a-date.yaml:4:11: error: event 'a': 'date': 'sometime in the spring' is not a date; "
    "expected an EDTF date (1953, 2024-06, 1953-07-27, 197X, 2024-21, 2025-07-12T10:00), "
    "a phrase (late 1970s, June 2024, 27 July 1953, c. 2019), or a range A/B",
    "not-utf8.yaml": "not-utf8.yaml:3:15: error: is not UTF-8 text (byte 0xe9 at offset 32); save it as UTF-8",
    "python-tag.yaml": "python-tag.yaml:3:12: error: YAML tag '!!python/object/apply:os.system' "
    "is not allowed in event files; remove it",
    "trailing-comma.json": "trailing-comma.json:4:3: error: is not valid JSON: Expecting value",
    "unknown-field.yaml": "unknown-field.yaml:3:5: error: event 'kursk': 'titel': is not a field of an event; "
    "known fields: id, title, date, start, end, description, location, tz, tags, sources, importance; "
    "did you mean 'title'?",
    "unknown-source-field.yaml": "unknown-source-field.yaml:7:9: error: event 'a': 'publsher': "
    "is not a field of a source; known fields: url, title, publisher, published; did you mean 'publisher'?",
    "unknown-tz.yaml": "unknown-tz.yaml:5:9: error: event 'wonsan': 'tz': "
    "is not a known IANA time zone (got 'Asia/Pyongyan'); did you mean 'Asia/Pyongyang'?",
    "year-out-of-range.yaml": "year-out-of-range.yaml:4:11: error: event 'far': 'date': "
    "'10000' is out of range; years run from 1 to 9999",
}


def problems_of(*paths: Path) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        load(*paths)
    return [str(p).replace(str(MALFORMED) + "/", "") for p in info.value.problems]


class TestMalformedCorpus:
    """Every malformed file is refused with its own message at its own place."""

    def test_corpus_is_complete(self) -> None:
        """Every file in the corpus has an expectation (and the corpus is big enough)."""
        assert sorted(p.name for p in MALFORMED.iterdir()) == sorted(CORPUS)
        assert len(CORPUS) >= 15

    @pytest.mark.parametrize("name", sorted(CORPUS))
    def test_message(self, name: str) -> None:
        """The expected problem is reported, with file, line and column."""
        assert CORPUS[name] in problems_of(MALFORMED / name)

    def test_billion_laughs_is_quick_and_small(self) -> None:
        """The alias bomb is refused in well under a second, without expanding it."""
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        problems_of(MALFORMED / "billion-laughs.yaml")
        assert time.perf_counter() - started < 5
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB

    def test_every_problem_in_one_run(self) -> None:
        """All files and all problems are reported together."""
        problems = problems_of(MALFORMED / "month-13.yaml", MALFORMED / "unknown-tz.yaml", MALFORMED / "bad-id.yaml")
        assert 3 == len([p for p in problems if ": error: " in p])

    def test_duplicate_ids_across_files(self, tmp_path: Path) -> None:
        """An id used in two files is an error naming both places."""
        (tmp_path / "a.yaml").write_text("events:\n  - id: kursk\n    title: One\n    date: 2024-08\n")
        (tmp_path / "b.yaml").write_text(
            "events:\n  - id: x\n    title: X\n    date: 2024\n  - id: kursk\n    title: Two\n    date: 2024-09\n"
        )
        with pytest.raises(InvalidInput) as info:
            load(tmp_path)
        errors = [str(p) for p in info.value.errors]
        assert [
            f"{tmp_path}/b.yaml:5:9: error: event 'kursk': 'id': is used twice; first used at "
            f"{tmp_path}/a.yaml:2. Ids must be unique across all files"
        ] == errors

    def test_missing_path(self, tmp_path: Path) -> None:
        """A path that does not exist is named."""
        with pytest.raises(InvalidInput) as info:
            load(tmp_path / "nope.yaml")
        assert [f"{tmp_path}/nope.yaml: error: does not exist"] == [str(p) for p in info.value.problems]


class TestYaml:
    """YAML as people write it."""

    def write(self, tmp_path: Path, text: str) -> Path:
        path = tmp_path / "events.yaml"
        path.write_text(text)
        return path

    def test_unquoted_scalars_keep_their_text(self, tmp_path: Path) -> None:
        """Unquoted dates, years and timestamps are read as written, not as YAML types."""
        path = self.write(
            tmp_path,
            "events:\n"
            "  - {id: a, title: A, date: 1953-07-27}\n"
            "  - {id: b, title: B, date: 2019}\n"
            "  - {id: c, title: C, date: 2025-07-12T10:00:00+09:00}\n"
            "  - {id: d, title: D, date: 2025-07-12 10:00:00Z}\n",
        )
        dates = {e.id: e.date.canonical() for e in load_timeline(path)}
        assert {"a": "1953-07-27", "b": "2019", "c": "2025-07-12T10:00:00+09:00", "d": "2025-07-12T10:00:00Z"} == dates

    def test_start_and_end(self, tmp_path: Path) -> None:
        """`start`/`end` make an interval; `end: ..` is ongoing."""
        path = self.write(
            tmp_path,
            "events:\n  - {id: a, title: A, start: 2024-10, end: ..}\n"
            "  - {id: b, title: B, start: late 1970s, end: early 1980s}\n",
        )
        timeline = load_timeline(path)
        assert parse_date("late 1970s/early 1980s") == timeline.events[0].date
        assert isinstance(timeline.events[1].date, Interval)
        assert Bound.OPEN is timeline.events[1].date.end

    def test_anchors_and_merge_keys(self, tmp_path: Path) -> None:
        """Anchors share sources; merge keys share defaults, and explicit keys win."""
        path = self.write(
            tmp_path,
            "events:\n"
            "  - &base\n    id: a\n    title: A\n    date: 2024\n    tags: [war]\n    sources: [{title: Article}]\n"
            "  - <<: *base\n    id: b\n    date: 2025\n",
        )
        a, b = load_timeline(path).events
        assert (a.sources, a.tags, "A") == (b.sources, b.tags, b.title)
        assert ("a", "b") == (a.id, b.id)

    def test_null_and_quoted_null(self, tmp_path: Path) -> None:
        """A plain `~` is nothing; a quoted "~" is text."""
        path = self.write(tmp_path, 'events:\n  - {id: a, title: "~", date: 2024, location: ~}\n')
        event = load_timeline(path).events[0]
        assert ("~", None) == (event.title, event.location)

    def test_event_tz_applies(self, tmp_path: Path) -> None:
        """A time without an offset takes the event's tz."""
        path = self.write(tmp_path, "events:\n  - {id: a, title: A, date: 1953-07-27T10:00, tz: Asia/Pyongyang}\n")
        event = load_timeline(path).events[0]
        assert "Asia/Pyongyang" == event.date.tz  # type: ignore[union-attr]

    def test_warnings(self, tmp_path: Path) -> None:
        """No sources, floating times and repeated title+date are warnings, errors with strict."""
        path = self.write(
            tmp_path,
            "events:\n  - {id: a, title: A, date: 2025-07-12T10:00}\n  - {id: b, title: A, date: 2025-07-12T10:00}\n",
        )
        loaded = load(path)
        assert 5 == len(loaded.warnings)
        with pytest.raises(InvalidInput):
            load(path, strict=True)

    def test_header(self, tmp_path: Path) -> None:
        """The timeline block gives title, description and as_of; a file name stands in for a title."""
        path = self.write(
            tmp_path,
            "timeline: {title: T, description: D, as_of: 2025-07-14}\nevents: [{id: a, title: A, date: 2024}]\n",
        )
        timeline = load_timeline(path)
        assert ("T", "D", "2025-07-14") == (timeline.title, timeline.description, str(timeline.as_of))
        bare = tmp_path / "my-events.yaml"
        bare.write_text("events: [{id: a, title: A, date: 2024}]\n")
        assert "My events" == load_timeline(bare).title


class TestDirectories:
    """A directory means every event file inside, merged."""

    def test_merge(self, tmp_path: Path) -> None:
        """YAML, YML and JSON files merge into one sorted timeline."""
        (tmp_path / "a.yaml").write_text("events: [{id: a, title: A, date: 2024}]\n")
        (tmp_path / "b.yml").write_text("events: [{id: b, title: B, date: 1953}]\n")
        (tmp_path / "c.json").write_text('{"events": [{"id": "c", "title": "C", "date": 2000}]}')
        (tmp_path / "notes.txt").write_text("not events")
        assert ["b", "c", "a"] == [e.id for e in load_timeline(tmp_path)]

    def test_empty_directory(self, tmp_path: Path) -> None:
        """A directory with no event files is an error, not an empty timeline."""
        with pytest.raises(InvalidInput) as info:
            load(tmp_path)
        assert f"{tmp_path}: error: holds no event files" in str(info.value.problems[0])


class TestJsonRoundTrip:
    """The normalised JSON is also an input: export then load gives equal records."""

    def test_example(self, tmp_path: Path) -> None:
        """The example timeline survives the round trip."""
        original = load_timeline(EXAMPLE)
        path = tmp_path / "out.json"
        path.write_bytes(export_json(original, ExportOptions()).data)
        assert original == load_timeline(path)

    def test_fields(self) -> None:
        """Each event carries the derived fields the issue names."""
        data = json.loads(export_json(load_timeline(EXAMPLE), ExportOptions()).data)
        ongoing = next(e for e in data["events"] if e["id"] == "nk-troops-in-russia")
        assert {
            "date": "2024-10/..",
            "display": "since October 2024",
            "earliest": "2024-10-01",
            "latest": None,
            "precision": "month",
            "approximate": False,
            "uncertain": False,
        }.items() <= ongoing.items()

    @settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(timelines())
    def test_any_timeline(self, tmp_path: Path, timeline: Timeline) -> None:
        """Any valid timeline survives export and load."""
        path = tmp_path / "out.json"
        path.write_bytes(export_json(timeline, ExportOptions()).data)
        assert timeline.events == load_timeline(path).events
