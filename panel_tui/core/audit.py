"""The quality lead's audit: every session under a folder, every decision, and the figures.

Read-only by construction: it only reads files (no lock, no temporary file). A session that
cannot be read or whose log does not verify is listed with its problem and never stops the
audit; decisions are taken only from logs that verify, since a broken log cannot be trusted.

At scale (issue 12) each session is read and verified exactly as ``verify`` does (``read_state``:
parse, shape, chain, hashes, rules, canonical bytes; then the git history), summarised into its
facts, its figures and its rows, and let go: no log, rating or inspection is kept, so memory grows
with the rows, not with the logs. The screen's drill-down re-reads the one session it opens.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from panel_tui.core import agenda
from panel_tui.core.engine import Rating, direction, rate
from panel_tui.core.errors import InputError
from panel_tui.core.inspection import LOG_FILE, load_inspection
from panel_tui.core.log import LogState, percent_value, read_state
from panel_tui.core.log.entries import (
    DECLINED,
    DISCRETION,
    DISSENT,
    KINDS,
    PROPOSAL,
    RATIFICATION,
    RETRACTION,
    Entry,
    entered_for,
)
from panel_tui.core.sessions_dir import find_sessions

AUDIT_FORMAT = "panel-tui/audit/3"  # /3: rows' entered_by and decided_at; sessions' kept_aside and accepted_rewrites
DECISION_KINDS = (DISCRETION, DECLINED, RATIFICATION, PROPOSAL)  # entries that set or propose a band
CONCERNING_KINDS = (RETRACTION, DISSENT)  # entries about another entry: rows too (format 2)
ROW_KINDS = tuple(k for k in KINDS if k in DECISION_KINDS + CONCERNING_KINDS)  # the log's own order
STATUSES = ("stands", "superseded", "retracted")
DIRECTIONS = ("uplift", "lowering", "none")

# A session's keys in ``audit --json`` (and the columns of sessions.csv), in this order.
SESSION_KEYS = ("path", "service", "framework", "fieldwork", "lead_inspector", "score", "max_score", "overall",
                "signed_off", "log_status", "kept_aside", "kept_aside_dismissed", "accepted_rewrites")
# The keys of a row in ``audit --json`` (and the columns of decisions.csv), in this order.
ROW_KEYS = ("session", "seq", "kind", "standard", "from", "to", "direction", "flags", "outside_criteria",
            "other_evidence", "by", "entered_by", "at", "decided_at", "rationale", "lowest_percent", "cases",
            "effective", "status", "retracted_by", "outcome", "answered_by", "member", "concerns", "concerns_kind")
# The session's facts each row also carries for the screen's filters (in JSON they are in "sessions").
CONTEXT_KEYS = ("framework", "lead_inspector", "year")
_INDEX = {k: i for i, k in enumerate(ROW_KEYS + CONTEXT_KEYS)}

# The figures, in the order the JSON and figures.csv give them (a session's own tally is the
# same keys from "flagged_standards" on).
FIGURE_KEYS = ("sessions", "sessions_signed_off", "sessions_unreadable_or_broken", "flagged_standards",
               "flagged_with_discretion", "flagged_declined", "flagged_never_considered", "flagged_pending",
               "uplifts", "lowerings", "outside_criteria", "small_sample_without_other_evidence",
               "final_differs_from_computed")
TALLY_KEYS = FIGURE_KEYS[3:]


class Row:
    """One entry of the audit's table, read like a dict (``row["kind"]``, ``row.get("to")``).

    A tuple underneath: at 1,000 sessions a dict per row was most of the audit's memory.
    """

    __slots__ = ("values",)

    def __init__(self, values: tuple[Any, ...]) -> None:
        self.values = values

    def __getitem__(self, key: str) -> Any:
        return self.values[_INDEX[key]]

    def get(self, key: str, default: Any = None) -> Any:
        i = _INDEX.get(key)
        return default if i is None else self.values[i]

    def json(self) -> dict[str, Any]:
        return dict(zip(ROW_KEYS, self.values))

    @property
    def by_shown(self) -> str:
        """Who made the entry, as a view shows it: "entered by X for Y" when someone else entered it
        (format 3's ``entered_by``), else the ``by`` name. Raw text: shown through the display helpers."""
        return entered_for({"by": self["by"], "entered_by": self["entered_by"]}) or str(self["by"] or "")

    def __repr__(self) -> str:
        return f"Row({self.json()!r})"


@dataclass(slots=True)
class SessionRecord:
    """What the audit keeps of one session: its facts, its figures and its rows (nothing else)."""

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
    kept_aside: int = 0  # entries a replay kept aside (decisions.refused.toml) still for the panel to settle
    kept_aside_dismissed: int = 0  # entries kept aside that a standing dismissal in the log dealt with
    accepted_rewrites: list[str] = field(default_factory=list)  # "<commit>: <reason>", accepted on the record
    loaded: bool = False  # the inspection was read (the session is grouped by framework, inspector, year)
    counted: bool = False  # loaded, and its log (if any) verifies: its figures count
    tally: dict[str, int] = field(default_factory=dict)  # TALLY_KEYS -> this session's figure
    never: list[str] = field(default_factory=list)  # flagged standards never considered (signed off)
    pending: list[str] = field(default_factory=list)  # flagged standards not yet considered (in progress)
    rows: list[Row] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in SESSION_KEYS}

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
    rec.loaded = True
    computed = rate(insp, light=True)  # the audit shows no question's intervals
    log_path = folder / LOG_FILE
    state = read_state(log_path, insp, computed) if log_path.exists() else None
    rating = computed
    if state is not None:
        verified_bytes, state.raw = state.raw, None
        rec.log_status = _status(state)
        history_failed = False
        if state.problem is None:  # issue 14: in git, a history that dropped or changed entries
            from panel_tui.core.gitstore.history import history_report

            history, rec.accepted_rewrites = history_report(folder, verified_bytes)
            if history and history.startswith("history not checked"):
                rec.log_status += f"; {history}"
            elif history:  # only what verifies counts: the log's rows and figures are left out
                rec.log_status, history_failed = history, True
            if not history_failed:
                rating = rate(insp, state.finals, light=True)
        rec.signed_off = state.signed_off and state.problem is None and not history_failed
        from panel_tui.core.kept_aside import load_kept_aside, pending_count

        aside, aside_problem = load_kept_aside(folder)
        rec.kept_aside, rec.kept_aside_dismissed = pending_count(aside, state)
        if aside_problem and state.problem is None and not history_failed:
            rec.log_status, history_failed = f"kept-aside entries changed: {aside_problem}", True
            rec.signed_off = False
    rec.score, rec.max_score, rec.overall = rating.score, rating.max_score, rating.overall
    if state is None or state.problem is None and not history_failed:
        rec.counted = True
        _summarise(rec, state, rating)
    return rec


