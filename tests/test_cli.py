"""The command line: exit codes, exact messages, and nothing written on failure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EVENTS, EXAMPLE
from timeline.cli import main

MALFORMED = Path(__file__).parent / "malformed"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


class TestValidate:
    """`timeline validate`."""

    def test_ok(self, runner: CliRunner) -> None:
        """A valid directory prints the count and exits 0."""
        result = runner.invoke(main, ["validate", str(EVENTS)])
        assert (0, "ok: 18 events in 1 file\n") == (result.exit_code, result.stdout)

    def test_errors(self, runner: CliRunner) -> None:
        """Invalid input lists each problem on stderr and exits 1, without a traceback."""
        result = runner.invoke(main, ["validate", str(MALFORMED / "month-13.yaml")])
        assert 1 == result.exit_code
        assert [
            f"{MALFORMED}/month-13.yaml:4:11: error: event 'kursk': 'date': month 13 does not exist; "
            "months are 01-12, seasons 21-24 (got '2024-13')",
            "Error: 1 error in 1 file",
        ] == result.stderr.splitlines()
        assert "Traceback" not in result.output

    def test_strict(self, runner: CliRunner, tmp_path: Path) -> None:
        """Warnings pass, but fail with --strict."""
        path = tmp_path / "e.yaml"
        path.write_text("events: [{id: a, title: A, date: 2024}]\n")
        assert 0 == runner.invoke(main, ["validate", str(path)]).exit_code
        strict = runner.invoke(main, ["validate", "--strict", str(path)])
        assert 1 == strict.exit_code
        assert f"{path}:1:10: error: event 'a': 'sources': none given" in strict.stderr

    def test_many_warnings_are_counted(self, runner: CliRunner, tmp_path: Path) -> None:
        """Past the first 50 warnings, the rest are counted, not printed."""
        path = tmp_path / "e.json"
        events = [{"id": f"e{i}", "title": f"E{i}", "date": "2024"} for i in range(120)]
        path.write_text(json.dumps({"events": events}))
        result = runner.invoke(main, ["validate", str(path)])
        lines = result.stderr.splitlines()
        assert (0, 51) == (result.exit_code, len(lines))
        assert "... and 70 more warnings (--strict reports them all)" == lines[-1]

    def test_usage_error(self, runner: CliRunner) -> None:
        """A missing argument is a usage error, exit 2."""
        assert 2 == runner.invoke(main, ["validate"]).exit_code


class TestList:
    """`timeline list`."""

    def test_sorted_with_honest_dates(self, runner: CliRunner) -> None:
        """Events print in order with their display dates."""
        result = runner.invoke(main, ["list", str(EVENTS)])
        lines = result.stdout.splitlines()
        assert 0 == result.exit_code
        assert lines[0].startswith("27 July 1953  ")
        assert any(line.startswith("late 1970s – early 1980s  ") for line in lines)
        assert any(line.startswith("since October 2024  ") for line in lines)
        assert lines[-1].endswith("[wonsan-meeting]")

    def test_filters(self, runner: CliRunner) -> None:
        """--from, --to and --tag narrow the list."""
        result = runner.invoke(main, ["list", str(EVENTS), "--from", "2025-06", "--tag", "kursk"])
        ids = [line.rsplit("[", 1)[1].rstrip("]") for line in result.stdout.splitlines()]
        assert ["nk-troops-in-russia", "shoigu-kursk-rebuilding"] == ids

    def test_bad_date_option(self, runner: CliRunner) -> None:
        """A bad --from is a usage error naming the option."""
        result = runner.invoke(main, ["list", str(EVENTS), "--from", "2024-13"])
        assert 2 == result.exit_code
        assert "Error: Invalid value for --from: month 13 does not exist" in result.stderr

    def test_locale(self, runner: CliRunner) -> None:
        """--locale translates dates; an unknown locale suggests one."""
        assert "27 juillet 1953" in runner.invoke(main, ["list", str(EVENTS), "--locale", "fr"]).stdout
        bad = runner.invoke(main, ["list", str(EVENTS), "--locale", "frr"])
        assert 2 == bad.exit_code
        assert "did you mean 'fr'?" in bad.stderr


class TestExport:
    """`timeline export`."""

    def test_json(self, runner: CliRunner, tmp_path: Path) -> None:
        """The format comes from the suffix; the events come out sorted."""
        out = tmp_path / "out.json"
        result = runner.invoke(main, ["export", str(EXAMPLE), "-o", str(out)])
        assert 0 == result.exit_code, result.output
        data = json.loads(out.read_text())
        assert "korean-war-armistice" == data["events"][0]["id"]
        assert 18 == len(data["events"])

    def test_invalid_input_writes_nothing(self, runner: CliRunner, tmp_path: Path) -> None:
        """A failed export leaves no file, and an earlier file untouched."""
        out = tmp_path / "out.json"
        result = runner.invoke(main, ["export", str(MALFORMED / "month-13.yaml"), "-o", str(out)])
        assert (1, False) == (result.exit_code, out.exists())
        out.write_text("previous")
        runner.invoke(main, ["export", str(MALFORMED / "month-13.yaml"), "-o", str(out)])
        assert "previous" == out.read_text()
        assert [out] == list(tmp_path.iterdir())

    def test_unknown_suffix(self, runner: CliRunner, tmp_path: Path) -> None:
        """An unknown suffix without --format is a usage error."""
        result = runner.invoke(main, ["export", str(EXAMPLE), "-o", str(tmp_path / "out.xyz")])
        assert 2 == result.exit_code
        assert "cannot tell the format of" in result.stderr

    def test_yaml_round_trip(self, runner: CliRunner, tmp_path: Path) -> None:
        """Exporting to YAML and loading it back gives the same JSON."""
        runner.invoke(main, ["export", str(EXAMPLE), "-o", str(tmp_path / "a.json")])
        runner.invoke(main, ["import", str(EXAMPLE), "-o", str(tmp_path / "copy.yaml")])
        runner.invoke(main, ["export", str(tmp_path / "copy.yaml"), "-o", str(tmp_path / "b.json")])
        assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()


class TestInterrupt:
    """Ctrl-C."""

    def test_exit_130(self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
        """An interrupted command says so and exits 130, the shell's convention."""

        def interrupted(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr("timeline.cli._load", interrupted)
        result = runner.invoke(main, ["validate", str(EVENTS)])
        assert (130, "Interrupted; no file was left half-written.\n") == (result.exit_code, result.stderr)


class TestProcess:
    """The installed command as a user runs it."""

    def test_module_and_version(self) -> None:
        """`python -m timeline --version` works."""
        result = subprocess.run([sys.executable, "-m", "timeline", "--version"], capture_output=True, text=True)
        assert (0, "timeline, version 0.1.0\n") == (result.returncode, result.stdout)

    def test_validate_imports_nothing_heavy(self) -> None:
        """`timeline validate` does not import matplotlib, icalendar or pendulum."""
        code = (
            "import sys; from timeline.cli import main\n"
            "try: main(['validate', sys.argv[1]])\n"
            "except SystemExit: pass\n"
            "print(sorted(m for m in ('matplotlib', 'icalendar', 'pendulum') if m in sys.modules))"
        )
        result = subprocess.run([sys.executable, "-c", code, str(EVENTS)], capture_output=True, text=True)
        assert "[]" == result.stdout.splitlines()[-1]

    def test_help_has_examples(self) -> None:
        """Every command's help ends with an example."""
        for command in ("validate", "list", "export", "import"):
            result = CliRunner().invoke(main, [command, "--help"])
            assert "Example:" in result.output, command
