"""Read event files into plain data, keeping a way back to line and column for messages.

Each reader returns a `RawDocument`: the file's data as dicts, lists and scalars,
and `locate(path)`, which finds where a value (or a key) stands in the file. Finding
a location is only needed when there is something to report, so readers keep it
cheap on the happy path: YAML keeps its node tree, JSON scans the text again on demand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any, Final, TypeAlias

import attrs
import yaml

from timeline.problems import InvalidInput, Problem, Severity

__all__ = ["READERS", "DataPath", "RawDocument", "read_document"]

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


class _Loader(yaml.CSafeLoader):
    """libyaml's composer with no implicit typing: `1953-07-27` and `2019` stay text as written."""


_Loader.yaml_implicit_resolvers = {}

_YAML_NULLS: Final = frozenset({"", "~", "null", "Null", "NULL"})
_YAML_STANDARD_TAGS: Final = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map", "null", "int", "float", "bool", "timestamp")
)


class _YamlError(Exception):
    def __init__(self, message: str, node: yaml.Node) -> None:
        super().__init__(message)
        self.node = node


class _YamlBuilder:
    """Turns a composed node graph into plain data, bounding alias expansion and depth."""

    def __init__(self) -> None:
        self.built: dict[int, tuple[Any, int]] = {}
        self.expanded = 0

    def build(self, node: yaml.Node, depth: int = 0) -> tuple[Any, int]:
        """The node's value and how many nodes it stands for."""
        seen = self.built.get(id(node))
        if seen is not None:  # an alias: reuse the value, but count what it expands to
            self.expanded += seen[1]
            if self.expanded > ALIAS_EXPANSION_LIMIT:
                raise _YamlError(
                    f"YAML aliases expand to more than {ALIAS_EXPANSION_LIMIT:,} values; "
                    "refusing the file (a 'billion laughs' bomb?)",
                    node,
                )
            return seen
        if depth > MAX_DEPTH:
            raise _YamlError(f"nests deeper than {MAX_DEPTH} levels", node)
        if node.tag not in _YAML_STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise _YamlError(
                f"YAML tag {tag!r} is not allowed in event files; remove it",
                node,
            )
        result: tuple[Any, int]
        if isinstance(node, yaml.ScalarNode):
            value = None if not node.style and node.value in _YAML_NULLS else node.value
            result = (value, 1)
        elif isinstance(node, yaml.SequenceNode):
            items, size = [], 1
            for child in node.value:
                value, child_size = self.build(child, depth + 1)
                items.append(value)
                size += child_size
            result = (items, size)
        else:
            result = self._mapping(node, depth)
        self.built[id(node)] = result
        return result

    def _mapping(self, node: yaml.Node, depth: int) -> tuple[Any, int]:
        mapping: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        size = 1
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _YamlError("a key must be a plain name, not a list or mapping", key_node)
            value, child_size = self.build(value_node, depth + 1)
            size += child_size
            if key_node.value == "<<" and not key_node.style:  # merge key: explicit keys win
                for source in value if isinstance(value, list) else [value]:
                    if not isinstance(source, dict):
                        raise _YamlError("'<<' must merge a mapping", value_node)
                    merged = {**source, **merged}
                continue
            if key_node.value in mapping:
                raise _YamlError(f"duplicate key {key_node.value!r}; each key may appear once", key_node)
            mapping[key_node.value] = value
        return ({**merged, **mapping} if merged else mapping), size


def _yaml_locator(root: yaml.Node | None) -> Locator:
    def locate(path: DataPath, key: bool) -> tuple[int, int] | None:
        node = root
        key_node = None
        for step in path:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == step:
                        key_node, node = k, v
                        break
                else:
                    return None
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                key_node, node = None, node.value[step]
            else:
                return None
        target = key_node if key and key_node is not None else node
        if target is None:
            return None
        return target.start_mark.line + 1, target.start_mark.column + 1

    return locate


