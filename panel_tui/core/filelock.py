"""A writer's lock on a session: held only while writing, released by the OS if its holder dies."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from panel_tui.core.errors import InputError
from panel_tui.core.tomlfile import os_error

LOCK_WAIT_SECONDS = 5.0


@contextmanager
def session_lock(log_path: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Exclusive flock on ``<log>.lock``; waits up to ``wait`` seconds, then fails clearly."""
    lock_path = log_path.with_name(log_path.name + ".lock")
    if lock_path.is_dir() and not lock_path.is_symlink():
        raise InputError(lock_path, None, "the lock file is a folder, so no writer can lock this session; nothing was written.",
                         f"remove the folder {lock_path.name} (panel-tui creates the lock file itself).")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise os_error(exc, lock_path, "the session's lock file", "write") from None
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
        try:
            yield
        except OSError as exc:  # a write under the lock: unwritable folder, a folder where a file goes
            raise os_error(exc, log_path, "the decision log", "write") from None
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
