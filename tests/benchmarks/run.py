"""Benchmarks: print a table of median times, events/s, peak memory and the ratio to a floor.

Run with `nox -s bench` (or `python tests/benchmarks/run.py [--sizes 100,1000] [--runs 3]`).
Each measurement runs in a fresh process, so peak memory is that stage's own and
imports are not shared. Floors are measured in the same run on the same files: the
bare parser for loading, a minimal hand-written writer for exporting.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from tests.benchmarks import synthetic  # noqa: E402

#: Code run in a child process: `setup` once, then `work` `runs` times; prints JSON.
CHILD = """
import json, statistics, sys, time
runs = int(sys.argv[1])
{setup}
{work_once}
RESULT = None
times = []
for _ in range(runs):
    started = time.perf_counter()
{work}
    times.append(time.perf_counter() - started)
    RESULT = None  # what a stage built is freed outside its time, as a program keeps it while using it
# VmHWM is this process's own peak; ru_maxrss would include the parent's peak from before exec.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024
print(json.dumps({{"median": statistics.median(times), "rss_mb": peak}}))
"""


def measure(setup: str, work: str, runs: int) -> dict[str, float]:
    # One untimed run first, so lazy imports and caches are not counted as the work.
    code = CHILD.format(
        setup=setup, work_once=work.strip(), work="\n".join("    " + line for line in work.strip().splitlines())
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(runs)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{result.stderr}")
    return json.loads(result.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def wall(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def row(stage: str, size: int, ours: dict[str, float], floor: dict[str, float] | None, target: str) -> str:
    rate = size / ours["median"] if ours["median"] else float("inf")
    ratio = f"{ours['median'] / floor['median']:.2f}x" if floor else "-"
    return (
        f"| {stage} | {size:,} | {ours['median']:.3f} s | {rate:,.0f} | {ours['rss_mb']:.0f} MB | {ratio} | {target} |"
    )


LOADERS = {
    "yaml": ("import yaml", "RESULT = yaml.load(open(PATH, encoding='utf-8').read(), Loader=yaml.CSafeLoader)"),
    "json": ("import json", "RESULT = json.loads(open(PATH, encoding='utf-8').read())"),
    "csv": ("import csv", "RESULT = list(csv.reader(open(PATH, encoding='utf-8', newline='')))"),
}

#: Minimal hand-written writers of the same output as our exporters, for the synthetic events (one source
#: each, no zones, no as_of): each writes every field the exporter writes, and `tests/test_bench_floors.py`
#: checks the result against the export (same bytes for csv and ics; same records for json; same lines
#: but the legend for md). What they leave out is what synthetic text never needs (escaping in Markdown).
FLOOR_WRITERS = {
    "json": r"""
import json
from timeline.display import display
def iso(x): return None if x is None else x.isoformat().replace("+00:00", "Z")
out = json.dumps([{"id": e.id, "title": e.title, "date": e.date.canonical(), "display": display(e.date),
    "earliest": iso(e.date.earliest), "latest": iso(e.date.latest), "precision": e.date.precision.label,
    "approximate": e.date.approximate, "uncertain": e.date.uncertain, "description": e.description,
    "location": e.location, "tz": e.tz, "tags": list(e.tags), "sources": [{"url": s.url, "title": s.title,
    "publisher": s.publisher, "published": s.published and s.published.canonical()} for s in e.sources],
    "importance": e.importance} for e in TL.events], ensure_ascii=False).encode()
""",
    "csv": r"""
import csv, io
buf = io.StringIO(); w = csv.writer(buf, lineterminator="\r\n")
w.writerow("id title date end description location tz tags source_url source_title source_publisher "
    "source_published".split())
for e in TL.events:
    s = e.sources[0]; date, _, end = e.date.canonical().partition("/")
    row = [e.id, e.title, date, end, e.description or "", e.location or "", e.tz or "", ";".join(e.tags),
        s.url or "", s.title or "", s.publisher or "", s.published.canonical() if s.published else ""]
    w.writerow(["'" + c if c[:1] in ("=", "+", "-", "@", "\t", "\r", "'") else c for c in row])
out = ("\ufeff" + buf.getvalue()).encode()
""",
    "md": r"""
from timeline.display import display
rows, notes = [f"## {TL.title}", "", "| Date | Event | Details | Sources |", "| --- | --- | --- | --- |"], {}
for e in TL.events:
    place = f"*{e.location}*" if e.location else ""
    text = f"{place} — {e.description}" if place and e.description else place or e.description or ""
    rows.append(f"| {display(e.date)} | {e.title} | {text} | [^{notes.setdefault(e.sources[0], len(notes) + 1)}] |")
rows.append("")
rows.extend(f"[^{n}]: *[{s.title}](<{s.url}>)*, {s.publisher}." for s, n in notes.items())
out = ("\n".join(rows) + "\n").encode()
""",
    "ics": r"""
