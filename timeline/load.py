"""Load event files and directories into one validated, sorted `Timeline`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from timeline.problems import InvalidInput, Problem, Severity
from timeline.readers import READERS, read_document
from timeline.records import Timeline
from timeline.structure import StructuredFile, structure_document
from timeline.validate import check_files

__all__ = ["Loaded", "event_files", "load", "load_timeline"]


@attrs.frozen
class Loaded:
    """A valid timeline and the warnings found while loading it."""

    timeline: Timeline
    warnings: tuple[Problem, ...]
    files: tuple[str, ...]


def event_files(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, str]]:
    """The files to load, with the name to show for each; a directory gives its event files, sorted.

    Raises `InvalidInput` for a path that does not exist or a directory with no event files.
    """
    found: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(
                child
                for child in path.iterdir()
                if child.suffix.lower() in READERS and not child.name.startswith(".") and child.is_file()
            )
            if not inside:
                suffixes = ", ".join(f"*{suffix}" for suffix in sorted(READERS))
                problems.append(Problem(f"holds no event files (looked for {suffixes})", file=str(raw)))
            found.extend((child, str(child)) for child in inside)
        elif path.exists():
            found.append((path, str(raw)))
        else:
            problems.append(Problem("does not exist", file=str(raw)))
    if problems:
        raise InvalidInput(problems)
    return found


def _structure_all(files: Sequence[tuple[Path, str]]) -> tuple[list[StructuredFile], list[Problem]]:
    structured: list[StructuredFile] = []
    problems: list[Problem] = []
    for path, display in files:
        try:
            document = read_document(path, display)
        except InvalidInput as error:
            problems.extend(error.problems)
            continue
        result = structure_document(document)
        structured.append(result)
        problems.extend(result.problems)
    return structured, problems


def load(*paths: str | os.PathLike[str], strict: bool = False) -> Loaded:
    """Load files and directories into one timeline, or raise `InvalidInput` listing every problem.

    With `strict`, warnings (an event without sources, a floating time, a repeated
    title and date) are errors too.
    """
    files = event_files(paths)
    structured, problems = _structure_all(files)
    problems.extend(check_files(structured))
    if strict:
        problems = [attrs.evolve(p, severity=Severity.ERROR) for p in problems]
    if any(p.severity is Severity.ERROR for p in problems):
        raise InvalidInput(problems)
    headers = [f.header for f in structured]
    title = next((h.title for h in headers if h.title), None) or _title_from(paths)
    timeline = Timeline(
        title=title,
        description=next((h.description for h in headers if h.description), None),
        as_of=max((h.as_of for h in headers if h.as_of), default=None),
        events=[event for f in structured for event in f.events],
    )
    return Loaded(timeline, tuple(problems), tuple(display for _, display in files))


def load_timeline(*paths: str | os.PathLike[str]) -> Timeline:
    """Load files and directories into one timeline; warnings are ignored."""
    return load(*paths).timeline


def _title_from(paths: Sequence[str | os.PathLike[str]]) -> str:
    first = Path(paths[0]).resolve() if paths else Path("timeline")
    return first.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Timeline"
