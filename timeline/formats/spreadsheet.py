"""Events as spreadsheet rows (CSV): the `csv` export format, and the reader that loads `*.csv` event files.

One row per event, under a header row that names the columns (in any order):
`id, title, date, end, description, location, tz, tags, source_url, source_title,
source_publisher, source_published`, then `source2_url` ... for further sources, and an
optional `importance`. Header names ignore case, surrounding spaces, and spaces vs `_`.

- `date` holds a date or an interval `A/B`; with `end` filled in, `date` is the start
  and the pair is an interval (`..` in `end` means ongoing).
- `tags` are separated by `;`; a `;` or `\\` inside a tag is written `\\;` or `\\\\`.
- A cell that starts with `'` loses that one apostrophe on loading. The export adds it
  before any cell a spreadsheet could run as a formula (one starting with =, +, -, @,
  a tab or a carriage return, per OWASP) and before a cell that genuinely starts with `'`,
  so loading gives back exactly what was exported.
- Excel's habits are accepted: a UTF-8 byte-order mark (the export writes one so Excel
  reads UTF-8), `;` or tab as the delimiter (told from the header row), CRLF line ends,
  line breaks inside quoted cells.

Errors name `file.csv:ROW:COLUMN` as a spreadsheet numbers them: the header is row 1,
column A is 1. A CSV holds events only; the timeline's title comes from the file name.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any, Final

import attrs

from timeline.collector import collector_paused
from timeline.dates import Bound, FuzzyDate, Interval
from timeline.formats import Exported, ExportOptions
from timeline.problems import InvalidInput, Problem, suggest
from timeline.readers import DataPath, RawDocument
from timeline.records import Event, Source, Timeline

__all__ = ["COLUMNS", "Table", "export_csv", "neutralise", "read_csv", "read_table", "restore"]

#: The columns every export writes, in this order.
COLUMNS: Final = ("id", "title", "date", "end", "description", "location", "tz", "tags")
SOURCE_PARTS: Final = ("url", "title", "publisher", "published")
REQUIRED: Final = ("id", "title", "date")
_SOURCE_COLUMN: Final = re.compile(r"^source(?P<number>[1-9][0-9]?)?_(?P<part>url|title|publisher|published)$")
#: Cells a spreadsheet may treat as a formula (OWASP CSV injection), plus the apostrophe that marks them.
_FORMULA_START: Final = frozenset("=+-@\t\r'")
#: Plain numbers (a negative importance) are not formulas; leaving them bare keeps them numbers in a spreadsheet.
_PLAIN_NUMBER: Final = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")
_DELIMITERS: Final = (",", ";", "\t")


def neutralise(cell: str) -> str:
    """The cell as written to a CSV: an apostrophe before anything a spreadsheet could run as a formula."""
    if cell[:1] in _FORMULA_START and not _PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """The cell as meant: one leading apostrophe removed (as a spreadsheet does when you type it)."""
    return cell[1:] if cell.startswith("'") else cell


# --- export ------------------------------------------------------------------


def _source_columns(number: int) -> list[str]:
    prefix = "source" if number == 1 else f"source{number}"
    return [f"{prefix}_{part}" for part in SOURCE_PARTS]


def _join_tags(tags: tuple[str, ...]) -> str:
    joined = ";".join(tags)
    if "\\" not in joined and joined.count(";") == len(tags) - 1:
        return joined  # nothing to escape: the common case, kept quick
    return ";".join(tag.replace("\\", "\\\\").replace(";", "\\;") for tag in tags)


def _number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _date_cells(event: Event) -> tuple[str, str]:
    """`date` and `end`: an interval with a dated start goes in two cells, so a spreadsheet sorts by its start."""
    date = event.date
    if isinstance(date, Interval) and isinstance(date.start, FuzzyDate) and date.end is not Bound.UNKNOWN:
        end = date.end.canonical() if isinstance(date.end, FuzzyDate) else date.end.value
        return date.start.canonical(), end
    return date.canonical(), ""


def _source_cells(source: Source) -> list[str]:
    return [
        source.url or "",
        source.title or "",
        source.publisher or "",
        source.published.canonical() if source.published else "",
    ]


def export_csv(timeline: Timeline, options: ExportOptions) -> Exported:
    """The events as CSV rows under a header, UTF-8 with a byte-order mark and CRLF line ends (RFC 4180)."""
    with collector_paused():
        return _export_csv(timeline)


def _export_csv(timeline: Timeline) -> Exported:
    events = timeline.events
    source_count = max(1, max((len(event.sources) for event in events), default=0))
    with_importance = any(event.importance is not None for event in events)
    header = list(COLUMNS)
    for number in range(1, source_count + 1):
        header.extend(_source_columns(number))
    if with_importance:
        header.append("importance")
    no_source = ["", "", "", ""]
    risky = _FORMULA_START
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    # Each row is written at once: keeping 100,000 row lists alive would set off full garbage
    # collections over the whole timeline, which cost more than the writing.
    write = writer.writerow
    for event in events:
        date, end = _date_cells(event)
        row = [
            event.id,
            event.title,
            date,
            end,
            event.description or "",
            event.location or "",
            event.tz or "",
            _join_tags(event.tags),
        ]
        for index in range(source_count):
            row.extend(_source_cells(event.sources[index]) if index < len(event.sources) else no_source)
        if with_importance:
            row.append(_number(event.importance) if event.importance is not None else "")
        # Inline `neutralise`: most cells start with nothing risky, and this runs for every cell.
        write([("'" + c if not _PLAIN_NUMBER.match(c) else c) if c[:1] in risky else c for c in row])
    return Exported(("\ufeff" + out.getvalue()).encode("utf-8"))


# --- reading -----------------------------------------------------------------


@attrs.frozen
class Table:
    """A CSV's header and data rows, with each row's spreadsheet row number (the header is row 1)."""

    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    delimiter: str


def _delimiter(text: str) -> str:
    """The delimiter the header row uses most, outside quotes; Excel writes `;` where `,` is the decimal mark."""
    line = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(text: str, display: str) -> Table:
    """The header and non-blank rows of a CSV text; raise `InvalidInput` for a file the csv module cannot split."""
    text = text.removeprefix("\ufeff")
    # Excel's "sep=;" first line names the delimiter; Excel does not show it as a row, so neither do we.
    sep = re.match(r"sep=(.)\r?\n", text)
    delimiter = sep[1] if sep else _delimiter(text)
    text = text[sep.end() :] if sep else text
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    header: list[str] | None = None
    number = 0
    try:
        for row in reader:
            number += 1
            if header is None:
                header = row
            elif any(row):
                rows.append(row)
                row_numbers.append(number)
    except csv.Error as error:
        raise InvalidInput(
            [
                Problem(
                    f"is not valid CSV at line {reader.line_num}: {error} "
                    '(a cell with a quote, delimiter or line break must be in double quotes, its quotes doubled: "")',
                    file=display,
                    line=number + 1,
                )
            ]
        ) from None
    if header is None or not any(header):
        raise InvalidInput(
            [Problem(f"is empty; an event CSV starts with a header row: {','.join(COLUMNS)}", file=display)]
        )
    return Table(header, rows, row_numbers, delimiter)


def _normalise(name: str) -> str:
    return re.sub(r"[\s_]+", "_", name.strip().lower())


_KNOWN: Final = (*COLUMNS, *(f"source_{part}" for part in SOURCE_PARTS), "importance")


def _column_key(name: str) -> tuple[str, int] | str | None:
    """(part, source number) for a source column, the name for an event column, None for an unknown one."""
    match = _SOURCE_COLUMN.match(name)
    if match:
        return match["part"], int(match["number"] or 1)
    if name in COLUMNS or name == "importance":
        return name
    return None


@attrs.frozen
class _Layout:
    """Where each field's column is: `index` for event fields, `sources[number][part]` for sources (0-based)."""

    index: dict[str, int]
    sources: dict[int, dict[str, int]]
    width: int


