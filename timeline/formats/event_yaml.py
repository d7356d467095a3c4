"""Event files in YAML: what `timeline import` writes, and the `yaml` export format.

The file is meant to be read and edited by people: block style, fields in the order
of the README's example, empty fields left out, dates in their canonical text.
"""

from __future__ import annotations

from typing import Any

import yaml

from timeline.formats import Exported, ExportOptions
from timeline.records import Event, Source, Timeline

__all__ = ["dump_event_file", "export_yaml"]


def _source(source: Source) -> dict[str, Any] | str:
    fields = {
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published.canonical() if source.published else None,
    }
    kept = {key: value for key, value in fields.items() if value is not None}
    return kept["url"] if list(kept) == ["url"] else kept


def _event(event: Event) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": event.id,
        "title": event.title,
        "date": event.date.canonical(),
        "tz": event.tz,
        "location": event.location,
        "tags": list(event.tags) or None,
        "description": event.description,
        "sources": [_source(source) for source in event.sources] or None,
        "importance": event.importance,
    }
    return {key: value for key, value in fields.items() if value is not None}


class _Dumper(yaml.SafeDumper):
    """Block style, with multi-line text as `|` blocks so descriptions stay readable."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text and text == text.strip() and "\r" not in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


def dump_event_file(timeline: Timeline, comment: str = "") -> bytes:
    """An event file holding `timeline`, with `comment` lines at the top."""
    header: dict[str, Any] = {"title": timeline.title}
    if timeline.description:
        header["description"] = timeline.description
    if timeline.as_of:
        header["as_of"] = timeline.as_of.isoformat()
    document = {"timeline": header, "events": [_event(event) for event in timeline.events]}
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    lines = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    return (lines + ("\n" if lines else "") + body).encode("utf-8")


def export_yaml(timeline: Timeline, options: ExportOptions) -> Exported:
    as_of = options.as_of or timeline.as_of
    titled = timeline.replace(title=options.title or timeline.title, as_of=as_of)
    return Exported(dump_event_file(titled))
