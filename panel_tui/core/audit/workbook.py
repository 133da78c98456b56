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

MAX_WIDTH = 60  # characters: a rationale column wider than this wraps in the eye, not the sheet


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


def workbook_bytes(audit: Audit) -> bytes:
    """The .xlsx file's bytes (written whole by the caller, like every output)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    wb = Workbook(write_only=False)
    wb.remove(wb.active)
    for title, header, rows in tables(audit):
        ws = wb.create_sheet(title[:31])
        ws.append(list(header))
        widths = [len(h) for h in header]
        n = 1
        for row in rows:
            n += 1
            for c, (column, value) in enumerate(zip(header, row), 1):
                shown, fmt = _typed(column, value)
                cell = ws.cell(row=n, column=c, value=shown)
                if isinstance(shown, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    widths[c - 1] = max(widths[c - 1], min(MAX_WIDTH, len(shown)))
                elif fmt:
                    cell.number_format = fmt
                    widths[c - 1] = max(widths[c - 1], len(fmt))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{n}"
        for c, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(c)].width = w + 2
        for c in range(1, len(header) + 1):
            ws.cell(row=1, column=c).font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