def _layout(header: Sequence[str], rows: Sequence[Sequence[str]], display: str) -> _Layout:
    problems: list[Problem] = []
    index: dict[str, int] = {}
    sources: dict[int, dict[str, int]] = {}
    seen: dict[str, int] = {}

    def problem(message: str, position: int) -> None:
        problems.append(Problem(message, file=display, line=1, column=position + 1))

    header_names = {_normalise(raw) for raw in header}
    if {"year", "headline"} <= header_names and "id" not in header_names:
        problem(
            "this looks like TimelineJS's spreadsheet template, not an event CSV; "
            "convert it with: timeline import FILE --from-timelinejs -o events.yaml",
            0,
        )
        raise InvalidInput(problems)
    if not any(_column_key(name) for name in header_names):
        found = ", ".join(repr(cell.strip()) for cell in header[:4] if cell.strip())
        problem(f"the first row must be the header naming the columns: {','.join(COLUMNS)},... (found {found})", 0)
        raise InvalidInput(problems)
    for position, raw in enumerate(header):
        name = _normalise(raw)
        if not name:
            if any(position < len(row) and row[position] for row in rows):
                problem("this column has cells but no name in the header row", position)
            continue
        if name in seen:
            problem(
                f"column {raw.strip()!r} appears twice (also column {seen[name] + 1}); name each column once", position
            )
            continue
        seen[name] = position
        key = _column_key(name)
        if key is None:
            problem(
                f"unknown column {raw.strip()!r}; the columns are {', '.join(_KNOWN[:-1])}, "
                f"source2_url ... for more sources, and importance{suggest(name, _KNOWN)}",
                position,
            )
        elif isinstance(key, tuple):
            parts = sources.setdefault(key[1], {})
            if key[0] in parts:  # source_url and source1_url name the same thing
                problem(f"column {raw.strip()!r} repeats column {parts[key[0]] + 1}; name each column once", position)
            parts[key[0]] = position
        else:
            index[key] = position
    missing = [name for name in REQUIRED if name not in index]
    if missing and not problems:
        problem(f"the header row has no {' or '.join(repr(name) for name in missing)} column", 0)
    if problems:
        raise InvalidInput(problems)
    return _Layout(index, dict(sorted(sources.items())), len(header))


