"""iCalendar: `export_ics` (timeline -> .ics) and `import_ics` (any RFC 5545 file -> timeline)."""

from __future__ import annotations

from timeline.formats.ical_export import export_ics
from timeline.formats.ical_import import import_ics

__all__ = ["export_ics", "import_ics"]
