"""Bytes after a log's last complete entry: named as what they are, never as a torn entry.

Every write is an atomic rename of the whole file, so panel-tui never leaves bytes after the last
entry. A byte, a lone ``\\r``, a comment or half an ``[[entry]]`` header added after a complete entry
used to be read as a torn tail whose fix ("remove the incomplete lines from the last entry's
header") deleted a confirmed entry. Here the last entry is checked on its own first: when the bytes
before the extra ones are a complete, verified log, the message names only the extra bytes.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

MAX_TRIES = 400  # line ends tried backwards from a parse error; a real entry has a few dozen lines


def extra_bytes_problem(path: Path, data: bytes, expected: bytes, entries: int) -> str | None:
    """The message when ``data`` is the canonical log ``expected`` with bytes after it, else None."""
    if len(data) <= len(expected) or not data.startswith(expected):
        return None
    extra = data[len(expected) :]
    line = expected.count(b"\n") + 1
    what = f"entry {entries}" if entries else "the [log] table"
    shown = extra[:40].decode("utf-8", "backslashreplace")
    before = f"; it and the {entries - 1} before it verify" if entries > 1 else " and verifies"
    return (
        f"{path}: {len(extra)} unexpected byte{'s' if len(extra) != 1 else ''} after {what} (line {line}: "
        f"{shown!r}{'…' if len(extra) > 40 else ''}): not written by panel-tui (every write replaces the "
        f"whole file); {what} is complete{before}. Nothing was overwritten. Fix: remove those bytes (keep "
        f"the file up to the end of line {line - 1}; `truncate -s {len(expected)} {shlex.quote(str(path))}` "
        f"does exactly that), or restore the file from git if {what} is committed (`git restore "
        "decisions.toml` in the session folder)."
    )


def error_line(exc: Exception) -> int | None:
    """The line tomllib names in its error (``at line N``), or None (``at end of document``)."""
    m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
    return int(m.group(1)) if m else None


def complete_entry_before(data: bytes, cut: int, stop: int) -> tuple[int, dict[str, Any]] | None:
    """The last entry (its header at ``cut``) as the longest run of whole lines before ``stop`` that
    parses as one table: (its end, the table), or None. Tried backwards, at most MAX_TRIES lines."""
    ends = [cut + m.end() for m in re.finditer(rb"\n", data[cut:stop])]
    for end in reversed(ends[-MAX_TRIES:]):
        try:
            doc = tomllib.loads(data[cut:end].decode("utf-8"))
        except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
            continue
        got = doc.get("entry")
        if set(doc) == {"entry"} and isinstance(got, list) and len(got) == 1 and isinstance(got[0], dict):
            return end, got[0]
        return None
    return None