def _summarise(rec: SessionRecord, st: LogState | None, r: Rating) -> None:
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
        rec.rows = _rows(rec, st, r)
        for d in rec.rows:
            if d["kind"] != DISCRETION or d["status"] != "stands":
                continue
            t["uplifts"] += d["direction"] == "uplift"
            t["lowerings"] += d["direction"] == "lowering"
            t["outside_criteria"] += d["outside_criteria"]
            t["small_sample_without_other_evidence"] += "small-sample" in d["flags"] and not d["other_evidence"]
    rec.tally = t


def _direction(rating: Rating, frm: str | None, to: str | None) -> str | None:
    names = rating.framework.band_names
    if frm not in names or to not in names:
        return None
    return direction(rating.framework, frm, to)


_SHARED: dict[Any, Any] = {}  # one object for each repeated short value (kinds, bands, flag lists)


def _shared(value: Any) -> Any:
    if isinstance(value, list):
        value = tuple(value)
    if value is None or not isinstance(value, (str, tuple)):
        return value
    return _SHARED.setdefault(value, value) if len(_SHARED) < 100_000 else value


def _rows(rec: SessionRecord, st: LogState, r: Rating) -> list[Row]:
    """The session's proposals, decisions, retractions and dissents, each with its status."""
    rows = []
    context = (rec.framework, rec.lead_inspector, rec.year)
    for e in st.entries:
        kind = e["kind"]
        if kind not in ROW_KINDS:
            continue
        sid = e.get("standard")
        frm = to = dirn = lowest = cases = other = outcome = answered_by = member = concerns = concerns_kind = None
        flags: Any = ()
        if kind in DECISION_KINDS:
            frm, to = e.get("from", e.get("band")), e.get("to", e.get("band"))
            dirn = _direction(r, frm, to)
            ev = e.get("evidence", {})
            flags = ev["flags"] if "flags" in ev else (r.standard(sid).flag_names if sid else [])
            lowest, cases, other = percent_value(ev.get("lowest_percent")), ev.get("cases"), e.get("other_evidence")
            if kind == PROPOSAL:  # its outcome as `log --json` gives it (the state's own reading)
                outcome = st.outcome_of(e)
                answered_by = (st.answer_to(e) or {}).get("seq")
        else:
            target = _target(st, e)
            if target is not None:
                concerns, concerns_kind, sid = target["seq"], target["kind"], target.get("standard")
            member = e.get("member")
        rows.append(Row((
            rec.path, e["seq"], _shared(kind), _shared(sid), _shared(frm), _shared(to), dirn, _shared(flags),
            bool(e.get("outside_criteria", False)), other, _shared(e.get("by")), _shared(e.get("entered_by")),
            e.get("at"), e.get("decided_at"), e.get("rationale", e.get("reason")), lowest, cases, st.is_effective(e),
            st.standing_word(e), st.retracted.get(e["seq"]), outcome, answered_by, _shared(member), concerns,
            _shared(concerns_kind), *context)))
    return rows


