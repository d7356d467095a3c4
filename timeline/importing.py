"""Bring other tools' files in: one calling convention for every importer, picked by suffix or name.

An importer is `import_x(data, source_name, options) -> Timeline`. It reads bytes
(the caller opens the file), raises `InvalidInput` with located problems for a file
it cannot read, and returns records that keep every date's precision.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Final, TypeAlias

import attrs

from timeline.records import Timeline

__all__ = ["IMPORTERS", "ImportOptions", "Importer", "UnknownImportFormat", "importer_for"]


@attrs.frozen
class ImportOptions:
    """Options every importer understands."""

    #: The window recurring events are expanded in; without it, recurring events are refused.
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    title: str | None = None


Importer: TypeAlias = Callable[[bytes, str, ImportOptions], Timeline]

#: Importers by name: "module:function", imported on first use.
IMPORTERS: Final[dict[str, str]] = {
    "ics": "timeline.formats.ical:import_ics",
    "timelinejs": "timeline.formats.timelinejs:import_timelinejs",
    "timelinejs-csv": "timeline.formats.timelinejs:import_timelinejs_sheet",
    "events": "timeline.importing:import_event_file",
}

_BY_SUFFIX: Final = {".ics": "ics", ".ical": "ics", ".ifb": "ics"}


class UnknownImportFormat(ValueError):
    pass


def importer_for(source: str, name: str | None = None) -> tuple[str, Importer]:
    """The importer named, or the one the source's suffix implies; our own event files convert too."""
    if name is None:
        lowered = source.lower()
        name = next((fmt for suffix, fmt in _BY_SUFFIX.items() if lowered.endswith(suffix)), None)
        if name is None and lowered.endswith(".json"):
            name = "timelinejs-or-events"
        elif name is None and lowered.endswith((".yaml", ".yml", ".csv")):
            name = "events"
    if name == "timelinejs-or-events":
        return name, _timelinejs_or_events
    if name not in IMPORTERS:
        raise UnknownImportFormat(f"cannot tell how to import {source!r}; give --format ({', '.join(IMPORTERS)})")
    module, function = IMPORTERS[name].split(":")
    importer: Importer = getattr(importlib.import_module(module), function)
    return name, importer


def _timelinejs_or_events(data: bytes, source_name: str, options: ImportOptions) -> Timeline:
    """A .json file: TimelineJS3 when it looks like one (a top-level `events` of `start_date`s), else ours."""
    import json

    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        parsed = None
    events = parsed.get("events") if isinstance(parsed, dict) else None
    looks_like_tljs = isinstance(events, list) and any(isinstance(e, dict) and "start_date" in e for e in events)
    if looks_like_tljs or (isinstance(parsed, dict) and "title" in parsed and isinstance(parsed["title"], dict)):
        return importer_for(source_name, "timelinejs")[1](data, source_name, options)
    return import_event_file(data, source_name, options)


def import_event_file(data: bytes, source_name: str, options: ImportOptions) -> Timeline:
    """One of our own event files (YAML, JSON, CSV), for converting between them."""
    from pathlib import PurePath

    from timeline.load import load_documents
    from timeline.problems import InvalidInput, Problem
    from timeline.readers import READERS, decode_text

    reader = READERS.get(PurePath(source_name).suffix.lower())
    if reader is None:
        raise InvalidInput([Problem(f"is not an event file ({', '.join(sorted(READERS))})", file=source_name)])
    document = reader(decode_text(data, source_name), source_name)
    title = PurePath(source_name).stem.replace("-", " ").capitalize() or "Timeline"
    timeline = load_documents([document], default_title=title).timeline
    return timeline.replace(title=options.title) if options.title else timeline
