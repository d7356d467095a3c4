"""The real parsers calendar software uses, reading our .ics files: icalendar, vobject, ical.js and Radicale.

Each reader returns the events it sees as `Seen(uid, start, end)` in one notation, so the
parsers can be compared: all-day values as `YYYY-MM-DD`, zoned and UTC values as their UTC
instant `YYYY-MM-DDTHH:MM:SSZ`, floating values without the `Z`. A missing DTEND means
the event ends at its start (timed) or lasts one day (all-day), as RFC 5545 3.6.1 says.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import attrs

HERE = Path(__file__).resolve().parent
ICALJS_READER = HERE / "icaljs_reader.mjs"


@attrs.frozen(order=True)
class Seen:
    uid: str
    start: str
    end: str


def _show(value: dt.date | dt.datetime) -> str:
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    utc = value.astimezone(dt.UTC) if value.tzinfo is not None else value
    text = f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    return text + "Z" if value.tzinfo is not None else text


def _default_end(start: dt.date | dt.datetime) -> dt.date | dt.datetime:
    return start if isinstance(start, dt.datetime) else start + dt.timedelta(days=1)


def read_icalendar(data: bytes) -> list[Seen]:
    """icalendar's view; fails if any component recorded a parse error."""
    import icalendar

    calendar = icalendar.Calendar.from_ical(data)
    errors = [(component.name, component.errors) for component in calendar.walk() if component.errors]
    assert [] == errors
    seen = []
    for event in calendar.walk("VEVENT"):
        start = event["DTSTART"].dt
        end = event["DTEND"].dt if "DTEND" in event else _default_end(start)
        seen.append(Seen(str(event["UID"]), _show(start), _show(end)))
    return sorted(seen)


def read_vobject(data: bytes) -> list[Seen]:
    """vobject's view (the parser Radicale uses), with zones built from our VTIMEZONEs."""
    import vobject
    import vobject.icalendar

    # vobject keeps the first VTIMEZONE it meets for a TZID for the rest of the process
    # (vobject.icalendar.__tzidMap); a calendar app reading this file alone has no such memory.
    vars(vobject.icalendar)["__tzidMap"].clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # vobject calls dateutil APIs that warn
        calendar = vobject.readOne(data.decode("utf-8"))
        seen = []
        for event in calendar.contents.get("vevent", []):
            start = event.dtstart.value
            end = event.dtend.value if hasattr(event, "dtend") else _default_end(start)
            seen.append(Seen(event.uid.value, _show(start), _show(end)))
    return sorted(seen)


