"""The panel record of one session, for the report's annex: Markdown, HTML (one file) or CSV.

Every figure carries its base ("5 of 8 cases (62.5%)"; "56% (base not published)"), small samples
are marked, and the log's head hash is printed so the record can be matched to the log later
(``panel-tui verify PATH --head HASH``). A session whose log does not verify is refused.
"""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path
from typing import Any

from panel_tui.core.display import OUTCOME_WORDS, entry_summary, local_time, visible
from panel_tui.core.engine import StandardResult, pct_text
from panel_tui.core.errors import InputError
from panel_tui.core.log.entries import entered_for
from panel_tui.core.paragraph import paragraphs_annex
from panel_tui.core.log.state import LogState
from panel_tui.core.session import load_session

RECORD_FORMAT = "panel-tui/record/2"
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
    return {"by": e.get("by"), "entered_by": e.get("entered_by"), "entered_for": entered_for(e),
            "at": e.get("at"), "at_local": local_time(e.get("at"), zone), "decided_at": decided,
            "decided_at_local": local_time(decided, zone) if decided else None}


def build_record(path: Path | str) -> dict[str, Any]:
    """The panel record as data (format ``panel-tui/record/2``): every entry, in one vocabulary."""
    session = load_session(path)
    if session.log_problem:
        raise InputError(session.log_path, None, f"the decision log does not verify, so no record is exported: "
                                                 f"{session.log_problem}", "run panel-tui verify and resolve it first.")
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
        standards.append({
            "id": s.id, "name": s.name, "kind": s.kind, "counted": s.counted, "computed": s.computed,
            "final": s.final, "evidence": evidence_text(s, small), "flags": s.flag_names,
            "reasons": [f.reason for f in s.flags], "not_rated": s.not_rated,
            "decision": None if e is None else {
                "seq": e["seq"], "kind": e["kind"], "outcome": OUTCOME_WORDS[e["kind"]], **_who_and_when(e, zone),
                "rationale": e.get("rationale", e.get("reason")), "other_evidence": e.get("other_evidence"),
                "outside_reason": e.get("outside_reason"), "from": e.get("from", e.get("band")),
                "to": e.get("to", e.get("band")), "answers": e.get("answers")},
        })
    entries: list[dict[str, Any]] = []
    for e in st.entries if st is not None else []:
        status = st.status_of(e)  # type: ignore[union-attr]
        row = {"seq": e["seq"], "kind": e["kind"], "outcome": OUTCOME_WORDS[e["kind"]], "standard": e.get("standard"),
               **_who_and_when(e, zone), "status": status, "text": e.get("rationale", e.get("reason")),
               "summary": entry_summary(e)}
        if e["kind"] == "dissent":
            row.update(member=e.get("member"), about=_ref(st, e.get("about")))  # type: ignore[arg-type]
        if e["kind"] == "retraction":
            row.update(retracts=_ref(st, e.get("retracts")))  # type: ignore[arg-type]
        if e["kind"] == "proposal":
            row.update(to=e.get("to"), outcome_of_proposal=st.outcome_of(e),  # type: ignore[union-attr]
                       answered_by=(st.answer_to(e) or {}).get("seq"))  # type: ignore[union-attr]
        entries.append(row)
    sign_off = None
    if st is not None and st.signed_off and st.sign_off_seq is not None:
        so = st.entry(st.sign_off_seq) or {}
        sign_off = {"seq": so.get("seq"), **_who_and_when(so, zone)}
    return {
        "format": RECORD_FORMAT, "service": insp.service, "framework": r.framework.id, "fieldwork": insp.fieldwork,
        "published": insp.published, "lead_inspector": insp.lead_inspector, "source": insp.source,
        "timezone": zone,
        "attendance": None if not (st and st.attendance) else {"chair": st.attendance.get("chair"),
                                                             "members": st.attendance.get("members", [])},
        "decisions_recorded": st is not None and bool(st.entries),
        "signed_off": bool(st and st.signed_off), "sign_off_seq": st.sign_off_seq if st else None,
        "sign_off": sign_off,
        "standards": standards,
        "proposals": [x for x in entries if x["kind"] == "proposal"],
        "dissents": [x for x in entries if x["kind"] == "dissent" and not x["status"].startswith("retracted")],
        "retractions": [x for x in entries if x["kind"] == "retraction"],
        "entries_list": entries,
        "computed_score": r.computed_score, "computed_overall": r.computed_overall,
        "score": r.score, "max_score": r.max_score, "overall": r.overall,
        "entries": len(st.entries) if st else 0, "head": st.head if st and st.entries else None,
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
        raise InputError(session_dir, None, f"the entries kept aside do not verify, so no record is exported: "
                                            f"{problem}", "run panel-tui verify and resolve it first.")
    out = []
    for k in items:
        d = dismissal(k, st)
        out.append({"summary": entry_summary(k.entry), "by": k.entry.get("by"), "reason": k.reason,
                    "kept_at": local_time(k.at, zone), "text": k.entry.get("rationale", k.entry.get("reason")),
                    "hash": k.entry.get("hash"),
                    "dismissed": None if d is None else {"seq": d["seq"], "reason": d.get("reason"),
                                                         **_who_and_when(d, zone)}})
    return out


def _dismissed_text(x: dict[str, Any]) -> str:
    """'dismissed by X (entry N): reason', or 'pending' for a kept-aside entry not yet dealt with."""
    d = x.get("dismissed")
    if not d:
        return "pending"
    return f"dismissed by {d['by']} (entry {d['seq']}, {_when(d)}{_entered(d)}): {d['reason']}"


# --- one document, three renderings ---------------------------------------------------------
# The record is laid out once as blocks; Markdown and HTML only differ in how a block is written
# and how text is escaped (all text is escaped: formatting comes from the block kinds alone).

Block = tuple[str, Any]  # ("h1"|"h2"|"h3"|"p"|"strong-p"|"li"|"code-p"|"table", payload)


def _ref_text(ref: dict[str, Any] | None) -> str:
    if not ref:
        return "the panel's conclusions generally"
    return f"entry {ref['seq']} ({OUTCOME_WORDS.get(ref['kind'], ref['kind']).lower()}" + \
        (f", standard {ref['standard']})" if ref.get("standard") else ")")


def _by(x: dict[str, Any]) -> str:
    """"entered by X for Y" where someone else entered the entry, else who made it."""
    return str(x.get("entered_for") or x.get("by"))


def _entered(x: dict[str, Any]) -> str:
    """"; entered by X for Y" to follow a sentence's other facts, or nothing."""
    return f"; {x['entered_for']}" if x.get("entered_for") else ""


def _when(x: dict[str, Any]) -> str:
    """The entry's time, with when it was decided for one a sync re-recorded (format 3)."""
    return str(x["at_local"]) + (f" (decided {x['decided_at_local']})" if x.get("decided_at_local") else "")


def blocks(rec: dict[str, Any]) -> list[Block]:
    out: list[Block] = [("h1", f"Ratings panel record: {rec['service']}")]
    facts = [f"Framework: {rec['framework']}; fieldwork {rec['fieldwork']}"
             + (f"; published {rec['published']}" if rec["published"] else "")]
    if rec["lead_inspector"]:
        facts.append(f"Lead inspector: {rec['lead_inspector']}")
    att = rec["attendance"]
    if att:
        facts.append(f"Panel: chair {att['chair']}; members {', '.join(att['members']) or 'none'}")
    facts.append(f"Times are shown in the meeting's time zone ({rec['timezone']}); the log stores UTC.")
    out += [("li", f) for f in facts]
    out.append(("strong-p", f"Overall: {rec['score']} of {rec['max_score']}, {rec['overall']} (computed "
                            f"{rec['computed_score']} of {rec['max_score']}, {rec['computed_overall']})"))
    if not rec["decisions_recorded"]:
        out.append(("strong-p", "No decisions recorded: the ratings below are computed from the inspection alone."))
    else:
        so = rec["sign_off"]
        out.append(("p", f"Signed off by {so['by']} on {_when(so)} (entry {so['seq']}{_entered(so)})." if so
                    else "NOT signed off: the record below is not final."))
        out.append(("code-p", f"Log: {rec['entries']} entries; head hash {rec['head']} "
                              "(check it with: panel-tui verify SESSION --head HASH)"))
    out.append(("h2", "Ratings"))
    out.append(("table", (["Standard", "Name", "Evidence (lowest key question)", "Computed", "Final", "Flags"],
                          [[s["id"], s["name"] + ("" if s["counted"] else " (not counted)"), s["evidence"],
                            s["computed"], s["final"] + ("" if s["final"] == s["computed"] else " (changed)"),
                            ", ".join(s["flags"]) or "—"] for s in rec["standards"]])))
    out.append(("h2", "Decisions that stand"))
    shown = False
    for s in rec["standards"]:
        d = s["decision"]
        if not d:
            continue
        shown = True
        out.append(("h3", f"{s['id']} {s['name']}: {d['outcome']} ({d['from']} → {d['to']})"))
        out.append(("p", f"Evidence: {s['evidence']}. Flags: {', '.join(s['flags']) or 'none'}."))
        out += [("li", reason) for reason in s["reasons"]]
        for label, key in (("Rationale", "rationale"), ("Other compelling evidence", "other_evidence"),
                           ("Outside the discretion criteria", "outside_reason")):
            if d[key]:
                out.append(("p", f"{label}: {d[key]}"))
        answers = f"; answers the proposal in entry {d['answers']}" if d.get("answers") else ""
        who = d["entered_for"] or f"by {d['by']}"
        out.append(("p", f"Entry {d['seq']}, {who}, {_when(d)}{answers}."))
    if not shown:
        out.append(("p", "No decisions recorded."))
    if rec.get("paragraphs"):
        out.append(("h2", "Annex: the report's paragraphs"))
        out += [("p", text) for text in rec["paragraphs"]]
    if rec["proposals"]:
        out.append(("h2", "Proposals and what became of them"))
        for x in rec["proposals"]:
            answered = f" by entry {x['answered_by']}" if x["answered_by"] else ""
            entered = f" ({x['entered_for']})" if x["entered_for"] else ""
            out.append(("li", f"Entry {x['seq']}: {x['standard']} to {x['to']}, proposed by {x['by']}{entered} on "
                              f"{_when(x)}: {x['outcome_of_proposal']}{answered}. Case: {x['text']}"))
    if rec["dissents"]:
        out.append(("h2", "Dissents"))
        for x in rec["dissents"]:
            out.append(("li", f"Entry {x['seq']}: {x['member']} dissents from {_ref_text(x['about'])} "
                              f"({_when(x)}{_entered(x)}): {x['text']}"))
    if rec["retractions"]:
        out.append(("h2", "Retractions"))
        for x in rec["retractions"]:
            entered = f" ({x['entered_for']})" if x["entered_for"] else ""
            out.append(("li", f"Entry {x['seq']}: {x['by']}{entered} retracted {_ref_text(x['retracts'])} on "
                              f"{_when(x)}. Reason: {x['text']}"))
    if rec.get("kept_aside"):
        out.append(("h2", "Entries kept aside for the panel (outside the log's chain)"))
        for x in rec["kept_aside"]:
            out.append(("li", f"{x['summary']}, by {x['by']}, kept aside {x['kept_at']}: {x['reason']}. "
                              f"Text: {x['text']} — now {_dismissed_text(x)}"))
    if rec["entries_list"]:
        out.append(("h2", "Every entry, in order"))
        out.append(("table", (["Entry", "Time", "What", "Standard", "By", "Status"],
                              [[str(x["seq"]), _when(x), x["outcome"], x["standard"] or "—", _by(x),
                                x["status"]] for x in rec["entries_list"]])))
    return out


_MD_SYNTAX = "\\`*_{}[]<>|~&"  # & too: an entity such as &#x202E; would otherwise render as the character
WORD_JOINER = "\u2060"  # draws nothing; after an @ it stops an address or mention being linked
_SCHEMES_WITHOUT_SLASHES = {"mailto", "xmpp", "tel", "sms"}  # autolinked by some renderer without ://


def _link_punct(s: str, i: int) -> bool:
    """Whether ``s[i]`` (a colon or full stop) is where a renderer could see a link begin or continue.

    A colon before ``/`` ends a scheme (``https://``, ``file:/``), as does one after ``mailto`` and
    the like; a full stop between letters or digits joins a domain (``www.x``, ``evil.com``),
    unless both sides are digits (``2.2.1``, ``62.5``).
    """
    before = s[i - 1] if i else " "
    after = s[i + 1] if i + 1 < len(s) else " "
    if s[i] == ":":
        start = i
        while start and s[start - 1].isalpha():
            start -= 1
        return after == "/" or s[start:i].lower() in _SCHEMES_WITHOUT_SLASHES
    return before.isalnum() and after.isalnum() and not (before.isdigit() and after.isdigit())


def md(text: Any) -> str:
    """Text for Markdown that renders as typed: control characters visible, Markdown and HTML syntax
    escaped, and nothing a renderer would turn into a link.

    GitHub and markdown-it's linkify make links of bare ``https://``, ``www.``, domains and email
    addresses. A backslash before the colon of a scheme or the full stop of a domain stops them and
    renders as nothing. Email addresses (and @-mentions) are found by GitHub after escapes are
    resolved, so an invisible word joiner follows each ``@`` instead.
    """
    s = visible(str(text), keep_newlines=True)
    out = []
    for i, ch in enumerate(s):
        if ch in _MD_SYNTAX or (ch in ":." and _link_punct(s, i)):
            out.append("\\" + ch)
        elif ch == "@":
            out.append("@" + WORD_JOINER)
        else:
            out.append(ch)
    return "".join(out).replace("\n", "<br>") if "\n" in s else "".join(out)


def to_markdown(rec: dict[str, Any]) -> str:
    lines: list[str] = []
    for kind, x in blocks(rec):
        if kind in ("h1", "h2", "h3"):
            lines += ["", "#" * int(kind[1]) + " " + md(x), ""]
        elif kind == "li":
            lines.append(f"- {md(x)}")
        elif kind == "p":
            lines += ["", md(x), ""]
        elif kind == "strong-p":
            lines += ["", f"**{md(x)}**", ""]
        elif kind == "code-p":
            lines += ["", f"`{visible(str(x))}`", ""]
        elif kind == "table":
            head, rows = x
            lines += ["", "| " + " | ".join(md(c) for c in head) + " |", "|" + "---|" * len(head)]
            lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
            lines.append("")
    text = "\n".join(lines).strip("\n")
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text + "\n"


def h(text: Any) -> str:
    return html.escape(visible(str(text), keep_newlines=True)).replace("\n", "<br>")


CSS = """body{font-family:Georgia,serif;max-width:60rem;margin:2rem auto;color:#111;line-height:1.4}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:.25rem .5rem;text-align:left;
vertical-align:top}th{background:#eee}code{word-break:break-all}
@media print{body{margin:0;max-width:none}h2,h3{page-break-after:avoid}tr{page-break-inside:avoid}}"""


def to_html(rec: dict[str, Any]) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>Ratings panel record: {h(rec['service'])}</title>", f"<style>{CSS}</style></head><body>"]
    in_list = False
    for kind, x in blocks(rec):
        if kind == "li" and not in_list:
            out.append("<ul>")
            in_list = True
        elif kind != "li" and in_list:
            out.append("</ul>")
            in_list = False
        if kind in ("h1", "h2", "h3"):
            out.append(f"<{kind}>{h(x)}</{kind}>")
        elif kind == "li":
            out.append(f"<li>{h(x)}</li>")
        elif kind == "p":
            out.append(f"<p>{h(x)}</p>")
        elif kind == "strong-p":
            out.append(f"<p><strong>{h(x)}</strong></p>")
        elif kind == "code-p":
            out.append(f"<p><code>{h(x)}</code></p>")
        elif kind == "table":
            head, rows = x
            out.append("<table><tr>" + "".join(f"<th>{h(c)}</th>" for c in head) + "</tr>")
            out += ["<tr>" + "".join(f"<td>{h(c)}</td>" for c in row) + "</tr>" for row in rows]
            out.append("</table>")
    if in_list:
        out.append("</ul>")
    out.append("</body></html>\n")
    return "\n".join(out)


# --- CSV -----------------------------------------------------------------------------------

CSV_COLUMNS = ["row", "service", "framework", "standard", "name", "counted", "evidence", "computed", "final",
               "flags", "decision", "decision_seq", "seq", "at", "by", "status", "concerns", "text", "score",
               "max_score", "overall", "head"]


def to_csv(rec: dict[str, Any]) -> str:
    """A row per standard ("standard"), then a row per entry ("entry") and the sign-off ("sign-off");
    every cell through the spreadsheet guard (formula prefix, visible controls)."""
    from panel_tui.core.outputs import spreadsheet_safe

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    common = {"service": rec["service"], "framework": rec["framework"], "score": rec["score"],
              "max_score": rec["max_score"], "overall": rec["overall"], "head": rec["head"] or ""}

    def row(**cells: Any) -> None:
        values = {**common, **cells}
        w.writerow([spreadsheet_safe("" if values.get(c) is None else values.get(c)) for c in CSV_COLUMNS])

    for s in rec["standards"]:
        d = s["decision"] or {}
        row(row="standard", standard=s["id"], name=s["name"], counted=s["counted"], evidence=s["evidence"],
            computed=s["computed"], final=s["final"], flags=";".join(s["flags"]),
            decision=d.get("outcome", "" if rec["decisions_recorded"] else "No decisions recorded"),
            decision_seq=d.get("seq"), at=_when(d) if d else None, by=_by(d) if d else None, text=d.get("rationale"))
    for x in rec["entries_list"]:
        concerns = x.get("about") or x.get("retracts")
        status = x["status"]
        by = f"{x['member']} ({x['entered_for']})" if x.get("member") and x["entered_for"] else \
            x.get("member") or _by(x)
        row(row="entry", seq=x["seq"], standard=x["standard"], decision=x["outcome"], at=_when(x),
            by=by, status=status, concerns=_ref_text(concerns) if x["kind"] in
            ("dissent", "retraction") else "", text=x["text"] or x["summary"])
    if rec["sign_off"]:
        so = rec["sign_off"]
        row(row="sign-off", seq=so["seq"], decision=OUTCOME_WORDS["sign-off"], at=_when(so), by=_by(so))
    for x in rec.get("kept_aside", []):  # outside the chain: no seq, the reason it was kept aside as its status
        row(row="kept-aside", decision=x["summary"], at=x["kept_at"], by=x["by"],
            status=f"kept aside: {x['reason']}; {_dismissed_text(x)}", text=x["text"] or x["summary"])
    return buf.getvalue()


def render(rec: dict[str, Any], fmt: str) -> str:
    return {"md": to_markdown, "html": to_html, "csv": to_csv}[fmt](rec)
