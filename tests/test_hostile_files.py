"""Hostile files: each is refused with a clear, located message and exit status 1, in bounded time and memory.

Every case runs through the CLI (`validate`, and `export`, `build` or `import` where the file
could reach them) and must end with exit status 1, the file named on stderr (with its line
where the format has lines), and no traceback. The cases that could exhaust the machine run
again as a separate process under an address-space limit and a timeout. Big and binary
files are made here, in tmp_path; none is committed.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import pytest
from click.testing import CliRunner, Result

from timeline import InvalidInput, load, readers
from timeline.cli import main

#: A separate process may use this much address space (a plain `timeline validate` needs about 200 MB).
MEMORY_LIMIT: Final = 512 * 1024 * 1024
#: ... and this much time, though every case here takes well under a second.
TIME_LIMIT: Final = 30.0

VALID_EVENT: Final = "events: [{id: a, title: A, date: 2024, sources: [https://example.org]}]\n"


def refused(result: Result, file: Path | str, *fragments: str, line: int | None = None) -> str:
    """Assert the CLI refused the input cleanly: status 1, no traceback, the file (and line) and fragments on stderr."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert 1 == result.exit_code, result.output
    assert "Traceback" not in result.output
    where = f"{file}:{line}:" if line is not None else f"{file}"
    assert where in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    return result.stderr


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def refused_everywhere(path: Path, *fragments: str, line: int | None = None) -> None:
    """`validate`, `export` and `import` all refuse the file the same way, and `export` writes nothing."""
    refused(cli("validate", path), path, *fragments, line=line)
    out = path.parent / "out" / "x.json"
    out.parent.mkdir(exist_ok=True)
    refused(cli("export", path, "-o", out), path, *fragments, line=line)
    assert not out.exists()
    if path.suffix in (".yaml", ".json", ".csv"):  # our own event files convert with `timeline import`
        refused(cli("import", path, "-o", out.with_suffix(".yaml"), "--format", "events"), path, *fragments, line=line)


def limited(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`timeline ARGS` in its own process, with its address space and time limited; returns when it ends."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "timeline", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=limit,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert time.perf_counter() - started < TIME_LIMIT
    assert "Traceback" not in result.stderr, result.stderr
    assert "MemoryError" not in result.stderr, result.stderr
    assert 1 == result.returncode, result.stderr
    return result


class TestEncoding:
    """Files that are not UTF-8 text."""

    @pytest.mark.parametrize("suffix", [".yaml", ".json", ".csv"])
    def test_invalid_utf8(self, tmp_path: Path, suffix: str) -> None:
        """A Latin-1 byte in the third line is named, with its line and column."""
        path = tmp_path / f"latin1{suffix}"
        path.write_bytes(b"a\nb\ncaf\xe9\n")
        refused_everywhere(path, "is not UTF-8 text (byte 0xe9 at offset 7); save it as UTF-8", line=3)

    @pytest.mark.parametrize(
        ("suffix", "text"),
        [
            (".yaml", VALID_EVENT),
            (".json", '{"events": [{"id": "a", "title": "A", "date": "2024"}]}'),
            (".csv", "id,title,date\na,A,2024\n"),
        ],
    )
    def test_byte_order_mark_is_accepted(self, tmp_path: Path, suffix: str, text: str) -> None:
        """A UTF-8 byte-order mark (Excel and Notepad write one) is not part of the text."""
        path = tmp_path / f"bom{suffix}"
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        assert ["a"] == [event.id for event in load(path).timeline.events]

    @pytest.mark.parametrize("suffix", [".yaml", ".json", ".csv"])
    def test_utf16(self, tmp_path: Path, suffix: str) -> None:
        """A UTF-16 file (as some Windows tools save) is refused at its first byte."""
        path = tmp_path / f"utf16{suffix}"
        path.write_bytes(VALID_EVENT.encode("utf-16"))
        refused_everywhere(path, "is not UTF-8 text (byte 0xff at offset 0)", line=1)

    @pytest.mark.parametrize("suffix", [".yaml", ".json", ".csv", ".ics"])
    def test_random_binary(self, tmp_path: Path, suffix: str) -> None:
        """Random bytes (a picture renamed by mistake) are refused as not UTF-8."""
        path = tmp_path / f"binary{suffix}"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(8).randbytes(4000))
        if suffix == ".ics":
            refused(cli("import", path, "-o", tmp_path / "x.yaml"), path, "is not UTF-8 text", line=1)
        else:
            refused_everywhere(path, "is not UTF-8 text (byte 0x89 at offset 0)", line=1)

    @pytest.mark.parametrize(
        ("suffix", "message", "line"),
        [
            (".yaml", "is not valid YAML: unacceptable character #x0001: control characters are not allowed", 2),
            (".json", "is not valid JSON: Invalid control character", 2),
            (".csv", "the first row must be the header", 1),
        ],
    )
    def test_control_characters(self, tmp_path: Path, suffix: str, message: str, line: int) -> None:
        """UTF-8 that is binary all the same: raw control characters, which YAML and JSON strings forbid."""
        path = tmp_path / f"controls{suffix}"
        path.write_bytes(b'{"events":\n "\x01\x02\x00\x1b"}\n' if suffix != ".yaml" else b"events:\n  - \x01\x02\x00\n")
        refused_everywhere(path, message, line=line)


