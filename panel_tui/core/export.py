"""The panel record of one session, for the report's annex: Markdown, HTML (one file) or CSV.

Every figure carries its base ("5 of 8 cases (62.5%)"; "56% (base not published)"), small samples
are marked, and the log's head hash is printed so the record can be matched to the log later
(``panel-tui verify PATH --head HASH``). A session whose log does not verify is refused.

This module builds the record as data (``build_record``, the ``--json`` contract); export_blocks.py
lays it out and export_formats.py writes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from panel_tui.core.display import OUTCOME_WORDS, entry_summary, local_time
from panel_tui.core.engine import StandardResult, pct_text
from panel_tui.core.errors import InputError
from panel_tui.core.export_blocks import Block, blocks
from panel_tui.core.export_formats import CSV_COLUMNS, WORD_JOINER, h, md, to_csv, to_html, to_markdown
from panel_tui.core.lead_case import lead_case
from panel_tui.core.log.entries import entered_for
from panel_tui.core.log.state import LogState
from panel_tui.core.paragraph import paragraphs_annex
from panel_tui.core.session import load_session

__all__ = [
    "RECORD_FORMAT",
    "Block",
    "CSV_COLUMNS",
    "WORD_JOINER",
    "blocks",
    "build_record",
    "evidence_text",
    "h",
    "md",
    "render",
    "to_csv",
    "to_html",
    "to_markdown",
]

RECORD_FORMAT = "panel-tui/record/3"
# a format-3 entry kind the shared vocabulary does not name yet (display.OUTCOME_WORDS)


def evidence_text(s: StandardResult, small: int) -> str:
    """The lowest key question's figure with its base."""
    if s.awaiting:
        return s.computed.lower()  # "awaiting figures" / "awaiting proposal"
    if s.kind != "cases" or s.not_rated:
        return "proposed by the lead inspector" if s.kind == "judgement" and not s.not_rated else "—"
    lowest = [q for q in s.questions if q.id in s.lowest_questions]
    q = min(lowest, key=lambda q: q.relevant if q.relevant is not None else 10**9)  # the smallest base
    pct = pct_text(q.percent)
    case_word = "case" if q.relevant == 1 else "cases"
    if q.yes is not None and q.relevant is not None:
        text = f"{q.id}: {q.yes} of {q.relevant} {case_word} ({pct}%)"
    elif q.relevant is not None:
        text = f"{q.id}: {pct}% of {q.relevant} {case_word}"
    else:
        return f"{q.id}: {pct}% (base not published)"
    if q.relevant <= small:
        text += f", small sample ({small} cases or fewer)"
    return text


def _ref(st: LogState, seq: Any) -> dict[str, Any] | None:
    """What an entry number points at, for dissents and retractions: its seq, kind and standard."""
    e = st.entry(seq) if isinstance(seq, int) and not isinstance(seq, bool) else None
    return None if e is None else {"seq": e["seq"], "kind": e["kind"], "standard": e.get("standard")}


def _who_and_when(e: dict[str, Any], zone: str) -> dict[str, Any]:
    """Who made an entry and when, for every row of the record: ``by``; ``entered_by`` and
    ``entered_for`` ("entered by X for Y", only where someone else entered it: format 3); ``at``; and,
    for an entry a sync re-recorded in format 3, ``decided_at`` (when it was decided)."""
    decided = e.get("decided_at")
    return {
        "by": e.get("by"),
        "entered_by": e.get("entered_by"),
        "entered_for": entered_for(e),
        "at": e.get("at"),
        "at_local": local_time(e.get("at"), zone),
        "decided_at": decided,
        "decided_at_local": local_time(decided, zone) if decided else None,
    }


WORD_LABELS = (
    ("rationale", "Rationale"),
    ("reason", "Reason"),
    ("other_evidence", "Other compelling evidence"),
    ("outside_reason", "Outside the discretion criteria"),
)


def _words(e: dict[str, Any]) -> list[tuple[str, str]]:
    """Every text an entry holds, labelled, in full (the record keeps every word of it)."""
    return [(label, str(e[key])) for key, label in WORD_LABELS if e.get(key)]


def _detail(e: dict[str, Any]) -> str | None:
    """What an entry of a kind without a band says besides its reason, uncut (its summary is cut)."""
    if e["kind"] == "attendance":
        return f"Chair {e.get('chair')}; members {', '.join(e.get('members', [])) or 'none'}."
    if e["kind"] == "dismissal":
        return f"Dismissed the entry kept aside with hash {e.get('kept_aside')}."
    return None


def _fate(st: LogState, e: dict[str, Any]) -> dict[str, Any]:
    """What became of an entry: ``superseded_by`` and ``retracted_by`` (seqs or None), the
    retraction's reason, and ``fate`` in words: "superseded by entry N", "retracted by entry N:
    reason", or the status as before (stands, a proposal's outcome)."""
    by_r = st.retracted_by(e)
    by_s = st.superseded_by(e)
    reason = (st.entry(by_r) or {}).get("reason") if by_r is not None else None
    if by_r is not None:
        fate = f"retracted by entry {by_r}: {reason}"
    elif by_s is not None and e["kind"] != "proposal":
        fate = f"superseded by entry {by_s}"
    else:
        fate = st.status_of(e)
    return {"superseded_by": by_s, "retracted_by": by_r, "retraction_reason": reason, "fate": fate}


