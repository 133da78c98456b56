"""A writer's lock on a session: held only while writing, released by the OS if its holder dies."""

from __future__ import annotations

import fcntl
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from panel_tui.core.errors import InputError
from panel_tui.core.tomlfile import os_error

LOCK_WAIT_SECONDS = 5.0


@contextmanager
def session_lock(log_path: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Exclusive flock on ``<log>.lock``; waits up to ``wait`` seconds, then fails clearly."""
    lock_path = log_path.with_name(log_path.name + ".lock")
    refuse_links(lock_path, "the lock file")
    if lock_path.is_dir():
        raise InputError(
            lock_path,
            None,
            "the lock file is a folder, so no writer can lock this session; nothing was written.",
            f"remove the folder {lock_path.name} (panel-tui creates the lock file itself).",
        )
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
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
                        log_path,
                        None,
                        f"another process has been writing this session's log for over {wait:g} seconds; "
                        "nothing was written.",
                        "try again in a moment; if it persists, check for a stuck panel-tui process.",
                    ) from None
                time.sleep(0.02)
        try:
            yield
        except OSError as exc:  # a write under the lock: unwritable folder, a folder where a file goes
            raise os_error(exc, log_path, "the decision log", "write") from None
    finally:
        os.close(fd)  # closing releases the flock


TMP_MARK = ".tmp-"  # every temporary file is ".<target name>.tmp-<random>" in the target's folder


class LinkRefused(InputError):
    """A write refused because the target or its folder is a symbolic link (nothing was written)."""


def refuse_links(path: Path, what: str = "the file") -> None:
    """Refuse to write ``path`` when it or its folder is a symbolic link.

    A collaborator can commit a symlink (git carries them) at any name panel-tui writes; writing
    through it would change a file outside the session. The folder is checked too: a session
    folder that is a link would put every file the tool writes somewhere else.
    """
    for p, name in ((path.parent, "its folder"), (path, what)):
        if os.path.islink(p):
            raise LinkRefused(
                p,
                None,
                f"{name} is a symbolic link; panel-tui never writes through a link, so nothing was written.",
                "replace the link with a real file or folder (see where it points with `ls -l`).",
            )


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a new temporary file in the same folder: flush, fsync, replace, fsync the folder.

    After this returns the new content is on disk; a crash at any moment leaves the old file or
    the new one, never a mixture. The temporary file has a random name and is created with
    O_EXCL|O_NOFOLLOW, so a file or link planted at any name the tool might use is never written
    through; a target (or folder) that is a link is refused (:func:`refuse_links`).
    """
    refuse_links(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = path.with_name(f".{path.name}{TMP_MARK}{secrets.token_hex(8)}")
        try:
            fd = os.open(tmp, flags, 0o644)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - 100 collisions of 64 random bits
        raise InputError(path.parent, None, "could not create a temporary file there.", "check the folder.")
    try:
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        refuse_links(path)  # checked again just before the rename: a link planted meanwhile
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    dfd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
