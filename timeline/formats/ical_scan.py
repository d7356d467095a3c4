"""A first pass over an .ics text that knows line numbers: content lines, unfolding, BEGIN/END nesting.

icalendar parses leniently and does not say where a problem is; this pass checks the
structure itself, names the line of anything broken, and records where each component
and property starts so later messages can point at the right line.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from timeline.problems import InvalidInput, Problem

__all__ = ["Block", "Scanned", "decode", "scan"]

# name *(";" param) ":" value, with quoted parameter values (which may hold ':' and ';').
_CONTENT_LINE: Final = re.compile(r'[A-Za-z0-9-]+[ \t]*(?:;[ \t]*[A-Za-z0-9-]+[ \t]*=(?:"[^"]*"|[^";:])*)*:', re.S)
_PHYSICAL: Final = re.compile(r"\r\n|\n|\r")


@attrs.define
class Block:
    """One component: its name, the line of its BEGIN, and the first line of each property."""

    name: str
    line: int
    properties: dict[str, int] = attrs.Factory(dict)


@attrs.frozen
class Scanned:
    #: The text with every line break as LF, the form handed to icalendar.
    text: str
    #: Components in document order (a parent before its children).
    blocks: tuple[Block, ...]
    #: Each logical line's first physical line number, with its text, for locating error messages.
    lines: tuple[tuple[int, str], ...]


def decode(data: bytes, source_name: str) -> str:
    """The file's text: UTF-8 with or without a byte-order mark; an error names the line of a bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InvalidInput(
            [
                Problem(
                    f"is not UTF-8 text (byte 0x{data[error.start]:02X}); iCalendar files are UTF-8", source_name, line
                )
            ]
        ) from None


def _logical_lines(text: str) -> list[tuple[int, str]]:
    logical: list[tuple[int, str]] = []
    for number, physical in enumerate(_PHYSICAL.split(text), start=1):
        if physical[:1] in (" ", "\t") and logical:
            first, so_far = logical[-1]
            logical[-1] = (first, so_far + physical[1:])
        elif physical.strip():
            logical.append((number, physical))
    return logical


def scan(text: str, source_name: str) -> Scanned:
    """Check the structure of `text`; raise `InvalidInput` naming every broken line."""
    problems: list[Problem] = []
    logical = _logical_lines(text)
    if not logical:
        raise InvalidInput([Problem("is empty; an iCalendar file starts with BEGIN:VCALENDAR", source_name)])
    first_line, first_text = logical[0]
    if first_text.strip().upper() != "BEGIN:VCALENDAR":
        raise InvalidInput(
            [
                Problem(
                    f"does not start with BEGIN:VCALENDAR (got {first_text[:60]!r}); is this an iCalendar file?",
                    source_name,
                    first_line,
                )
            ]
        )
    blocks: list[Block] = []
    stack: list[Block] = []
    for number, line in logical:
        match = _CONTENT_LINE.match(line)
        if match is None:
            problems.append(
                Problem(f"is not an iCalendar content line NAME:value (got {line[:60]!r})", source_name, number)
            )
            continue
        name = re.split(r"[;:\s]", line, maxsplit=1)[0].upper()
        value = line[match.end() :].strip().upper()
        if name == "BEGIN":
            block = Block(value, number)
            blocks.append(block)
            stack.append(block)
        elif name == "END":
            if not stack or stack[-1].name != value:
                expected = f"END:{stack[-1].name} for the BEGIN on line {stack[-1].line}" if stack else "nothing more"
                problems.append(
                    Problem(f"END:{value} does not close anything here; expected {expected}", source_name, number)
                )
                stack.clear()
                break
            stack.pop()
        elif stack:
            stack[-1].properties.setdefault(name, number)
        # A property after the last END:VCALENDAR (a feed's cache note, say) belongs to nothing; icalendar drops it too.
    for block in stack:
        problems.append(Problem(f"BEGIN:{block.name} is never closed by END:{block.name}", source_name, block.line))
    if problems:
        raise InvalidInput(problems)
    return Scanned("\n".join(_PHYSICAL.split(text)), tuple(blocks), tuple(logical))
