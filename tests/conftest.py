"""Shared fixtures: the example timeline and paths to the real clients; Hypothesis profiles.

Hypothesis runs its default profile unless HYPOTHESIS_PROFILE names another (or pytest is
given `--hypothesis-profile`): "fuzz" (`nox -s fuzz`) runs the tests that leave the number of
examples to the profile with many more examples and no time limit per example.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
EXAMPLE = EVENTS / "nk-russia.yaml"
CLIENTS = Path(__file__).resolve().parent / "clients"


@pytest.fixture(scope="session")
def example_timeline():  # type: ignore[no-untyped-def]
    from timeline import load_timeline

    return load_timeline(EXAMPLE)
