"""YAML event files, read event by event from libyaml, with every position kept in a few flat arrays.

`read_yaml` drives libyaml's C parser one event at a time and builds the plain data with a
stack, without the node tree that `yaml.compose` would build (two `Mark` objects per node:
reading through it peaked at 24 times the file's size, this reader at about 5). What the
tree was kept for, finding where any value or key stands when a problem turns up later,
is kept compactly instead:

- `marks`, one `array('q')` for the document: for each container, its children's records
  side by side: `(key position, value position, value's container or -1)` for a mapping,
  `(value position, value's container or -1)` for a sequence. A position is packed as
  `line << 32 | column` (both 0-based, as libyaml counts).
- `offsets`, another `array('q')`: where each container's records start, in the order
  containers end (so the next one's start is this one's end), plus one past the last.
- `shapes`: per container, its keys as a tuple for a mapping (equal tuples shared, so ten
  thousand events with the same fields cost one tuple) or None for a sequence.

An alias points at its anchor's container, as the node tree did, so `locate` follows paths
through aliases; keys that came in by a merge (`<<`) have no place of their own, as before.

What the file may hold is unchanged: no implicit typing, only the standard tags, scalar
keys appearing once, merge keys, aliases bounded by what they expand to, nesting bounded,
one document. Problems are reported in the order the composer-and-builder pair found them:
libyaml's syntax errors anywhere in the file first, then an undefined alias or a repeated
anchor, then a second document, and only then what the builder refuses (a tag, a duplicate
key, a deep nest...), so after such a problem the rest of the file is still parsed, not built.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable
from typing import Any, Final

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from timeline import readers
from timeline.problems import InvalidInput, Problem

__all__ = ["read_yaml"]


class _Loader(yaml.CSafeLoader):
    """libyaml's parser with no implicit typing: `1953-07-27` and `2019` stay text as written."""


_Loader.yaml_implicit_resolvers = {}

_YAML_NULLS: Final = frozenset({"", "~", "null", "Null", "NULL"})
_YAML_STANDARD_TAGS: Final = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map", "null", "int", "float", "bool", "timestamp")
)

#: What the container being built expects next.
_ITEM: Final = 0  # a sequence's next item
_KEY: Final = 1  # a mapping's next key
_VALUE: Final = 2  # the value for the key just read

#: A merge key (`<<` written plain), which merges its value's mappings instead of being a key.
_MERGE: Final = object()

#: An anchor: (value, how many nodes it stands for (-1 while its container is still open),
#: packed position, its container's number or -1, its text if a scalar, whether it is a plain `<<`).
_Anchor = tuple[Any, int, int, int, str | None, bool]


class _Refusal(Exception):
    """What the builder refuses (a tag, a duplicate key...), at a packed position."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


class _Malformed(_Refusal):
    """What PyYAML's composer refused (an undefined alias, a repeated anchor): reported as invalid YAML, at once."""


def _twice(name: str, first: int, position: int) -> _Malformed:
    where = f" (first at line {(first >> 32) + 1})" if first >= 0 else ""
    return _Malformed(f"the anchor &{name} is defined twice{where}; give each anchor its own name", position)


def _undefined(name: str, position: int) -> _Malformed:
    return _Malformed(f"the alias *{name} names no anchor &{name} defined before it in this document", position)


def _packed(event: Any) -> int:
    mark = event.start_mark
    return int(mark.line) << 32 | int(mark.column)


