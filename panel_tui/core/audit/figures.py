"""The audit's figures: each session's tally while its log is at hand, then totals and groups.

Only sessions whose log (and history) verify are counted; the others are counted as broken.
"""

from __future__ import annotations

from typing import Any

from panel_tui.core import agenda
from panel_tui.core.audit.breakdown import Breakdown
from panel_tui.core.audit.records import SessionRecord
from panel_tui.core.audit.rows import meeting_date, session_rows, zone_of
from panel_tui.core.engine import Rating
from panel_tui.core.log import LogState
from panel_tui.core.log.entries import ATTENDANCE, DISCRETION

# The figures, in the order the JSON and figures.csv give them (a session's own tally is the
# same keys from "flagged_standards" on).
FIGURE_KEYS = (
    "sessions",
    "sessions_signed_off",
    "sessions_unreadable_or_broken",
    "flagged_standards",
    "flagged_with_discretion",
    "flagged_declined",
    "flagged_never_considered",
    "flagged_pending",
    "uplifts",
    "lowerings",
    "outside_criteria",
    "small_sample_without_other_evidence",
    "final_differs_from_computed",
)
TALLY_KEYS = FIGURE_KEYS[3:]


def summarise(rec: SessionRecord, st: LogState | None, r: Rating) -> None:
    """The session's figures and rows, while its log and rating are at hand."""
    t = dict.fromkeys(TALLY_KEYS, 0)
    for s in r.standards:
        if s.final != s.computed:
            t["final_differs_from_computed"] += 1
        if s.kind != "cases" or not s.flags:
            continue
        t["flagged_standards"] += 1
        word = agenda.status(st, s)  # "needs the panel" as the meeting and sign-off see it
        if word == agenda.DECIDED:
            t["flagged_with_discretion"] += 1
        elif word == agenda.DECLINED:
            t["flagged_declined"] += 1
        elif rec.signed_off:  # signed off without it: never considered
            t["flagged_never_considered"] += 1
            rec.never.append(s.id)
        else:  # the meeting is still open: not yet considered, not a failure
            t["flagged_pending"] += 1
            rec.pending.append(s.id)
    if st is not None:
        rec.chair = str(st.attendance["chair"]) if st.attendance else None
        first = next((e for e in st.entries if e["kind"] == ATTENDANCE), None)
        rec.meeting_date = meeting_date(first.get("decided_at") or first.get("at"), zone_of(r)) if first else None
        rec.rows = session_rows(rec, st, r)
        for d in rec.rows:
            if d["kind"] != DISCRETION or d["status"] != "stands":
                continue
            t["uplifts"] += d["direction"] == "uplift"
            t["lowerings"] += d["direction"] == "lowering"
            t["outside_criteria"] += d["outside_criteria"]
            t["small_sample_without_other_evidence"] += "small-sample" in d["flags"] and not d["other_evidence"]
    rec.tally = t


def _counts(sessions: list[SessionRecord]) -> dict[str, int]:
    out = dict.fromkeys(FIGURE_KEYS, 0)
    out["sessions"] = len(sessions)
    for rec in sessions:
        out["sessions_signed_off"] += rec.signed_off
        if not rec.counted:
            out["sessions_unreadable_or_broken"] += 1  # unreadable, or a log that cannot be trusted either way
            continue
        for k, v in rec.tally.items():
            out[k] += v
    return out


def figures(sessions: list[SessionRecord], breakdown: Breakdown | None = None) -> dict[str, Any]:
    """Totals, and the same counts by framework, lead inspector, fieldwork year (``by_year``) and
    meeting year; then the rows' counts by year and by chair (``breakdown``, fed as sessions were read)."""
    counts = _counts(sessions)
    out: dict[str, Any] = {}
    for k, v in counts.items():
        out[k] = v
        if k == "flagged_never_considered":
            out["never_considered"] = [f"{rec.path} {sid}" for rec in sessions for sid in rec.never]
        elif k == "flagged_pending":
            out["not_yet_considered"] = [f"{rec.path} {sid}" for rec in sessions for sid in rec.pending]
    for key, attr in (
        ("by_framework", "framework"),
        ("by_inspector", "lead_inspector"),
        ("by_year", "year"),
        ("by_meeting_year", "meeting_year"),
    ):
        groups: dict[str, list[SessionRecord]] = {}
        for rec in sessions:
            if rec.loaded:
                groups.setdefault(str(getattr(rec, attr) or "unknown"), []).append(rec)
        out[key] = {name: _counts(recs) for name, recs in sorted(groups.items())}
    out.update((breakdown or Breakdown()).figures())
    return out
