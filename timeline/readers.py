"""Read event files into plain data, keeping a way back to line and column for messages.

Each reader returns a `RawDocument`: the file's data as dicts, lists and scalars,
and `locate(path)`, which finds where a value (or a key) stands in the file. Finding
a location is only needed when there is something to report, so readers keep it
cheap on the happy path: YAML keeps every position packed in a few flat arrays
(`timeline.yaml_reader`), JSON scans the text again on demand.
"""

from __future__ import annotations

import bisect
import json
import json.scanner
import re
import stat
import sys
from collections.abc import Callable, Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any, Final, TypeAlias

import attrs

from timeline.problems import InvalidInput, Problem, Severity

__all__ = ["READERS", "DataPath", "RawDocument", "has_lone_surrogate", "read_document", "read_limited"]

#: Keys and indexes from the document's root to a value.
DataPath: TypeAlias = tuple[str | int, ...]
Locator: TypeAlias = Callable[[DataPath, bool], "tuple[int, int] | None"]

#: How many nodes YAML aliases may expand to before the file is refused ("billion laughs").
ALIAS_EXPANSION_LIMIT: Final = 1_000_000
#: Larger event files are refused before reading, so memory stays bounded; split them instead.
MAX_FILE_BYTES: Final = 100 * 1024 * 1024
#: How deeply a file may nest; event files need about five levels.
MAX_DEPTH: Final = 64


@attrs.frozen
class RawDocument:
    """A file's data, with `locate(path, key)` giving 1-based (line, column) of a value or key."""

    file: str
    data: Any
    locator: Locator = attrs.field(repr=False)

    def locate(self, path: DataPath, *, key: bool = False) -> tuple[int, int] | None:
        # A missing value has no place of its own: point at the nearest thing that exists.
        for end in range(len(path), -1, -1):
            try:
                found = self.locator(path[:end], key and end == len(path))
            except Exception:  # noqa: BLE001 - a location is a courtesy; never let it hide the real problem
                return None
            if found is not None:
                return found
        return None

    def problem(
        self,
        message: str,
        path: DataPath = (),
        *,
        key: bool = False,
        event_id: str | None = None,
        field: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        where = self.locate(path, key=key)
        line, column = where if where else (None, None)
        return Problem(
            message, file=self.file, line=line, column=column, event_id=event_id, field=field, severity=severity
        )


def decode_text(data: bytes, display: str) -> str:
    """The text of a file's bytes, refusing what is not UTF-8 with the line where the bad byte is."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise InvalidInput(
            [
                Problem(
                    f"is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); save it as UTF-8",
                    file=display,
                    line=line,
                    column=column,
                )
            ]
        ) from None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --- YAML --------------------------------------------------------------------


def read_yaml(text: str, display: str) -> RawDocument:
    """A YAML event file's data; the reader is `timeline.yaml_reader` (imported here, so no import cycle)."""
    from timeline.yaml_reader import read_yaml as read

    return read(text, display)


# --- JSON --------------------------------------------------------------------


class _JsonDuplicate(Exception):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _JsonDuplicate()
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_json(text: str, display: str) -> RawDocument:
    try:
        data, index = _parse_json(text)
    except json.JSONDecodeError as error:
        message = error.msg.removesuffix(" at")  # "Invalid control character at": the place follows as line:column
        raise InvalidInput(
            [Problem(f"is not valid JSON: {message}", file=display, line=error.lineno, column=error.colno)]
        ) from None
    except _JsonDuplicate:
        path, (line, column) = _first_json_duplicate(text)
        raise InvalidInput(
            [Problem(f"duplicate key {path[-1]!r}; each key may appear once", file=display, line=line, column=column)]
        ) from None
    except ValueError as error:  # NaN / Infinity, or an integer longer than Python converts
        if "integer string conversion" in str(error):
            limit = sys.get_int_max_str_digits()
            found = re.search(rf"\d{{{limit + 1}}}", text)
            where = _line_col(text, found.start()) if found else None
            raise InvalidInput(
                [
                    Problem(
                        f"is not valid JSON: a number has more than {limit:,} digits",
                        file=display,
                        line=where and where[0],
                        column=where and where[1],
                    )
                ]
            ) from None
        offset = _first_json_constant(text)
        where = _line_col(text, offset) if offset is not None else None
        raise InvalidInput(
            [Problem(f"is not valid JSON: {error}", file=display, line=where and where[0], column=where and where[1])]
        ) from None
    except RecursionError:
        raise InvalidInput([Problem("is not valid JSON: nested too deeply", file=display)]) from None

    document = RawDocument(display, data, _JsonLocator(text, index))
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):  # only an escape can put a lone surrogate in a str
        _refuse_lone_surrogates(document)
    return document


_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """Whether `text` holds half of a surrogate pair (from a JSON escape): no character, and no UTF-8 can hold it."""
    return _SURROGATE.search(text) is not None


