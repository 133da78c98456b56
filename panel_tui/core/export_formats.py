"""Writing the panel record: Markdown and HTML from its blocks, CSV from its rows.

Every piece of text goes through an escape that shows it as typed (control characters visible,
no markup, no link a renderer would make of it, no spreadsheet formula), since a record's words come
from the people in the meeting and from files received from elsewhere.
"""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from panel_tui.core.display import OUTCOME_WORDS, visible
from panel_tui.core.export_blocks import _by, _dismissed_text, _ref_text, _when, blocks

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
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Ratings panel record: {h(rec['service'])}</title>",
        f"<style>{CSS}</style></head><body>",
    ]
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

CSV_COLUMNS = [
    "row",
    "service",
    "framework",
    "standard",
    "name",
    "counted",
    "evidence",
    "computed",
    "final",
    "flags",
    "decision",
    "decision_seq",
    "seq",
    "at",
    "by",
    "status",
    "concerns",
    "text",
    "score",
    "max_score",
    "overall",
    "head",
    "superseded_by",
    "retracted_by",
    "other_evidence",
    "outside_reason",
    "case_rationale",
    "case_evidence",
]


def to_csv(rec: dict[str, Any]) -> str:
    """A row per standard ("standard"), then a row per entry ("entry") and the sign-off ("sign-off");
    every cell through the spreadsheet guard (formula prefix, visible controls)."""
    from panel_tui.core.outputs import spreadsheet_safe

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    common = {
        "service": rec["service"],
        "framework": rec["framework"],
        "score": rec["score"],
        "max_score": rec["max_score"],
        "overall": rec["overall"],
        "head": rec["head"] or "",
    }

    def row(**cells: Any) -> None:
        values = {**common, **cells}
        w.writerow([spreadsheet_safe("" if values.get(c) is None else values.get(c)) for c in CSV_COLUMNS])

    for s in rec["standards"]:
        d = s["decision"] or {}
        row(
            row="standard",
            standard=s["id"],
            name=s["name"],
            counted=s["counted"],
            evidence=s["evidence"],
            computed=s["computed"],
            final=s["final"],
            flags=";".join(s["flags"]),
            decision=d.get("outcome", "" if rec["decisions_recorded"] else "No decisions recorded"),
            decision_seq=d.get("seq"),
            at=_when(d) if d else None,
            by=_by(d) if d else None,
            text=d.get("rationale"),
            case_rationale=(s.get("case") or {}).get("rationale"),
            case_evidence=(s.get("case") or {}).get("evidence"),
        )
    for x in rec["entries_list"]:
        concerns = x.get("about") or x.get("retracts")
        by = (
            f"{x['member']} ({x['entered_for']})" if x.get("member") and x["entered_for"] else x.get("member") or _by(x)
        )
        words = dict(x["words"])
        row(
            row="entry",
            seq=x["seq"],
            standard=x["standard"],
            decision=x["outcome"],
            at=_when(x),
            by=by,
            status=x["fate"],
            concerns=_ref_text(concerns) if x["kind"] in ("dissent", "retraction") else "",
            text=x["text"] or x["summary"],
            superseded_by=x["superseded_by"],
            retracted_by=x["retracted_by"],
            other_evidence=words.get("Other compelling evidence"),
            outside_reason=words.get("Outside the discretion criteria"),
        )
    if rec["sign_off"]:
        so = rec["sign_off"]
        row(row="sign-off", seq=so["seq"], decision=OUTCOME_WORDS["sign-off"], at=_when(so), by=_by(so))
    for x in rec.get("kept_aside", []):  # outside the chain: no seq, the reason it was kept aside as its status
        row(
            row="kept-aside",
            decision=x["summary"],
            at=x["kept_at"],
            by=x["by"],
            status=f"kept aside: {x['reason']}; {_dismissed_text(x)}",
            text=x["text"] or x["summary"],
        )
    return buf.getvalue()
