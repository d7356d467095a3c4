"""`timeline build`: all outputs or none, unchanged files untouched, reproducible."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import EXAMPLE
from timeline import build as building
from timeline.cli import main

FORMATS = "json,yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    events = tmp_path / "events"
    events.mkdir()
    shutil.copy(EXAMPLE, events / "nk-russia.yaml")
    (events / "small.yaml").write_text(
        "timeline: {title: Small, as_of: 2025-01-01}\n"
        "events: [{id: a, title: A, date: 2024, sources: [https://example.org]}]\n"
    )
    return tmp_path


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(
        main, ["build", str(project / "events"), "-o", str(project / "exports"), "--formats", FORMATS, *args]
    )


class TestBuild:
    """Each event file becomes its own set of outputs."""

    def test_writes_every_format_for_every_file(self, project: Path) -> None:
        """One line per file written, with its event count."""
        result = run(project)
        assert 0 == result.exit_code, result.output
        exports = project / "exports"
        assert [
            f"wrote {exports}/nk-russia.json (18 events)",
            f"wrote {exports}/nk-russia.yaml (18 events)",
            f"wrote {exports}/small.json (1 event)",
            f"wrote {exports}/small.yaml (1 event)",
        ] == result.stdout.splitlines()

    def test_unchanged_outputs_are_not_rewritten(self, project: Path) -> None:
        """A second build touches nothing: same mtimes, and says so."""
        run(project)
        before = {p: p.stat().st_mtime_ns for p in (project / "exports").iterdir()}
        os.utime(project / "exports" / "small.json", ns=(1, 1))
        before[project / "exports" / "small.json"] = 1
        result = run(project)
        after = {p: p.stat().st_mtime_ns for p in (project / "exports").iterdir()}
        assert before == after
        assert "4 files already up to date\n" == result.stdout

    def test_invalid_file_writes_nothing(self, project: Path) -> None:
        """One invalid file stops the whole build before anything is written."""
        (project / "events" / "bad.yaml").write_text("events: [{id: b, title: B, date: 2024-13}]\n")
        result = run(project)
        assert 1 == result.exit_code
        assert not (project / "exports").exists()
        assert "bad.yaml:1:34: error: event 'b': 'date': month 13 does not exist" in result.stderr

    def test_reproducible(self, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Two builds give byte-identical files."""
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1752451200")
        run(project)
        first = {p.name: p.read_bytes() for p in (project / "exports").iterdir()}
        shutil.rmtree(project / "exports")
        run(project)
        assert first == {p.name: p.read_bytes() for p in (project / "exports").iterdir()}

    def test_unknown_format(self, project: Path) -> None:
        """A misspelt format is a usage error with a suggestion."""
        result = CliRunner().invoke(main, ["build", str(project / "events"), "--formats", "jsn"])
        assert 2 == result.exit_code
        assert "did you mean 'json'?" in result.stderr


class TestWriteOutputs:
    """Outputs are put in place together."""

    def test_failure_leaves_previous_files(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """If staging any output fails, no target changes and no temporary file remains."""
        old = tmp_path / "a.json"
        old.write_bytes(b"old")
        outputs = [
            building.Output(old, b"new", "json", 1),
            building.Output(tmp_path / "b.json", b"new", "json", 1),
        ]
        real_fsync = os.fsync
        calls = []

        def failing_fsync(fd: int) -> None:
            calls.append(fd)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", failing_fsync)
        with pytest.raises(OSError, match="No space left"):
            building.write_outputs(outputs)
        assert [old] == list(tmp_path.iterdir())
        assert b"old" == old.read_bytes()


def test_cli_default_formats_match_the_library() -> None:
    """The CLI's default --formats (kept there for a fast start) are the library's."""
    from timeline import cli

    assert building.DEFAULT_FORMATS == cli.DEFAULT_FORMATS
