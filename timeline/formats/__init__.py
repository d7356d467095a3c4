"""Export formats: one module each, imported only when used, behind one calling convention.

An exporter is `export(timeline, options) -> Exported`. It returns the whole file as
bytes (writing is the caller's job, done atomically) and names every event it could
not represent, so nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Final, Literal, TypeAlias

import attrs

from timeline.records import Timeline

__all__ = [
    "FORMATS",
    "ExportOptions",
    "Exported",
    "Format",
    "Skipped",
    "UnknownFormat",
    "export",
    "format_for_path",
]


@attrs.frozen
class ExportOptions:
    """Every export option; each format reads the ones that concern it."""

    locale: str = "en"
    #: The day "ongoing" ends at; overrides the timeline's own `as_of`.
    as_of: dt.date | None = None
    #: When the file was made (iCalendar DTSTAMP); from SOURCE_DATE_EPOCH when the caller sets it.
    generated_at: dt.datetime | None = None
    title: str | None = None
    # iCalendar
    ics_imprecise: Literal["span", "first-day"] = "span"
    # images
    width: int = 1200
    theme: Literal["light", "dark"] = "light"
    lanes: str | None = None
    breaks: bool = True
    # Markdown
    md_style: Literal["table", "list"] = "table"
    md_heading_level: int = 2
    mermaid: bool = False
    image: str | None = None


@attrs.frozen
class Skipped:
    """An event a format could not represent, and why."""

    event_id: str
    reason: str


@attrs.frozen
class Exported:
    data: bytes
    skipped: tuple[Skipped, ...] = ()


Exporter: TypeAlias = Callable[[Timeline, ExportOptions], Exported]


@attrs.frozen
class Format:
    name: str
    suffixes: tuple[str, ...]
    #: "module:function", imported on first use so the CLI starts fast.
    target: str
    summary: str

    def exporter(self) -> Exporter:
        module, function = self.target.split(":")
        exporter: Exporter = getattr(importlib.import_module(module), function)
        return exporter


FORMATS: Final[dict[str, Format]] = {
    f.name: f
    for f in (
        Format("json", (".json",), "timeline.formats.records_json:export_json", "normalised records (also an input)"),
        Format("ics", (".ics",), "timeline.formats.ical:export_ics", "iCalendar for calendar apps"),
        Format("svg", (".svg",), "timeline.formats.image:export_svg", "timeline image, vector"),
        Format("png", (".png",), "timeline.formats.image:export_png", "timeline image, bitmap"),
        Format("pdf", (".pdf",), "timeline.formats.image:export_pdf", "timeline image, for print"),
        Format("md", (".md", ".markdown"), "timeline.formats.markdown:export_markdown", "Markdown for reports"),
        Format("csv", (".csv",), "timeline.formats.spreadsheet:export_csv", "spreadsheet rows (also an input)"),
        Format("timelinejs", (), "timeline.formats.timelinejs:export_timelinejs", "TimelineJS3 JSON"),
        Format("yaml", (".yaml", ".yml"), "timeline.formats.event_yaml:export_yaml", "an event file (also an input)"),
    )
}


class UnknownFormat(ValueError):
    pass


def format_for_path(path: str, name: str | None = None) -> Format:
    """The format named, or the one the file's suffix implies."""
    if name is not None:
        try:
            return FORMATS[name.lower()]
        except KeyError:
            raise UnknownFormat(f"unknown format {name!r}; choose from {', '.join(FORMATS)}") from None
    lowered = path.lower()
    for fmt in FORMATS.values():
        if any(lowered.endswith(suffix) for suffix in fmt.suffixes):
            return fmt
    suffixes = ", ".join(s for f in FORMATS.values() for s in f.suffixes)
    raise UnknownFormat(f"cannot tell the format of {path!r} from its suffix ({suffixes}); give --format")


def export(timeline: Timeline, format_name: str, options: ExportOptions | None = None) -> Exported:
    """Export `timeline` in the named format."""
    return format_for_path("", format_name).exporter()(timeline, options or ExportOptions())
