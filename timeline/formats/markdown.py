"""Markdown for reports, wikis and READMEs: a GFM table or dated lists, with sources as footnotes.

A heading with the title, the description, an optional image and Mermaid diagram, then the
events in order, a line explaining the date marks used, and one footnote per distinct source.
All event text goes through `markdown_text`, so it renders as written and never as syntax.
Texts are prepared column by column (all titles, all dates, ...) so that escaping runs in batches.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from timeline.dates import Bound, FuzzyDate, Interval, Precision
from timeline.display import display
from timeline.formats import Exported, ExportOptions
from timeline.formats.markdown_text import (
    clean,
    clean_all,
    destination,
    heading,
    inline,
    inline_all,
    is_safe_url,
    line,
    paragraphs,
    plain,
    plain_all,
    protect_start,
    split_paragraphs,
)
from timeline.formats.mermaid import mermaid_block
from timeline.records import Event, Source, Timeline, per_date

__all__ = ["MAX_YEAR_GROUPS", "START_UNKNOWN", "Group", "export_markdown", "group_events"]

# --- grouping ---------------------------------------------------------------

Group = tuple[str, list[Event]]
#: More year headings than this, and the list (and Mermaid) group by decade instead.
MAX_YEAR_GROUPS: Final = 30
START_UNKNOWN: Final = "Start unknown"


def _group_indices(events: Sequence[Event], locale: str) -> list[tuple[str, list[int]]]:
    # Each event's heading as an int key (precision * 10**5 + first year), per grouping: ints, not
    # tuples, because containers that outlive the loop make the garbage collector sweep the whole
    # timeline again and again on a large export.
    by_year: list[int] = []
    by_decade: list[int] = []
    for event in events:
        date = event.date
        earliest = date.earliest
        if earliest is None:
            by_year.append(-1)
            by_decade.append(-1)
            continue
        precision = (date.first if isinstance(date, Interval) else date).precision
        year = earliest.year
        # A heading never claims more precision than the event: "late 1960s" goes under "1960s".
        century = year // 100 * 100
        decade = 100_000 + year // 10 * 10 if precision >= Precision.DECADE else century
        by_decade.append(decade)
        by_year.append(200_000 + year if precision >= Precision.YEAR else decade)
    for keys in (by_year, by_decade):
        groups: list[tuple[str, list[int]]] = []
        last = None
        for index, key in enumerate(keys):
            if key == last:
                groups[-1][1].append(index)
                continue
            if keys is by_year and len(groups) == MAX_YEAR_GROUPS:
                break
            groups.append((_label(key, locale), [index]))
            last = key
        else:
            return groups
    raise AssertionError("unreachable: decade grouping never stops early")


@functools.lru_cache(maxsize=1024)
def _label(key: int, locale: str) -> str:
    if key < 0:
        return START_UNKNOWN
    precision, year = divmod(key, 100_000)
    if precision == 2:
        return str(year)
    return display(FuzzyDate(Precision.DECADE if precision else Precision.CENTURY, year), locale)


def group_events(events: Sequence[Event], locale: str = "en") -> list[Group]:
    """Runs of events under one heading each: per year, or per decade when years would be too many."""
    return [(label, [events[i] for i in indices]) for label, indices in _group_indices(events, locale)]


# --- sources ----------------------------------------------------------------


class Footnotes:
    """Numbers each distinct source once, in order of first citation."""

    def __init__(self) -> None:
        self.numbers: dict[Source, int] = {}

    def refs(self, sources: Sequence[Source]) -> str:
        """The footnote references for one event's sources, separated by spaces."""
        numbers = self.numbers
        if len(sources) == 1:  # the common case: one hash of the source, no list
            return f"[^{numbers.setdefault(sources[0], len(numbers) + 1)}]"
        labels: list[str] = []
        for source in sources:
            label = f"[^{numbers.setdefault(source, len(numbers) + 1)}]"
            if label not in labels:
                labels.append(label)
        return " ".join(labels)

    def definitions(self, locale: str) -> list[str]:
        """`[^n]: title (linked), publisher, date.` for each source, in number order."""
        sources = list(self.numbers)
        titles = clean_all([s.title or "" for s in sources])
        urls = clean_all([s.url or "" for s in sources])
        linked_titles = plain_all(titles)
        publishers = inline_all(clean_all([s.publisher or "" for s in sources]))
        lines = []
        for number, (source, title, url, linked_title, publisher) in enumerate(
            zip(sources, titles, urls, linked_titles, publishers, strict=True), 1
        ):
            safe = bool(url) and is_safe_url(url)  # a script or local file URL is shown as text
            if title:
                text = f"*[{linked_title}]({destination(url)})*" if safe else f"*{inline(title)}*"
            elif url:
                text = f"[{plain(url)}]({destination(url)})" if safe else inline(url)
            else:
                text = ""
            if publisher:
                text = f"{text}, {publisher}" if text else publisher
            if source.published is not None:
                published = inline(display(source.published, locale))
                text = f"{text}, {published}" if text else published
            # A definition's text is a block of its own: a bare publisher such as "1. Kanal" must stay text.
            lines.append(f"[^{number}]: {protect_start(text + '.') if text else 'Source without details.'}")
        return lines


