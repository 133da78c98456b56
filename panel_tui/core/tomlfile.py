"""Reading user TOML files safely: size cap, text check, BOM, and errors with line and column."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from panel_tui.core.errors import InputError

MAX_BYTES = 4 * 1024 * 1024  # an inspection or a long log is far below this; anything bigger is a mistake


def read_bytes(path: Path, what: str, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a file's bytes, refusing missing, non-regular and oversized files before parsing."""
    if not path.exists():
        raise InputError(path, None, f"{what} not found.", "check the path.")
    if not path.is_file():
        raise InputError(path, None, f"{what} is not a regular file.", "give the file or its session folder.")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            path, None, f"{what} is {size:,} bytes, over the {max_bytes:,}-byte limit; not parsed.",
            "check that this is the right file.",
        )
    return path.read_bytes()


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


def parse_toml(text: str, path: Path, what: str) -> dict[str, Any]:
    """Parse TOML, turning tomllib's error into one naming file, line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        place = f"line {m.group(1)}, column {m.group(2)}" if m else None
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg).rstrip(".")
        raise InputError(path, place, f"{what} is not valid TOML: {problem}.", "correct the TOML syntax there.") from None


def load_toml(path: Path, what: str, max_bytes: int = MAX_BYTES) -> tuple[dict[str, Any], bytes, str]:
    """Read, decode and parse; return the table, the raw bytes (for hashing) and the text."""
    data = read_bytes(path, what, max_bytes)
    text = decode_text(data, path, what)
    return parse_toml(text, path, what), data, text


def line_of(text: str, key: str, value: str) -> int | None:
    """Line number of the first ``key = "value"`` line, so messages can point at a table by its id."""
    pattern = re.compile(rf'^\s*{re.escape(key)}\s*=\s*["\']{re.escape(value)}["\']', re.M)
    m = pattern.search(text)
    if m is None:
        # inline tables: { id = "2.2.2", ... }
        m = re.search(rf'\b{re.escape(key)}\s*=\s*["\']{re.escape(value)}["\']', text)
    return text.count("\n", 0, m.start()) + 1 if m else None
