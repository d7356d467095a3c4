"""Import CSVs of TimelineJS's Google Sheets template (File > Download > CSV, or Excel's save as CSV).

Rows become TimelineJS slides, read as TimelineJS reads them (`Year`, `Month`, `Day`,
`Time` as "2:30 PM" or "14:30", the v1 `Start Date`/`End Date`, `Type` title and era
rows), then events as in `timelinejs_import`. A row with only a year is year-precise.
Unknown columns are refused with a suggestion, since their content would be lost.
"""

from __future__ import annotations

import re
from typing import Final

from timeline.formats.spreadsheet import read_table
from timeline.formats.timelinejs_import import Converter, Problems, Slide, build_timeline, header_from
from timeline.importing import ImportOptions
from timeline.problems import InvalidInput, suggest
from timeline.readers import decode_text
from timeline.records import Timeline

__all__ = ["SHEET_COLUMNS", "import_sheet"]

#: The template's columns (and the older ones TimelineJS still reads), by their normalised names.
SHEET_COLUMNS: Final = (
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Type",
    "Group",
    "Background",
    # Read by TimelineJS too: the newer template's alt text, and the v1 template's columns.
    "Alt Text",
    "Tag",
    "Start Date",
    "End Date",
)
_TEMPLATE: Final = 18
_SHEET_BY_NAME: Final = {name.lower(): name for name in SHEET_COLUMNS}
#: Where each slide field is, for messages.
_PART_COLUMNS: Final = {
    "year": "Year",
    "month": "Month",
    "day": "Day",
    "hour": "Time",
    "minute": "Time",
    "second": "Time",
    "millisecond": "Time",
}
_SHEET_FIELDS: Final = {
    "start": "Year",
    "end": "End Year",
    "display_date": "Display Date",
    "headline": "Headline",
    "text": "Text",
    "group": "Group",
    "media": "Media",
    "unique_id": "Headline",
    "carried": "Headline",
}
_PERIOD: Final = re.compile(r"\s*([AaPp])\.?[Mm]\.?\s*$")


def _time_parts(text: str) -> dict[str, str] | str:
    """Hour, minute, second and millisecond of a Time cell, read as TimelineJS reads it, or what is wrong."""
    wrong = f"is not a time such as 14:30, 2:30 PM or 14:30:05.250 (got {text!r})"
    period = _PERIOD.search(text)
    clock = text[: period.start()].strip() if period else text.strip()
    if re.fullmatch(r"[0-9]{3,4}", clock):
        pieces = [clock[:-2], clock[-2:]]
    else:
        pieces = clock.split(":") if ":" in clock else clock.split(".")
    if not 1 <= len(pieces) <= 3 or not all(re.fullmatch(r"[0-9]{1,2}", piece) for piece in pieces[:2]):
        return wrong
    hour = int(pieces[0])
    if period and period[1].lower() == "p" and hour != 12:
        hour += 12
    elif period and period[1].lower() == "a" and hour == 12:
        hour = 0
    parts = {"hour": str(hour), "minute": pieces[1] if len(pieces) > 1 else "0"}
    if len(pieces) == 3:
        match = re.fullmatch(r"([0-9]{1,2})(?:[.,]([0-9]{1,3}))?", pieces[2])
        if not match:
            return wrong
        parts["second"] = match[1]
        if match[2]:
            parts["millisecond"] = str(int(match[2].ljust(3, "0")))
    return parts


def _iso_parts(text: str) -> dict[str, str] | None:
    """A v1 template's Start/End Date: YYYY, YYYY-MM, YYYY-MM-DD or M/D/YYYY."""
    text = text.strip()
    if m := re.fullmatch(r"(-?[0-9]+)(?:-([0-9]{1,2}))?(?:-([0-9]{1,2}))?", text):
        return {k: v for k, v in zip(("year", "month", "day"), m.groups(), strict=True) if v}
    if m := re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/(-?[0-9]+)", text):
        return {"month": m[1], "day": m[2], "year": m[3]}
    return None


