"""`timeline build`: every event file in a directory to every chosen format, all or nothing.

Each event file is its own timeline (`events/war.yaml` -> `exports/war.ics`, ...).
Everything is validated first and rendered in memory; only when every output exists
are the files put in place, and an output whose bytes are unchanged is not touched,
so a rebuild of an unchanged project keeps every mtime.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Final

import attrs

from timeline.formats import FORMATS, ExportOptions, Skipped
from timeline.load import event_files, load_documents
from timeline.problems import InvalidInput, Problem
from timeline.readers import read_document
from timeline.records import Timeline
from timeline.writing import named

__all__ = ["DEFAULT_FORMATS", "Output", "build", "plan", "write_outputs"]

DEFAULT_FORMATS: Final = ("ics", "svg", "png", "md", "json", "csv")


@attrs.frozen
class Output:
    """One file to write: its bytes, and what it holds."""

    path: Path
    data: bytes
    format: str
    events: int
    skipped: tuple[Skipped, ...] = ()


def _suffix(format_name: str) -> str:
    suffixes = FORMATS[format_name].suffixes
    return suffixes[0] if suffixes else f".{format_name}.json"


def load_each(events_dir: Path, *, strict: bool = False) -> list[tuple[Path, Timeline]]:
    """Every event file in `events_dir` as its own timeline; raise `InvalidInput` with every problem."""
    found: list[tuple[Path, Timeline]] = []
    problems: list[Problem] = []
    for path, display in event_files([events_dir]):
        try:
            document = read_document(path, display)
            loaded = load_documents([document], strict=strict, default_title=path.stem)
        except InvalidInput as error:
            problems.extend(error.problems)
            continue
        problems.extend(loaded.warnings)
        found.append((path, loaded.timeline))
    if any(p.severity.value == "error" for p in problems):
        raise InvalidInput(problems)
    return found


def plan(
    timelines: Sequence[tuple[Path, Timeline]],
    out_dir: Path,
    formats: Sequence[str],
    options: ExportOptions,
    *,
    stamp: Callable[[Timeline], ExportOptions] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Output]:
    """Render every output in memory; nothing touches the disk here."""
    outputs: list[Output] = []
    for source, timeline in timelines:
        name = source.stem
        local = stamp(timeline) if stamp else options
        if "md" in formats and "svg" in formats and local.image is None:
            local = attrs.evolve(local, image=f"{name}.svg")
        for format_name in formats:
            result = FORMATS[format_name].exporter()(timeline, local)
            outputs.append(
                Output(
                    out_dir / f"{name}{_suffix(format_name)}",
                    result.data,
                    format_name,
                    len(timeline) - len(result.skipped),
                    result.skipped,
                )
            )
            if progress:
                progress(f"{name}{_suffix(format_name)}")
    return outputs


def write_outputs(outputs: Iterable[Output]) -> list[Output]:
    """Put every changed output in place, all at once; return the ones written.

    Each file is first written in full to a temporary file beside its target; only
    when all of them exist are they renamed into place. On any failure no target
    has changed and no temporary file remains.
    """
    changed = [o for o in outputs if not _same(o.path, o.data)]
    for output in changed:  # the one failure of a rename that can be foreseen: check it before renaming any
        if output.path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(output.path))
    staged: list[tuple[str, Path]] = []
    current = None
    try:
        for output in changed:
            current = output.path
            output.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(
                prefix=f".{output.path.name}.", suffix=".tmp", dir=output.path.parent
            )
            staged.append((temporary, output.path))
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(output.data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o644)
        for temporary, target in staged:
            current = target
            os.replace(temporary, target)
    except BaseException as error:
        for temporary, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        if isinstance(error, OSError) and current is not None:
            raise named(error, current) from None
        raise
    return changed


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def build(
    events_dir: Path,
    out_dir: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    options: ExportOptions | None = None,
    *,
    strict: bool = False,
) -> list[Output]:
    """Validate, render and write; return the outputs that were written."""
    timelines = load_each(events_dir, strict=strict)
    return write_outputs(plan(timelines, out_dir, formats, options or ExportOptions()))
