"""Faults while writing: a failure never destroys the previous output or leaves a temporary file behind.

Each fault is simulated where it would strike: the disk filling up (ENOSPC from os.fsync),
permission denied (from tempfile.mkstemp or os.replace), a bug inside an exporter
(RuntimeError), and Ctrl-C (KeyboardInterrupt) at each of those places. Every case is run
through the library and the CLI, for `export`, `import` and `build`.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Final

import pytest
from click.testing import CliRunner, Result

from tests.conftest import EXAMPLE
from timeline import build as building
from timeline.cli import main
from timeline.formats import records_json
from timeline.writing import write_atomic

OLD: Final = b"the previous output, which must survive\n"


def disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def denied(*args: object, **_kwargs: object) -> None:
    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(args[0]) if args else None)


def interrupted(*_args: object, **_kwargs: object) -> None:
    raise KeyboardInterrupt


def crashing(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("a bug inside the exporter")


#: (name, what to patch, replacement, the exception the library raises)
FAULTS: Final = [
    ("disk-full-at-fsync", "os.fsync", disk_full, OSError),
    ("ctrl-c-at-fsync", "os.fsync", interrupted, KeyboardInterrupt),
    ("denied-at-mkstemp", "tempfile.mkstemp", denied, PermissionError),
    ("ctrl-c-at-mkstemp", "tempfile.mkstemp", interrupted, KeyboardInterrupt),
    ("denied-at-replace", "os.replace", denied, PermissionError),
    ("disk-full-at-replace", "os.replace", disk_full, OSError),
    ("ctrl-c-at-replace", "os.replace", interrupted, KeyboardInterrupt),
]
FAULT_IDS: Final = [fault[0] for fault in FAULTS]


def patch(monkeypatch: pytest.MonkeyPatch, target: str, replacement: Callable[..., None]) -> None:
    module, name = target.split(".")
    monkeypatch.setattr({"os": os, "tempfile": tempfile}[module], name, replacement)


def temporaries(directory: Path) -> list[str]:
    """Files a write may have left behind: our temporaries are hidden `.NAME.*.tmp` files."""
    return sorted(p.name for p in directory.rglob("*") if p.name.endswith(".tmp") or p.name.startswith("."))


def snapshot(directory: Path) -> dict[str, tuple[bytes, int, int]]:
    """Each file's bytes, mode and modification time."""
    return {
        str(p.relative_to(directory)): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode), p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


INTERRUPTED: Final = "Interrupted; no file was left half-written."


def no_traceback(result: Result) -> None:
    """The CLI ended with exit status 1 (130 after Ctrl-C, saying so) and no traceback."""
    assert (130 if INTERRUPTED in result.stderr else 1) == result.exit_code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """An output file from an earlier run, with its own permissions."""
    out = tmp_path / "out" / "timeline.json"
    out.parent.mkdir()
    out.write_bytes(OLD)
    out.chmod(0o640)
    return out


