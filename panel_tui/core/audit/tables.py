"""The audit as tables, one place for every output (CSV, workbook, HTML): each decision row joined
with its session's facts, the sessions, and the figures both long (scope, group, figure, value)
and wide (a row per year or chair), so that no analysis has to start with a join.

Values stay typed here (int, float, bool, date text, None); each writer decides how to show them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from panel_tui.core.audit.breakdown import YEAR_KEYS
from panel_tui.core.audit.records import SESSION_KEYS, Audit
from panel_tui.core.audit.rows import ROW_KEYS, Row

# decisions.csv and the Decisions sheet: the row's keys, then its session's facts
JOINED_KEYS = ("service", "framework", "lead_inspector", "fieldwork_year", "meeting_year")
DECISION_COLUMNS = ROW_KEYS + JOINED_KEYS
SESSION_COLUMNS = SESSION_KEYS
FIGURE_COLUMNS = ("scope", "group", "figure", "value")
_N = len(ROW_KEYS)

# Which columns hold what, for writers that keep types (the workbook): the rest are text.
TEXT_IDS = frozenset({"session", "path", "standard"})  # "1.1" is an id, never a number or a date
DATES = frozenset({"meeting_date", "fieldwork"})
TIMES = frozenset({"at", "decided_at"})  # RFC 3339 UTC in the log
YEARS = frozenset({"fieldwork_year", "meeting_year"})

# The wide tables by year: (sheet title, the figures key they come from)
WIDE = (("By meeting year", "decisions_by_meeting_year"), ("By fieldwork year", "decisions_by_fieldwork_year"))


def decision_values(d: Row) -> tuple[Any, ...]:
    """A row's values in ``DECISION_COLUMNS`` order (lists stay lists)."""
    v = d.values
    return (*v[:_N], d["service"], d["framework"], d["lead_inspector"], d["year"], d["meeting_year"])


def session_values(doc: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(doc.get(k) for k in SESSION_COLUMNS)


def figure_rows(figs: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """The figures long: ``all`` totals, then each group; a chair's year is "<chair> (<year>)"."""
    for k, v in figs.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            yield "all", "", k, v
    for scope, name in (
        ("by_framework", "framework"),
        ("by_inspector", "inspector"),
        ("by_year", "year"),
        ("by_meeting_year", "meeting_year"),
        ("decisions_by_meeting_year", "decisions_meeting_year"),
        ("decisions_by_fieldwork_year", "decisions_fieldwork_year"),
    ):
        for group, counts in figs.get(scope, {}).items():
            yield from ((name, group, k, v) for k, v in counts.items())
    for chair, counts in figs.get("by_chair", {}).items():
        for k, v in counts.items():
            if k == "spellings":
                yield "chair", chair, k, "; ".join(v)
            elif k != "by_meeting_year":
                yield "chair", chair, k, v
        for year, by_year in counts.get("by_meeting_year", {}).items():
            yield from (("chair_meeting_year", f"{chair} ({year})", k, v) for k, v in by_year.items())
    for band, counts in figs.get("decisions_by_lowest_percent", {}).items():
        yield from (("lowest_percent", band, k, v) for k, v in counts.items())
    for sid, years in figs.get("decisions_by_standard_and_meeting_year", {}).items():
        for year, by_year in years.items():
            yield from (("standard_meeting_year", f"{sid} ({year})", k, v) for k, v in by_year.items())


def wide_tables(figs: dict[str, Any]) -> list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
    """The year and chair figures a row per group: (title, header, rows)."""
    out: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]] = []
    for title, key in WIDE:
        rows = [(int(y) if y.isdigit() else y, *(c[k] for k in YEAR_KEYS)) for y, c in figs.get(key, {}).items()]
        out.append((title, ("year", *YEAR_KEYS), rows))
    chairs = figs.get("by_chair", {})
    out.append(
        (
            "By chair",
            ("chair", "spellings", "sessions", *YEAR_KEYS),
            [
                (name, "; ".join(c["spellings"]), c["sessions"], *(c[k] for k in YEAR_KEYS))
                for name, c in chairs.items()
            ],
        )
    )
    out.append(
        (
            "Chair by meeting year",
            ("chair", "year", *YEAR_KEYS),
            [
                (name, int(y) if y.isdigit() else y, *(c[k] for k in YEAR_KEYS))
                for name, ch in chairs.items()
                for y, c in ch.get("by_meeting_year", {}).items()
            ],
        )
    )
    out.append(
        (
            "Standard by meeting year",
            ("standard", "year", *YEAR_KEYS),
            [
                (sid, int(y) if y.isdigit() else y, *(c[k] for k in YEAR_KEYS))
                for sid, years in figs.get("decisions_by_standard_and_meeting_year", {}).items()
                for y, c in years.items()
            ],
        )
    )
    out.append(
        (
            "By lowest percent",
            ("lowest_percent", "uplifts", "lowerings", "kept"),
            [
                (band, c["uplifts"], c["lowerings"], c["kept"])
                for band, c in figs.get("decisions_by_lowest_percent", {}).items()
            ],
        )
    )
    return out


def tables(audit: Audit) -> Iterator[tuple[str, tuple[str, ...], Iterator[tuple[Any, ...]]]]:
    """Every table of the audit: (title, header, rows)."""
    yield "Decisions", DECISION_COLUMNS, (decision_values(d) for d in audit.decisions)
    yield "Sessions", SESSION_COLUMNS, (session_values(s) for s in audit.session_docs())
    yield "Figures", FIGURE_COLUMNS, figure_rows(audit.figures)
    for title, header, rows in wide_tables(audit.figures):
        yield title, header, iter(rows)
