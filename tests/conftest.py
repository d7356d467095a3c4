"""Shared fixtures: the example timeline and paths to the real clients."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
EXAMPLE = EVENTS / "nk-russia.yaml"
CLIENTS = Path(__file__).resolve().parent / "clients"


@pytest.fixture(scope="session")
def example_timeline():  # type: ignore[no-untyped-def]
    from timeline import load_timeline

    return load_timeline(EXAMPLE)