# --- events -----------------------------------------------------------------


@dataclass
class _Columns:
    """Every event's parts, prepared in batches; index i belongs to event i."""

    whens: list[str]  # display dates, as text
    titles: list[str]  # cleaned, not escaped (Mermaid escapes its own way)
    escaped_whens: list[str]
    escaped_titles: list[str]
    details: list[str]  # escaped "*location* — description", as a table cell or as list-item paragraphs
    refs: list[str]


def _details(events: Sequence[Event], *, as_list: bool) -> list[str]:
    """Each event's location and description, escaped, as one table cell or as list-item paragraphs.

    One string per event, not a list: a list per event would outlive this call and make
    Python's garbage collector sweep the whole timeline again and again on a large export.
    """
    locations = inline_all(clean_all([e.location or "" for e in events]))
    pieces: list[str] = []
    counts: list[int] = []
    for event in events:
        description = event.description
        if not description:
            counts.append(0)
        elif "\n" in description or "\r" in description:
            parts = split_paragraphs(description)
            pieces.extend(parts)
            counts.append(len(parts))
        else:
            pieces.append(description)
            counts.append(1)
    cleaned = clean_all(pieces)
    escaped = inline_all(cleaned)
    separator = "\n\n  " if as_list else " "
    details: list[str] = []
    start = 0
    for location, count in zip(locations, counts, strict=True):
        if count < 2:  # the common cases, without a list per event
            first, rest = (escaped[start] if count and cleaned[start] else ""), ""
        else:
            kept = [escaped[i] for i in range(start, start + count) if cleaned[i]]
            first = kept[0] if kept else ""
            rest = "".join(separator + (protect_start(p) if as_list else p) for p in kept[1:])
        start += count
        if location:
            first = f"*{location}* — {first}" if first else f"*{location}*"
        elif as_list:
            first = protect_start(first)  # the paragraph starts a line
        details.append(first + rest)
    return details


def _columns(events: Sequence[Event], notes: Footnotes, locale: str, *, as_list: bool) -> _Columns:
    whens = per_date(events, lambda date: display(date, locale))
    titles = clean_all([event.title for event in events])
    return _Columns(
        whens=whens,
        titles=titles,
        escaped_whens=inline_all(whens),
        escaped_titles=inline_all(titles),
        details=_details(events, as_list=as_list),
        refs=_refs(events, notes),
    )


def _refs(events: Sequence[Event], notes: Footnotes) -> list[str]:
    """`notes.refs` for each event, with the usual single source numbered inline."""
    numbers = notes.numbers
    refs = []
    for event in events:
        sources = event.sources
        if len(sources) == 1:
            refs.append(f"[^{numbers.setdefault(sources[0], len(numbers) + 1)}]")
        else:
            refs.append(notes.refs(sources))
    return refs


def _table(columns: _Columns) -> str:
    rows = ["| Date | Event | Details | Sources |", "| --- | --- | --- | --- |"]
    rows.extend(
        f"| {when} | {title} | {details} | {refs} |"
        for when, title, details, refs in zip(
            columns.escaped_whens, columns.escaped_titles, columns.details, columns.refs, strict=True
        )
    )
    return "\n".join(rows)


