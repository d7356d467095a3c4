"""Markdown text: event text cleaned onto one line and escaped to render as written where it lands.

Escaping covers CommonMark, GFM (tables, strikethrough, autolinks, footnotes), GitHub ($math$)
and pandoc (inline notes, superscripts, letter lists), so text never becomes syntax and never raw
HTML. Bare URLs, www. addresses and e-mail addresses become explicit links: cmark-gfm (GitHub)
links them anyway, from the escaped source, so making them links ourselves is the only way every
renderer shows the same links and text.

The `*_all` functions do the same for many texts at once: tests and passes over one joined string
run at C speed, which brings a 100,000-event export to about a second.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Final

__all__ = [
    "clean",
    "clean_all",
    "destination",
    "heading",
    "inline",
    "inline_all",
    "is_safe_url",
    "line",
    "link",
    "paragraphs",
    "plain",
    "plain_all",
    "protect_start",
    "split_paragraphs",
]

#: Joins texts for a batch pass; `clean` turns NUL into U+FFFD, so it never occurs inside a text.
_JOIN: Final = "\x00"
_LINE_BREAK: Final = re.compile(r"\r\n?")
_BLANK_LINE: Final = re.compile(r"\n[ \t\f\v]*\n")
# CommonMark's white space is ASCII; other spaces (a no-break space in "10 000") are kept as written.
_SPACES: Final = re.compile(r"[ \t\n\r\f\v]+")


def clean(text: str) -> str:
    """The text on one line: white space runs become one space, the ends are trimmed, NUL becomes U+FFFD."""
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")  # what CommonMark renderers do with it anyway
    # Plain `in` tests are several times faster than a regex search; most text needs no change.
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def clean_all(texts: Sequence[str]) -> list[str]:
    """`clean` for each text, in one pass over all of them."""
    joined = _JOIN.join(texts)
    if joined.count(_JOIN) != len(texts) - 1:
        return [clean(t) for t in texts]
    if "  " in joined or "\n" in joined or "\t" in joined or "\r" in joined or "\f" in joined or "\v" in joined:
        joined = _SPACES.sub(" ", joined)
    return [t.strip() for t in joined.split(_JOIN)]


def split_paragraphs(text: str) -> list[str]:
    """`text` split at blank lines, not yet cleaned."""
    if "\n" not in text and "\r" not in text:
        return [text]
    return _BLANK_LINE.split(_LINE_BREAK.sub("\n", text))


def paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs of `text` (split at blank lines), each cleaned onto one line."""
    return [p for p in map(clean, split_paragraphs(text)) if p]


# Characters that open inline syntax anywhere on a line: code, emphasis, links and footnotes, raw HTML
# and autolinks, table cells, GFM strikethrough, GitHub's $math$, and inline notes and superscripts
# ("^[note]", "2^10^") of pandoc and markdown-it's footnote plugin. The rest only matter at a line start.
_SPECIAL: Final = re.compile(r"[\\`*_\[\]<|~$^]")
_ENTITY: Final = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# GFM's extended autolinks, as cmark-gfm finds them in the (escaped) source.
_URL: Final = re.compile(r"(?<![A-Za-z])(?i:https?|ftp)://[^ \t\n\r\f\v<]+")
_WWW: Final = re.compile(r"(?<![^ \t\n\r\f\v*_~(])www\.[^ \t\n\r\f\v<]*")
_EMAIL_LOCAL: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_")
_ALNUM: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_ALPHA: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_TRAILING: Final = frozenset("?!.,:*_~'\"")
# Block starts: ATX headings, quotes, bullets, setext underlines, pandoc definitions; then ordered
# list markers, with pandoc's letters and roman numerals ("a.", "iv)", "(1)") besides CommonMark's digits.
_LINE_START: Final = re.compile(r"[#>+=:-]|\(?(?:\d{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]+)[.)]")
_MAY_START: Final = frozenset("#>+=:-(0123456789ivxlcdmIVXLCDM")
_DESTINATION: Final = str.maketrans({"\\": "\\\\", "<": "\\<", ">": "\\>", "|": "\\|", "\n": "%0A", "\r": "%0D"})
# What cmark-gfm refuses to link; browsers skip leading controls and spaces, so the test does too.
_UNSAFE_SCHEMES: Final = ("javascript:", "vbscript:", "file:", "data:")
_URL_IGNORED: Final = "".join(map(chr, range(33)))
_TAB_NEWLINE: Final = str.maketrans("", "", "\t\n\r")