def _target(st: LogState, e: Entry) -> Entry | None:
    """The entry a dissent is about or a retraction retracts (a dissent may concern none)."""
    seq = e.get("about") if e["kind"] == DISSENT else e.get("retracts")
    return st.entry(seq) if isinstance(seq, int) and not isinstance(seq, bool) else None


def decisions_of(rec: SessionRecord) -> list[Row]:
    """The rows of one session (only from a log that verifies)."""
    return rec.rows


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


def figures(sessions: list[SessionRecord]) -> dict[str, Any]:
    """Totals, and the same counts by framework, lead inspector and year."""
    counts = _counts(sessions)
    out: dict[str, Any] = {}
    for k, v in counts.items():
        out[k] = v
        if k == "flagged_never_considered":
            out["never_considered"] = [f"{rec.path} {sid}" for rec in sessions for sid in rec.never]
        elif k == "flagged_pending":
            out["not_yet_considered"] = [f"{rec.path} {sid}" for rec in sessions for sid in rec.pending]
    for key, attr in (("by_framework", "framework"), ("by_inspector", "lead_inspector"), ("by_year", "year")):
        groups: dict[str, list[SessionRecord]] = {}
        for rec in sessions:
            if rec.loaded:
                groups.setdefault(str(getattr(rec, attr) or "unknown"), []).append(rec)
        out[key] = {name: _counts(recs) for name, recs in sorted(groups.items())}
    return out


@dataclass
class Audit:
    root: Path
    sessions: list[SessionRecord]
    decisions: list[Row]
    figures: dict[str, Any]
    refused: list[str]

    def session_docs(self) -> Iterator[dict[str, Any]]:
        yield from (s.json() for s in self.sessions)
        for p, _, why in (x.partition(": ") for x in self.refused):  # "<path>: why", or "<path> is not a folder"
            yield {**dict.fromkeys(SESSION_KEYS), "path": p, "signed_off": False,
                   "log_status": f"unreadable: {why or p}"}

    def json(self) -> dict[str, Any]:
        return {"format": AUDIT_FORMAT, "root": str(self.root), "decisions": [d.json() for d in self.decisions],
                "sessions": list(self.session_docs()), "figures": self.figures}

    def json_chunks(self) -> Iterator[str]:
        """The same document as :meth:`json`, as text a row or a session at a time (one a line)."""
        out = _JsonOut(self.root)
        yield out.head()
        yield from (out.item(d.json()) for d in self.decisions)
        yield from out.tail(self)


