"""``audit DIR --html OUT``: one self-contained HTML file a quality lead can read in a browser and
print: the four charts (inline SVG drawn by ``charts``), the figures tables by meeting year, by
fieldwork year and by chair, and the sessions left out because their log does not verify.

Every user text goes through one escape (control characters made visible first); no script, font
or image is loaded from anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from panel_tui.core.audit.breakdown import YEAR_KEYS
from panel_tui.core.audit.charts import charts, svg
from panel_tui.core.audit.figures import FIGURE_KEYS
from panel_tui.core.audit.records import Audit
from panel_tui.core.audit.tables import wide_tables
from panel_tui.core.export import h

CSS = """body{font-family:Georgia,serif;max-width:64rem;margin:2rem auto;color:#111;line-height:1.4;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #888;padding:.2rem .45rem;
text-align:right;vertical-align:top}th:first-child,td:first-child{text-align:left}th{background:#eee}
figure{margin:1rem 0 2rem}figcaption{font-weight:bold;margin-bottom:.3rem}svg{max-width:100%;height:auto}
.note{color:#333;font-size:.9rem}.wide{overflow-x:auto}
@media print{body{margin:0;max-width:none;font-size:10pt}.wide{overflow:visible}figure,table,tr{page-break-inside:avoid}
h2{page-break-after:avoid}th{background:#ddd !important}}"""

TOTALS = FIGURE_KEYS  # the report's totals are the figures, in their order


def _cell(v: Any, key: str = "") -> str:
    if v is None:
        return "–"
    if key == "discretion_rate" and isinstance(v, (int, float)):
        return f"{v * 100:.0f}%"
    return h(v)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{h(c.replace('_', ' '))}</th>" for c in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v, k)}</td>" for k, v in zip(header, row, strict=True)) + "</tr>" for row in rows
    )
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def report_html(audit: Audit) -> str:
    """The report's text (UTF-8 when written)."""
    figs = audit.figures
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Ratings panels audit: {h(audit.root.name or audit.root)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Ratings panels audit: {h(audit.root.name or audit.root)}</h1>",
        f'<p class="note">{figs.get("sessions", 0)} sessions; {figs.get("sessions_signed_off", 0)} signed off; '
        f"{figs.get('sessions_unreadable_or_broken', 0)} left out of every figure because they cannot be read "
        "or their log (or its history) does not verify. Years are the meeting's unless marked fieldwork; "
        "a decision counts under the chair of the meeting when it was recorded.</p>",
        "<h2>Charts</h2>",
    ]
    for chart in charts(figs):
        out.append(f"<figure><figcaption>{h(chart.title)}</figcaption>{svg(chart)}</figure>")
    out.append("<h2>Figures</h2>")
    out.append(_table(("figure", "value"), [(k.replace("_", " "), figs.get(k, 0)) for k in TOTALS]))
    for title, header, rows in wide_tables(figs):
        out.append(f"<h3>{h(title)}</h3>")
        out.append(_table(header, rows) if rows else "<p>none</p>")
    left_out = [
        s
        for s in audit.session_docs()
        if s.get("log_status") not in ("intact", "no log") and not str(s.get("log_status", "")).startswith("intact;")
    ]
    out.append("<h2>Sessions not counted</h2>")
    out.append(
        _table(("session", "problem"), [(s["path"], s["log_status"]) for s in left_out])
        if left_out
        else "<p>none: every session read verifies.</p>"
    )
    out.append(
        f'<p class="note">Columns: {h(", ".join(YEAR_KEYS))}; discretion rate = with discretion / '
        "considered (flagged standards with a standing discretion or declined entry). Made by panel-tui "
        "audit --html from the logs that verify.</p></body></html>\n"
    )
    return "\n".join(out)
