"""The `timeline` command: a thin layer over the library.

Exit status: 0 success, 1 invalid input or a failed export (messages on stderr, no
traceback), 2 usage error. Heavy modules (matplotlib, icalendar) are imported only by
the formats that need them, so `timeline validate` starts fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import click

from timeline import __version__
from timeline.dates import DateError, FuzzyDate, Instant, parse_single
from timeline.problems import InvalidInput, Problem, Severity

__all__ = ["main", "run"]

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class TimelineCommandError(click.ClickException):
    """A failure the user can act on: printed as `Error: ...`, exit status 1."""


def _sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.column or 0))


#: Warnings shown before the rest are counted instead: 100,000 "no sources" lines help nobody.
MAX_WARNINGS_SHOWN = 50


def report_problems(problems: Sequence[Problem]) -> None:
    """Every error, and the first warnings, in file and line order; the rest of the warnings as a count."""
    shown_warnings = 0
    for problem in _sort_problems(problems):
        if problem.severity is Severity.WARNING:
            shown_warnings += 1
            if shown_warnings > MAX_WARNINGS_SHOWN:
                continue
        click.echo(str(problem), err=True)
    hidden = shown_warnings - MAX_WARNINGS_SHOWN
    if hidden > 0:
        click.echo(f"... and {hidden:,} more warning{'s' if hidden != 1 else ''} (--strict reports them all)", err=True)


def _error_boundary(function: F) -> F:
    """Library errors become `Error: ...` on stderr and exit 1; no traceback reaches the user."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except InvalidInput as error:
            report_problems(error.problems)
            errors = len(error.errors)
            files = len({p.file for p in error.errors})
            raise TimelineCommandError(
                f"{errors:,} error{'s' if errors != 1 else ''} in {files:,} file{'s' if files != 1 else ''}"
            ) from None
        except DateError as error:
            raise TimelineCommandError(str(error)) from None
        except OSError as error:
            name = f" {error.filename}" if error.filename else ""
            raise TimelineCommandError(f"cannot write{name}: {error.strerror or error}") from None
        except KeyboardInterrupt:
            # Caught here because click would turn it into "Aborted!" and status 1; 130 is the convention.
            click.echo("Interrupted; no file was left half-written.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _parse_bound(value: str | None, option: str) -> FuzzyDate | None:
    if value is None:
        return None
    try:
        return parse_single(value)
    except DateError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def _as_of(value: str | None) -> dt.date | None:
    date = _parse_bound(value, "--as-of")
    if date is None:
        return None
    if date.day is None or date.month is None:
        raise click.BadParameter(f"must be a day such as 2025-07-15 (got {value!r})", param_hint="--as-of")
    return dt.date(date.year, date.month, date.day)


def generated_at(as_of: dt.date | None) -> dt.datetime:
    """When output is stamped as made: SOURCE_DATE_EPOCH, else the timeline's as_of, else now.

    The first two make builds reproducible; reading the clock happens here, at the edge.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise TimelineCommandError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970 (got {epoch!r})") from None
    if as_of is not None:
        return dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="timeline")
def main() -> None:
    """Turn dated events into timelines people can use: calendars, images, Markdown, JSON.

    Dates keep their precision and certainty ("late 1970s", "June 2024", "c. 2019")
    in every output.

    \b
    Example:
      timeline validate events/
      timeline list events/ --from 2024
      timeline export events/nk-russia.yaml -o nk-russia.json
    """


paths_argument = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="PATH...")
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


def _load(paths: Sequence[Path], strict: bool) -> Any:
    from timeline.load import load

    loaded = load(*paths, strict=strict)
    report_problems(loaded.warnings)
    return loaded


@main.command(context_settings=CONTEXT)
@paths_argument
@strict_option
@_error_boundary
def validate(paths: tuple[Path, ...], strict: bool) -> None:
    """Check event files and report every problem with its file, line and column.

    PATH is an event file (.yaml, .yml, .json) or a directory of them.

    \b
    Example:
      timeline validate events/
      timeline validate --strict events/nk-russia.yaml
    """
    loaded = _load(paths, strict)
    count = len(loaded.timeline)
    files = len(loaded.files)
    click.echo(f"ok: {count} event{'s' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}")


def filter_options(function: F) -> F:
    for option in reversed(
        [
            click.option("--from", "date_from", metavar="DATE", help="Only events that reach DATE or later."),
            click.option("--to", "date_to", metavar="DATE", help="Only events that start by DATE."),
            click.option("--tag", "tags", multiple=True, metavar="TAG", help="Only events with this tag (repeatable)."),
        ]
    ):
        function = option(function)
    return function


def _filtered(timeline: Any, date_from: str | None, date_to: str | None, tags: tuple[str, ...]) -> Any:
    start = _parse_bound(date_from, "--from")
    end = _parse_bound(date_to, "--to")
    lo: Instant | None = start.earliest if start else None
    hi: Instant | None = end.latest if end else None
    return timeline.filter(start=lo, end=hi, tags=tags)


@main.command("list", context_settings=CONTEXT)
@paths_argument
@filter_options
@click.option("--locale", default="en", show_default=True, help="Language of dates, e.g. fr, de, ko.")
@_error_boundary
def list_events(
    paths: tuple[Path, ...], date_from: str | None, date_to: str | None, tags: tuple[str, ...], locale: str
) -> None:
    """Print the events in time order, dated as precisely as their sources allow.

    \b
    Example:
      timeline list events/
      timeline list events/ --from 2024 --tag kursk
    """
    from timeline.display import display

    _check_locale(locale)
    timeline = _filtered(_load(paths, False).timeline, date_from, date_to, tags)
    rows = [(display(event.date, locale), event.title, event.id) for event in timeline]
    width = min(max((len(r[0]) for r in rows), default=0), 40)
    for when, title, event_id in rows:
        click.echo(f"{when:<{width}}  {title}  [{event_id}]")


def _check_locale(locale: str) -> None:
    from timeline.display import available_locales

    if locale.replace("-", "_").lower() not in available_locales():
        from timeline.problems import suggest

        raise click.BadParameter(
            f"unknown locale {locale!r}; choose from {', '.join(available_locales())}"
            + suggest(locale, available_locales()),
            param_hint="--locale",
        )


def output_options(function: F) -> F:
    """The options every exporter understands; shared by `export` and `build`."""
    options = [
        click.option("--locale", default="en", show_default=True, help="Language of dates, e.g. fr, de, ko."),
        click.option(
            "--as-of", "as_of", metavar="DAY", help="The day ongoing events run to (default: the timeline's as_of)."
        ),
        click.option("--title", help="Title to use instead of the timeline's."),
        click.option(
            "--ics-imprecise",
            type=click.Choice(["span", "first-day"]),
            default="span",
            show_default=True,
            help="iCalendar: show a month, year or decade as an all-day span, or as its first day.",
        ),
        click.option(
            "--width", type=click.IntRange(400, 10000), default=1200, show_default=True, help="Image width in pixels."
        ),
        click.option(
            "--theme", type=click.Choice(["light", "dark"]), default="light", show_default=True, help="Image colours."
        ),
        click.option("--lanes", type=click.Choice(["tag"]), default=None, help="Image: one swimlane per (first) tag."),
        click.option("--no-breaks", "no_breaks", is_flag=True, help="Image: do not cut the axis at long gaps."),
        click.option(
            "--md-style",
            type=click.Choice(["table", "list"]),
            default="table",
            show_default=True,
            help="Markdown: a GFM table, or headings with one bullet per event.",
        ),
        click.option(
            "--md-heading-level",
            type=click.IntRange(1, 5),
            default=2,
            show_default=True,
            help="Markdown: level of the title heading.",
        ),
        click.option("--mermaid", is_flag=True, help="Markdown: add a Mermaid timeline block."),
        click.option("--image", metavar="PATH", help="Markdown: show this image under the title."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def export_options_from(kwargs: dict[str, Any]) -> Any:
    from timeline.formats import ExportOptions

    _check_locale(kwargs["locale"])
    return ExportOptions(
        locale=kwargs["locale"],
        as_of=_as_of(kwargs["as_of"]),
        title=kwargs["title"],
        ics_imprecise=kwargs["ics_imprecise"],
        width=kwargs["width"],
        theme=kwargs["theme"],
        lanes=kwargs["lanes"],
        breaks=not kwargs["no_breaks"],
        md_style=kwargs["md_style"],
        md_heading_level=kwargs["md_heading_level"],
        mermaid=kwargs["mermaid"],
        image=kwargs["image"],
    )


def report_skipped(skipped: Sequence[Any], strict: bool) -> None:
    for item in skipped:
        click.echo(f"warning: event {item.event_id!r} was left out: {item.reason}", err=True)
    if skipped and strict:
        raise TimelineCommandError(f"{len(skipped)} event(s) could not be represented (--strict)")


@main.command(context_settings=CONTEXT)
@paths_argument
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    metavar="OUT",
    help="File to write; its suffix picks the format unless --format is given.",
)
@click.option(
    "-f", "--format", "format_name", metavar="FORMAT", help="json, ics, svg, png, pdf, md, csv or timelinejs."
)
@filter_options
@output_options
@strict_option
@_error_boundary
def export(
    paths: tuple[Path, ...],
    output: Path,
    format_name: str | None,
    date_from: str | None,
    date_to: str | None,
    tags: tuple[str, ...],
    strict: bool,
    **kwargs: Any,
) -> None:
    """Write the timeline in one format; OUT is replaced only when the export succeeds.

    \b
    Example:
      timeline export events/nk-russia.yaml -o nk-russia.json
      timeline export events/ -o timeline.ics --as-of 2025-07-31
      timeline export events/ -o timeline.md --md-style list --mermaid
    """
    from timeline.formats import UnknownFormat, format_for_path
    from timeline.writing import write_atomic

    try:
        fmt = format_for_path(str(output), format_name)
    except UnknownFormat as error:
        raise click.BadParameter(str(error), param_hint="--format") from None
    options = export_options_from(kwargs)
    timeline = _filtered(_load(paths, strict).timeline, date_from, date_to, tags)
    options = attrs.evolve(options, generated_at=generated_at(options.as_of or timeline.as_of))
    result = fmt.exporter()(timeline, options)
    report_skipped(result.skipped, strict)
    write_atomic(output, result.data)
    count = len(timeline) - len(result.skipped)
    click.echo(f"wrote {output} ({fmt.name}, {count} event{'s' if count != 1 else ''})", err=True)


@main.command("import", context_settings=CONTEXT)
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    metavar="OUT",
    help="Event file to write (.yaml, or .json/.csv for those formats).",
)
@click.option(
    "-f",
    "--format",
    "format_name",
    metavar="FORMAT",
    help="ics, timelinejs, timelinejs-csv or events (default: from SOURCE's suffix and contents).",
)
@click.option("--from-timelinejs", is_flag=True, help="SOURCE is a CSV of TimelineJS's Google Sheets template.")
@click.option("--from", "date_from", metavar="DAY", help="Expand recurring events from this day.")
@click.option("--to", "date_to", metavar="DAY", help="Expand recurring events up to this day.")
@click.option("--title", help="Title for the imported timeline.")
@_error_boundary
def import_(
    source: Path,
    output: Path,
    format_name: str | None,
    from_timelinejs: bool,
    date_from: str | None,
    date_to: str | None,
    title: str | None,
) -> None:
    """Turn a calendar, a TimelineJS file or sheet, or another event file into an event file.

    Dates keep their precision: a year-only TimelineJS row stays a year, an iCalendar
    file exported by timeline restores "late 1970s" exactly.

    \b
    Example:
      timeline import calendar.ics -o events/calendar.yaml
      timeline import meetings.ics -o events/meetings.yaml --from 2025-01-01 --to 2025-12-31
      timeline import timeline.json -o events/from-tljs.yaml
      timeline import sheet.csv --from-timelinejs -o events/sheet.yaml
    """
    from timeline.formats import UnknownFormat, format_for_path
    from timeline.formats.event_yaml import dump_event_file
    from timeline.importing import ImportOptions, UnknownImportFormat, importer_for
    from timeline.readers import read_limited
    from timeline.writing import write_atomic

    if from_timelinejs:
        format_name = "timelinejs-csv"
    try:
        name, importer = importer_for(str(source), format_name)
        out_format = format_for_path(str(output))
    except (UnknownImportFormat, UnknownFormat) as error:
        raise click.BadParameter(str(error), param_hint="--format") from None
    start, end = _as_day(date_from, "--from"), _as_day(date_to, "--to")
    data = read_limited(source, str(source), advice="files to import are limited to {limit} MB")
    timeline = importer(data, str(source), ImportOptions(date_from=start, date_to=end, title=title))
    if out_format.name == "yaml":
        payload = dump_event_file(timeline, f"Imported from {source.name} ({name}) by timeline {__version__}.")
    else:
        from timeline.formats import ExportOptions

        payload = out_format.exporter()(timeline, ExportOptions(generated_at=generated_at(timeline.as_of))).data
    write_atomic(output, payload)
    count = len(timeline)
    click.echo(f"wrote {output} ({count} event{'s' if count != 1 else ''} from {source.name})", err=True)


def _as_day(value: str | None, option: str) -> dt.date | None:
    date = _parse_bound(value, option)
    if date is None:
        return None
    earliest = date.earliest
    return earliest.date() if isinstance(earliest, dt.datetime) else earliest


def _formats(value: str) -> tuple[str, ...]:
    from timeline.formats import FORMATS

    names = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        from timeline.problems import suggest

        hint = suggest(unknown[0], FORMATS) if unknown else ""
        raise click.BadParameter(
            f"unknown format {', '.join(map(repr, unknown)) or '(none)'}; choose from {', '.join(FORMATS)}{hint}",
            param_hint="--formats",
        )
    return names


DEFAULT_FORMATS = ("ics", "svg", "png", "md", "json", "csv")  # timeline.build's, without importing it


@main.command(context_settings=CONTEXT)
@click.argument(
    "events_dir", default="events", type=click.Path(path_type=Path, file_okay=False), metavar="[EVENTS_DIR]"
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="exports",
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Directory to write the exports to.",
)
@click.option(
    "--formats",
    default=",".join(DEFAULT_FORMATS),
    show_default=True,
    metavar="LIST",
    help="Comma-separated formats to write for each event file.",
)
@output_options
@strict_option
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("--watch", is_flag=True, help="Keep running and rebuild when an event file changes.")
@_error_boundary
def build(events_dir: Path, out_dir: Path, formats: str, strict: bool, quiet: bool, watch: bool, **kwargs: Any) -> None:
    """Build every event file in EVENTS_DIR into EXPORTS_DIR, in every format.

    For events/NAME.yaml it writes exports/NAME.ics, .svg, .png, .md (showing the SVG),
    .json and .csv. Everything is validated first: if any file is invalid, nothing is written.
    Unchanged outputs are left untouched. SOURCE_DATE_EPOCH or the timeline's as_of
    makes the build reproducible.

    \b
    Example:
      timeline build
      timeline build events/ -o exports/ --formats ics,md --locale fr
      timeline build --watch
    """
    names = _formats(formats)
    options = export_options_from(kwargs)
    if watch:
        _watch(events_dir, lambda: _build_once(events_dir, out_dir, names, options, strict, quiet))
    else:
        _build_once(events_dir, out_dir, names, options, strict, quiet)


def _build_once(
    events_dir: Path, out_dir: Path, names: tuple[str, ...], options: Any, strict: bool, quiet: bool
) -> None:
    from timeline import build as building

    timelines = building.load_each(events_dir, strict=strict)

    def stamp(timeline: Any) -> Any:
        return attrs.evolve(options, generated_at=generated_at(options.as_of or timeline.as_of))

    total = len(timelines) * len(names)
    with _progress(total, enabled=not quiet and sys.stderr.isatty()) as advance:
        outputs = building.plan(timelines, out_dir, names, options, stamp=stamp, progress=advance)
    skipped = [(o, s) for o in outputs for s in o.skipped]
    for output, item in skipped:
        click.echo(f"warning: {output.path}: event {item.event_id!r} was left out: {item.reason}", err=True)
    if skipped and strict:
        raise TimelineCommandError(f"{len(skipped)} event(s) could not be represented (--strict); nothing written")
    written = building.write_outputs(outputs)
    if not quiet:
        for output in written:
            click.echo(f"wrote {output.path} ({output.events} event{'s' if output.events != 1 else ''})")
        unchanged = len(outputs) - len(written)
        if unchanged:
            click.echo(f"{unchanged} file{'s' if unchanged != 1 else ''} already up to date")


@contextlib.contextmanager
def _progress(total: int, *, enabled: bool) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr for interactive builds; a no-op otherwise."""
    if not enabled or total < 2:
        yield lambda _name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("building", total=total)
        yield lambda name: bar.update(task, advance=1, description=name)


def _watch(events_dir: Path, rebuild: Callable[[], None]) -> None:
    """Rebuild whenever a file in `events_dir` changes; polling keeps this free of extra dependencies."""
    import time

    def snapshot() -> dict[str, float]:
        return {str(p): p.stat().st_mtime_ns for p in events_dir.iterdir() if p.is_file()}

    seen: dict[str, float] = {}
    click.echo(f"watching {events_dir} (Ctrl-C to stop)", err=True)
    while True:
        current = snapshot()
        if current != seen:
            seen = current
            try:
                rebuild()
            except InvalidInput as error:
                report_problems(error.problems)
                click.echo(f"Error: {error}; nothing written, waiting for a fix", err=True)
            except click.ClickException as error:
                error.show()
        time.sleep(0.5)


def run() -> None:
    """The `timeline` command's entry point."""
    main()
