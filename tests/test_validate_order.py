"""Problems found across events come out in file order, event by event, whatever rule finds them."""

from __future__ import annotations

from pathlib import Path

from timeline import load

_FIRST = """\
events:
  - {id: a, title: Talks, date: 2024-06}
  - {id: b, title: Talks, date: 2024-06, sources: [https://example.org/b]}
  - {id: c, title: Landing, date: "2024-06-19T10:00", sources: [https://example.org/c]}
  - {id: a, title: Other, date: 2025}
"""
_SECOND = """\
events:
  - {id: d, title: TALKS, date: June 2024, sources: [https://example.org/d]}
  - {id: b, title: Again, date: 2023}
  - {id: e, title: Fine, date: 2022, sources: [https://example.org/e]}
"""


def test_problems_in_file_order(tmp_path: Path) -> None:
    (tmp_path / "1.yaml").write_text(_FIRST, encoding="utf-8")
    (tmp_path / "2.yaml").write_text(_SECOND, encoding="utf-8")
    loaded = None
    try:
        loaded = load(tmp_path)
    except Exception as error:  # noqa: BLE001 - duplicates are errors; the problems ride on the exception
        problems = error.problems  # type: ignore[attr-defined]
    assert loaded is None
    got = [(Path(p.file).name, p.line, p.event_id, p.field, p.severity.name) for p in problems]
    assert got == [
        ("1.yaml", 2, "a", "sources", "WARNING"),
        ("1.yaml", 3, "b", "title", "WARNING"),
        ("1.yaml", 4, "c", "date", "WARNING"),
        ("1.yaml", 5, "a", "id", "ERROR"),
        ("2.yaml", 2, "d", "title", "WARNING"),
        ("2.yaml", 3, "b", "id", "ERROR"),
    ]
    assert "first used at" in problems[3].message
    assert "1.yaml:2" in problems[3].message
    assert "repeats the title and date of event 'a'" in problems[4].message


def test_repeats_found_across_files_without_duplicate_ids(tmp_path: Path) -> None:
    (tmp_path / "1.yaml").write_text(_FIRST.replace("  - {id: a, title: Other, date: 2025}\n", ""), encoding="utf-8")
    (tmp_path / "2.yaml").write_text(_SECOND.replace("{id: b, title: Again", "{id: f, title: Again"), encoding="utf-8")
    warnings = load(tmp_path).warnings
    got = [(Path(p.file).name, p.line, p.event_id, p.field) for p in warnings]
    assert got == [
        ("1.yaml", 2, "a", "sources"),
        ("1.yaml", 3, "b", "title"),
        ("1.yaml", 4, "c", "date"),
        ("2.yaml", 2, "d", "title"),
        ("2.yaml", 3, "f", "sources"),
    ]
    assert "event 'a'" in warnings[3].message