class _JsonOut:
    """The audit document written as it is read: the rows first, one a line, then the sessions and
    the figures once every session is read (a JSON object's keys have no order to keep)."""

    def __init__(self, root: Path) -> None:
        self.root, self.enc, self.first = root, json.JSONEncoder(ensure_ascii=False), True  # the C encoder

    def head(self) -> str:
        return f'{{\n  "format": {self.enc.encode(AUDIT_FORMAT)},\n  "root": {self.enc.encode(str(self.root))},\n  "decisions": ['

    def item(self, doc: dict[str, Any]) -> str:
        sep, self.first = ("\n    " if self.first else ",\n    "), False
        return sep + self.enc.encode(doc)

    def tail(self, audit: Audit) -> Iterator[str]:
        yield "],\n" if self.first else "\n  ],\n"
        self.first = True
        yield '  "sessions": ['
        yield from (self.item(s) for s in audit.session_docs())
        yield "],\n" if self.first else "\n  ],\n"
        yield '  "figures": ' + json.dumps(audit.figures, indent=2, ensure_ascii=False).replace("\n", "\n  ") + "\n}\n"


def run_audit(root: Path, progress: Callable[[int, int], None] | None = None,
              rows: Callable[[list[Row]], None] | None = None) -> Audit:
    """Scan every session at any depth under ``root``; ``progress(done, total)`` is called as it goes.

    ``rows``: each session's rows are handed to it as the session is read and not kept
    (``Audit.decisions`` stays empty), so an audit written out as it goes holds no row for long.
    """
    from panel_tui.core.gitstore.history import one_history_per_repository
    from panel_tui.core.gitstore.run import one_look_per_folder

    folders, refused = find_sessions(root, recursive=True)
    sessions: list[SessionRecord] = []
    decisions: list[Row] = []
    # the sessions share their parent folders, and each repository's history is read in one pass
    with one_look_per_folder(), one_history_per_repository():
        for i, folder in enumerate(folders, 1):
            rec = load_record(folder, root)
            sessions.append(rec)
            if rows is None:
                decisions.extend(rec.rows)
            else:
                rows(rec.rows)
                rec.rows = []
            if progress:
                progress(i, len(folders))
    return Audit(root, sessions, decisions, figures(sessions), refused)


def write_json(root: Path, write: Callable[[str], Any], progress: Callable[[int, int], None] | None = None) -> Audit:
    """``audit --json``: each session's rows are written as soon as it is read, the sessions and
    figures at the end; memory holds the sessions' facts and figures, never all the rows."""
    out = _JsonOut(root)
    write(out.head())

    def rows(found: list[Row]) -> None:
        for d in found:
            write(out.item(d.json()))

    audit = run_audit(root, progress, rows)
    for chunk in out.tail(audit):
        write(chunk)
    return audit


# --- the screen's filters (no Textual here: "no choice" is None) ----------------------------

FILTER_KEYS = ("kind", "status", "standard", "direction", "flag", "framework", "lead_inspector", "year")


def matches(d: Row, filters: Mapping[str, str | None]) -> bool:
    """Does a row pass every chosen filter? (flag matches any of the row's flags)"""
    for key, want in filters.items():
        if want is None:
            continue
        if key == "flag":
            if want not in d["flags"]:
                return False
        elif str(d.get(key)) != want:
            return False
    return True


def filter_values(rows: list[Row], key: str) -> list[str]:
    """The values a filter offers: those present in the rows (kinds in the log's order, statuses and
    directions in theirs, anything else sorted)."""
    present: set[str] = set()
    for d in rows:
        present.update(map(str, d["flags"]) if key == "flag" else [] if d.get(key) in (None, "") else [str(d.get(key))])
    order = {"kind": ROW_KINDS, "status": STATUSES, "direction": DIRECTIONS}.get(key)
    if order is not None:
        return [v for v in order if v in present]
    return sorted(present)


# --- precedents -----------------------------------------------------------------------------

def precedents(audit: Audit, standard: str, lowest_percent: float | None, cases: int | None,
               exclude: str | None = None, points: float = 5.0, limit: int = 10) -> list[Row]:
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
                       cases: int | None) -> tuple[list[Row], str | None]:
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

