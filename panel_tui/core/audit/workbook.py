"""``audit DIR --xlsx OUT``: the audit's tables as a workbook Excel and LibreOffice read right.

Typed cells, so nothing is guessed on opening: ids as text ("1.1" stays "1.1", never a date or a
number), dates as dates, times as UTC date-times, counts and percentages as numbers, yes/no as
booleans. Text is always a text cell (a rationale starting with "=" or "- " is shown as typed and
never run, with no apostrophe); control characters are shown as visible symbols, as on screen.
One sheet per table, each with its header row frozen and an autofilter. Needs openpyxl (the
optional extra ``xlsx``); without it, the caller gets one clear message.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from panel_tui.core.audit.records import Audit
from panel_tui.core.audit.tables import DATES, TEXT_IDS, TIMES, YEARS, tables
from panel_tui.core.display import visible


def _typed(column: str, value: Any) -> tuple[Any, str | None]:
    """The cell's value and number format for one column."""
    if value is None or value == () or value == []:
        return None, None
    if isinstance(value, (list, tuple)):
        return visible("; ".join(map(str, value))), None
    if isinstance(value, bool) or isinstance(value, (int, float)) and column not in TEXT_IDS:
        return value, ("0.0" if isinstance(value, float) and column == "lowest_percent" else None)
    text = str(value)
    try:
        if column in DATES:
            return dt.date.fromisoformat(text[:10]), "yyyy-mm-dd"
        if column in TIMES:
            return dt.datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=None), "yyyy-mm-dd hh:mm:ss"
        if column in YEARS and text.isdigit():
            return int(text), "0"
    except ValueError:
        pass  # not a date after all: shown as the text it is
    return visible(text, keep_newlines=True), None


WIDE_TEXT = {
    "rationale": 60,
    "outside_reason": 40,
    "other_evidence": 40,
    "log_status": 50,
    "service": 32,
    "session": 24,
    "path": 24,
    "accepted_rewrites": 40,
    "spellings": 30,
    "group": 28,
    "chair": 20,
    "by": 20,
    "entered_by": 20,
    "lead_inspector": 20,
    "at": 20,
    "decided_at": 20,
}


def workbook_bytes(audit: Audit) -> bytes:
    """The .xlsx file's bytes (written whole by the caller, like every output). Written in
    openpyxl's write-only mode: a row at a time, so 20,000 rows take seconds, not a minute."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in tables(audit):
        ws = wb.create_sheet(title[:31])
        for c, column in enumerate(header, 1):
            ws.column_dimensions[get_column_letter(c)].width = max(len(column) + 3, WIDE_TEXT.get(column, 12))
        ws.freeze_panes = "A2"
        head = []
        for column in header:
            cell = WriteOnlyCell(ws, value=column)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        n = 1
        for row in rows:
            n += 1
            cells = []
            for column, value in zip(header, row, strict=True):
                shown, fmt = _typed(column, value)
                cell = WriteOnlyCell(ws, value=shown)
                if isinstance(shown, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                elif fmt:
                    cell.number_format = fmt
                cells.append(cell)
            ws.append(cells)
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{n}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