def _lists(groups: Sequence[tuple[str, list[int]]], columns: _Columns, level: int) -> list[str]:
    """A heading per group, then one bullet per event: "**date** — title", details as paragraphs under it."""
    blocks: list[str] = []
    for label, indices in groups:
        blocks.append(heading(level + 1, label))
        items = []
        for i in indices:
            item = f"- **{columns.escaped_whens[i]}** — {columns.escaped_titles[i]}{columns.refs[i]}"
            details = columns.details[i]
            items.append(f"{item}\n\n  {details}" if details else item)
        blocks.append("\n\n".join(items))
    return blocks


def _mermaid(title: str, groups: Sequence[tuple[str, list[int]]], columns: _Columns) -> str:
    sections = [label for label, indices in groups for _ in indices]
    order = [i for _, indices in groups for i in indices]
    return mermaid_block(title, sections, [columns.whens[i] for i in order], [columns.titles[i] for i in order])


# --- the document -----------------------------------------------------------


def _legend(events: Sequence[Event], as_of: dt.date | None, locale: str) -> str | None:
    """One line saying what the date marks mean, naming only the marks the dates use."""
    approximate = uncertain = ongoing = no_start = no_end = False
    for event in events:
        date = event.date
        approximate = approximate or date.approximate
        uncertain = uncertain or date.uncertain
        if isinstance(date, Interval):
            ongoing = ongoing or date.end is Bound.OPEN
            no_start = no_start or date.start is Bound.UNKNOWN
            no_end = no_end or date.end is Bound.UNKNOWN
    year = FuzzyDate(Precision.YEAR, 2000)
    marks: list[str] = []
    if approximate:
        marks.append(f"“{_mark(FuzzyDate(Precision.YEAR, 2000, approximate=True), locale)}” approximate")
    if uncertain:
        marks.append(f"“{_mark(FuzzyDate(Precision.YEAR, 2000, uncertain=True), locale)}” uncertain")
    if no_start:
        marks.append(f"“{_mark(Interval(Bound.UNKNOWN, year), locale)}” start not known")
    if no_end:
        marks.append(f"“{_mark(Interval(year, Bound.UNKNOWN), locale)}” end not known")
    if ongoing:
        day = f" as of {display(FuzzyDate(Precision.DAY, as_of.year, as_of.month, as_of.day), locale)}" if as_of else ""
        marks.append(f"“{_mark(Interval(year, Bound.OPEN), locale)}” still going on{day}")
    if not marks:
        return None
    return "*Dates are as precise as the sources allow; " + "; ".join(inline(m) for m in marks) + ".*"


def _mark(date: FuzzyDate | Interval, locale: str) -> str:
    """The locale's mark alone: "c. 2000" gives "c. …", "2000년경" gives "…년경"."""
    return display(date, locale).replace("2000", "…")


def export_markdown(timeline: Timeline, options: ExportOptions) -> Exported:
    """The timeline as one Markdown section: title, description, events, sources as footnotes."""
    level = options.md_heading_level
    if not 1 <= level <= 5:
        raise ValueError(f"md_heading_level must be 1 to 5 (the list style uses one level more), got {level}")
    locale = options.locale
    title = clean(options.title or timeline.title)
    blocks = [heading(level, title)]
    if timeline.description:
        blocks.extend(line(p) for p in paragraphs(timeline.description))
    if options.image:
        blocks.append(f"![{plain('Timeline: ' + title)}]({destination(options.image)})")
    events = timeline.events
    notes = Footnotes()
    if events:
        columns = _columns(events, notes, locale, as_list=options.md_style == "list")
        groups = _group_indices(events, locale) if options.md_style == "list" or options.mermaid else []
        if options.mermaid:
            blocks.append(_mermaid(title, groups, columns))
        blocks.extend(_lists(groups, columns, level) if options.md_style == "list" else [_table(columns)])
    legend = _legend(events, options.as_of or timeline.as_of, locale)
    if legend:
        blocks.append(legend)
    definitions = notes.definitions(locale)
    if definitions:
        blocks.append("\n".join(definitions))
    return Exported(("\n\n".join(blocks) + "\n").encode("utf-8"))
