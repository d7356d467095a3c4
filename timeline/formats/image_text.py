"""Text extents as a browser lays them out, and wrapping to a width, for the timeline image.

Widths come from the fonts matplotlib draws with (DejaVu Sans, then Noto Sans CJK for what
DejaVu lacks): unhinted advances summed per character, which is what a browser lays out
(kerning only narrows it), and the exact shaped width for scripts whose letters join
(Arabic, Indic...). Heights are the line box a browser gives DejaVu Sans, with room to spare.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any, Final

__all__ = [
    "CJK_FAMILY",
    "FONT_STACK",
    "PRIMARY_FAMILY",
    "Measurer",
    "font_families",
]

PRIMARY_FAMILY: Final = "DejaVu Sans"
CJK_FAMILY: Final = "Noto Sans CJK KR"
#: What the SVG names: the measured fonts first, then look-alikes a reader's machine may have.
FONT_STACK: Final = f"'{PRIMARY_FAMILY}', Verdana, '{CJK_FAMILY}', 'Noto Sans CJK', sans-serif"
#: A line's box above and below the baseline, in ems (DejaVu Sans in Chromium: 0.94 and 0.25-0.31).
ASCENT: Final = 0.97
DESCENT: Final = 0.36
ELLIPSIS: Final = "…"


@functools.cache
def font_families() -> tuple[str, ...]:
    """The families matplotlib should draw with: DejaVu Sans, and Noto Sans CJK where it is installed."""
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    return (PRIMARY_FAMILY, CJK_FAMILY) if CJK_FAMILY in names else (PRIMARY_FAMILY,)


def _shaped(char: str) -> bool:
    """Whether a character's width depends on its neighbours (joining scripts, combining marks)."""
    if unicodedata.combining(char):
        return True
    if unicodedata.bidirectional(char) in ("R", "AL", "AN"):
        return True
    code = ord(char)
    return 0x0900 <= code <= 0x0DFF or 0x0E00 <= code <= 0x0EFF or 0x1000 <= code <= 0x109F


class Measurer:
    """Widths of text in the image's fonts, at any size, regular or bold; cached."""

    _SCALE: Final = 100.0

    def __init__(self) -> None:
        self._fonts: dict[bool, Any] = {}
        self._faces: dict[bool, list[tuple[Any, Any]]] = {}
        self._advance: dict[tuple[bool, str], float] = {}
        self._whole: dict[tuple[bool, str], float] = {}

    def _props(self, bold: bool) -> Any:
        from matplotlib.font_manager import FontProperties

        return FontProperties(family=list(font_families()), weight="bold" if bold else "normal")

    def _font(self, bold: bool) -> Any:
        """The font with its fallbacks, as matplotlib draws text: for shaped (joined) text."""
        if bold not in self._fonts:
            from matplotlib.font_manager import fontManager, get_font

            font = get_font(fontManager._find_fonts_by_props(self._props(bold)))
            font.set_size(self._SCALE, 72)
            self._fonts[bold] = font
        return self._fonts[bold]

    def _char_em(self, char: str, bold: bool) -> float:
        """One character's advance: from the first font that has it, else a full em (wider than most glyphs)."""
        from matplotlib.font_manager import fontManager, get_font
        from matplotlib.ft2font import LoadFlags

        if bold not in self._faces:
            faces = []
            for path in fontManager._find_fonts_by_props(self._props(bold)):
                face = get_font([path])
                face.set_size(self._SCALE, 72)
                faces.append((face, face.get_charmap()))
            self._faces[bold] = faces
        for face, charmap in self._faces[bold]:
            if ord(char) in charmap:
                glyph = face.load_char(ord(char), flags=LoadFlags.NO_HINTING)
                advance: float = glyph.linearHoriAdvance / 65536 / self._SCALE
                return advance
        return 1.0

    def _em(self, text: str, bold: bool) -> float:
        from matplotlib.ft2font import LoadFlags

        font = self._font(bold)
        font.set_text(text, 0.0, flags=LoadFlags.NO_HINTING)
        width: float = font.get_width_height()[0] / 64 / self._SCALE
        return width

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """The advance width of `text` in pixels at font size `size` (pixels)."""
        if any(_shaped(c) for c in text):
            key = (bold, text)
            if key not in self._whole:
                self._whole[key] = self._em(text, bold)
            return self._whole[key] * size
        total = 0.0
        advance = self._advance
        for char in text:
            key = (bold, char)
            em = advance.get(key)
            if em is None:
                em = advance[key] = self._char_em(char, bold)
            total += em
        return total * size

    def wrap(
        self, text: str, size: float, max_width: float, max_lines: int, bold: bool = False
    ) -> tuple[list[str], bool]:
        """`text` in at most `max_lines` lines of at most `max_width`; True if it was cut (ending in an ellipsis)."""
        words = text.split()
        lines: list[str] = []
        current = ""
        index = 0
        while index < len(words):
            word = words[index]
            candidate = f"{current} {word}" if current else word
            if self.width(candidate, size, bold) <= max_width:
                current = candidate
                index += 1
                continue
            if current:
                lines.append(current)
                current = ""
            else:
                # A word wider than a line: split it where it stops fitting.
                cut = self._fit(word, size, max_width, bold)
                lines.append(word[:cut])
                words[index] = word[cut:]
            if len(lines) == max_lines:
                break
        if current and len(lines) < max_lines:
            lines.append(current)
            current = ""
        cut = index < len(words) or bool(current)
        if cut and lines:
            last = lines[-1]
            while last and self.width(last + ELLIPSIS, size, bold) > max_width:
                last = last[:-1]
            if " " in last[len(last) // 2 :]:
                last = last[: last.rindex(" ")]  # cut at a word boundary when one is near
            lines[-1] = last.rstrip(" ,;:–-") + ELLIPSIS
        return lines, cut

    def _fit(self, word: str, size: float, max_width: float, bold: bool) -> int:
        for cut in range(len(word), 0, -1):
            if self.width(word[:cut], size, bold) <= max_width:
                return cut
        return 1
