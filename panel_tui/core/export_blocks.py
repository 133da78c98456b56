"""The panel record laid out once, as blocks: headings, paragraphs, list items and tables.

Markdown and HTML (core/export_formats.py) only differ in how a block is written and how text is
escaped (all text is escaped: formatting comes from the block kinds alone), so the two say the same
words. The phrases shared with the CSV rows (who, when, what an entry concerns) live here too.
"""

from __future__ import annotations

from typing import Any

from panel_tui.core.display import OUTCOME_WORDS

Block = tuple[str, Any]  # ("h1"|"h2"|"h3"|"p"|"strong-p"|"li"|"code-p"|"table", payload)


def _ref_text(ref: dict[str, Any] | None) -> str:
    if not ref:
        return "the panel's conclusions generally"
    return f"entry {ref['seq']} ({OUTCOME_WORDS.get(ref['kind'], ref['kind']).lower()}" + (
        f", standard {ref['standard']})" if ref.get("standard") else ")"
    )


def _by(x: dict[str, Any]) -> str:
    """ "entered by X for Y" where someone else entered the entry, else who made it."""
    return str(x.get("entered_for") or x.get("by"))


def _entered(x: dict[str, Any]) -> str:
    """ "; entered by X for Y" to follow a sentence's other facts, or nothing."""
    return f"; {x['entered_for']}" if x.get("entered_for") else ""


def _when(x: dict[str, Any]) -> str:
    """The entry's time, with when it was decided for one a sync re-recorded (format 3)."""
    return str(x["at_local"]) + (f" (decided {x['decided_at_local']})" if x.get("decided_at_local") else "")


def blocks(rec: dict[str, Any]) -> list[Block]:
    out: list[Block] = [("h1", f"Ratings panel record: {rec['service']}")]
    facts = [
        f"Framework: {rec['framework']}; fieldwork {rec['fieldwork']}"
        + (f"; published {rec['published']}" if rec["published"] else "")
    ]
    if rec["lead_inspector"]:
        facts.append(f"Lead inspector: {rec['lead_inspector']}")
    att = rec["attendance"]
    if att:
        facts.append(f"Panel: chair {att['chair']}; members {', '.join(att['members']) or 'none'}")
    facts.append(f"Times are shown in the meeting's time zone ({rec['timezone']}); the log stores UTC.")
    out += [("li", f) for f in facts]
    out.append(
        (
            "strong-p",
            f"Overall: {rec['score']} of {rec['max_score']}, {rec['overall']} (computed "
            f"{rec['computed_score']} of {rec['max_score']}, {rec['computed_overall']})",
        )
    )
    if not rec["decisions_recorded"]:
        out.append(("strong-p", "No decisions recorded: the ratings below are computed from the inspection alone."))
    else:
        so = rec["sign_off"]
        out.append(
            (
                "p",
                f"Signed off by {so['by']} on {_when(so)} (entry {so['seq']}{_entered(so)})."
                if so
                else "NOT signed off: the record below is not final.",
            )
        )
        out.append(
            (
                "code-p",
                f"Log: {rec['entries']} entries; head hash {rec['head']} "
                "(check it with: panel-tui verify SESSION --head HASH)",
            )
        )
    out.append(("h2", "Ratings"))
    out.append(
        (
            "table",
            (
                ["Standard", "Name", "Evidence (lowest key question)", "Computed", "Final", "Flags"],
                [
                    [
                        s["id"],
                        s["name"] + ("" if s["counted"] else " (not counted)"),
                        s["evidence"],
                        s["computed"],
                        s["final"] + ("" if s["final"] == s["computed"] else " (changed)"),
                        ", ".join(s["flags"]) or "—",
                    ]
                    for s in rec["standards"]
                ],
            ),
        )
    )
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
        for label, key in (
            ("Rationale", "rationale"),
            ("Other compelling evidence", "other_evidence"),
            ("Outside the discretion criteria", "outside_reason"),
        ):
            if d[key]:
                out.append(("p", f"{label}: {d[key]}"))
        answers = f"; answers the proposal in entry {d['answers']}" if d.get("answers") else ""
        who = d["entered_for"] or f"by {d['by']}"
        out.append(("p", f"Entry {d['seq']}, {who}, {_when(d)}{answers}."))
    if not shown:
        out.append(("p", "No decisions recorded."))
    out += _cases(rec)
    out += _replaced(rec)
    if rec.get("paragraphs"):
        out.append(("h2", "Annex: the report's paragraphs"))
        out += [("p", text) for text in rec["paragraphs"]]
    if rec["proposals"]:
        out.append(("h2", "Proposals and what became of them"))
        for x in rec["proposals"]:
            answered = f" by entry {x['answered_by']}" if x["answered_by"] else ""
            entered = f" ({x['entered_for']})" if x["entered_for"] else ""
            fate = f"; {x['fate']}" if x["retracted_by"] or x["superseded_by"] else ""
            out.append(
                (
                    "li",
                    f"Entry {x['seq']}: {x['standard']} to {x['to']}, proposed by {x['by']}{entered} on "
                    f"{_when(x)}: {x['outcome_of_proposal']}{answered}{fate}. Case: {x['text']}"
                    + "".join(
                        f" {label}: {text}" for label, text in x["words"] if label not in ("Rationale", "Reason")
                    ),
                )
            )
    if rec["dissents"]:
        out.append(("h2", "Dissents"))
        for x in rec["dissents"]:
            out.append(
                (
                    "li",
                    f"Entry {x['seq']}: {x['member']} dissents from {_ref_text(x['about'])} "
                    f"({_when(x)}{_entered(x)}): {x['text']}",
                )
            )
    if rec["retractions"]:
        out.append(("h2", "Retractions"))
        for x in rec["retractions"]:
            entered = f" ({x['entered_for']})" if x["entered_for"] else ""
            out.append(
                (
                    "li",
                    f"Entry {x['seq']}: {x['by']}{entered} retracted {_ref_text(x['retracts'])} on "
                    f"{_when(x)}. Reason: {x['text']}",
                )
            )
    if rec.get("kept_aside"):
        out.append(("h2", "Entries kept aside for the panel (outside the log's chain)"))
        for x in rec["kept_aside"]:
            out.append(
                (
                    "li",
                    f"{x['summary']}, by {x['by']}, kept aside {x['kept_at']}: {x['reason']}. "
                    f"Text: {x['text']} — now {_dismissed_text(x)}",
                )
            )
    if rec["entries_list"]:
        out.append(("h2", "Every entry, in order"))
        out.append(
            (
                "table",
                (
                    ["Entry", "Time", "What", "Standard", "By", "Status"],
                    [
                        [str(x["seq"]), _when(x), x["outcome"], x["standard"] or "—", _by(x), x["fate"]]
                        for x in rec["entries_list"]
                    ],
                ),
            )
        )
    return out


