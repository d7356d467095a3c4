"""What our .ics carries beyond what calendar apps show: X- properties, the UID form, the DESCRIPTION layout.

Export writes these and import reads them back, so a timeline survives the round trip
exactly: the canonical date restores precision ("late 1970s" stays a decade part), the
X- properties hold what standard properties cannot (the raw title when the SUMMARY
says more, tags with commas, sources with their fields, importance, the zone).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Final

from timeline.dates import parse_single
from timeline.display import display
from timeline.readers import has_lone_surrogate
from timeline.records import Source

__all__ = [
    "PRODID",
    "UID_SUFFIX",
    "X_AS_OF",
    "X_DATE",
    "X_IMPORTANCE",
    "X_SOURCE",
    "X_TAGS",
    "X_TITLE",
    "X_TZ",
    "category",
    "id_from_uid",
    "join_description",
    "source_from_json",
    "source_json",
    "split_description",
    "uid",
]

PRODID: Final = "-//timeline//timeline//EN"
UID_SUFFIX: Final = "@timeline"

X_DATE: Final = "X-TIMELINE-DATE"
X_TZ: Final = "X-TIMELINE-TZ"
X_TITLE: Final = "X-TIMELINE-TITLE"
X_TAGS: Final = "X-TIMELINE-TAGS"
X_SOURCE: Final = "X-TIMELINE-SOURCE"
X_IMPORTANCE: Final = "X-TIMELINE-IMPORTANCE"
X_AS_OF: Final = "X-TIMELINE-AS-OF"

_SOURCES_HEADING: Final = "Sources:"


def uid(event_id: str) -> str:
    """The event's UID: the same on every export, so a calendar updates the event instead of adding it again."""
    return event_id + UID_SUFFIX


def id_from_uid(value: str) -> str | None:
    return value[: -len(UID_SUFFIX)] if value.endswith(UID_SUFFIX) and len(value) > len(UID_SUFFIX) else None


def category(tag: str) -> str:
    """A tag as a CATEGORIES item: Google, Outlook and Apple split categories at commas, even escaped ones."""
    return " ".join(tag.replace(",", " ").split()) if "," in tag else tag


@functools.lru_cache(maxsize=1024)
def source_json(source: Source) -> str:
    """The source as compact JSON (cached: a timeline's events usually share a few sources)."""
    fields = {
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published.canonical() if source.published else None,
    }
    return json.dumps({k: v for k, v in fields.items() if v is not None}, ensure_ascii=False, separators=(",", ":"))


def source_from_json(text: str) -> Source:
    """The inverse of `source_json`; raises ValueError (or DateError) for anything else."""
    data = json.loads(text)
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError("expected a JSON object of texts")
    if any(has_lone_surrogate(v) for v in data.values()):
        raise ValueError("a text holds a lone surrogate (half of a pair), not a character")
    published = data.get("published")
    return Source(
        url=data.get("url"),
        title=data.get("title"),
        publisher=data.get("publisher"),
        published=parse_single(published) if published is not None else None,
    )


def _source_line(source: Source) -> str:
    meta = ", ".join(
        part for part in (source.publisher, display(source.published) if source.published else None) if part
    )
    return "- " + " — ".join(part for part in (source.title, meta, source.url) if part)


@functools.lru_cache(maxsize=1024)
def _footer(sources: tuple[Source, ...]) -> str:
    return "\n".join([_SOURCES_HEADING, *(_source_line(s) for s in sources)]) if sources else ""


def join_description(head: str, description: str | None, sources: Sequence[Source]) -> str:
    """DESCRIPTION: the date and its precision, the description, then the sources with their URLs.

    Google, Outlook and Thunderbird do not show URL, so the sources are spelled out here.
    `head` is one line; paragraphs are separated by a blank line.
    """
    return "\n\n".join(part for part in (head, description, _footer(tuple(sources))) if part)


def split_description(text: str, sources: Sequence[Source]) -> str | None:
    """The description part of a DESCRIPTION written by `join_description`, given the same sources."""
    _head, separator, rest = text.partition("\n\n")
    if not separator:
        return None
    footer = _footer(tuple(sources))
    if footer and rest == footer:
        return None
    if footer and rest.endswith("\n\n" + footer):
        rest = rest[: -len(footer) - 2]
    return rest or None
