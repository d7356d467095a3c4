"""A fenced Mermaid `timeline` block, which GitHub renders: one section per group, one period per date.

Mermaid's timeline grammar has no quoting. A ":" splits events, "#" and "%" start comments
(silently dropping the rest of the line), "#name;" is read as an entity, and a period that starts
with a keyword ("title", "section", ...) is taken as that statement. So each such character is
written as Mermaid's numeric entity (":" as "#58;"), which Mermaid turns back into the character
after parsing, and a leading keyword has its first letter written the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

__all__ = ["label", "labels", "mermaid_block"]

# "ﬂ" and "¶" are in Mermaid's own placeholders for entities ("ﬂ°°58¶ß"), so they are encoded too.
_SYNTAX: Final = ":#;%<>&`{}ﬂ¶"
_ENTITY: Final = {c: f"#{ord(c)};" for c in _SYNTAX}
_SYNTAX_RE: Final = re.compile("[" + re.escape(_SYNTAX) + "]")
_KEYWORD: Final = re.compile(r"(?:timeline|title|section|acctitle|accdescr)", re.IGNORECASE)
_BREAK: Final = re.compile(r"\s*[\r\n]\s*")
_JOIN: Final = "\x00"  # joins labels for one pass over all of them


def _entity(match: re.Match[str]) -> str:
    return _ENTITY[match[0]]


def labels(texts: Sequence[str]) -> list[str]:
    """Each text as Mermaid shows it verbatim, encoded in one pass over all of them."""
    if not texts:
        return []
    joined = _JOIN.join(texts)
    # A line break would end the statement (Mermaid reads "\r" as one); other white space only
    # separates words, which Mermaid wraps at anyway.
    if joined.count(_JOIN) != len(texts) - 1 or "\n" in joined or "\r" in joined:
        joined = _JOIN.join(_BREAK.sub(" ", t.replace(_JOIN, "\ufffd")) for t in texts)
    if any(c in joined for c in _SYNTAX):
        joined = _SYNTAX_RE.sub(_entity, joined)
    return joined.split(_JOIN)


def label(text: str, *, statement: bool = False) -> str:
    """Text as Mermaid shows it verbatim; `statement` for text that starts a line (a period)."""
    encoded = labels([text])[0]
    return _unkeyword(encoded) if statement else encoded


def _unkeyword(encoded: str) -> str:
    if encoded[:1] in "tTsSaA" and _KEYWORD.match(encoded):
        return f"#{ord(encoded[0])};{encoded[1:]}"
    return encoded


def mermaid_block(title: str, sections: Sequence[str], periods: Sequence[str], events: Sequence[str]) -> str:
    """A ```mermaid block from one row per event: its section, its period and its own text, in order.

    A new section starts where the section text changes; consecutive events with the same
    period text (within a section) share that period.
    """
    encoded_periods = labels(periods)
    encoded_events = labels(events)
    lines = ["```mermaid", "timeline", f"    title {label(title)}"]
    section = period = None
    line = ""
    for index, name in enumerate(sections):
        if name != section:
            section, period = name, None
            if line:
                lines.append(line)
                line = ""
            lines.append(f"    section {label(name)}")
        if periods[index] == period:
            line += " : " + encoded_events[index]
        else:
            if line:
                lines.append(line)
            period = periods[index]
            line = f"        {_unkeyword(encoded_periods[index])} : {encoded_events[index]}"
    if line:
        lines.append(line)
    lines.append("```")
    return "\n".join(lines)
