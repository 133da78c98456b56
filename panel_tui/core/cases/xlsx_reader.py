"""An .xlsx case sheet read as a spreadsheet program shows it, or refused naming the cell and the fix.

Values as Excel shows them (formulas' saved values); refused: a formula never calculated (its
value cannot be known), a merged cell over the table (shown in several cells, stored in one), a
workbook that unpacks too far. openpyxl is an optional extra, imported only here.
"""

from __future__ import annotations

import importlib
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from panel_tui.core.errors import InputError
from panel_tui.core.tomlfile import read_bytes

MAX_XLSX_EXPANDED = 64 * 1024 * 1024  # a case sheet is far below this unpacked; more is a zip bomb or the wrong file
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def _bounds(ref: str) -> tuple[int, int, int, int] | None:
    """A range such as ``C2:C5`` as (first column, first row, last column, last row); None if unreadable."""
    parts = ref.split(":")
    ends = [m for m in (_CELL.fullmatch(part) for part in parts) if m]
    if len(ends) != len(parts) or not 1 <= len(ends) <= 2:
        return None
    c1, r1 = _column(ends[0].group(1)), int(ends[0].group(2))
    c2, r2 = _column(ends[-1].group(1)), int(ends[-1].group(2))
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


def _sheet_ref(title: str, ref: str) -> str:
    """``Sheet1!C4``, or ``'Case answers'!C4`` when the title needs quoting, as a spreadsheet writes it."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", title):
        return f"{title}!{ref}"
    return "'" + title.replace("'", "''") + f"'!{ref}"


def _scan_sheet(archive: zipfile.ZipFile, member: str) -> tuple[list[tuple[str, str]], list[str]]:
    """From the sheet's XML: formula cells with no saved value as (cell, formula), and merged ranges.

    openpyxl reads an uncalculated formula and a formula whose value is blank alike (None); only
    the XML tells them apart: a saved text result, even an empty one, is ``t="str"`` with ``<v>``.
    """
    unsaved: list[tuple[str, str]] = []
    merged: list[str] = []
    row = col = 0
    with archive.open(member) as src:
        for event, el in ElementTree.iterparse(src, events=("start", "end")):
            tag = el.tag.rpartition("}")[2]
            if event == "start":
                if tag == "row":
                    row = int(el.get("r") or row + 1)
                    col = 0
                continue
            if tag == "c":
                ref = el.get("r") or ""
                m = _CELL.fullmatch(ref)
                if m:
                    col = _column(m.group(1))
                else:
                    col += 1
                    ref = f"{_letters(col)}{row}"
                parts = {child.tag.rpartition("}")[2]: child for child in el}
                if "f" in parts:
                    v = parts.get("v")
                    saved = (
                        (v is not None and bool(v.text)) or ("is" in parts) or (v is not None and el.get("t") == "str")
                    )
                    if not saved:
                        unsaved.append((ref, parts["f"].text or ""))
                el.clear()
            elif tag == "row":
                el.clear()
            elif tag == "mergeCell":
                merged.append(el.get("ref", ""))
    return unsaved, merged


def xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        openpyxl = importlib.import_module("openpyxl")  # optional extra: pip install 'panel-tui[xlsx]'
    except ImportError:
        raise InputError(
            path,
            None,
            "reading .xlsx needs the optional openpyxl package.",
            "pip install 'panel-tui[xlsx]', or save the sheet as CSV.",
        ) from None
    read_bytes(path, "case file")  # size and type checks first
    unreadable = "open and save it in a spreadsheet program, or save it as CSV."
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
            if expanded > MAX_XLSX_EXPANDED:
                raise InputError(
                    path,
                    None,
                    f"unpacks to {expanded:,} bytes, over the {MAX_XLSX_EXPANDED:,}-byte "
                    "limit for a case sheet; not read.",
                    "check that this is the right file.",
                )
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)  # data_only: formulas' saved values
    except InputError:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many types for a damaged or foreign file
        raise InputError(path, None, f"is not a readable .xlsx workbook ({type(exc).__name__}).", unreadable) from None
    try:
        if not wb.worksheets:
            raise InputError(path, None, "has no worksheet.", "put the case answers on the first sheet.")
        ws = wb.worksheets[0]
        title = str(ws.title)[:40]
        member = getattr(ws, "_worksheet_path", None)  # openpyxl's read-only sheets know their part
        if not isinstance(member, str):
            raise InputError(
                path,
                None,
                "cannot be checked for formulas and merged cells with this version of openpyxl.",
                "save the sheet as CSV UTF-8 and import that.",
            )
        try:
            with zipfile.ZipFile(path) as archive:
                unsaved, merged = _scan_sheet(archive, member)
            ws.reset_dimensions()  # read every stored cell, not only those a (possibly wrong) <dimension> names
            out: list[tuple[int, list[str]]] = []
            for n, values in enumerate(ws.iter_rows(values_only=True), 1):
                out.append((n, ["" if v is None else str(v) for v in values]))
        except Exception as exc:
            raise InputError(
                path, None, f"is not a readable .xlsx workbook ({type(exc).__name__}).", unreadable
            ) from None
    finally:
        wb.close()
    if unsaved:
        ref, formula = unsaved[0]
        shown = formula if len(formula) <= 40 else formula[:40] + "…"
        more = f", as do {len(unsaved) - 1} other cells" if len(unsaved) > 1 else ""
        raise InputError(
            path,
            _sheet_ref(title, ref),
            f"holds a formula (={shown}) with no saved value{more}: "
            "what a spreadsheet would show there cannot be known without calculating it.",
            "open and save the workbook in Excel or LibreOffice so the values are stored, "
            "or paste values over the formulas.",
        )
    filled = [(n, [i for i, c in enumerate(row, 1) if c.strip()]) for n, row in out] if merged else []
    filled = [(n, cols) for n, cols in filled if cols]
    if filled:  # a merged range touching the table (header to last case, first to last used column)
        top, bottom = filled[0][0], filled[-1][0]
        right = max(cols[-1] for _, cols in filled)
        for ref in merged:
            box = _bounds(ref)
            if box is None:
                raise InputError(
                    path,
                    _sheet_ref(title, ref[:20] or "?"),
                    "is a merged range that cannot be read.",
                    "unmerge the cells, or save the sheet as CSV UTF-8.",
                )
            c1, r1, c2, r2 = box
            if r1 <= bottom and r2 >= top and c1 <= right:
                first = ref.split(":")[0]
                raise InputError(
                    path,
                    _sheet_ref(title, ref),
                    f"is a merged cell: a spreadsheet shows its value in "
                    f"every cell of {ref}, but only {first} holds it, so the others would read as "
                    "empty.",
                    "unmerge the cells and fill in each case's answer.",
                )
    return out