def _tag_name(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _tag_refusal(tag: str, position: int) -> _Refusal:
    return _Refusal(f"YAML tag {_tag_name(tag)!r} is not allowed in event files; remove it", position)


def _merge(merged: dict[str, Any] | None, value: Any, position: int) -> dict[str, Any]:
    """What a `<<` adds to the mappings merged so far: earlier ones win, as do the mapping's own keys."""
    merged = merged or {}
    for source in value if isinstance(value, list) else [value]:
        if not isinstance(source, dict):
            raise _Refusal("'<<' must merge a mapping", position)
        merged = {**source, **merged}
    return merged


def _build(get_event: Callable[[], Any], anchors: dict[str, _Anchor]) -> tuple[Any, readers.Locator, bool]:
    """The first document's data and locator, and whether a second document follows.

    Raises `_Refusal` at the first thing refused; `anchors` then holds every anchor named so far.
    """
    limit = readers.ALIAS_EXPANSION_LIMIT
    max_depth = readers.MAX_DEPTH
    nulls = _YAML_NULLS
    standard = _YAML_STANDARD_TAGS
    intern = sys.intern
    marks = array("q")
    offsets = array("q")
    shapes: list[tuple[str, ...] | None] = []
    key_tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
    pending = array("q")  # the records of the containers still open, innermost last
    push = pending.append
    stack: list[tuple[Any, ...]] = []
    # The container being built; at first a one-item box that receives the document's root.
    root: list[Any] = []
    container: Any = root
    state = _ITEM
    key: object = ""  # the key whose value comes next (or _MERGE), when state is _VALUE
    start = 0  # where this container's records start in `pending`
    own_position = own_total = 0
    own_anchor: str | None = None
    merged: dict[str, Any] | None = None
    merge_at: list[int] | None = None  # where `<<` keys stand among the pairs
    depth = -1  # the current container's depth; the root is at 0
    deep = False  # whether a value in the current container would nest too deeply
    total = 0  # the nodes built so far, counting each alias as what it stands for
    expanded = 0  # how many of those came from aliases
    documents = 0
    while (event := get_event()) is not None:
        kind = event.__class__
        if kind is ScalarEvent:
            mark = event.start_mark
            position = mark.line << 32 | mark.column
            anchor = event.anchor
            if anchor is not None:
                if anchor in anchors:
                    raise _twice(anchor, anchors[anchor][2], position)
                anchors[anchor] = (None, 1, position, -1, "", False)
            if deep and state != _KEY:
                raise _Refusal(f"nests deeper than {max_depth} levels", position)
            tag = event.tag
            if tag is not None and tag != "!" and tag not in standard:
                raise _tag_refusal(tag, position)
            text = event.value
            value = text if event.style or text not in nulls else None
            if anchor is not None:
                anchors[anchor] = (value, 1, position, -1, text, text == "<<" and not event.style)
            if state == _KEY:
                key = _MERGE if text == "<<" and not event.style else intern(text)
                push(position)
                state = _VALUE
                continue
            total += 1
            child = -1
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            keys: tuple[str, ...] | None = None
            value = container
            if kind is MappingEndEvent:
                if merged is None:
                    keys = tuple(container)
                else:
                    value = {**merged, **container}
                    in_order = list(container)
                    for at in merge_at or ():
                        in_order.insert(at, "<<")
                    keys = tuple(in_order)
                keys = key_tuples.setdefault(keys, keys)
            child = len(shapes)
            shapes.append(keys)
            offsets.append(len(marks))
            marks.extend(pending[start:])
            del pending[start:]
            position = own_position
            if own_anchor is not None:
                anchors[own_anchor] = (value, total - own_total, position, child, None, False)
            container, state, key, start, own_position, own_total, own_anchor, merged, merge_at = stack.pop()
            depth -= 1
            deep = depth >= max_depth
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            position = _packed(event)
            anchor = event.anchor
            if anchor is not None:
                if anchor in anchors:
                    raise _twice(anchor, anchors[anchor][2], position)
                anchors[anchor] = (None, -1, position, -1, None, False)  # open: an alias to it would loop
            if state == _KEY:
                raise _Refusal("a key must be a plain name, not a list or mapping", position)
            if deep:
                raise _Refusal(f"nests deeper than {max_depth} levels", position)
            tag = event.tag
            if tag is not None and tag != "!" and tag not in standard:
                raise _tag_refusal(tag, position)
            stack.append((container, state, key, start, own_position, own_total, own_anchor, merged, merge_at))
            own_total = total
            total += 1
            if kind is MappingStartEvent:
                container, state = {}, _KEY
            else:
                container, state = [], _ITEM
            start = len(pending)
            own_position = position
            own_anchor = anchor
            merged = merge_at = None
            depth += 1
            deep = depth >= max_depth
            continue
        elif kind is AliasEvent:
            alias_position = _packed(event)
            found = anchors.get(event.anchor)
            if found is None:
                raise _undefined(event.anchor, alias_position)
            value, size, position, child, text, is_merge = found
            if state == _KEY:
                if text is None:
                    raise _Refusal("a key must be a plain name, not a list or mapping", position)
                key = _MERGE if is_merge else intern(text)
                push(position)
                state = _VALUE
                continue
            if size < 0:
                raise _Refusal(
                    f"nests deeper than {max_depth} levels: the alias *{event.anchor} stands inside "
                    "the value it names, so it would repeat without end",
                    alias_position,
                )
            expanded += size
            if expanded > limit:
                raise _Refusal(
                    f"YAML aliases expand to more than {limit:,} values; refusing the file (a 'billion laughs' bomb?)",
                    position,
                )
            total += size
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                return None, _no_place, True
            continue
        else:  # the stream's start and end, a document's end
            continue
        # `value` is complete, at `position`; it is the container numbered `child` if not -1.
        if state == _ITEM:
            container.append(value)
        else:
            if key is _MERGE:
                merged = _merge(merged, value, position)
                merge_at = merge_at or []
                merge_at.append(len(container) + len(merge_at))
            elif key in container:
                raise _Refusal(f"duplicate key {key!r}; each key may appear once", pending[-1])
            else:
                container[key] = value
            state = _KEY
        push(position)
        push(child)
    offsets.append(len(marks))
    if not root:
        return None, _no_place, False
    return root[0], _locator(pending[0], pending[1], marks, offsets, shapes), False


def _no_place(path: readers.DataPath, key: bool) -> tuple[int, int] | None:
    return None


def _locator(
    root: int, root_child: int, marks: array[int], offsets: array[int], shapes: list[tuple[str, ...] | None]
) -> readers.Locator:
    def locate(path: readers.DataPath, key: bool) -> tuple[int, int] | None:
        position, child, key_position = root, root_child, -1
        for step in path:
            if child < 0:  # a scalar has nothing inside
                return None
            at = offsets[child]
            keys = shapes[child]
            if keys is not None:
                if step not in keys:
                    return None
                at += 3 * keys.index(step)
                key_position, position, child = marks[at], marks[at + 1], marks[at + 2]
            else:
                count = (offsets[child + 1] - at) // 2
                if not isinstance(step, int) or step >= count:
                    return None
                at += 2 * range(count)[step]  # a negative index counts from the end, as in a list
                key_position, position, child = -1, marks[at], marks[at + 1]
        found = key_position if key and key_position >= 0 else position
        return (found >> 32) + 1, (found & 0xFFFFFFFF) + 1

    return locate


def _drain(get_event: Callable[[], Any], anchors: set[str] | dict[str, _Anchor], second: bool) -> int | None:
    """Parse the rest of the file without building it, for what the composer would have refused first.

    `second` tells whether a second document has begun. Returns where the second document's
    root stands, if there is one.
    """
    names = {name: anchors[name][2] for name in anchors} if isinstance(anchors, dict) else dict.fromkeys(anchors, -1)
    documents = 2 if second else 1
    where: int | None = None
    while (event := get_event()) is not None:
        kind = event.__class__
        if kind is DocumentStartEvent:
            documents += 1
            names = {}  # each document has its own anchors
        elif kind is AliasEvent:
            if event.anchor not in names:
                raise _undefined(event.anchor, _packed(event))
        elif kind is ScalarEvent or kind is MappingStartEvent or kind is SequenceStartEvent:
            if where is None and documents > 1:
                where = _packed(event)
            if event.anchor is not None:
                if event.anchor in names:
                    raise _twice(event.anchor, names[event.anchor], _packed(event))
                names[event.anchor] = _packed(event)
    return where


def _problem(message: str, display: str, position: int) -> InvalidInput:
    return InvalidInput([Problem(message, file=display, line=(position >> 32) + 1, column=(position & 0xFFFFFFFF) + 1)])


def _read(get_event: Callable[[], Any], display: str) -> readers.RawDocument:
    anchors: dict[str, _Anchor] = {}
    refusal: _Refusal | None = None
    data: Any = None
    locator: readers.Locator = _no_place
    second = False
    try:
        data, locator, second = _build(get_event, anchors)
    except _Malformed as error:
        raise _problem(f"is not valid YAML: {error}", display, error.position) from None
    except _Refusal as error:
        refusal = error
    try:
        where = _drain(get_event, set() if second else anchors, second)
    except _Malformed as error:
        raise _problem(f"is not valid YAML: {error}", display, error.position) from None
    if where is not None:
        raise _problem("holds more than one YAML document ('---'); put one timeline per file", display, where)
    if refusal is not None:
        raise _problem(str(refusal), display, refusal.position)
    return readers.RawDocument(display, data, locator)


def read_yaml(text: str, display: str) -> readers.RawDocument:
    """A YAML event file's data, or `InvalidInput` saying what is wrong and where."""
    loader = _Loader(text)
    try:
        return _read(loader.get_event, display)
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
    except yaml.reader.ReaderError as error:  # a character YAML forbids; libyaml gives a byte offset
        line, column = readers._line_col(text, len(text.encode("utf-8")[: error.position].decode("utf-8", "ignore")))
        code = error.character if isinstance(error.character, int) else ord(error.character[:1] or "\0")
        raise InvalidInput(
            [
                Problem(
                    f"is not valid YAML: unacceptable character #x{code:04x}: {error.reason}",
                    file=display,
                    line=line,
                    column=column,
                )
            ]
        ) from None
    except (yaml.YAMLError, RecursionError) as error:
        raise InvalidInput([Problem(f"is not valid YAML: {error}", file=display)]) from None
    finally:
        loader.dispose()