def _cases(rec: dict[str, Any]) -> list[Block]:
    """The lead inspector's case for each judgement standard (inspection.toml: rationale and
    evidence) and how the panel answered it; case-based proposals have their own section."""
    cases = [s for s in rec["standards"] if s.get("case")]
    if not cases:
        return []
    out: list[Block] = [("h2", "The lead inspector's case for the judgement standards")]
    for s in cases:
        c = s["case"]
        out.append(("h3", f"{s['id']} {s['name']}: proposed {c['proposed']}, {c['outcome']}"))
        out += [
            ("p", f"{label}: {c[key]}")
            for label, key in (("Rationale", "rationale"), ("Evidence", "evidence"))
            if c[key]
        ]
    return out


def _replaced(rec: dict[str, Any]) -> list[Block]:
    """Every entry superseded or retracted (proposals have their own section), with every word it
    held and the entry that superseded or retracted it: the record loses nothing that was said."""
    replaced = rec.get("replaced") or []
    if not replaced:
        return []
    out: list[Block] = [("h2", "Superseded and retracted entries, in full")]
    for x in replaced:
        about = f" {x['standard']}" if x["standard"] else ""
        bands = (
            f" ({x['from']} → {x['to']})"
            if x["kind"] in ("discretion", "ratification")
            else (f" (kept {x['from']})" if x["kind"] == "declined" else "")
        )
        out.append(("h3", f"Entry {x['seq']}:{about} {x['outcome']}{bands}: {x['fate']}"))
        if x["kind"] == "dissent":
            out.append(("p", f"{x['member']} dissented from {_ref_text(x['about'])}."))
        elif x.get("detail"):
            out.append(("p", x["detail"]))
        out += [("p", f"{label}: {text}") for label, text in x["words"]]
        out.append(("p", f"Entry {x['seq']}, {x['entered_for'] or 'by ' + str(x['by'])}, {_when(x)}."))
    return out


def _dismissed_text(x: dict[str, Any]) -> str:
    """'dismissed by X (entry N): reason', or 'pending' for a kept-aside entry not yet dealt with."""
    d = x.get("dismissed")
    if not d:
        return "pending"
    return f"dismissed by {d['by']} (entry {d['seq']}, {_when(d)}{_entered(d)}): {d['reason']}"
