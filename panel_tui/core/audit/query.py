"""The screen's questions of the rows: filters, the values they offer, and precedents.

No Textual here: "no choice" is None.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from panel_tui.core.audit.names import Names, name_key
from panel_tui.core.audit.records import Audit
from panel_tui.core.audit.rows import DIRECTIONS, ROW_KINDS, STATUSES, Row
from panel_tui.core.audit.scan import load_record
from panel_tui.core.sessions_dir import find_sessions

FILTER_KEYS = (
    "kind",
    "status",
    "standard",
    "direction",
    "flag",
    "framework",
    "lead_inspector",
    "year",
    "meeting_year",
    "chair",
    "by",
)
PEOPLE_KEYS = ("chair", "by", "entered_by", "member", "lead_inspector")  # one person whatever the case or spacing


def matches(d: Row, filters: Mapping[str, str | None]) -> bool:
    """Does a row pass every chosen filter? (flag matches any of the row's flags; a person matches
    any spelling that differs only in case, runs of spaces or a git identity's email)"""
    for key, want in filters.items():
        if want is None:
            continue
        if key == "flag":
            if want not in d["flags"]:
                return False
        elif key in PEOPLE_KEYS:
            if d.get(key) is None or name_key(str(d.get(key))) != name_key(want):
                return False
        elif str(d.get(key)) != want:
            return False
    return True


def filter_values(rows: list[Row], key: str) -> list[str]:
    """The values a filter offers: those present in the rows (kinds in the log's order, statuses and
    directions in theirs, anything else sorted; a person once, by the spelling used most)."""
    if key in PEOPLE_KEYS:
        names = Names()
        keys = {names.key(str(d.get(key))) for d in rows if d.get(key) not in (None, "")}
        return sorted((names.shown(k) for k in keys), key=str.casefold)
    present: set[str] = set()
    for d in rows:
        present.update(map(str, d["flags"]) if key == "flag" else [] if d.get(key) in (None, "") else [str(d.get(key))])
    order = {"kind": ROW_KINDS, "status": STATUSES, "direction": DIRECTIONS}.get(key)
    if order is not None:
        return [v for v in order if v in present]
    return sorted(present)


def precedents(
    audit: Audit,
    standard: str,
    lowest_percent: float | None,
    cases: int | None,
    exclude: str | None = None,
    points: float = 5.0,
    limit: int = 10,
) -> list[Row]:
    """Earlier standing discretion/declined decisions on the same standard with a similar lowest %
    (within ``points``) and sample size (within half or double), nearest first."""
    out = []
    for d in audit.decisions:
        if d["standard"] != standard or d["kind"] not in ("discretion", "declined") or not d["effective"]:
            continue
        if d["session"] == exclude or d["lowest_percent"] is None or lowest_percent is None:
            continue
        gap = abs(d["lowest_percent"] - lowest_percent)
        if gap > points:
            continue
        if cases and d["cases"] and not (cases / 2 <= d["cases"] <= cases * 2):
            continue
        out.append((gap, d))
    out.sort(key=lambda x: (x[0], x[1]["session"]))
    return [d for _, d in out[:limit]]


MAX_SIBLINGS = 200  # beyond this the meeting app does not scan (use `panel-tui audit`)


def sibling_precedents(
    session_dir: Path, standard: str, lowest_percent: float | None, cases: int | None
) -> tuple[list[Row], str | None]:
    """Precedents from the other sessions in the same sessions folder, and a note when not scanned."""
    parent = session_dir.parent
    folders, _ = find_sessions(parent)
    others = [f for f in folders if f.resolve() != session_dir.resolve()]
    if not others:
        return [], None
    if len(others) > MAX_SIBLINGS:
        return [], f"{len(others)} other sessions: too many to scan here; use panel-tui audit for precedents."
    sessions = [load_record(f, parent) for f in others]
    audit = Audit(parent, sessions, [d for rec in sessions for d in rec.rows], {}, [])
    return precedents(audit, standard, lowest_percent, cases), None
