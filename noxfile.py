"""Sessions: tests, lint, typecheck, exports (committed exports/ equal a fresh build), bench, fuzz."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "exports"]
nox.options.reuse_existing_virtualenvs = True

PYPROJECT = nox.project.load_toml("pyproject.toml")


@nox.session
def tests(session: nox.Session) -> None:
    """Install the package and the real clients, then run the whole suite."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "tests"))
    session.run("bash", "tests/clients/install.sh", external=True)
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package and this file."""
    session.install("-e", ".", "nox", *nox.project.dependency_groups(PYPROJECT, "typing"))
    session.run("mypy")


@nox.session
def exports(session: nox.Session) -> None:
    """Fail when the committed exports/ differ from a fresh `timeline build` of events/."""
    session.install("-e", ".")
    fresh = f"{session.create_tmp()}/exports"
    session.run("rm", "-rf", fresh, external=True)
    # The timelines' own as_of stamps the build; a SOURCE_DATE_EPOCH from the environment must not.
    session.run("timeline", "build", "events", "-o", fresh, "--quiet", env={"SOURCE_DATE_EPOCH": ""})
    session.run("diff", "-r", "exports", fresh, external=True)


@nox.session
def bench(session: nox.Session) -> None:
    """Print the speed and memory table (see the README's performance section)."""
    session.install("-e", ".")
    session.run("python", "tests/benchmarks/run.py", *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """The fuzz tests under the long Hypothesis profile: FUZZ_EXAMPLES examples per test (2000 unless set)."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "tests"))
    session.run(
        "pytest",
        "tests/test_pipeline_fuzz.py",
        "--hypothesis-show-statistics",
        *session.posargs,
        env={"HYPOTHESIS_PROFILE": "fuzz"},
    )
