"""Time zone names: checking them, and suggesting the one that was meant."""

from __future__ import annotations

import functools
import zoneinfo

from timeline.problems import suggest

__all__ = ["is_zone", "zone_suggestion"]


@functools.cache
def is_zone(name: str) -> bool:
    """Whether `name` is an IANA zone this machine knows (`Asia/Pyongyang`, `UTC`)."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        return False
    return True


def zone_suggestion(name: str) -> str:
    """'; did you mean 'Asia/Pyongyang'?' for a near miss; the zone list is read only when needed."""
    zones = zoneinfo.available_timezones()
    by_lower = {zone.lower(): zone for zone in zones}
    if name.lower() in by_lower:
        return f"; did you mean {by_lower[name.lower()]!r}?"
    by_city = {zone.rsplit("/", 1)[-1].lower(): zone for zone in zones}
    city = name.replace(" ", "_").lower()
    if city in by_city:
        return f"; did you mean {by_city[city]!r}?"
    return suggest(name, zones)