import datetime as dt, json
from timeline.display import display, precision_phrase as phrase
def esc(t): return t.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
def fold(line):
    b, pieces = line.encode(), []
    while len(b) > 74:  # pieces of at most 74 octets, not splitting a character or an escape
        cut = 74
        while b[cut] & 0xC0 == 0x80: cut -= 1
        cut -= b[cut - 1] in b"\\^"
        pieces.append(b[:cut]); b = b[cut:]
    return b"\r\n ".join([*pieces, b])
out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//timeline//timeline//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
    "NAME:" + esc(TL.title), "X-WR-CALNAME:" + esc(TL.title)]
for e in TL.events:
    d, s = e.date, e.sources[0]
    if d.latest is None: continue  # ongoing, and no as_of day to end it at
    if isinstance(d.earliest, dt.datetime): when = [f"DTSTART:{d.earliest:%Y%m%dT%H%M%S}Z"]  # synthetic times are UTC
    else: when = [f"DTSTART;VALUE=DATE:{d.earliest:%Y%m%d}", f"DTEND;VALUE=DATE:{d.latest + dt.timedelta(1):%Y%m%d}"]
    how = f"start {phrase(d.start)}, end {phrase(d.end)}" if hasattr(d, "start") else phrase(d)
    text = "\n\n".join(p for p in (f"Date: {display(d)} — {how}", e.description, "Sources:\n- "
        f"{s.title} — {s.publisher} — {s.url}") if p)
    out += ["BEGIN:VEVENT", f"UID:{e.id}@timeline", "DTSTAMP:19700101T000000Z", *when, "SUMMARY:" + esc(e.title),
        "DESCRIPTION:" + esc(text), *(["LOCATION:" + esc(e.location)] if e.location else []), "URL:" + s.url,
        *(["CATEGORIES:" + ",".join(map(esc, e.tags))] if e.tags else []), "TRANSP:TRANSPARENT",
        "X-TIMELINE-DATE:" + esc(d.canonical()), "X-TIMELINE-SOURCE:" + esc(json.dumps({"url": s.url,
        "title": s.title, "publisher": s.publisher}, ensure_ascii=False, separators=(",", ":"))), "END:VEVENT"]
out = b"\r\n".join(map(fold, [*out, "END:VCALENDAR"])) + b"\r\n"
""",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; median of {args.runs} runs per cell.\n")
    print("| stage | events | median | events/s | peak memory | vs floor | target |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        for size in sizes:
            items = synthetic.events(size)
            files = {
                "yaml": (work / f"e{size}.yaml", synthetic.as_yaml(items)),
                "json": (work / f"e{size}.json", synthetic.as_json(items)),
                "csv": (work / f"e{size}.csv", synthetic.as_csv(items)),
            }
            for path, text in files.values():
                path.write_text(text, encoding="utf-8")
            runs = args.runs if size < 100_000 else max(1, min(args.runs, 3))
            for name, (path, _) in files.items():
                setup, floor_work = LOADERS[name]
                # The bare parser with the collector off, as our loader runs: the strictest yardstick
                # (with it on, yaml.load of 100,000 events takes three times as long).
                floor = measure(f"{setup}\nimport gc; gc.disable()\nPATH = {str(path)!r}", floor_work, runs)
                ours = measure(f"from timeline import load\nPATH = {str(path)!r}", "RESULT = load(PATH)", runs)
                target = "<= 1.3x floor" if name == "yaml" else ">= 100,000/s"
                print(row(f"load+validate+sort {name}", size, ours, floor, target), flush=True)
            setup = f"from timeline import load, export, ExportOptions\nTL = load({str(files['json'][0])!r}).timeline"
            for fmt in ("json", "csv", "md", "ics"):
                floor = measure(setup, FLOOR_WRITERS[fmt].strip(), runs)
                ours = measure(setup, f"export(TL, {fmt!r}, ExportOptions())", runs)
                target = {"ics": "5,000 in < 1.5 s"}.get(fmt, ">= 100,000/s")
                print(row(f"export {fmt}", size, ours, floor, target), flush=True)
            if size <= 10_000:
                ours = measure(setup, "export(TL, 'svg', ExportOptions())", 1)
                target = {100: "150 < 2 s", 1000: "< 6 s", 10000: "< 15 s"}.get(size, "")
                print(row("export svg", size, ours, None, target), flush=True)
        print()
        timeline_cmd = [sys.executable, "-m", "timeline"]
        print("| command | median wall | target |")
        print("|---|---|---|")
        print(f"| python -c pass | {wall([sys.executable, '-c', 'pass'], 5):.3f} s | - |")
        print(f"| timeline --help | {wall([*timeline_cmd, '--help'], 5):.3f} s | < 0.2 s |")
        print(f"| timeline validate events/ | {wall([*timeline_cmd, 'validate', 'events'], 5):.3f} s | < 0.25 s |")
        build = [*timeline_cmd, "build", "events", "-o", str(work / "exports"), "--quiet"]
        print(
            f"| timeline build events/ (all formats, from scratch) | {_fresh_build(build, work, 3):.3f} s | < 1.5 s |"
        )


def _fresh_build(command: list[str], work: Path, runs: int) -> float:
    import shutil

    times = []
    for _ in range(runs):
        shutil.rmtree(work / "exports", ignore_errors=True)
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


if __name__ == "__main__":
    main()