def _refuse_lone_surrogates(document: RawDocument) -> None:
    """Refuse text holding half of a surrogate pair: it is no character, and no output could encode it."""
    stack: list[tuple[DataPath, Any, bool]] = [((), document.data, False)]
    while stack:  # depth first, in document order, without recursion (JSON may nest deeply)
        path, value, is_key = stack.pop()
        if isinstance(value, str):
            half = _SURROGATE.search(value)
            if half is not None:
                raise InvalidInput(
                    [
                        document.problem(
                            f"holds \\u{ord(half[0]):04x}, a lone surrogate (half of a pair), not a character; "
                            "write the character itself or its complete pair",
                            path,
                            key=is_key,
                        )
                    ]
                )
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                stack.append(((*path, key), item, False))
                stack.append(((*path, key), key, True))
        elif isinstance(value, list):
            stack.extend(((*path, index), item, False) for index, item in reversed(list(enumerate(value))))


class _JsonLocator:
    """Finds values in JSON text: offsets of the first two levels come from the parse, then a local scan.

    Indexing every value of a 100,000-event file would cost hundreds of megabytes; the
    first two levels (`events`, `events[i]`) are enough to start a scan of one event.
    Noting them while parsing costs a third more than the bare C decoder; finding them
    again later, for the first warning, would cost twice the parse.
    """

    def __init__(self, text: str, index: _Index) -> None:
        self.text = text
        self.index = index
        self.line_starts: list[int] | None = None

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column; counting newlines afresh for each of 100,000 warnings would be quadratic."""
        if self.line_starts is None:
            self.line_starts = [0, *(match.end() for match in re.finditer("\n", self.text))]
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def __call__(self, path: DataPath, key: bool) -> tuple[int, int] | None:
        if len(path) <= 2:
            offset = self.index.offset(path, key)
            return self.line_col(offset) if offset is not None else None
        prefix = path[:2]
        start = self.index.offset(prefix, False)
        if start is None:
            return None
        for found, is_key, offset in _scan_json(self.text, start, prefix):
            if found == path and is_key == key:
                return self.line_col(offset)
        return None


_STRICT: Final = json.JSONDecoder(object_pairs_hook=_unique_pairs, parse_constant=_refuse_constant)
_scan_once: Final = json.scanner.make_scanner(_STRICT)  # type: ignore[arg-type]


@attrs.define
class _Index:
    """Offsets of the root, its keys and values, and the items of arrays at the root or one level down."""

    root: int = 0
    keys: dict[str, int] = attrs.Factory(dict)
    values: dict[str, int] = attrs.Factory(dict)
    #: Item offsets by the path of their array: `()` for a root array, `("events",)` for one under a key.
    items: dict[DataPath, list[int]] = attrs.Factory(dict)

    def offset(self, path: DataPath, key: bool) -> int | None:
        if not path:
            return self.root
        first = path[0]
        if len(path) == 1:
            if isinstance(first, int):
                return _item(self.items.get(()), first)
            return (self.keys if key else self.values).get(first)
        if len(path) == 2 and isinstance(path[1], int) and not isinstance(first, int):
            return _item(self.items.get((first,)), path[1])
        return None


def _item(offsets: list[int] | None, position: int) -> int | None:
    return offsets[position] if offsets is not None and 0 <= position < len(offsets) else None


def _parse_json(text: str) -> tuple[Any, _Index]:
    """Parse like `json.loads`, noting the offsets of the root's keys and values and of the items of
    arrays at the root or one level down; each item is decoded by the C scanner."""
    index = _Index()
    data: Any
    try:
        start = _skip(text, 0)
        index.root = start
        if text.startswith("{", start):
            data, end = _parse_object(text, start, index)
        elif text.startswith("[", start):
            data, end = _parse_array(text, start, index.items.setdefault((), []))
        else:
            data, end = _STRICT.raw_decode(text, start)
    except IndexError:  # the text ended inside the root
        raise json.JSONDecodeError("Expecting value", text, len(text)) from None
    end = _skip(text, end)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return data, index


def _parse_object(text: str, position: int, index: _Index) -> tuple[dict[str, Any], int]:
    data: dict[str, Any] = {}
    position = _skip(text, position + 1)
    if text[position] == "}":
        return data, position + 1
    while True:
        if text[position] != '"':
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, position)
        key, after = scanstring(text, position + 1)
        if key in data:
            raise _JsonDuplicate()
        index.keys[key] = position
        position = _skip(text, after)
        if text[position] != ":":
            raise json.JSONDecodeError("Expecting ':' delimiter", text, position)
        position = _skip(text, position + 1)
        index.values[key] = position
        if text[position] == "[":
            data[key], position = _parse_array(text, position, index.items.setdefault((key,), []))
        else:
            data[key], position = _STRICT.raw_decode(text, position)
        position = _skip(text, position)
        if text[position] == "}":
            return data, position + 1
        if text[position] != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
        position = _skip(text, position + 1)


def _parse_array(text: str, position: int, offsets: list[int]) -> tuple[list[Any], int]:
    items: list[Any] = []
    position = _skip(text, position + 1)
    if text[position] == "]":
        return items, position + 1
    while True:
        offsets.append(position)
        try:
            value, position = _scan_once(text, position)
        except StopIteration as missing:
            raise json.JSONDecodeError("Expecting value", text, missing.value) from None
        items.append(value)
        if text[position] not in ",]":
            position = _skip(text, position)
        if text[position] == "]":
            return items, position + 1
        if text[position] != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
        position = _skip(text, position + 1)


def _skip(text: str, position: int) -> int:
    return _WS.match(text, position).end()  # type: ignore[union-attr]


_WS: Final = re.compile(r"[ \t\n\r]*")
_NUMBER: Final = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_CONSTANTS: Final = re.compile(r"true|false|null|NaN|-?Infinity")


def _scan_json(text: str, start: int = 0, base: DataPath = ()) -> Iterator[tuple[DataPath, bool, int]]:
    """Every key (is_key True) and value of the JSON value at `start`, with its path and offset, in order."""
    position = [_WS.match(text, start).end()]  # type: ignore[union-attr]

    def skip() -> None:
        position[0] = _WS.match(text, position[0]).end()  # type: ignore[union-attr]

    def value(path: DataPath) -> Iterator[tuple[DataPath, bool, int]]:
        start = position[0]
        yield path, False, start
        char = text[start]
        if char == "{":
            position[0] += 1
            skip()
            if text[position[0]] == "}":
                position[0] += 1
                return
            while True:
                key_start = position[0]
                key, position[0] = scanstring(text, key_start + 1)
                yield (*path, key), True, key_start
                skip()
                position[0] += 1  # ':'
                skip()
                yield from value((*path, key))
                skip()
                char = text[position[0]]
                position[0] += 1
                skip()
                if char == "}":
                    return
        elif char == "[":
            position[0] += 1
            skip()
            if text[position[0]] == "]":
                position[0] += 1
                return
            index = 0
            while True:
                yield from value((*path, index))
                index += 1
                skip()
                char = text[position[0]]
                position[0] += 1
                skip()
                if char == "]":
                    return
        elif char == '"':
            _, position[0] = scanstring(text, start + 1)
        else:
            match = _NUMBER.match(text, start) or _CONSTANTS.match(text, start)
            position[0] = match.end() if match else start + 1

    yield from value(base)


def _first_json_duplicate(text: str) -> tuple[DataPath, tuple[int, int]]:
    seen: set[DataPath] = set()
    for path, is_key, offset in _scan_json(text):
        if is_key:
            if path in seen:
                return path, _line_col(text, offset)
            seen.add(path)
    return ("?",), (1, 1)


def _first_json_constant(text: str) -> int | None:
    for _path, is_key, offset in _scan_json(text):
        if not is_key and text.startswith(("NaN", "Infinity", "-Infinity"), offset):
            return offset
    return None


Reader: TypeAlias = Callable[[str, str], RawDocument]

#: Readers by file suffix; other modules (CSV) add theirs here.
READERS: dict[str, Reader] = {".yaml": read_yaml, ".yml": read_yaml, ".json": read_json}
READERS[".csv"] = lambda t, d: __import__("timeline.formats.spreadsheet", fromlist=["_"]).read_csv(t, d)  # lazy


def read_limited(path: Path, display: str, *, advice: str = "event files are limited to {limit} MB each") -> bytes:
    """The bytes of a regular file of at most `MAX_FILE_BYTES`; anything else raises `InvalidInput` unread.

    The size is checked before reading, and the read stops past the limit, so a file that
    grows or never ends (a link to /dev/zero) cannot exhaust memory either.
    """
    limit = MAX_FILE_BYTES // 1024 // 1024
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a pipe or device may block or never end
            raise InvalidInput([Problem("is not a regular file", file=display)])
        if status.st_size > MAX_FILE_BYTES:
            raise InvalidInput(
                [Problem(f"is {status.st_size / 1024 / 1024:,.0f} MB; {advice.format(limit=limit)}", file=display)]
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise InvalidInput([Problem(f"cannot be read: {error.strerror or error}", file=display)]) from None
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput([Problem(f"is more than {limit} MB; {advice.format(limit=limit)}", file=display)])
    return data


def read_document(path: Path, display: str | None = None) -> RawDocument:
    """Read one event file by its suffix; raise `InvalidInput` for a file that cannot be read."""
    display = display or str(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise InvalidInput([Problem(f"has an unknown suffix; event files end in {known}", file=display)])
    data = read_limited(
        path,
        display,
        advice="event files are limited to {limit} MB each, so split it into several files in one directory",
    )
    return reader(decode_text(data, display), display)
