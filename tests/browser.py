"""Headless Chromium for the tests: load a page, let its scripts run, read back what they wrote."""

from __future__ import annotations

import html
import json
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

#: Run as root in a closed network: no sandbox, no background traffic, a fresh profile each time.
CHROMIUM_FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def dump_dom(
    page_html: str, *, flags: Sequence[str] = (), timeout: float = 180, env: Mapping[str, str] | None = None
) -> str:
    """The page's DOM after its scripts ran (`--dump-dom`); fails if Chromium is missing or fails."""
    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "page.html"
        page.write_text(page_html, encoding="utf-8")
        run = subprocess.run(
            [
                "chromium",
                *CHROMIUM_FLAGS,
                *flags,
                f"--user-data-dir={Path(work) / 'profile'}",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=timeout,
            check=True,
            env=dict(env) if env is not None else None,
        )
    return run.stdout.decode("utf-8")


def read_json_result(dom: str, element_id: str) -> Any:
    """The JSON a page's script wrote into `<pre id=element_id>`."""
    match = re.search(rf'<pre id="{element_id}">(.*?)</pre>', dom, re.S)
    assert match is not None, f"the page wrote no <pre id={element_id!r}>: {dom[-1000:]}"
    return json.loads(html.unescape(match[1]))