class TestSize:
    """Huge files are refused before they are read."""

    @pytest.mark.parametrize("suffix", [".yaml", ".json", ".csv"])
    def test_200_mb_file(self, tmp_path: Path, suffix: str) -> None:
        """A 200 MB (sparse) file is refused at once, naming the limit, in every command and in its own process."""
        path = tmp_path / f"huge{suffix}"
        with path.open("wb") as handle:
            handle.truncate(200 * 1024 * 1024)
        message = "is 200 MB; event files are limited to 100 MB each, so split it into several files"
        started = time.perf_counter()
        refused(cli("validate", path), path, message)
        refused(cli("export", path, "-o", tmp_path / "x.json"), path, message)
        refused(cli("build", tmp_path, "-o", tmp_path / "exports", "--formats", "json"), path, message)
        imported = cli("import", path, "-o", tmp_path / "x.yaml")
        refused(imported, path, "is 200 MB; files to import are limited to 100 MB")
        assert time.perf_counter() - started < 5
        assert message in limited("validate", path).stderr

    def test_200_mb_calendar(self, tmp_path: Path) -> None:
        """`timeline import` refuses a 200 MB calendar before reading it, too."""
        path = tmp_path / "huge.ics"
        with path.open("wb") as handle:
            handle.truncate(200 * 1024 * 1024)
        message = "is 200 MB; files to import are limited to 100 MB"
        refused(cli("import", path, "-o", tmp_path / "x.yaml"), path, message)
        assert message in limited("import", path, "-o", tmp_path / "x.yaml").stderr

    def test_endless_file(self, tmp_path: Path) -> None:
        """A device that never ends (a link to /dev/zero) is refused unread, in every command."""
        path = tmp_path / "zero.yaml"
        path.symlink_to("/dev/zero")
        message = "is not a regular file"
        refused_everywhere(path, message)
        assert message in limited("validate", path).stderr
        calendar = tmp_path / "zero.ics"
        calendar.symlink_to("/dev/zero")
        assert message in limited("import", calendar, "-o", tmp_path / "x.yaml").stderr

    def test_read_stops_at_the_limit(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A file longer than its size says (a /proc file: size 0) is read no further than the limit."""
        monkeypatch.setattr(readers, "MAX_FILE_BYTES", 100)
        path = tmp_path / "status.yaml"
        path.symlink_to("/proc/self/status")
        assert 0 == path.stat().st_size
        refused(cli("validate", path), path, "is more than 0 MB")


def nested(depth: int, open_: str = "[", close: str = "]", inner: str = "") -> str:
    return open_ * depth + inner + close * depth


class TestNesting:
    """Deeply nested documents: refused at a bounded depth, without exhausting the stack."""

    def test_yaml_beyond_libyaml(self, tmp_path: Path) -> None:
        """100,000 open brackets: libyaml stops at 1,000 levels, at the bracket where it stopped."""
        path = tmp_path / "deep.yaml"
        path.write_text(nested(100_000))
        refused_everywhere(path, "is not valid YAML: exceeded maximum nesting depth", line=1)
        limited("validate", path)

    def test_yaml_block_nesting(self, tmp_path: Path) -> None:
        """Indented mappings 3,000 levels deep are refused at the line where the limit is crossed."""
        path = tmp_path / "deep-block.yaml"
        path.write_text("".join(" " * level + "a:\n" for level in range(3000)))
        refused_everywhere(path, "is not valid YAML: exceeded maximum nesting depth", line=1000)

    def test_yaml_within_libyaml(self, tmp_path: Path) -> None:
        """900 levels pass libyaml but not our limit of 64."""
        path = tmp_path / "deep.yaml"
        path.write_text(f"events: {nested(900)}\n")
        refused_everywhere(path, "nests deeper than 64 levels", line=1)

    def test_yaml_recursive_alias(self, tmp_path: Path) -> None:
        """A node that contains itself (an alias inside its own anchor) is refused, not followed forever."""
        path = tmp_path / "loop.yaml"
        path.write_text("events: &loop [*loop]\n")
        refused_everywhere(path, "nests deeper than 64 levels", line=1)

    def test_json_beyond_recursion(self, tmp_path: Path) -> None:
        """100,000 open brackets in JSON: refused as nested too deeply."""
        path = tmp_path / "deep.json"
        path.write_text(nested(100_000))
        refused_everywhere(path, "is not valid JSON: nested too deeply")
        limited("validate", path)

    def test_json_deep_value(self, tmp_path: Path) -> None:
        """A title nested 900 levels deep is named as the wrong type, in a message of reasonable length."""
        path = tmp_path / "deep-title.json"
        path.write_text('{"events": [{"id": "a", "date": "2024", "title": ' + nested(900, '{"a": ', "}", "1") + "}]}")
        stderr = refused(cli("validate", path), path, "'title': must be text (got a mapping", line=1)
        assert max(map(len, stderr.splitlines())) < 300

    def test_json_deep_duplicate(self, tmp_path: Path) -> None:
        """A duplicate key 900 levels down is found and located."""
        path = tmp_path / "deep-dup.json"
        path.write_text(nested(900, '{"a": ', "}", '{"b": 1, "b": 2}'))
        refused_everywhere(path, "duplicate key 'b'", line=1)


def laughs(levels: int, width: int = 10) -> str:
    """The "billion laughs" bomb: each level's anchor lists the previous one `width` times."""
    lines = ['l0: &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + f"\nevents: *l{levels}\n"


class TestAliases:
    """YAML aliases cannot expand a small file into a huge one."""

    def test_billion_laughs(self, tmp_path: Path) -> None:
        """10^9 values from 1 kB: refused in well under a second, at the alias that crossed the limit."""
        path = tmp_path / "lol.yaml"
        path.write_text(laughs(9))
        started = time.perf_counter()
        refused_everywhere(path, "YAML aliases expand to more than 1,000,000 values", line=6)
        assert time.perf_counter() - started < 3
        limited("validate", path)

    def test_wide_fan_out(self, tmp_path: Path) -> None:
        """One anchor used two thousand times over is refused the same way, at the anchor."""
        path = tmp_path / "fan.yaml"
        path.write_text("big: &big [" + ", ".join(["x"] * 1000) + "]\nevents: [" + ", ".join(["*big"] * 2000) + "]\n")
        refused_everywhere(path, "YAML aliases expand to more than 1,000,000 values", line=1)

    def test_undefined_alias(self, tmp_path: Path) -> None:
        """An alias to no anchor is a located YAML error."""
        path = tmp_path / "alias.yaml"
        path.write_text("events:\n  - *nothing\n")
        refused_everywhere(path, "is not valid YAML: the alias *nothing names no anchor", line=2)


class TestTags:
    """YAML tags that would construct objects are refused before anything is built; nothing runs."""

    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            ("!!python/object/apply:os.mkdir [{canary}]", "'!!python/object/apply:os.mkdir'"),
            ("!!python/object/new:os.mkdir [{canary}]", "'!!python/object/new:os.mkdir'"),
            ("!!python/name:os.system", "'!!python/name:os.system'"),
            ("!<tag:yaml.org,2002:python/object/apply:os.mkdir> [{canary}]", "'!!python/object/apply:os.mkdir'"),
            ("!!binary aGVsbG8=", "'!!binary'"),
            ("!!set {{a, b}}", "'!!set'"),
            ("!!omap [{{a: 1}}]", "'!!omap'"),
            ("!custom x", "'!custom'"),
        ],
    )
    def test_refused(self, tmp_path: Path, value: str, shown: str) -> None:
        """The tag is named at its line; the directory the payload would make is never made."""
        canary = tmp_path / "pwned"
        path = tmp_path / "tagged.yaml"
        path.write_text("events:\n  - id: a\n    title: " + value.format(canary=json.dumps(str(canary))) + "\n")
        refused_everywhere(path, f"YAML tag {shown} is not allowed in event files", line=3)
        assert not canary.exists()

    def test_tag_directive(self, tmp_path: Path) -> None:
        """A %TAG shorthand does not smuggle a tag past the check."""
        path = tmp_path / "directive.yaml"
        path.write_text("%TAG !p! tag:yaml.org,2002:python/\n---\nevents: !p!object/apply:os.getcwd []\n")
        refused_everywhere(path, "YAML tag '!!python/object/apply:os.getcwd' is not allowed", line=3)

    def test_tagged_key(self, tmp_path: Path) -> None:
        """A tag on a key is refused too: it may not pass for the plain key `events`."""
        path = tmp_path / "key.yaml"
        path.write_text("timeline: {title: T}\n!!python/name:os.getcwd events: []\n")
        refused_everywhere(path, "YAML tag '!!python/name:os.getcwd' is not allowed in event files", line=2)

    def test_library_never_constructs(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """`load` raises InvalidInput and calls nothing named in the file."""
        calls: list[object] = []
        monkeypatch.setattr(os, "getcwd", lambda: calls.append("getcwd"))
        path = tmp_path / "x.yaml"
        path.write_text("events: !!python/object/apply:os.getcwd []\n")
        with pytest.raises(InvalidInput):
            load(path)
        assert [] == calls


class TestJsonValues:
    """JSON that Python's json module accepts but the format does not mean: all refused, located."""

    @pytest.mark.parametrize(
        ("text", "message", "line"),
        [
            ('{"events": [],\n "events": []}', "duplicate key 'events'; each key may appear once", 2),
            ('{"events": [{"id": "a", "title": "A",\n "title": "B", "date": "2024"}]}', "duplicate key 'title'", 2),
            ('{"events": [{"id": "a", "title": "A", "date": "2024",\n "importance": NaN}]}', "NaN is not a JSON", 2),
            ('{"events": [{"id": "a", "title": "A", "date": "2024",\n "importance": Infinity}]}', "Infinity is", 2),
            ('{"events": [{"id": "a", "title": "A", "date": "2024",\n "importance": -Infinity}]}', "-Infinity", 2),
            ('{"events": [{"id": "a", "title": "A", "date": "2024",\n "importance": 1e999}]}', "(got inf)", 2),
            ('{"events": [{"id": "a", "title": "A", "date": "2024",\n "importance": ' + "9" * 5000 + "}]}", "4,300", 2),
            ('{"events": [{"id": "a", "date": "2024",\n "title": "x\\ud800y"}]}', "a lone surrogate", 2),
            ('{"events": [{"id": "a", "date": "2024", "title": "t",\n "\\udfff": 1}]}', "a lone surrogate", 2),
            ('{"events": [{"id": "a", "title": "A", "date": "2024"}]} trailing', "Extra data", 1),
        ],
        ids=[
            "duplicate-top",
            "duplicate-event",
            "nan",
            "infinity",
            "minus-infinity",
            "overflow",
            "5000-digits",
            "surrogate",
            "surrogate-key",
            "trailing",
        ],
    )
    def test_refused(self, tmp_path: Path, text: str, message: str, line: int) -> None:
        """Each value is refused in every command, at its line."""
        path = tmp_path / "values.json"
        path.write_text(text)
        refused_everywhere(path, message, line=line)

    def test_escaped_surrogate_pair_is_fine(self, tmp_path: Path) -> None:
        """A correctly paired escape (an emoji written as two \\u escapes) is text like any other."""
        path = tmp_path / "emoji.json"
        path.write_text('{"events": [{"id": "a", "title": "\\ud83d\\ude00", "date": "2024"}]}')
        assert "\U0001f600" == load(path).timeline.events[0].title

    def test_timelinejs_surrogate(self, tmp_path: Path) -> None:
        """`timeline import` of a TimelineJS file with a lone surrogate refuses it instead of crashing on output."""
        path = tmp_path / "tljs.json"
        path.write_text('{"events": [{"start_date": {"year": 2024},\n "text": {"headline": "x\\ud800"}}]}')
        refused(cli("import", path, "-o", tmp_path / "x.yaml"), path, "a lone surrogate", line=2)

    def test_calendar_surrogate(self, tmp_path: Path) -> None:
        """Our own X-TIMELINE properties carry JSON; a lone surrogate escaped in them is refused at its line."""
        path = tmp_path / "ours.ics"
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:x",
            "BEGIN:VEVENT",
            "UID:a@timeline",
            "DTSTAMP:20250101T000000Z",
            "DTSTART;VALUE=DATE:20240101",
            "SUMMARY:x",
            "X-TIMELINE-DATE:2024",
            "X-TIMELINE-TAGS: (replaced below)",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
        for line in ('X-TIMELINE-TAGS:["\\ud800"]', 'X-TIMELINE-SOURCE:{"title": "\\udc00"}'):
            lines[9] = line
            path.write_bytes("\r\n".join(lines).encode() + b"\r\n")
            refused(cli("import", path, "-o", tmp_path / "x.yaml"), path, "a lone surrogate", line=9)
            assert not (tmp_path / "x.yaml").exists()

    def test_huge_values_are_shown_short(self, tmp_path: Path) -> None:
        """A 200,000-item list where text belongs is reported in a short line."""
        path = tmp_path / "list.json"
        path.write_text('{"events": [{"id": "a", "date": "2024", "title": [' + ", ".join(["1"] * 200_000) + "]}]}")
        stderr = refused(cli("validate", path), path, "'title': must be text (got a list", line=1)
        assert max(map(len, stderr.splitlines())) < 300


class TestDirectories:
    """Directories of many files, and symbolic links that lead nowhere or in circles."""

    def test_thousands_of_files(self, tmp_path: Path) -> None:
        """3,000 event files load in bounded time; one bad file among them is named and fails the run."""
        for number in range(3000):
            (tmp_path / f"e{number:04d}.yaml").write_text(
                f"events: [{{id: e{number}, title: E, date: 2024, sources: [https://example.org]}}]\n"
            )
        started = time.perf_counter()
        result = cli("validate", tmp_path)
        assert (0, "ok: 3000 events in 3000 files\n") == (result.exit_code, result.stdout)
        bad = tmp_path / "e1500.yaml"
        bad.write_text("events: [{id: e1500, title: E, date: 2024-13}]\n")
        refused(cli("validate", tmp_path), bad, "month 13 does not exist", line=1)
        assert time.perf_counter() - started < 20
        limited("validate", tmp_path)

    def test_thousands_of_other_files(self, tmp_path: Path) -> None:
        """A directory of 5,000 files that are not event files is an error, not an empty timeline."""
        for number in range(5000):
            (tmp_path / f"note{number}.txt").write_text("x")
        refused(cli("validate", tmp_path), tmp_path, "holds no event files")

    def test_symlink_loop_in_directory(self, tmp_path: Path) -> None:
        """Two links pointing at each other are named as unreadable, not silently skipped."""
        (tmp_path / "good.yaml").write_text(VALID_EVENT)
        (tmp_path / "a.yaml").symlink_to("b.yaml")
        (tmp_path / "b.yaml").symlink_to("a.yaml")
        for command in (("validate", tmp_path), ("build", tmp_path, "-o", tmp_path / "out", "--formats", "json")):
            stderr = refused(cli(*command), tmp_path / "a.yaml", "cannot be read: Too many levels of symbolic links")
            assert f"{tmp_path / 'b.yaml'}: error:" in stderr
        assert not (tmp_path / "out").exists()

    def test_symlink_loop_given_directly(self, tmp_path: Path) -> None:
        """A looping link given as the path says so, rather than that it does not exist."""
        path = tmp_path / "self.yaml"
        path.symlink_to("self.yaml")
        refused_everywhere(path, "cannot be read: Too many levels of symbolic links")

    def test_directory_loop_is_not_followed(self, tmp_path: Path) -> None:
        """A link from a directory to itself is not descended into: directories are read one level deep."""
        (tmp_path / "events.yaml").write_text(VALID_EVENT)
        (tmp_path / "again.yaml").symlink_to(tmp_path)
        (tmp_path / "loop").symlink_to(".")
        result = cli("validate", tmp_path)
        assert (0, "ok: 1 event in 1 file\n") == (result.exit_code, result.stdout)

    def test_dangling_link(self, tmp_path: Path) -> None:
        """A link to a file that is gone is named in a directory too."""
        (tmp_path / "good.yaml").write_text(VALID_EVENT)
        (tmp_path / "gone.yaml").symlink_to(tmp_path / "deleted.yaml")
        refused(cli("validate", tmp_path), tmp_path / "gone.yaml", "cannot be read: No such file or directory")

    def test_not_a_file(self, tmp_path: Path) -> None:
        """A device or pipe named like an event file is refused, not read."""
        (tmp_path / "good.yaml").write_text(VALID_EVENT)
        os.mkfifo(tmp_path / "pipe.yaml")
        refused(cli("validate", tmp_path), tmp_path / "pipe.yaml", "is not a regular file")
        refused(cli("validate", tmp_path / "pipe.yaml"), tmp_path / "pipe.yaml", "is not a regular file")


class TestLibrary:
    """The library raises InvalidInput, and only that, for the same files."""

    CASES: Final[dict[str, Callable[[Path], None]]] = {
        "latin1.yaml": lambda p: p.write_bytes(b"caf\xe9"),
        "lol.yaml": lambda p: p.write_text(laughs(9)),
        "deep.json": lambda p: p.write_text(nested(100_000)),
        "tag.yaml": lambda p: p.write_text("events: !!python/object/apply:os.getcwd []\n"),
        "surrogate.json": lambda p: p.write_text('{"events": [{"id": "a", "title": "\\ud800", "date": "2024"}]}'),
    }

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_invalid_input(self, tmp_path: Path, name: str) -> None:
        """`load` raises InvalidInput naming the file, and nothing else."""
        path = tmp_path / name
        self.CASES[name](path)
        with pytest.raises(InvalidInput) as info:
            load(path)
        assert all(problem.file == str(path) for problem in info.value.problems)