def build_record(path: Path | str) -> dict[str, Any]:
    """The panel record as data (format ``panel-tui/record/3``): every entry, in one vocabulary, each
    with every word it holds and what became of it (superseded or retracted by which entry)."""
    session = load_session(path)
    if session.log_problem:
        raise InputError(
            session.log_path,
            None,
            f"the decision log does not verify, so no record is exported: {session.log_problem}",
            "run panel-tui verify and resolve it first.",
        )
    r, insp, st = session.rating, session.inspection, session.log
    zone = r.framework.panel.timezone
    small = r.framework.discretion.small_sample_cases
    standing: dict[str, Any] = {}
    if st is not None:
        standing.update(st.ratified)
        standing.update(st.panel)
    standards = []
    for s in r.standards:
        e = standing.get(s.id)
        case = lead_case(insp, st, s.id) if s.kind == "judgement" else None
        standards.append(
            {
                "id": s.id,
                "name": s.name,
                "kind": s.kind,
                "counted": s.counted,
                "computed": s.computed,
                "final": s.final,
                "evidence": evidence_text(s, small),
                "flags": s.flag_names,
                "reasons": [f.reason for f in s.flags],
                "not_rated": s.not_rated,
                "decision": None
                if e is None
                else {
                    "seq": e["seq"],
                    "kind": e["kind"],
                    "outcome": OUTCOME_WORDS[e["kind"]],
                    **_who_and_when(e, zone),
                    "rationale": e.get("rationale", e.get("reason")),
                    "other_evidence": e.get("other_evidence"),
                    "outside_reason": e.get("outside_reason"),
                    "from": e.get("from", e.get("band")),
                    "to": e.get("to", e.get("band")),
                    "answers": e.get("answers"),
                },
                "case": None
                if case is None
                else {
                    "proposed": case.proposed,
                    "rationale": case.rationale,
                    "evidence": case.evidence,
                    "outcome": case.outcome_words(),
                },
            }
        )
    entries: list[dict[str, Any]] = []
    if st is not None:  # every entry, by its place in the log
        for e in st.entries:
            status = st.status_of(e)
            row = {
                "seq": e["seq"],
                "kind": e["kind"],
                "outcome": OUTCOME_WORDS[e["kind"]],
                "standard": e.get("standard"),
                **_who_and_when(e, zone),
                "status": status,
                "text": e.get("rationale", e.get("reason")),
                "summary": entry_summary(e),
                **_fate(st, e),
                "words": _words(e),
                "from": e.get("from", e.get("band")),
                "to": e.get("to", e.get("band")),
                "detail": _detail(e),
            }
            if e["kind"] == "dissent":
                row.update(member=e.get("member"), about=_ref(st, e.get("about")))
            if e["kind"] == "retraction":
                row.update(retracts=_ref(st, e.get("retracts")))
            if e["kind"] == "proposal":
                row.update(
                    to=e.get("to"), outcome_of_proposal=st.outcome_of(e), answered_by=(st.answer_to(e) or {}).get("seq")
                )
            entries.append(row)
    sign_off = None
    if st is not None and st.signed_off and st.sign_off_seq is not None:
        so = st.entry(st.sign_off_seq) or {}
        sign_off = {"seq": so.get("seq"), **_who_and_when(so, zone)}
    return {
        "format": RECORD_FORMAT,
        "service": insp.service,
        "framework": r.framework.id,
        "fieldwork": insp.fieldwork,
        "published": insp.published,
        "lead_inspector": insp.lead_inspector,
        "source": insp.source,
        "timezone": zone,
        "attendance": None
        if not (st and st.attendance)
        else {"chair": st.attendance.get("chair"), "members": st.attendance.get("members", [])},
        "decisions_recorded": st is not None and bool(st.entries),
        "signed_off": bool(st and st.signed_off),
        "sign_off_seq": st.sign_off_seq if st else None,
        "sign_off": sign_off,
        "standards": standards,
        "proposals": [x for x in entries if x["kind"] == "proposal"],
        "dissents": [x for x in entries if x["kind"] == "dissent" and not x["status"].startswith("retracted")],
        "retractions": [x for x in entries if x["kind"] == "retraction"],
        "replaced": [x for x in entries if x["kind"] != "proposal" and (x["superseded_by"] or x["retracted_by"])],
        "entries_list": entries,
        "computed_score": r.computed_score,
        "computed_overall": r.computed_overall,
        "score": r.score,
        "max_score": r.max_score,
        "overall": r.overall,
        "entries": len(st.entries) if st else 0,
        "head": st.head if st and st.entries else None,
        "kept_aside": _kept_aside(session.dir, zone, st),
        "paragraphs": paragraphs_annex(session),
    }


def _kept_aside(session_dir: Path, zone: str, st: LogState | None) -> list[dict[str, Any]]:
    """Entries a replay kept aside (outside the chain, part of the record): each with why, who and
    its whole text, and the dismissal that dealt with it (``dismissed``: null while it is pending);
    an export refuses a kept-aside file whose entries were changed."""
    from panel_tui.core.display import local_time
    from panel_tui.core.kept_aside import dismissal, load_kept_aside

    items, problem = load_kept_aside(session_dir)
    if problem:
        raise InputError(
            session_dir,
            None,
            f"the entries kept aside do not verify, so no record is exported: {problem}",
            "run panel-tui verify and resolve it first.",
        )
    out = []
    for k in items:
        d = dismissal(k, st)
        out.append(
            {
                "summary": entry_summary(k.entry),
                "by": k.entry.get("by"),
                "reason": k.reason,
                "kept_at": local_time(k.at, zone),
                "text": k.entry.get("rationale", k.entry.get("reason")),
                "hash": k.entry.get("hash"),
                "dismissed": None
                if d is None
                else {"seq": d["seq"], "reason": d.get("reason"), **_who_and_when(d, zone)},
            }
        )
    return out


def render(rec: dict[str, Any], fmt: str) -> str:
    return {"md": to_markdown, "html": to_html, "csv": to_csv}[fmt](rec)