class TestWriteAtomic:
    """`write_atomic`, the one way every command writes a file."""

    def test_writes_and_keeps_mode(self, previous: Path) -> None:
        """The new bytes replace the old, the file keeps its permissions, and nothing else is left."""
        assert write_atomic(previous, b"new")
        assert (b"new", 0o640) == (previous.read_bytes(), stat.S_IMODE(previous.stat().st_mode))
        assert [] == temporaries(previous.parent)

    def test_new_file_follows_umask(self, tmp_path: Path) -> None:
        """A new file gets the permissions the umask allows, as open() would give it."""
        umask = os.umask(0o027)
        try:
            write_atomic(tmp_path / "new.json", b"x")
        finally:
            os.umask(umask)
        assert 0o640 == stat.S_IMODE((tmp_path / "new.json").stat().st_mode)

    def test_symlink_is_replaced_not_written_through(self, tmp_path: Path) -> None:
        """An output path that is a link becomes the new file; the file it pointed to is untouched."""
        elsewhere = tmp_path / "elsewhere.json"
        elsewhere.write_bytes(OLD)
        link = tmp_path / "out.json"
        link.symlink_to(elsewhere)
        write_atomic(link, b"new")
        assert (False, b"new", OLD) == (link.is_symlink(), link.read_bytes(), elsewhere.read_bytes())

    @pytest.mark.parametrize(("name", "target", "replacement", "raised"), FAULTS, ids=FAULT_IDS)
    def test_fault_keeps_previous_file(
        self,
        previous: Path,
        monkeypatch: pytest.MonkeyPatch,
        name: str,
        target: str,
        replacement: Callable[..., None],
        raised: type[BaseException],
    ) -> None:
        """The exception comes through; the old file has its bytes and mode; no temporary file remains."""
        before = snapshot(previous.parent)
        with monkeypatch.context() as patched:
            patch(patched, target, replacement)
            with pytest.raises(raised):
                write_atomic(previous, b"new and much longer than before" * 1000)
        assert before == snapshot(previous.parent)
        assert [] == temporaries(previous.parent)

    @pytest.mark.parametrize(("name", "target", "replacement", "raised"), FAULTS, ids=FAULT_IDS)
    def test_fault_leaves_no_new_file(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        name: str,
        target: str,
        replacement: Callable[..., None],
        raised: type[BaseException],
    ) -> None:
        """Where there was no file, there is none after a failure: no empty or partial file."""
        with monkeypatch.context() as patched:
            patch(patched, target, replacement)
            with pytest.raises(raised):
                write_atomic(tmp_path / "new.json", b"new")
        assert [] == list(tmp_path.iterdir())

    def test_error_names_the_target(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A failure names the file the user asked for, not the hidden temporary one."""
        monkeypatch.setattr(os, "replace", denied)
        with pytest.raises(PermissionError) as info:
            write_atomic(tmp_path / "out.json", b"x")
        assert str(tmp_path / "out.json") == info.value.filename


def export_cli(out: Path, *extra: str) -> Result:
    return CliRunner().invoke(main, ["export", str(EXAMPLE), "-o", str(out), *extra])


class TestExportCommand:
    """`timeline export` under each fault."""

    @pytest.mark.parametrize(("name", "target", "replacement", "raised"), FAULTS, ids=FAULT_IDS)
    def test_fault(
        self,
        previous: Path,
        monkeypatch: pytest.MonkeyPatch,
        name: str,
        target: str,
        replacement: Callable[..., None],
        raised: type[BaseException],
    ) -> None:
        """Exit status 1 with a message (not a traceback); the previous file intact; no temporary file."""
        before = snapshot(previous.parent)
        with monkeypatch.context() as patched:
            patch(patched, target, replacement)
            result = export_cli(previous)
        no_traceback(result)
        if raised is KeyboardInterrupt:
            assert (130, INTERRUPTED) == (result.exit_code, result.stderr.strip())
        else:
            reason = os.strerror(errno.ENOSPC if name.startswith("disk") else errno.EACCES)
            assert f"Error: cannot write {previous}: {reason}" in result.stderr
        assert before == snapshot(previous.parent)
        assert [] == temporaries(previous.parent)

    @pytest.mark.parametrize("fault", [crashing, interrupted, disk_full], ids=["bug", "ctrl-c", "disk-full"])
    def test_exporter_fails(self, previous: Path, monkeypatch: pytest.MonkeyPatch, fault: Callable[..., None]) -> None:
        """An exporter that raises leaves the previous file as it was; nothing was opened for writing."""
        before = snapshot(previous.parent)
        monkeypatch.setattr(records_json, "export_json", fault)
        result = export_cli(previous)
        assert (130 if fault is interrupted else 1) == result.exit_code
        assert before == snapshot(previous.parent)
        assert [] == temporaries(previous.parent)

    def test_missing_directory(self, tmp_path: Path) -> None:
        """Writing into a directory that does not exist names the file asked for, and creates nothing."""
        out = tmp_path / "no" / "such" / "dir" / "out.json"
        result = export_cli(out)
        no_traceback(result)
        assert f"Error: cannot write {out}: No such file or directory" in result.stderr
        assert [] == list(tmp_path.iterdir())

    def test_output_is_a_directory(self, tmp_path: Path) -> None:
        """An output path that is a directory is refused; the directory and its files are untouched."""
        out = tmp_path / "out.json"
        out.mkdir()
        (out / "keep").write_bytes(OLD)
        result = export_cli(out)
        no_traceback(result)
        assert f"cannot write {out}" in result.stderr
        assert OLD == (out / "keep").read_bytes()
        assert [] == temporaries(tmp_path)


class TestImportCommand:
    """`timeline import` under each fault."""

    @pytest.mark.parametrize(("name", "target", "replacement", "raised"), FAULTS, ids=FAULT_IDS)
    def test_fault(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        name: str,
        target: str,
        replacement: Callable[..., None],
        raised: type[BaseException],
    ) -> None:
        """Exit status 1 without a traceback; the previous event file intact; no temporary file."""
        out = tmp_path / "events" / "imported.yaml"
        out.parent.mkdir()
        out.write_bytes(OLD)
        source = tmp_path / "calendar.ics"
        source.write_bytes((EXAMPLE.parent.parent / "exports" / "nk-russia.ics").read_bytes())
        before = snapshot(out.parent)
        with monkeypatch.context() as patched:
            patch(patched, target, replacement)
            result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
        no_traceback(result)
        assert before == snapshot(out.parent)
        assert [] == temporaries(out.parent)

    def test_dump_fails(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A failure while making the YAML leaves the previous event file as it was."""
        out = tmp_path / "imported.yaml"
        out.write_bytes(OLD)
        monkeypatch.setattr("timeline.formats.event_yaml.dump_event_file", crashing)
        result = CliRunner().invoke(main, ["import", str(EXAMPLE), "-o", str(out)])
        assert 1 == result.exit_code
        assert (OLD, [out]) == (out.read_bytes(), list(tmp_path.iterdir()))


FORMATS: Final = "json,yaml,csv,md"


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A project with two event files, built once: exports/ holds the previous outputs."""
    events = tmp_path / "events"
    events.mkdir()
    shutil.copy(EXAMPLE, events / "nk-russia.yaml")
    (events / "small.yaml").write_text(
        "timeline: {title: Small, as_of: 2025-01-01}\n"
        "events: [{id: a, title: A, date: 2024, sources: [https://example.org]}]\n"
    )
    assert 0 == build_cli(tmp_path).exit_code
    # Change an event in each file, so that every output of the next build differs from what is there.
    for path, before in ((events / "nk-russia.yaml", "\n    title: "), (events / "small.yaml", "title: A")):
        path.write_text(path.read_text().replace(before, before + " Changed", 1))
    return tmp_path


def build_cli(project: Path) -> Result:
    return CliRunner().invoke(
        main, ["build", str(project / "events"), "-o", str(project / "exports"), "--formats", FORMATS]
    )


def call_counter(fault: Callable[..., None], on_call: int, real: Callable[..., object]) -> Callable[..., object]:
    """`real`, except that call number `on_call` raises through `fault`."""
    calls = [0]

    def wrapper(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        if calls[0] == on_call:
            fault(*args)
        return real(*args, **kwargs)

    return wrapper


class TestBuild:
    """`timeline build` replaces exports/ files only when all of them were produced."""

    def test_rebuild_changes_every_file(self, built: Path) -> None:
        """Without a fault, the rebuild rewrites all 8 outputs (so the tests below would see a partial write)."""
        before = snapshot(built / "exports")
        assert 8 == len(before)
        assert 0 == build_cli(built).exit_code
        after = snapshot(built / "exports")
        assert all(before[name][0] != after[name][0] for name in before)

    @pytest.mark.parametrize("fault", [crashing, interrupted, disk_full], ids=["bug", "ctrl-c", "disk-full"])
    def test_exporter_fails_late(
        self, built: Path, monkeypatch: pytest.MonkeyPatch, fault: Callable[..., None]
    ) -> None:
        """The last exporter of the second file fails: not one file in exports/ has changed."""
        before = snapshot(built / "exports")
        real = __import__("timeline.formats.markdown", fromlist=["_"]).export_markdown
        monkeypatch.setattr("timeline.formats.markdown.export_markdown", call_counter(fault, 2, real))
        result = build_cli(built)
        assert (130 if fault is interrupted else 1) == result.exit_code
        assert before == snapshot(built / "exports")
        assert [] == temporaries(built / "exports")

    @pytest.mark.parametrize("fault", [disk_full, interrupted], ids=["disk-full", "ctrl-c"])
    @pytest.mark.parametrize("on_call", [1, 5, 8])
    def test_staging_fails(
        self, built: Path, monkeypatch: pytest.MonkeyPatch, fault: Callable[..., None], on_call: int
    ) -> None:
        """Writing the first, fifth or last temporary file fails: nothing replaced, every temporary removed."""
        before = snapshot(built / "exports")
        monkeypatch.setattr(os, "fsync", call_counter(fault, on_call, os.fsync))
        result = build_cli(built)
        no_traceback(result)
        assert before == snapshot(built / "exports")
        assert [] == temporaries(built / "exports")

    def test_renaming_fails(self, built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """If a rename itself fails part way, each file holds its previous or its new bytes, never a mix."""
        before = snapshot(built / "exports")
        monkeypatch.setattr(os, "replace", call_counter(denied, 4, os.replace))
        result = build_cli(built)
        no_traceback(result)
        monkeypatch.undo()
        after = snapshot(built / "exports")
        assert [] == temporaries(built / "exports")
        assert before.keys() == after.keys()
        assert 3 == sum(before[name][0] != after[name][0] for name in before)
        assert 0 == build_cli(built).exit_code  # and the next build completes the set
        expected = {name: data for name, (data, _, _) in snapshot(built / "exports").items()}
        for name, (data, _, _) in after.items():
            assert data in (before[name][0], expected[name]), name

    def test_output_that_is_a_directory_fails_first(self, built: Path) -> None:
        """A directory where an output belongs stops the build before anything is renamed."""
        before = snapshot(built / "exports")
        (built / "exports" / "small.md").unlink()
        (built / "exports" / "small.md").mkdir()
        result = build_cli(built)
        no_traceback(result)
        assert f"cannot write {built / 'exports' / 'small.md'}" in result.stderr
        del before["small.md"]
        assert before == snapshot(built / "exports")
        assert [] == temporaries(built / "exports")

    def test_library(self, built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """`timeline.build.build` raises the fault itself, and has changed nothing."""
        before = snapshot(built / "exports")
        monkeypatch.setattr(os, "fsync", call_counter(disk_full, 3, os.fsync))
        with pytest.raises(OSError, match="No space left"):
            building.build(built / "events", built / "exports", FORMATS.split(","))
        assert before == snapshot(built / "exports")
        assert [] == temporaries(built / "exports")