def import_sheet(data: bytes, source_name: str, options: ImportOptions) -> Timeline:
    """Rows of TimelineJS's Google Sheets template (saved as CSV) as a timeline."""
    table = read_table(decode_text(data, source_name), source_name)
    problems = Problems(source_name)
    columns: dict[str, int] = {}
    for position, raw in enumerate(table.header):
        name = " ".join(raw.split()).lower()
        if not name:
            continue
        known = _SHEET_BY_NAME.get(name)
        if known is None:
            problems.add(
                f"unknown column {raw.strip()!r}; TimelineJS's template has {', '.join(SHEET_COLUMNS[:_TEMPLATE])}"
                f"{suggest(raw.strip(), SHEET_COLUMNS)}",
                (1, position + 1),
            )
        elif known in columns:
            problems.add(f"column {known!r} appears twice", (1, position + 1))
        else:
            columns[known] = position
    if "Year" not in columns and "Start Date" not in columns:
        problems.add(
            "the header has no 'Year' column; is this TimelineJS's template? (first row: Year, Month, ...)", (1, 1)
        )
    if problems.found:
        raise InvalidInput(problems.found)
    converter = Converter(source_name, None, "en")
    title: Slide | None = None
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        slide = _sheet_slide(row, number, columns, converter.problems)
        if slide is None:
            continue
        if slide.kind == "title" and title is None:
            title = slide
        else:
            converter.add(slide)
    return build_timeline(converter, header_from(title, {}), title.where if title else None, source_name, options)


def _sheet_slide(row: list[str], number: int, columns: dict[str, int], problems: Problems) -> Slide | None:
    def cell(name: str) -> str:
        position = columns.get(name)
        return row[position].strip() if position is not None and position < len(row) else ""

    def where(field: str) -> tuple[int, int] | None:
        side, _, part = field.partition(".")
        if part:
            name = _PART_COLUMNS[part] if side == "start" else "End " + _PART_COLUMNS[part]
            if name not in columns:
                name = "Start Date" if side == "start" else "End Date"
        else:
            name = field if field in columns else _SHEET_FIELDS.get(field, "Year")
        position = columns.get(name)
        return number, (position + 1 if position is not None else 1)

    kind = cell("Type").lower() or "event"
    start: dict[str, str] | None = None
    end: dict[str, str] | None = None
    if "Start Date" in columns and cell("Start Date"):
        start = _iso_parts(cell("Start Date"))
        if start is None:
            problems.add(f"is not a date such as 1953-07-27 (got {cell('Start Date')!r})", where("Start Date"))
            return None
    elif cell("Year"):
        start = {"year": cell("Year"), "month": cell("Month"), "day": cell("Day")}
    if "End Date" in columns and cell("End Date"):
        end = _iso_parts(cell("End Date"))
        if end is None:
            problems.add(f"is not a date such as 1953-07-27 (got {cell('End Date')!r})", where("End Date"))
            return None
    elif cell("End Year"):
        end = {"year": cell("End Year"), "month": cell("End Month"), "day": cell("End Day")}
    for name, parts in (("Time", start), ("End Time", end)):
        if not cell(name):
            continue
        if parts is None:
            problems.add(f"has a time but no {'start' if name == 'Time' else 'end'} year", where(name))
            return None
        time = _time_parts(cell(name))
        if isinstance(time, str):
            problems.add(time, where(name))
            return None
        parts.update(time)
    if kind == "title":
        start = None
    return Slide(
        where=where,
        kind=kind if kind in ("title", "era") else "event",
        start=start,
        end=end,
        display_date=cell("Display Date"),
        headline=cell("Headline"),
        text=cell("Text"),
        group=cell("Group") or cell("Tag"),
        media_url=cell("Media"),
        media_caption=cell("Media Caption"),
        media_credit=cell("Media Credit"),
    )
