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

from panel_tui.core.display import visible
from panel_tui.core.engine import StandardResult, pct_text
from panel_tui.core.errors import InputError
from panel_tui.core.session import load_session

RECORD_FORMAT = "panel-tui/record/1"


def evidence_text(s: StandardResult, small: int) -> str:
    """The lowest key question's figure with its base."""
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


def build_record(path: Path | str) -> dict[str, Any]:
    session = load_session(path)
    if session.log_problem:
        raise InputError(session.log_path, None, f"the decision log does not verify, so no record is exported: "
                                                 f"{session.log_problem}", "run panel-tui verify and resolve it first.")
    r, insp, st = session.rating, session.inspection, session.log
    small = r.framework.discretion.small_sample_cases
    standing = {}
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
                "seq": e["seq"], "kind": e["kind"], "by": e.get("by"), "at": e.get("at"),
                "rationale": e.get("rationale", e.get("reason")), "other_evidence": e.get("other_evidence"),
                "outside_reason": e.get("outside_reason"), "from": e.get("from", e.get("band")),
                "to": e.get("to", e.get("band"))},
        })
    dissents = [e for e in (st.entries if st else []) if e["kind"] == "dissent" and st and e["seq"] not in st.retracted]
    return {
        "format": RECORD_FORMAT, "service": insp.service, "framework": r.framework.id, "fieldwork": insp.fieldwork,
        "published": insp.published, "lead_inspector": insp.lead_inspector, "source": insp.source,
        "attendance": None if not (st and st.attendance) else {"chair": st.attendance.get("chair"),
                                                             "members": st.attendance.get("members", [])},
        "decisions_recorded": st is not None and bool(st.entries),
        "signed_off": bool(st and st.signed_off), "sign_off_seq": st.sign_off_seq if st else None,
        "standards": standards,
        "dissents": [{"seq": e["seq"], "member": e.get("member"), "about": e.get("about"), "reason": e.get("reason")}
                     for e in dissents],
        "computed_score": r.computed_score, "computed_overall": r.computed_overall,
        "score": r.score, "max_score": r.max_score, "overall": r.overall,
        "entries": len(st.entries) if st else 0, "head": st.head if st and st.entries else None,
    }


# --- Markdown ------------------------------------------------------------------------------

def md(text: Any) -> str:
    """User text for Markdown: control characters visible, Markdown and HTML syntax escaped."""
    s = visible(str(text), keep_newlines=True)
    out = []
    for ch in s:
        out.append("\\" + ch if ch in "\\`*_{}[]<>|~" else ch)
    return "".join(out).replace("\n", "<br>") if "\n" in s else "".join(out)


def to_markdown(rec: dict[str, Any]) -> str:
    lines = [f"# Ratings panel record: {md(rec['service'])}", ""]  # generated text is not escaped
    lines.append(f"- Framework: {rec['framework']}; fieldwork {rec['fieldwork']}"
                 + (f"; published {rec['published']}" if rec["published"] else ""))
    if rec["lead_inspector"]:
        lines.append(f"- Lead inspector: {md(rec['lead_inspector'])}")
    att = rec["attendance"]
    if att:
        lines.append(f"- Panel: chair {md(att['chair'])}; members {', '.join(md(m) for m in att['members']) or 'none'}")
    lines.append(f"- Overall: **{rec['score']} of {rec['max_score']}, {rec['overall']}**"
                 f" (computed {rec['computed_score']} of {rec['max_score']}, {rec['computed_overall']})")
    if not rec["decisions_recorded"]:
        lines.append("- **No decisions recorded**: the ratings below are computed from the inspection alone.")
    else:
        lines.append(f"- Log: {rec['entries']} entries, {'signed off' if rec['signed_off'] else 'NOT signed off'}; "
                     f"head hash `{rec['head']}`")
    lines += ["", "## Ratings", "", "| Standard | Name | Evidence (lowest key question) | Computed | Final | Flags |",
              "|---|---|---|---|---|---|"]
    for s in rec["standards"]:
        final = s["final"] if s["final"] == s["computed"] else f"**{s['final']}**"
        name = s["name"] + ("" if s["counted"] else " (not counted)")
        lines.append(f"| {s['id']} | {name} | {s['evidence']} | {s['computed']} | {final} | "
                     f"{', '.join(s['flags']) or '—'} |")
    lines += ["", "## Decisions", ""]
    any_decision = False
    for s in rec["standards"]:
        d = s["decision"]
        if not d:
            continue
        any_decision = True
        head = {"discretion": "Professional discretion", "declined": "Considered, band kept",
                "ratification": "Ratified"}.get(d["kind"], d["kind"])
        lines.append(f"### {s['id']} {s['name']}: {head} ({d['from']} → {d['to']})")
        lines.append("")
        lines.append(f"Evidence: {s['evidence']}. Flags: {', '.join(s['flags']) or 'none'}.")
        for reason in s["reasons"]:
            lines.append(f"- {md(reason)}")
        if d["rationale"]:
            lines += ["", f"Rationale: {md(d['rationale'])}"]
        if d["other_evidence"]:
            lines += ["", f"Other compelling evidence: {md(d['other_evidence'])}"]
        if d["outside_reason"]:
            lines += ["", f"Outside the discretion criteria: {md(d['outside_reason'])}"]
        lines += ["", f"Entry {d['seq']}, by {md(d['by'])}, {md(d['at'])}.", ""]
    if not any_decision:
        lines.append("No decisions recorded.")
    for x in rec["dissents"]:
        lines += ["", f"Dissent (entry {x['seq']}) by {md(x['member'])}: {md(x['reason'])}"]
    lines.append("")
    return "\n".join(lines)


