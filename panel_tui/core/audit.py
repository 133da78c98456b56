"""The quality lead's audit: every session under a folder, every decision, and the figures.

Read-only by construction: it only reads files (no lock, no temporary file). A session that
cannot be read or whose log does not verify is listed with its problem and never stops the
audit; decisions are taken only from logs that verify, since a broken log cannot be trusted.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from panel_tui.core.engine import Rating, direction, rate
from panel_tui.core.errors import InputError
from panel_tui.core.inspection import LOG_FILE, load_inspection
from panel_tui.core.log import LogState, percent_value, read_state
from panel_tui.core.sessions_dir import find_sessions

AUDIT_FORMAT = "panel-tui/audit/1"
DECISION_KINDS = ("discretion", "declined", "ratification", "proposal")


@dataclass
class SessionRecord:
    path: str
    service: str | None = None
    framework: str | None = None
    fieldwork: str | None = None
    lead_inspector: str | None = None
    score: int | None = None
    max_score: int | None = None
    overall: str | None = None
    signed_off: bool = False
    log_status: str = "no log"
    rating: Rating | None = field(default=None, repr=False)
    state: LogState | None = field(default=None, repr=False)

    def json(self) -> dict[str, Any]:
        return {"path": self.path, "service": self.service, "framework": self.framework, "fieldwork": self.fieldwork,
                "lead_inspector": self.lead_inspector, "score": self.score, "max_score": self.max_score,
                "overall": self.overall, "signed_off": self.signed_off, "log_status": self.log_status}

    @property
    def year(self) -> str | None:
        return self.fieldwork[:4] if self.fieldwork else None


def _status(state: LogState) -> str:
    if state.problem is None:
        return "intact"
    if "inspection changed" in state.problem:
        return "inspection changed"
    if state.problem_entry is not None:
        return f"broken at entry {state.problem_entry}: {state.problem.split(': ', 2)[-1]}"
    return f"unreadable: {state.problem}"


# What a session's own files can make go wrong while it is read: listed as the session's problem,
# never raised, so one bad session (or a bad sibling in the precedents scan) stops nothing.
UNREADABLE = (InputError, OSError, RecursionError, ValueError, ArithmeticError)


def load_record(folder: Path, root: Path) -> SessionRecord:
    rec = SessionRecord(str(folder.relative_to(root)) if folder.is_relative_to(root) else str(folder))
    try:
        return _load_record(folder, rec)
    except UNREADABLE as exc:
        fresh = SessionRecord(rec.path)
        fresh.log_status = f"unreadable: {exc if isinstance(exc, InputError) else type(exc).__name__ + ': ' + str(exc)}"
        return fresh


def _load_record(folder: Path, rec: SessionRecord) -> SessionRecord:
    try:
        insp = load_inspection(folder)
    except InputError as exc:
        rec.log_status = f"unreadable: {exc}"
        return rec
    rec.service, rec.framework, rec.fieldwork = insp.service, insp.framework.id, insp.fieldwork
    rec.lead_inspector = insp.lead_inspector
    computed = rate(insp)
    log_path = folder / LOG_FILE
    state = read_state(log_path, insp, computed) if log_path.exists() else None
    if state is None:
        rec.rating = computed
    else:
        state.raw = None  # the audit never writes: do not hold every log's bytes
        rec.state = state
        rec.log_status = _status(state)
        if state.problem is None:  # issue 14: in git, a history that dropped or changed entries
            from panel_tui.core.gitstore import history_status

            rec.log_status = history_status(folder) or rec.log_status
        rec.rating = rate(insp, state.finals) if state.problem is None else computed
        rec.signed_off = state.signed_off and state.problem is None
    rec.score, rec.max_score, rec.overall = rec.rating.score, rec.rating.max_score, rec.rating.overall
    return rec


def _direction(rating: Rating, frm: str | None, to: str | None) -> str | None:
    names = rating.framework.band_names
    if frm not in names or to not in names:
        return None
    return direction(rating.framework, frm, to)


def decisions_of(rec: SessionRecord) -> list[dict[str, Any]]:
    """Decision entries of one session (only from a log that verifies)."""
    st, r = rec.state, rec.rating
    if st is None or st.problem is not None or r is None:
        return []
    out = []
    for e in st.entries:
        if e["kind"] not in DECISION_KINDS:
            continue
        frm = e.get("from", e.get("band"))
        to = e.get("to", e.get("band"))
        ev = e.get("evidence", {})
        out.append({
            "session": rec.path, "seq": e["seq"], "kind": e["kind"], "standard": e.get("standard"),
            "from": frm, "to": to, "direction": _direction(r, frm, to),
            "flags": ev.get("flags", r.standard(e["standard"]).flag_names if e.get("standard") else []),
            "outside_criteria": bool(e.get("outside_criteria", False)),
            "other_evidence": e.get("other_evidence"), "by": e.get("by"), "at": e.get("at"),
            "rationale": e.get("rationale", e.get("reason")),
            "lowest_percent": percent_value(ev.get("lowest_percent")), "cases": ev.get("cases"),
            "effective": st.is_effective(e), "framework": rec.framework, "lead_inspector": rec.lead_inspector,
            "year": rec.year,
        })
    return out


def _counts(sessions: list[SessionRecord], decisions: list[dict[str, Any]]) -> dict[str, Any]:
    flagged = considered = with_discretion = never = differs = broken = 0
    never_list: list[str] = []
    for rec in sessions:
        st, r = rec.state, rec.rating
        if r is None or (st is not None and st.problem is not None):
            broken += 1  # unreadable, or a log that cannot be trusted either way: counted apart
            continue
        ok = st is not None
        for s in r.standards:
            if s.final != s.computed:
                differs += 1
            if s.kind != "cases" or not s.flags:
                continue
            flagged += 1
            panel = st.panel.get(s.id) if ok else None  # type: ignore[union-attr]
            if panel is None:
                never += 1
                never_list.append(f"{rec.path} {s.id}")
            else:
                considered += 1
                with_discretion += panel["kind"] == "discretion"
    eff = [d for d in decisions if d["effective"] and d["kind"] == "discretion"]
    return {
        "sessions": len(sessions),
        "sessions_unreadable_or_broken": broken,
        "flagged_standards": flagged,
        "flagged_with_discretion": with_discretion,
        "flagged_declined": considered - with_discretion,
        "flagged_never_considered": never,
        "never_considered": never_list,
        "uplifts": sum(d["direction"] == "uplift" for d in eff),
        "lowerings": sum(d["direction"] == "lowering" for d in eff),
        "outside_criteria": sum(d["outside_criteria"] for d in eff),
        "small_sample_without_other_evidence": sum(
            "small-sample" in d["flags"] and not d["other_evidence"] for d in eff),
        "final_differs_from_computed": differs,
    }


def figures(sessions: list[SessionRecord], decisions: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals, and the same counts by framework, lead inspector and year."""
    out = _counts(sessions, decisions)
    for key, attr in (("by_framework", "framework"), ("by_inspector", "lead_inspector"), ("by_year", "year")):
        groups: dict[str, list[SessionRecord]] = defaultdict(list)
        for rec in sessions:
            if rec.rating is not None:
                groups[str(getattr(rec, attr) or "unknown")].append(rec)
        out[key] = {}
        for name, recs in sorted(groups.items()):
            paths = {r.path for r in recs}
            c = _counts(recs, [d for d in decisions if d["session"] in paths])
            c.pop("never_considered")
            out[key][name] = c
    return out


