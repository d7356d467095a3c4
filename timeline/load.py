"""Load event files and directories into one validated, sorted `Timeline`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from timeline.collector import collector_paused
from timeline.problems import InvalidInput, Problem, Severity
from timeline.readers import READERS, RawDocument, read_document
from timeline.records import Timeline
from timeline.structure import structure_document
from timeline.validate import check_files

__all__ = ["Loaded", "event_files", "load", "load_documents", "load_timeline"]


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
            # Anything named like an event file but a directory is read, so that a link that loops or
            # leads nowhere, or a pipe, is reported by `read_document` instead of silently skipped.
            inside = sorted(
                child
                for child in path.iterdir()
                if child.suffix.lower() in READERS and not child.name.startswith(".") and not child.is_dir()
            )
            if not inside:
                suffixes = ", ".join(f"*{suffix}" for suffix in sorted(READERS))
                problems.append(Problem(f"holds no event files (looked for {suffixes})", file=str(raw)))
            found.extend((child, str(child)) for child in inside)
        elif path.exists() or path.is_symlink():  # a looping or dangling link: `read_document` says which
            found.append((path, str(raw)))
        else:
            problems.append(Problem("does not exist", file=str(raw)))
    if problems:
        raise InvalidInput(problems)
    return found


def _read_all(files: Sequence[tuple[Path, str]]) -> tuple[list[RawDocument], list[Problem]]:
    documents: list[RawDocument] = []
    problems: list[Problem] = []
    for path, display in files:
        try:
            documents.append(read_document(path, display))
        except InvalidInput as error:
            problems.extend(error.problems)
    return documents, problems


def load(*paths: str | os.PathLike[str], strict: bool = False) -> Loaded:
    """Load files and directories into one timeline, or raise `InvalidInput` listing every problem.

    With `strict`, warnings (an event without sources, a floating time, a repeated
    title and date) are errors too.
    """
    files = event_files(paths)
    with collector_paused(keep=True):
        documents, problems = _read_all(files)
        return load_documents(documents, strict=strict, default_title=_title_from(paths), problems=problems)


def load_documents(
    documents: Sequence[RawDocument],
    *,
    strict: bool = False,
    default_title: str = "Timeline",
    problems: Sequence[Problem] = (),
) -> Loaded:
    """One timeline from documents already read; `problems` are those found reading them."""
    with collector_paused(keep=True):
        return _load_documents(documents, strict, default_title, problems)


def _load_documents(
    documents: Sequence[RawDocument], strict: bool, default_title: str, problems: Sequence[Problem]
) -> Loaded:
    found = list(problems)
    structured = [structure_document(document) for document in documents]
    for result in structured:
        found.extend(result.problems)
    found.extend(check_files(structured))
    if strict:
        found = [attrs.evolve(p, severity=Severity.ERROR) for p in found]
    if any(p.severity is Severity.ERROR for p in found):
        raise InvalidInput(found)
    headers = [f.header for f in structured]
    timeline = Timeline(
        title=next((h.title for h in headers if h.title), None) or default_title,
        description=next((h.description for h in headers if h.description), None),
        as_of=max((h.as_of for h in headers if h.as_of), default=None),
        events=[event for f in structured for event in f.events],
    )
    return Loaded(timeline, tuple(found), tuple(d.file for d in documents))


def load_timeline(*paths: str | os.PathLike[str]) -> Timeline:
    """Load files and directories into one timeline; warnings are ignored."""
    return load(*paths).timeline


def _title_from(paths: Sequence[str | os.PathLike[str]]) -> str:
    # abspath names "." after the working directory without following links, which may loop.
    first = Path(os.path.abspath(paths[0])) if paths else Path("timeline")
    return first.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Timeline"
