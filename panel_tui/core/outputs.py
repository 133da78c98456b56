"""Where panel-tui may write a file it was asked to (``export -o``, ``audit --csv``), and how.

An output path comes from the command line, so it is checked like any other input: it must not
be a folder (or, for ``audit --csv``, a file), its folder must exist, and it must never be one of
the files panel-tui keeps in a session folder. Paths are compared resolved (through symlinks) and
by identity (hard links), so ``-o S/decisions.toml``, a symlink to it or a hard link to it are all
refused with the file left byte for byte as it was.

Cells bound for a spreadsheet pass :func:`spreadsheet_safe`, the OWASP rule against formula
injection: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with
``'`` so Excel or LibreOffice shows it as text and never runs it.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from panel_tui.core.display import visible
from panel_tui.core.errors import InputError
from panel_tui.core.filelock import TMP_MARK, atomic_write
from panel_tui.core.tomlfile import os_error

# Files panel-tui keeps in a session folder; no output may ever replace one.
# (inspection, log, its lock, drafts, cases, entries kept aside by a replay, accepted rewrites, git's
# attribute and ignore files); and every temporary file the tool writes (".<name>.tmp-<random>").
OWNED_NAMES = frozenset(
    {
        "inspection.toml",
        "decisions.toml",
        "decisions.toml.lock",
        "decisions.drafts.toml",
        "cases.csv",
        "decisions.refused.toml",
        ".panel-tui-accepted.toml",
        ".gitattributes",
        ".gitignore",
        "framework.toml",
    }
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_owned_name(name: str) -> bool:
    return name in OWNED_NAMES or (name.startswith(".") and TMP_MARK in name)


def _under_git(path: Path) -> bool:
    """Whether ``path`` (as given or resolved) lies inside a ``.git`` folder."""
    return any(part == ".git" for p in (path.absolute(), path.resolve()) for part in p.parts)


def _owned_files(folders: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for folder in folders:
        try:
            out += [p for p in folder.iterdir() if is_owned_name(p.name)]
        except OSError:
            continue
    return out


def check_output_file(path: Path, protect: Iterable[Path] = ()) -> Path:
    """Refuse an output file path that is a folder, has no folder, or is a file panel-tui owns.

    ``protect`` names session folders whose owned files must not be reached by any name (hard
    links included). Returns the path to write.
    """
    try:
        if path.is_dir():
            raise InputError(
                path,
                None,
                "is a folder; the output must be a file.",
                f"give a file name inside it, e.g. {path / 'record.md'}.",
            )
        parent = path.parent
        if not parent.is_dir():
            raise InputError(
                path,
                None,
                f"its folder {parent} does not exist; nothing was written.",
                "create the folder first, or give another path.",
            )
        if _special_target(path) is not None:  # /dev/null, a FIFO, /dev/stdout: written into in place
            return path
        resolved = path.resolve()
        if is_owned_name(path.name) or is_owned_name(resolved.name):
            raise _owned(path)
        if _under_git(path):
            raise InputError(
                path,
                None,
                "is inside a .git folder, which belongs to git; an output never goes there. Nothing was written.",
                "give a path outside .git.",
            )
        if path.exists():
            for owned in _owned_files([*protect, resolved.parent]):
                if os.path.samefile(owned, path):
                    raise _owned(path)
    except OSError as exc:
        raise os_error(exc, path, "the output path", "write") from None
    return path


def _owned(path: Path) -> InputError:
    return InputError(
        path,
        None,
        "is a file panel-tui keeps in a session folder (the inspection, the decision "
        "log, its lock, drafts, cases, kept-aside entries or accepted rewrites, git's "
        "attributes, or a temporary file); an output never writes over it. Nothing was written.",
        "give another output path, e.g. record.md.",
    )


def check_output_folder(path: Path, file_names: Iterable[str]) -> list[Path]:
    """For ``audit --csv OUT``: OUT may exist only as a folder, its parent must exist, and none of
    the files to be written there may be a file panel-tui owns. Returns the file paths."""
    try:
        if path.exists() and not path.is_dir():
            raise InputError(
                path,
                None,
                "exists and is not a folder; --csv writes three CSV files into a folder.",
                "give a new or existing folder, not a file.",
            )
        if not path.parent.is_dir():
            raise InputError(
                path,
                None,
                f"its folder {path.parent} does not exist; nothing was written.",
                "create the folder first, or give another path.",
            )
    except OSError as exc:
        raise os_error(exc, path, "the output folder", "write") from None
    return [check_output_file(path / name) if path.is_dir() else path / name for name in file_names]


# --- an output that exists and is not a regular file ---------------------------------------------
# A character device or a FIFO (/dev/null, /dev/stdout, a pipe a script made with mkfifo) is written
# into in place: that is what a Unix user means by `-o /dev/null`, and a rename over it would replace
# the node itself (as root, /dev/null became a regular file). A folder, a socket or a block device is
# refused: writing into a disk or a socket is never what an export means, and replacing them is worse.
# Links are followed only under /dev (/dev/stdout, /dev/fd/N are links by design); anywhere else a
# link stays refused by atomic_write, as for every file panel-tui writes.

_REFUSED_KINDS = {stat.S_IFSOCK: "a socket", stat.S_IFBLK: "a block device (a disk)", stat.S_IFDIR: "a folder"}


def _special_target(path: Path) -> int | None:
    """The file type of an existing output that is a character device or a FIFO (None for anything
    else, or nothing there); an InputError for a socket or a block device."""
    try:
        st = os.stat(path) if str(path.absolute()).startswith("/dev/") else os.lstat(path)
    except OSError:
        return None
    kind = stat.S_IFMT(st.st_mode)
    if kind in _REFUSED_KINDS:
        raise InputError(
            path,
            None,
            f"is {_REFUSED_KINDS[kind]}, not a file; an output is never written into one or put in its place. "
            "Nothing was written.",
            "give a file name (or /dev/null, or a FIFO, which are written into as they are).",
        )
    return kind if kind in (stat.S_IFCHR, stat.S_IFIFO) else None


def _write_in_place(path: Path, data: bytes) -> None:
    """Write ``data`` into a character device or FIFO without replacing it. Opened with O_NONBLOCK
    first: a FIFO nobody reads is a message (ENXIO), never a hang; then blocking for the write."""
    flags = os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise InputError(
                path, None, "is a FIFO that no program is reading; nothing was written.", "start the reader first."
            ) from None
        raise
    try:
        if stat.S_IFMT(os.fstat(fd).st_mode) not in (stat.S_IFCHR, stat.S_IFIFO):
            raise InputError(path, None, "changed while it was opened; nothing was written.", "try again.")
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def write_output(path: Path, data: bytes, protect: Iterable[Path] = ()) -> None:
    """Check the path, then write atomically (or, for a device or FIFO, into it in place); an OS
    refusal is one message naming the file."""
    check_output_file(path, protect)
    try:
        if _special_target(path) is not None:
            _write_in_place(path, data)
        else:
            atomic_write(path, data)
    except OSError as exc:
        raise os_error(exc, path, "the output file", "write") from None


def make_output_folder(path: Path) -> None:
    try:
        path.mkdir(exist_ok=True)
    except OSError as exc:
        raise os_error(exc, path, "the output folder", "create") from None


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that no spreadsheet runs or lets steer a terminal.

    Numbers, booleans and None pass unchanged. Text starting with ``= + - @``, tab or CR gets a
    leading ``'`` (OWASP); control and bidi characters become visible symbols (newlines are kept,
    as CSV quotes them).
    """
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    safe = visible(text, keep_newlines=True)
    return "'" + safe if text.startswith(FORMULA_STARTS) else safe