def _split_tags(cell: str) -> list[str]:
    """Tags separated by `;`, where `\\;` is a semicolon and `\\\\` a backslash; empty ones are dropped."""
    if "\\" not in cell:
        return [tag for tag in cell.split(";") if tag and not tag.isspace()]
    tags, current, escaped = [], [], False
    for char in cell:
        if escaped:
            if char not in ";\\":
                current.append("\\")  # a lone backslash is just a backslash
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            tags.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    tags.append("".join(current))
    return [tag for tag in tags if tag.strip()]


_DECIMAL_COMMA: Final = re.compile(r"^\s*-?[0-9]+,[0-9]+\s*$")
#: Columns that become one text value each, as written (apart from a leading apostrophe).
_TEXT_FIELDS: Final = frozenset({"id", "title", "description", "location", "tz"})


def _event_rows(rows: list[list[str]], layout: _Layout, decimal_comma: bool) -> list[dict[str, Any]]:
    """Each row as the plain mapping an event file would hold; empty cells are left out.

    This runs once per row of files with 100,000 rows, so it is written for speed: rows are
    padded once, and a leading apostrophe is removed inline.
    """
    index, width = layout.index, layout.width
    texts = [(field, position) for field, position in index.items() if field in _TEXT_FIELDS]
    date_at, end_at = index["date"], index.get("end")
    tags_at, importance_at = index.get("tags"), index.get("importance")
    sources = [tuple(parts.items()) for parts in layout.sources.values()]
    padding = [""] * width
    events = []
    for row in rows:
        if len(row) < width:
            row = row + padding[len(row) :]
        data: dict[str, Any] = {}
        for field, position in texts:
            cell = row[position]
            if cell:
                data[field] = cell[1:] if cell[0] == "'" else cell
        date = row[date_at]
        if date[:1] == "'":
            date = date[1:]
        end = row[end_at] if end_at is not None else ""
        if end:
            end = end[1:] if end[0] == "'" else end
            if "/" in date:
                data["date"] = date  # with 'end' too: structure.py says to give one or the other
            elif date:
                data["start"] = date
            data["end"] = end
        elif date:
            data["date"] = date
        if tags_at is not None and row[tags_at]:
            cell = row[tags_at]
            data["tags"] = _split_tags(cell[1:] if cell[0] == "'" else cell)
        if importance_at is not None and row[importance_at]:
            cell = row[importance_at]
            cell = cell[1:] if cell[0] == "'" else cell
            data["importance"] = cell.replace(",", ".") if decimal_comma and _DECIMAL_COMMA.match(cell) else cell
        found = []
        for parts in sources:
            source = {}
            for part, position in parts:
                cell = row[position]
                if cell:
                    source[part] = cell[1:] if cell[0] == "'" else cell
            if source:
                found.append(source)
        if found:
            data["sources"] = found
        events.append(data)
    return events


def _locator(layout: _Layout, rows: list[list[str]], row_numbers: list[int]) -> Any:
    """(row, column) of a value: the spreadsheet row of its event and the column of its field."""
    first_source = min((min(parts.values()) for parts in layout.sources.values()), default=0)

    def source_column(row: list[str], nth: int, part: str | None) -> int:
        filled = [
            parts
            for parts in layout.sources.values()
            if any(position < len(row) and row[position] for position in parts.values())
        ]
        if nth >= len(filled):
            return first_source
        parts = filled[nth]
        return parts.get(part or "url", min(parts.values()))

    def locate(path: DataPath, key: bool) -> tuple[int, int] | None:
        if len(path) < 2 or path[0] != "events" or not isinstance(path[1], int) or path[1] >= len(rows):
            return (1, 1) if path in ((), ("events",)) else None
        number = row_numbers[path[1]]
        if len(path) == 2:
            return number, 1
        field = path[2]
        if field == "sources":
            nth = path[3] if len(path) > 3 and isinstance(path[3], int) else 0
            part = path[4] if len(path) > 4 and isinstance(path[4], str) else None
            return number, source_column(rows[path[1]], nth, part) + 1
        column = layout.index.get("date" if field == "start" else str(field))
        return (number, column + 1) if column is not None else (number, 1)

    return locate


def read_csv(text: str, display: str) -> RawDocument:
    """An event CSV as the data an event file holds, each value locatable by spreadsheet row and column."""
    with collector_paused():
        return _read_csv(text, display)


def _read_csv(text: str, display: str) -> RawDocument:
    table = read_table(text, display)
    layout = _layout(table.header, table.rows, display)
    problems = []
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        if len(row) > layout.width and any(row[layout.width :]):
            problems.append(
                Problem(
                    f"has {len(row)} cells but the header names {layout.width} columns "
                    f"(a cell holding {table.delimiter!r} must be in double quotes)",
                    file=display,
                    line=number,
                    column=layout.width + 1,
                )
            )
    if problems:
        raise InvalidInput(problems)
    decimal_comma = table.delimiter == ";"
    events = _event_rows(table.rows, layout, decimal_comma)
    return RawDocument(display, {"events": events}, _locator(layout, table.rows, table.row_numbers))