class IcalJs:
    """One node process running ical.js over requests on stdin, for the whole session."""

    def __init__(self) -> None:
        node = shutil.which("node")
        assert node is not None, "node is required: the tests run ical.js (tests/clients/install.sh)"
        self.process = subprocess.Popen(
            [node, str(ICALJS_READER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def raw(self, data: bytes) -> list[dict[str, Any]]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps({"ics": data.decode("utf-8")}) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        assert "error" not in reply, reply.get("error")
        events: list[dict[str, Any]] = reply["events"]
        return events

    def read(self, data: bytes) -> list[Seen]:
        return sorted(Seen(e["uid"], e["start"], e["end"]) for e in self.raw(data))

    def close(self) -> None:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


_CALDAV = "urn:ietf:params:xml:ns:caldav"
_MKCOL = (
    '<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
    "<D:resourcetype><D:collection/><C:calendar/></D:resourcetype></D:prop></D:set></D:mkcol>"
)
_QUERY = (
    '<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
    '<D:prop><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
    "{range}</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
)


class Radicale:
    """A real CalDAV server on 127.0.0.1 (free port, temporary storage, auth type none)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="timeline-radicale-"))
        self.port = _free_port()
        self.log = (self.folder / "radicale.log").open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "radicale",
                "--server-hosts",
                f"127.0.0.1:{self.port}",
                "--storage-filesystem-folder",
                str(self.folder / "storage"),
                "--auth-type",
                "none",
                "--logging-level",
                "error",
            ],
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.auth = "Basic " + base64.b64encode(b"timeline:test").decode()
        self.collections = 0
        deadline = time.monotonic() + 30
        while True:
            assert self.process.poll() is None, (self.folder / "radicale.log").read_text(errors="replace")
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            assert time.monotonic() < deadline, "radicale did not start within 30 s"
            time.sleep(0.05)

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str) -> tuple[int, bytes]:
        request = urllib.request.Request(
            self.base + path, data=body, method=method, headers={"Authorization": self.auth, **headers}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def new_calendar(self) -> str:
        self.collections += 1
        path = f"/timeline/cal{self.collections}/"
        status, body = self.request("MKCOL", path, _MKCOL.encode(), **{"Content-Type": "application/xml"})
        assert 201 == status, body
        return path

    def put(self, collection: str, uid: str, data: bytes) -> None:
        name = re.sub(r"[^A-Za-z0-9._-]", "_", uid) + ".ics"
        status, body = self.request("PUT", collection + name, data, **{"Content-Type": "text/calendar; charset=utf-8"})
        assert status in (201, 204), (status, body.decode(errors="replace"))

    def query(self, collection: str, start: str | None = None, end: str | None = None) -> list[bytes]:
        """calendar-data of the events overlapping [start, end) (UTC `YYYYMMDDTHHMMSSZ`), or of all events."""
        time_range = f'<C:time-range start="{start}" end="{end}"/>' if start else ""
        status, body = self.request(
            "REPORT",
            collection,
            _QUERY.format(range=time_range).encode(),
            **{"Content-Type": "application/xml", "Depth": "1"},
        )
        assert 207 == status, body
        tree = ElementTree.fromstring(body)
        return [(node.text or "").encode("utf-8") for node in tree.iter(f"{{{_CALDAV}}}calendar-data")]

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def split_events(data: bytes) -> Iterator[tuple[str, bytes]]:
    """Each VEVENT as its own calendar object (header and VTIMEZONEs kept), as CalDAV stores them."""
    text = data.decode("utf-8")
    if "BEGIN:VEVENT\r\n" not in text:
        return
    head, _, rest = text.partition("BEGIN:VEVENT\r\n")
    body = "BEGIN:VEVENT\r\n" + rest.removesuffix("END:VCALENDAR\r\n")
    for chunk in body.split("BEGIN:VEVENT\r\n")[1:]:
        uid = re.search(r"^UID:(.*)\r$", chunk, re.M)
        assert uid is not None
        yield uid[1], (head + "BEGIN:VEVENT\r\n" + chunk + "END:VCALENDAR\r\n").encode("utf-8")


def _range_value(seen: str) -> str:
    """A Seen time as a CalDAV time-range bound (floating and all-day values taken as UTC)."""
    digits = seen.replace("-", "").replace(":", "").removesuffix("Z")
    return (digits if "T" in digits else digits + "T000000") + "Z"


def read_radicale(server: Radicale, data: bytes) -> list[Seen]:
    """Upload every event to a fresh calendar (PUT), read them back (REPORT), and check Radicale's time-range filter.

    The server's own idea of each event's span must match: a query over the event's
    span finds it, so do queries ending just after its start and starting just before its end.
    """
    collection = server.new_calendar()
    for uid, item in split_events(data):
        server.put(collection, uid, item)
    back = sorted(seen for item in server.query(collection) for seen in read_icalendar(item))
    for seen in back:
        start, end = _range_value(seen.start), _range_value(seen.end)
        if end == start:
            end = _range_value(_shift(seen.end, 1))
        found = {s.uid for item in server.query(collection, start, end) for s in read_icalendar(item)}
        assert seen.uid in found, (seen, start, end)
    return back


def _shift(seen: str, seconds: int) -> str:
    if "T" not in seen:
        return (dt.date.fromisoformat(seen) + dt.timedelta(days=1)).isoformat()
    value = dt.datetime.fromisoformat(seen.removesuffix("Z")) + dt.timedelta(seconds=seconds)
    return value.isoformat() + ("Z" if seen.endswith("Z") else "")


_SHARED: dict[str, Any] = {}


def shared_icaljs() -> IcalJs:
    """One ical.js process for the whole test run, started on first use, ended at exit."""
    if "icaljs" not in _SHARED:
        import atexit

        _SHARED["icaljs"] = IcalJs()
        atexit.register(_SHARED["icaljs"].close)
    reader: IcalJs = _SHARED["icaljs"]
    return reader


def shared_radicale() -> Radicale:
    """One Radicale server for the whole test run, started on first use, stopped at exit."""
    if "radicale" not in _SHARED:
        import atexit

        _SHARED["radicale"] = Radicale()
        atexit.register(_SHARED["radicale"].close)
    server: Radicale = _SHARED["radicale"]
    return server


def assert_parsers_agree(data: bytes, *, radicale: Radicale | None = None, caldav: bool = True) -> list[Seen]:
    """What icalendar, vobject, ical.js and Radicale see in `data`, after checking they see the same.

    `caldav=False` leaves Radicale out, for files whose VTIMEZONEs reach outside 1800-2100:
    Radicale runs vobject, which keeps the first definition of each TZID for the life of
    the server, so such a file would be read with another file's narrower definition.
    """
    seen = read_icalendar(data)
    assert seen == read_vobject(data), "vobject"
    assert seen == shared_icaljs().read(data), "ical.js"
    if caldav:
        assert seen == read_radicale(radicale or shared_radicale(), data), "radicale"
    return seen
