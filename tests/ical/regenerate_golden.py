"""Rewrite the iCalendar golden files after a deliberate change: python tests/ical/regenerate_golden.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "ical"
CASES = {
    # output: (input, extra CLI options)
    "timed.ics": ("tests/golden/ical/timed.yaml", []),
    "ongoing.ics": ("tests/golden/ical/ongoing.yaml", []),
    "nk-russia-first-day.ics": ("events/nk-russia.yaml", ["--ics-imprecise", "first-day"]),
}


def main() -> None:
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    timeline = [sys.executable, "-m", "timeline"]
    for output, (source, extra) in CASES.items():
        subprocess.run([*timeline, "export", source, "-o", str(GOLDEN / output), *extra], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*timeline, "export", "events/nk-russia.yaml", "-o", "exports/nk-russia.ics"], cwd=ROOT, env=env, check=True
    )


if __name__ == "__main__":
    main()
