"""Golden files: what the exporter writes now equals the committed .ics, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from tests.ical.regenerate_golden import CASES, GOLDEN
from timeline.cli import main


def _export(source: str, extra: list[str], output: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["export", source, "-o", str(output), *extra])
    assert 0 == result.exit_code, result.output
    return output.read_bytes()


class TestGolden:
    """tests/golden/ical/*.ics and exports/nk-russia.ics are what `timeline export` writes (regenerate_golden.py)."""

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_case(self, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Timed events with zones (1953 Pyongyang, 1945 Berlin), ongoing and skipped events, first-day mode."""
        source, extra = CASES[name]
        assert (GOLDEN / name).read_bytes() == _export(source, extra, tmp_path / name, monkeypatch)

    def test_committed_export(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """exports/nk-russia.ics: the example's as_of (2025-07-14) makes DTSTAMP reproducible."""
        data = _export("events/nk-russia.yaml", [], tmp_path / "nk-russia.ics", monkeypatch)
        assert (ROOT / "exports" / "nk-russia.ics").read_bytes() == data
        assert b"DTSTAMP:20250714T000000Z\r\n" in data
