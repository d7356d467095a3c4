"""Writing output files so that a failure never leaves a half-written or missing file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["named", "write_atomic"]


def write_atomic(path: str | os.PathLike[str], data: bytes, *, skip_unchanged: bool = False) -> bool:
    """Write `data` to `path` through a temporary file in the same directory, renamed into place.

    Returns False (and touches nothing) when `skip_unchanged` and the file already holds `data`.
    On any failure, including Ctrl-C, the previous file is intact and no temporary file remains.
    """
    target = Path(path)
    if skip_unchanged and target.is_file():
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                return False
        except OSError:
            pass
    directory = target.parent if str(target.parent) else Path(".")
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise named(error, target) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            with contextlib.suppress(OSError):
                os.chmod(temporary, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise named(error, target) from None
        raise
    return True


def named(error: OSError, target: Path) -> OSError:
    """The error naming the file the user asked for, not the hidden temporary file it struck."""
    error.filename, error.filename2 = str(target), None
    return error
