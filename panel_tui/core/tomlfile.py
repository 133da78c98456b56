"""Reading user TOML files safely: the one boundary every file a user hands us passes.

Size cap, text check, BOM, nesting depth, numbers that are finite and of sane size, and every
error with the file, the line and the fix. Nothing past this boundary has to fear a
RecursionError, a NaN, an ``inf`` or an integer of thousands of digits.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from panel_tui.core.errors import InputError
from panel_tui.core.toml_quick import quick_toml

MAX_BYTES = 4 * 1024 * 1024  # an inspection or a long log is far below this; anything bigger is a mistake
MAX_RECORD_BYTES = 64 * 1024 * 1024  # a decision log or its kept-aside file (the log reader's own limit)
MAX_DEPTH = 16  # tables and arrays inside each other: an inspection needs 3, a decision log 5
MAX_INT = 2**53 - 1  # any integer beyond this loses digits in JSON (and no count is near it)
MAX_DECIMAL_PLACES = 30  # a percent with more places than this is not a published figure
MAX_INTEGER_DIGITS = 15  # digits before the point of a TOML float

_OPEN = "[{"
_CLOSE = "]}"


def read_bytes(path: Path, what: str, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a file's bytes, refusing missing, non-regular, unreadable and oversized files before parsing.

    Opened without blocking and without following a link, then checked on the opened file itself:
    a FIFO, a device or a folder at the name is refused with a message, never read (a FIFO used to
    hang every command, and the audit of a whole folder, on its first read)."""
    try:
        if path.is_symlink():  # git carries links: one committed at a session file can point anywhere
            raise InputError(
                path,
                None,
                f"{what} is a symbolic link; panel-tui reads a session's files only as "
                "real files, never through a link.",
                "replace the link with the file itself (see where it points with `ls -l`).",
            )
        if not path.exists():
            raise InputError(path, None, f"{what} not found.", "check the path.")
        return read_regular(path, what, max_bytes)
    except OSError as exc:
        raise os_error(exc, path, what, "read") from None


_KIND = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device"}
_KIND |= {stat.S_IFDIR: "a folder", stat.S_IFSOCK: "a socket", stat.S_IFLNK: "a symbolic link"}


def read_regular(path: Path, what: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at ``path``: opened with O_NONBLOCK|O_NOFOLLOW and checked with
    fstat on the opened descriptor (no window between the check and the read). Anything else is an
    InputError naming what is there; a missing file or a permission problem is the OSError."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(
                path,
                None,
                f"{what} is a symbolic link; panel-tui never reads a record through a link.",
                "replace the link with the file itself.",
            ) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _KIND.get(stat.S_IFMT(st.st_mode), "not a regular file")
            raise InputError(
                path,
                None,
                f"{what} is {kind}, not a regular file; not read (reading it could wait for ever or never end).",
                "put the file itself there (or move away what is at that name if it is not yours).",
            )
        if st.st_size > max_bytes:
            raise InputError(
                path,
                None,
                f"{what} is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit; not parsed.",
                "check that this is the right file.",
            )
        chunks = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:  # grew while it was read
        raise InputError(
            path,
            None,
            f"{what} is over the {max_bytes:,}-byte limit; not parsed.",
            "check that this is the right file.",
        )
    return data


def os_error(exc: OSError, path: Path | str, what: str, doing: str) -> InputError:
    """An operating-system error as one line: what could not be done to which file, and why."""
    reason = exc.strerror or type(exc).__name__
    fix = {
        13: f"check the file's permissions (or run as a user who may {doing} it).",
        1: "check the file's permissions.",
        21: "give a file, not a folder.",
        36: "use a shorter path.",
        28: "free some disk space.",
        30: "write somewhere that is not read-only.",
    }
    return InputError(
        exc.filename if exc.filename is not None else path,
        None,
        f"cannot {doing} {what}: {reason}.",
        fix.get(exc.errno or 0, "check the path and try again."),
    )


