"""A CSV case file read as a spreadsheet program shows it, or refused naming the row and the fix.

A file that is not UTF-8 CSV (a workbook under a .csv name, UTF-16, binary) or whose quotes split
a row differently from what the eye sees would otherwise be counted silently.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from panel_tui.core.errors import InputError
from panel_tui.core.tomlfile import read_bytes

_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, LF and CR are a CSV's own
_CSV_FIX = "save the sheet as CSV UTF-8 (comma-separated), or give the .xlsx workbook itself."


def _csv_text(data: bytes, path: Path) -> str:
    """The file as UTF-8 text, or a refusal saying what it is instead (a workbook, UTF-16, binary)."""
    if data.startswith(b"PK\x03\x04"):
        raise InputError(
            path,
            None,
            "is not a CSV file: it is a zip archive, as an .xlsx or .ods workbook is.",
            "give an .xlsx workbook a name ending in .xlsx, or save the sheet as CSV UTF-8 (comma-separated).",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            path,
            None,
            "is not a CSV file: it is an old-style Office file (.xls).",
            "save it as .xlsx, or as CSV UTF-8 (comma-separated).",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, None, "is UTF-16 text (as 'Unicode Text' is saved), not a UTF-8 CSV file.", _CSV_FIX)
    m = _CONTROL_BYTE.search(data)
    if m:
        line = data.count(b"\n", 0, m.start()) + 1
        what = "a NUL byte" if m.group() == b"\x00" else f"the control byte 0x{m.group()[0]:02x}"
        raise InputError(path, f"line {line}", f"is not a CSV file: it holds {what}, as binary files do.", _CSV_FIX)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            path,
            f"line {line}",
            "is not a UTF-8 CSV file: it has bytes that are not UTF-8 text "
            "(a CSV saved in another encoding, or not text at all).",
            _CSV_FIX,
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


_CSV_PROBLEMS = {
    "unexpected end of data": (
        "a quoted cell that starts in this row is never closed: the file ends inside the quotes.",
        'close the quote, or remove it; a quote inside a quoted cell is written twice ("").',
    ),
    "',' expected after '\"'": (
        "has a quote in the middle of a cell, which makes the row's cells ambiguous.",
        'put the whole cell in quotes and write a quote inside it twice (""), or remove the quote.',
    ),
}


def csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Rows numbered as a spreadsheet numbers them (a quoted line break stays in its row)."""
    text = _csv_text(read_bytes(path, "case file"), path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1  # the line the row being read starts on
    try:
        for row in reader:
            rows.append((len(rows) + 1, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        n = len(rows) + 1
        place = f"row {n}" + (f" (line {start})" if start != n else "")
        problem, fix = _CSV_PROBLEMS.get(str(exc), (f"does not parse as CSV ({exc}).", _CSV_FIX))
        raise InputError(path, place, problem, fix) from None
    return rows
