"""Pausing Python's cycle collector while many objects without cycles are built."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextlib.contextmanager
def collector_paused(*, keep: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector for a burst of allocations.

    Each burst makes the collector walk every object built so far; for 100,000 records,
    or the artists of a large drawing, that is a third or more of the work. With `keep`,
    what was built is meant to last (loaded records): on the way out it moves straight to
    the oldest generation (freeze, then unfreeze: two list splices) instead of being
    scanned twice on the way there. Without it, the next collection sees everything built
    as young, and frees what is garbage (a drawing's cycles) at once. Nothing is exempt
    from later collections.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if keep:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