# --- HTML ----------------------------------------------------------------------------------

def h(text: Any) -> str:
    return html.escape(visible(str(text), keep_newlines=True)).replace("\n", "<br>")


CSS = """body{font-family:Georgia,serif;max-width:60rem;margin:2rem auto;color:#111;line-height:1.4}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:.25rem .5rem;text-align:left;
vertical-align:top}th{background:#eee}.changed{font-weight:bold}code{word-break:break-all}
@media print{body{margin:0;max-width:none}h2,h3{page-break-after:avoid}tr{page-break-inside:avoid}}"""


def to_html(rec: dict[str, Any]) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>Ratings panel record: {h(rec['service'])}</title>", f"<style>{CSS}</style></head><body>",
           f"<h1>Ratings panel record: {h(rec['service'])}</h1>", "<ul>",
           f"<li>Framework {h(rec['framework'])}; fieldwork {h(rec['fieldwork'])}"
           + (f"; published {h(rec['published'])}" if rec["published"] else "") + "</li>"]
    if rec["lead_inspector"]:
        out.append(f"<li>Lead inspector: {h(rec['lead_inspector'])}</li>")
    if rec["attendance"]:
        att = rec["attendance"]
        out.append(f"<li>Panel: chair {h(att['chair'])}; members {h(', '.join(att['members']) or 'none')}</li>")
    out.append(f"<li>Overall: <strong>{rec['score']} of {rec['max_score']}, {h(rec['overall'])}</strong> "
               f"(computed {rec['computed_score']} of {rec['max_score']}, {h(rec['computed_overall'])})</li>")
    if not rec["decisions_recorded"]:
        out.append("<li><strong>No decisions recorded</strong>: ratings computed from the inspection alone.</li>")
    else:
        out.append(f"<li>Log: {rec['entries']} entries, {'signed off' if rec['signed_off'] else 'NOT signed off'}; "
                   f"head hash <code>{h(rec['head'])}</code></li>")
    out += ["</ul>", "<h2>Ratings</h2>", "<table><tr><th>Standard</th><th>Name</th><th>Evidence (lowest key question)"
            "</th><th>Computed</th><th>Final</th><th>Flags</th></tr>"]
    for s in rec["standards"]:
        changed = s["final"] != s["computed"]
        final = f'<span class="changed">{h(s["final"])} (changed)</span>' if changed else h(s["final"])
        out.append(f"<tr><td>{h(s['id'])}</td><td>{h(s['name'])}{'' if s['counted'] else ' (not counted)'}</td>"
                   f"<td>{h(s['evidence'])}</td><td>{h(s['computed'])}</td><td>{final}</td>"
                   f"<td>{h(', '.join(s['flags']) or '—')}</td></tr>")
    out += ["</table>", "<h2>Decisions</h2>"]
    shown = False
    for s in rec["standards"]:
        d = s["decision"]
        if not d:
            continue
        shown = True
        out.append(f"<h3>{h(s['id'])} {h(s['name'])}: {h(d['kind'])} ({h(d['from'])} → {h(d['to'])})</h3>")
        out.append(f"<p>Evidence: {h(s['evidence'])}. Flags: {h(', '.join(s['flags']) or 'none')}.</p>")
        if s["reasons"]:
            out.append("<ul>" + "".join(f"<li>{h(x)}</li>" for x in s["reasons"]) + "</ul>")
        for label, key in (("Rationale", "rationale"), ("Other compelling evidence", "other_evidence"),
                           ("Outside the discretion criteria", "outside_reason")):
            if d[key]:
                out.append(f"<p><strong>{label}:</strong> {h(d[key])}</p>")
        out.append(f"<p>Entry {d['seq']}, by {h(d['by'])}, {h(d['at'])}.</p>")
    if not shown:
        out.append("<p>No decisions recorded.</p>")
    for x in rec["dissents"]:
        out.append(f"<p><strong>Dissent</strong> (entry {x['seq']}) by {h(x['member'])}: {h(x['reason'])}</p>")
    out.append("</body></html>\n")
    return "\n".join(out)


# --- CSV -----------------------------------------------------------------------------------

def to_csv(rec: dict[str, Any]) -> str:
    """One row per standard; every cell through the spreadsheet guard (formula prefix, visible controls)."""
    from panel_tui.core.outputs import spreadsheet_safe

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["service", "framework", "standard", "name", "counted", "evidence", "computed", "final", "flags",
                "decision", "decision_seq", "by", "rationale", "score", "max_score", "overall", "head"])
    for s in rec["standards"]:
        d = s["decision"] or {}
        row = [rec["service"], rec["framework"], s["id"], s["name"], s["counted"], s["evidence"],
               s["computed"], s["final"], ";".join(s["flags"]), d.get("kind", "no decisions recorded"
               if not rec["decisions_recorded"] else ""), d.get("seq", ""), str(d.get("by") or ""),
               str(d.get("rationale") or ""), rec["score"], rec["max_score"], rec["overall"], rec["head"] or ""]
        w.writerow([spreadsheet_safe(c) for c in row])
    return buf.getvalue()


def render(rec: dict[str, Any], fmt: str) -> str:
    return {"md": to_markdown, "html": to_html, "csv": to_csv}[fmt](rec)
