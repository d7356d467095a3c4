"""Event ids: what a valid one looks like, and unique ones made from titles for imported events."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["ID_PATTERN", "UniqueIds", "slugify"]

#: Letters, digits, '-', '_' and '.', starting with a letter or digit: safe in URLs, UIDs and file names.
ID_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def slugify(text: str, *, limit: int = 60) -> str:
    """A lower-case slug of `text` ("Café au lait!" -> "cafe-au-lait"); empty when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


class UniqueIds:
    """Hands out ids, numbering repeats: "kursk", "kursk-2", "kursk-3"."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, wanted: str) -> str:
        candidate, number = wanted, 1
        while candidate in self.taken:
            number += 1
            candidate = f"{wanted}-{number}"
        self.taken.add(candidate)
        return candidate