@dataclass
class Audit:
    root: Path
    sessions: list[SessionRecord]
    decisions: list[dict[str, Any]]
    figures: dict[str, Any]
    refused: list[str]

    def json(self) -> dict[str, Any]:
        return {"format": AUDIT_FORMAT, "root": str(self.root),
                "sessions": [s.json() for s in self.sessions] + [
                    {"path": p, "service": None, "framework": None, "fieldwork": None, "lead_inspector": None,
                     "score": None, "max_score": None, "overall": None, "signed_off": False,
                     "log_status": f"unreadable: {why}"} for p, why in (x.split(": ", 1) for x in self.refused)],
                "decisions": [{k: v for k, v in d.items() if k not in ("framework", "lead_inspector", "year")}
                              for d in self.decisions],
                "figures": self.figures}


def run_audit(root: Path, progress: Callable[[int, int], None] | None = None) -> Audit:
    """Scan every session at any depth under ``root``; ``progress(done, total)`` is called as it goes."""
    folders, refused = find_sessions(root, recursive=True)
    sessions: list[SessionRecord] = []
    for i, folder in enumerate(folders, 1):
        sessions.append(load_record(folder, root))
        if progress:
            progress(i, len(folders))
    decisions = [d for rec in sessions for d in decisions_of(rec)]
    return Audit(root, sessions, decisions, figures(sessions, decisions), refused)


def precedents(audit: Audit, standard: str, lowest_percent: float | None, cases: int | None,
               exclude: str | None = None, points: float = 5.0, limit: int = 10) -> list[dict[str, Any]]:
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


def sibling_precedents(session_dir: Path, standard: str, lowest_percent: float | None,
                       cases: int | None) -> tuple[list[dict[str, Any]], str | None]:
    """Precedents from the other sessions in the same sessions folder, and a note when not scanned."""
    parent = session_dir.parent
    folders, _ = find_sessions(parent)
    others = [f for f in folders if f.resolve() != session_dir.resolve()]
    if not others:
        return [], None
    if len(others) > MAX_SIBLINGS:
        return [], f"{len(others)} other sessions: too many to scan here; use panel-tui audit for precedents."
    sessions = [load_record(f, parent) for f in others]
    decisions = [d for rec in sessions for d in decisions_of(rec)]
    audit = Audit(parent, sessions, decisions, {}, [])
    return precedents(audit, standard, lowest_percent, cases), None


class Progress:
    """Progress to a stream, only once scanning has taken longer than a moment."""

    def __init__(self, write: Callable[[str], None], after: float = 0.5) -> None:
        self.write, self.after, self.t0, self.shown = write, after, time.monotonic(), False

    def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.t0 < self.after:
            return
        if done == total or done % 50 == 0 or not self.shown:
            self.write(f"\rscanning sessions: {done}/{total}" + ("\n" if done == total else ""))
            self.shown = True