def read_yaml(text: str, display: str) -> RawDocument:
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise InvalidInput(
            [
                Problem(
                    f"is not valid YAML: {error.problem or error.context}",
                    file=display,
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                )
            ]
        ) from None
    except (yaml.YAMLError, RecursionError) as error:
        raise InvalidInput([Problem(f"is not valid YAML: {error}", file=display)]) from None
    if len(documents) > 1:
        mark = documents[1].start_mark
        raise InvalidInput(
            [
                Problem(
                    "holds more than one YAML document ('---'); put one timeline per file",
                    file=display,
                    line=mark.line + 1,
                    column=mark.column + 1,
                )
            ]
        )
    root = documents[0] if documents else None
    try:
        data = _YamlBuilder().build(root)[0] if root is not None else None
    except _YamlError as error:
        mark = error.node.start_mark
        raise InvalidInput([Problem(str(error), file=display, line=mark.line + 1, column=mark.column + 1)]) from None
    return RawDocument(display, data, _yaml_locator(root))


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
        data = json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            [Problem(f"is not valid JSON: {error.msg}", file=display, line=error.lineno, column=error.colno)]
        ) from None
    except _JsonDuplicate:
        path, (line, column) = _first_json_duplicate(text)
        raise InvalidInput(
            [Problem(f"duplicate key {path[-1]!r}; each key may appear once", file=display, line=line, column=column)]
        ) from None
    except ValueError as error:  # NaN / Infinity
        offset = _first_json_constant(text)
        where = _line_col(text, offset) if offset is not None else None
        raise InvalidInput(
            [Problem(f"is not valid JSON: {error}", file=display, line=where and where[0], column=where and where[1])]
        ) from None
    except RecursionError:
        raise InvalidInput([Problem("is not valid JSON: nested too deeply", file=display)]) from None

    return RawDocument(display, data, _JsonLocator(text))


class _JsonLocator:
    """Finds values in JSON text: an index of the first two levels, built once, then a local scan.

    Indexing every value of a 100,000-event file would cost hundreds of megabytes; the
    first two levels (`events`, `events[i]`) are enough to start a scan of one event.
    The index skips over each event with the C decoder, so building it costs about
    one more parse.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.index: dict[tuple[DataPath, bool], int] | None = None

    def __call__(self, path: DataPath, key: bool) -> tuple[int, int] | None:
        if self.index is None:
            self.index = _index_json(self.text)
        prefix = path[:2]
        start = self.index.get((prefix, False))
        if start is None:
            return None
        if len(path) <= 2:
            offset = self.index.get((path, key))
            return _line_col(self.text, offset) if offset is not None else None
        for found, is_key, offset in _scan_json(self.text, start, prefix):
            if found == path and is_key == key:
                return _line_col(self.text, offset)
        return None


_DECODER: Final = json.JSONDecoder()


def _index_json(text: str) -> dict[tuple[DataPath, bool], int]:
    """Offsets of the root, its keys and values, and the items of arrays at the root or one level down."""
    index: dict[tuple[DataPath, bool], int] = {}
    position = _skip(text, 0)
    index[((), False)] = position
    if text[position] == "[":
        _index_array(text, position, (), index)
    elif text[position] == "{":
        position = _skip(text, position + 1)
        while text[position] != "}":
            key, after = scanstring(text, position + 1)
            index[((key,), True)] = position
            position = _skip(text, _skip(text, after) + 1)  # past ':'
            index[((key,), False)] = position
            if text[position] == "[":
                position = _index_array(text, position, (key,), index)
            else:
                position = _DECODER.raw_decode(text, position)[1]
            position = _skip(text, position)
            if text[position] == ",":
                position = _skip(text, position + 1)
    return index


def _index_array(text: str, position: int, path: DataPath, index: dict[tuple[DataPath, bool], int]) -> int:
    position = _skip(text, position + 1)
    item = 0
    while text[position] != "]":
        index[((*path, item), False)] = position
        position = _skip(text, _DECODER.raw_decode(text, position)[1])
        if text[position] == ",":
            position = _skip(text, position + 1)
        item += 1
    return position + 1


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


def read_document(path: Path, display: str | None = None) -> RawDocument:
    """Read one event file by its suffix; raise `InvalidInput` for a file that cannot be read."""
    display = display or str(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise InvalidInput([Problem(f"has an unknown suffix; event files end in {known}", file=display)])
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidInput(
                [
                    Problem(
                        f"is {size / 1024 / 1024:,.0f} MB; event files are limited to "
                        f"{MAX_FILE_BYTES // 1024 // 1024} MB each, so split it into several files in one directory",
                        file=display,
                    )
                ]
            )
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput([Problem(f"cannot be read: {error.strerror or error}", file=display)]) from None
    return reader(decode_text(data, display), display)