def _backslash(match: re.Match[str]) -> str:
    return "\\" + match[0]


def _has_special(text: str) -> bool:
    # `in` tests run at C speed, several times faster than a regex scan; most text has none of these.
    return (
        "\\" in text
        or "`" in text
        or "*" in text
        or "_" in text
        or "[" in text
        or "]" in text
        or "<" in text
        or "|" in text
        or "~" in text
        or "$" in text
        or "^" in text
    )


def _escape(text: str) -> str:
    if _has_special(text):
        text = _SPECIAL.sub(_backslash, text)  # a function is faster here than a template or str.translate
    if "&" in text:
        text = _ENTITY.sub(r"\\&", text)
    return text


def plain(text: str) -> str:
    """Text escaped so that none of it is syntax; for a link's own text, which may hold no other link."""
    escaped = _escape(text)
    # "!" before a link or footnote we append would make it an image.
    return escaped[:-1] + "\\!" if escaped.endswith("!") else escaped


def plain_all(texts: Sequence[str]) -> list[str]:
    """`plain` for each text, in one pass over all of them."""
    return _plain_joined(texts, _JOIN.join(texts))


def _plain_joined(texts: Sequence[str], joined: str) -> list[str]:
    if joined.count(_JOIN) != len(texts) - 1:
        return [plain(t) for t in texts]
    escaped = _escape(joined)
    if "!" in joined:
        escaped = escaped.replace("!" + _JOIN, "\\!" + _JOIN)
        if escaped.endswith("!"):
            escaped = escaped[:-1] + "\\!"
    return escaped.split(_JOIN)


def _is_host_char(char: str) -> bool:
    # Wider than cmark-gfm's test (it also refuses Unicode punctuation): linking more than GitHub is harmless.
    category = unicodedata.category(char)
    return category != "Zs" and char not in "\t\n\f\r" and not (char.isascii() and category[0] in "PS")


