"""A writer's lock on a session: held only while writing, released by the OS if its holder dies."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from panel_tui.core.errors import InputError

LOCK_WAIT_SECONDS = 5.0


@contextmanager
def session_lock(log_path: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Exclusive flock on ``<log>.lock``; waits up to ``wait`` seconds, then fails clearly."""
    lock_path = log_path.with_name(log_path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise InputError(
                        log_path, None,
                        f"another process has been writing this session's log for over {wait:g} seconds; nothing was written.",
                        "try again in a moment; if it persists, check for a stuck panel-tui process.",
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder: flush, fsync, replace, fsync the folder.

    After this returns the new content is on disk; a crash at any moment leaves the old file or
    the new one, never a mixture.
    """
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dfd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