def decode_text(data: bytes, path: Path, what: str) -> str:
    """Decode UTF-8 (a leading byte-order mark is accepted and dropped); refuse binary files."""
    if b"\x00" in data:
        raise InputError(path, None, f"{what} is not a text file (it contains NUL bytes).", "give the TOML file.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, f"line {line}", f"{what} is not valid UTF-8 text.", "save it as UTF-8.") from None
    return text[1:] if text.startswith("\ufeff") else text


# Strings and comments as whole tokens (skipped at C speed), brackets one by one.
_TOKENS = re.compile(
    r'''"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|#[^\n]*|[\[\]{}]''', re.S
)


def deep_line(text: str, limit: int = MAX_DEPTH) -> int | None:
    """The line where brackets and braces (outside strings and comments) first nest past ``limit``.

    Run only when a file is already known to be too deep, so its cost never falls on a good file.
    """
    depth = 0
    for m in _TOKENS.finditer(text):
        ch = m.group()
        if ch in _OPEN:
            depth += 1
            if depth > limit:
                return text.count("\n", 0, m.start()) + 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
    return None


def _long_digits_line(text: str) -> int | None:
    m = re.search(r"[0-9_]{4000,}", text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def limit_problem(exc: BaseException, text: str) -> tuple[str | None, str]:
    """For a RecursionError or ValueError out of tomllib: the line (if found) and what is wrong."""
    if isinstance(exc, RecursionError):
        line = deep_line(text)
        return (
            f"line {line}" if line else None,
            f"nested too deeply (more than {MAX_DEPTH} arrays or tables inside each other)",
        )
    line = _long_digits_line(text)
    return (f"line {line}" if line else None, "a number has thousands of digits")


def _too_deep(path: Path, what: str, place: str | None) -> InputError:
    return InputError(
        path,
        place,
        f"{what} is nested too deeply (more than {MAX_DEPTH} arrays or tables inside each other); not read.",
        "check that this is the right file: no panel file nests so deep.",
    )


def _depth_and_numbers(doc: dict[str, Any], path: Path, what: str, text: str) -> None:
    """One pass over the parsed document (no recursion): depth, and every number finite and sane.
    Each container carries the keys that lead to it; the place text is built only for an error
    (building it for every value was a fifth of reading an inspection, measured)."""
    stack: list[tuple[Any, int, tuple[tuple[Any, bool], ...]]] = [(doc, 1, ())]
    while stack:
        node, depth, trail = stack.pop()
        if depth > MAX_DEPTH:
            line = deep_line(text)
            raise _too_deep(path, what, f"line {line}" if line else _where(trail) or None)
        in_table = isinstance(node, dict)
        for k, v in node.items() if in_table else enumerate(node, 1):
            if isinstance(v, (dict, list)):
                stack.append((v, depth + 1, (*trail, (k, in_table))))
            elif not isinstance(v, bool) and isinstance(v, (int, float, Decimal)):
                problem = number_problem(v)
                if problem:
                    full = (*trail, (k, in_table))
                    key = next((str(name) for name, named in reversed(full) if named), "")
                    line = _line_of_bad_number(text, key)
                    raise InputError(
                        path,
                        f"{'line ' + str(line) + ', ' if line else ''}{_where(full)}",
                        f"'{key}' {problem}.",
                        "write the figure as published (a plain number).",
                    )


def _where(trail: tuple[tuple[Any, bool], ...]) -> str:
    """``a.b[2].c`` from the keys (and 1-based list positions) that lead to a value."""
    out = ""
    for k, named in trail:
        out += (f".{k}" if out else str(k)) if named else f"[{k}]"
    return out


def number_problem(v: int | float | Decimal) -> str | None:
    """Why a number from a file cannot be a figure (None when it can)."""
    if isinstance(v, int):
        return None if -MAX_INT <= v <= MAX_INT else f"is a {len(str(abs(v)))}-digit number, beyond any count"
    if isinstance(v, float):
        if not math.isfinite(v):
            return f"is {v}, not a number"
        return None
    if not v.is_finite():
        return f"is {v}, not a number"
    sign, digits, exponent = v.as_tuple()
    assert isinstance(exponent, int)
    if exponent < -MAX_DECIMAL_PLACES:
        return f"has more than {MAX_DECIMAL_PLACES} decimal places"
    if v != 0 and v.adjusted() >= MAX_INTEGER_DIGITS:
        return f"is {v:.3E}, far beyond any figure"
    return None


def _line_of_bad_number(text: str, key: str) -> int | None:
    """The line of the first ``key = <number>`` whose number is refused (best effort, for the message)."""
    for m in re.finditer(rf"(?:^|[\s{{,]){re.escape(key)}\s*=\s*([-+]?[0-9A-Za-z_.+-]+)", text, re.M):
        try:
            v = tomllib.loads(f"v = {m.group(1)}", parse_float=Decimal)["v"]
        except (ValueError, RecursionError):
            return text.count("\n", 0, m.start(1)) + 1
        if isinstance(v, (int, Decimal)) and not isinstance(v, bool) and number_problem(v):
            return text.count("\n", 0, m.start(1)) + 1
    return None


def parse_toml(text: str, path: Path, what: str, parse_float: Callable[[str], Any] = float) -> dict[str, Any]:
    """Parse TOML behind the boundary: errors name file, line and column; depth and numbers checked.

    ``parse_float=Decimal`` keeps a figure's exact digits (``64.99999999999999999`` is not 65).
    """
    quick = quick_toml(text, parse_float)  # the plain TOML panel files are written in, read quickly
    if quick is not None:
        _depth_and_numbers(quick, path, what, text)
        return quick
    try:  # anything else, and every error and its message: tomllib's
        doc = tomllib.loads(text, parse_float=parse_float)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        place = f"line {m.group(1)}, column {m.group(2)}" if m else None
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg).rstrip(".")
        raise InputError(
            path, place, f"{what} is not valid TOML: {problem}.", "correct the TOML syntax there."
        ) from None
    except RecursionError:
        line = deep_line(text)
        raise _too_deep(path, what, f"line {line}" if line else None) from None
    except ValueError:  # int() refuses over 4,300 digits; tomllib lets its ValueError through
        line = _long_digits_line(text)
        raise InputError(
            path,
            f"line {line}" if line else None,
            f"{what} has a number thousands of digits long; not read.",
            "write the figure as published.",
        ) from None
    _depth_and_numbers(doc, path, what, text)
    return doc


def load_toml(
    path: Path, what: str, max_bytes: int = MAX_BYTES, parse_float: Callable[[str], Any] = float
) -> tuple[dict[str, Any], bytes, str]:
    """Read, decode and parse; return the table, the raw bytes (for hashing) and the text."""
    data = read_bytes(path, what, max_bytes)
    text = decode_text(data, path, what)
    return parse_toml(text, path, what, parse_float), data, text


def line_of(text: str, key: str, value: str) -> int | None:
    """Line number of the first ``key = "value"`` line, so messages can point at a table by its id."""
    pattern = re.compile(rf'^\s*{re.escape(key)}\s*=\s*["\']{re.escape(value)}["\']', re.M)
    m = pattern.search(text)
    if m is None:
        # inline tables: { id = "2.2.2", ... }
        m = re.search(rf'\b{re.escape(key)}\s*=\s*["\']{re.escape(value)}["\']', text)
    return text.count("\n", 0, m.start()) + 1 if m else None