def _delimit(text: str, end: int) -> int:
    """cmark-gfm's `autolink_delim`: where a bare link ends once trailing punctuation is dropped."""
    while end > 0:
        last = text[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last == ";":
            start = end - 2
            while start > 0 and text[start] in _ALPHA:
                start -= 1
            end = start if start < end - 2 and text[start] == "&" else end - 1
        elif last == ")":
            if text.count(")", 0, end) <= text.count("(", 0, end):
                break
            end -= 1
        else:
            break
    return end


def _next_link(text: str, position: int) -> tuple[int, int, str] | None:
    """The first URL or www. address from `position` that cmark-gfm would link: (start, end, href)."""
    while True:
        url = _URL.search(text, position)
        www = _WWW.search(text, position)
        found = min((m for m in (url, www) if m is not None), key=lambda m: m.start(), default=None)
        if found is None:
            return None
        start = found.start()
        end = _delimit(text, found.end())
        if found is not url:
            return start, end, "http://" + text[start:end]
        scheme = text.index("://", start) + 3
        if end > scheme and _is_host_char(text[scheme]):
            return start, end, text[start:end]
        position = scheme  # not a link, and no boundary for e-mail addresses either


def _bare_links(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, href) of every URL, www. address or e-mail address GitHub would link, in order."""
    position = 0
    while True:
        found = _next_link(text, position)
        yield from _emails(text, position, found[0] if found else len(text))
        if found is None:
            return
        yield found
        position = found[1]


def _emails(text: str, start: int, stop: int) -> Iterator[tuple[int, int, str]]:
    """E-mail addresses in text[start:stop], found the way cmark-gfm's autolink post-processor finds them."""
    limit = start
    at = text.find("@", start, stop)
    while at != -1:
        local = at
        while local > limit and text[local - 1] in _EMAIL_LOCAL:
            local -= 1
        end = at + 1
        # Newer cmark-gfm skips an address right after "/"; Debian's links it. Linking it suits both.
        if local < at:
            signs = 1
            dots = 0
            while end < stop:
                char = text[end]
                if char in _ALNUM or char in "-_":
                    pass
                elif char == "@":
                    signs += 1
                elif char == "." and end + 1 < stop and text[end + 1] in _ALNUM:
                    dots += 1
                else:
                    break
                end += 1
            if signs == 1 and dots and text[end - 1] in _ALPHA:
                yield local, end, "mailto:" + text[local:end]
                limit = end
                at = text.find("@", end, stop)
                continue
        limit = at + 1
        at = text.find("@", at + 1, stop)


def destination(href: str) -> str:
    """A link destination in angle brackets, which may hold any character once escaped."""
    if "\\" in href or "<" in href or ">" in href or "|" in href or "\n" in href or "\r" in href:
        href = href.translate(_DESTINATION)
    return "<" + href + ">"


def is_safe_url(href: str) -> bool:
    """False for a URL that cmark-gfm will not link and a browser would run or open locally."""
    if href.startswith(("https://", "http://")):
        return True  # the common case, decided without copying the URL
    # A browser's URL parser also drops tabs and line breaks anywhere: "java\tscript:" is "javascript:".
    return not href.lstrip(_URL_IGNORED).translate(_TAB_NEWLINE).lower().startswith(_UNSAFE_SCHEMES)


def link(text: str, href: str) -> str:
    """A link to `href` showing `text`, or the text alone if the URL is a script or local file."""
    if not is_safe_url(href):
        return inline(text)
    return f"[{plain(text)}]({destination(href)})"


def _may_link(text: str) -> bool:
    return "@" in text or "://" in text or "www." in text


def inline(text: str) -> str:
    """Text (already on one line) escaped to render as written inside a paragraph, table cell or heading."""
    if not _may_link(text):
        return plain(text)
    out: list[str] = []
    position = 0
    for start, end, href in _bare_links(text):
        out.append(plain(text[position:start]))
        out.append(f"[{plain(text[start:end])}]({destination(href)})")
        position = end
    out.append(plain(text[position:]))
    return "".join(out)


def inline_all(texts: Sequence[str]) -> list[str]:
    """`inline` for each text, in one pass over all of them (texts with links are done one by one)."""
    joined = _JOIN.join(texts)
    escaped = _plain_joined(texts, joined)
    if _may_link(joined):
        for index, text in enumerate(texts):
            if _may_link(text):
                escaped[index] = inline(text)
    return escaped


def protect_start(escaped: str) -> str:
    """Escaped text that starts a line, changed so that it cannot open a heading, list, quote or underline."""
    if escaped[:1] not in _MAY_START and escaped[1:2] not in (".", ")"):
        return escaped  # the common case, decided without the regex
    match = _LINE_START.match(escaped)
    if match is None:
        return escaped
    if match.end() == 1:
        return "\\" + escaped
    cut = match.end() - 1  # an ordered list marker: escaping its "." or ")" is enough
    return escaped[:cut] + "\\" + escaped[cut:]


def line(text: str) -> str:
    """Inline text that starts a line, so that it cannot open a heading, list, quote or setext underline."""
    return protect_start(inline(text))


def heading(level: int, text: str) -> str:
    """An ATX heading whose text keeps every "#" (a trailing one would otherwise close the heading)."""
    return "#" * level + " " + inline(text).replace("#", "\\#")
