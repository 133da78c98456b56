"""What the audit screen's tables and detail panes show: cells, sort orders and the full texts.

Kept apart from the screen (which only fills widgets) so a column's content and a sort order can
be read in one place. Who and when come first in the decisions table (date, chair, by), so at
80 columns they show without scrolling; long texts are cut in the tables and given in full in the
detail panes below them. Every mark has a word or symbol (✓ ✗ ▲ ▼ ⚑ ⚠), never colour alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rich.text import Text

from panel_tui.core.audit import Row
from panel_tui.core.display import one_line, status_mark
from panel_tui.core.people import Register
from panel_tui.widgets.safe import para, plain

# The Sessions table at 80 columns: Session (cut in the middle) and Log (its start) narrow enough
# that Signed, Score and Overall ("Requires improvement") show beside them without scrolling:
# 17 + 20 + 6 + 5 + 20, a cell's padding of 2 each, and 2 for the scrollbar make 80. A wider
# screen shares its extra columns between the two, up to WIDEST each. The pane below the table
# gives both in full; the columns after Overall are a scroll away.
SESSION_WIDTH = 17
LOG_WIDTH = 20
WIDEST = 40


def cut_widths(screen_width: int) -> tuple[int, int]:
    """The Session and Log columns' widths on a screen this wide."""
    spare = max(0, screen_width - 80)
    return min(WIDEST, SESSION_WIDTH + spare // 2), min(WIDEST, LOG_WIDTH + spare - spare // 2)


_FILE_AND_PLACE = re.compile(r"^(unreadable: )[^:\n]{1,200}?\.(?:toml|csv|xlsx): (?:line \d+(?:, column \d+)?: )?")
SESSION_COLUMNS = (
    "Session",
    "Log",
    "Signed",
    "Score",
    "Overall",
    "Fieldwork",
    "Lead",
    "Service",
    "Framework",
    "Kept aside",
    "Accepted rewrites",
)
DECISION_COLUMNS = (
    "Date",
    "Chair",
    "By",
    "Session",
    "#",
    "Kind",
    "Status",
    "Std",
    "From",
    "To",
    "Dir",
    "Flags",
    "Outside",
)


SESSION_VIEWS = [
    ("✗ not counted (log or history fails)", "broken"),
    ("⚑ with entries kept aside", "kept"),
    ("accepted rewrites on the record", "accepted"),
]


def session_shown(s: Any, view: Any) -> bool:
    """Does the Sessions tab's "Show" choice keep this session?"""
    if view == "broken":
        return not s.counted
    if view == "kept":
        return bool(s.kept_aside)
    if view == "accepted":
        return bool(s.accepted_rewrites)
    return True


def log_ok(s: Any) -> bool:
    return bool(s.log_status.startswith(("intact", "no log")))


def _score(s: Any) -> int:
    return s.score if s.score is not None else -1


# The Sessions table's orders, in the order ``s`` steps through them: (key, words, sort key).
SESSION_SORTS: list[tuple[str, str, Callable[[Any], Any]]] = [
    ("session", "session", lambda s: s.path),
    ("log", "log status, ✗ first", lambda s: (log_ok(s), s.log_status, s.path)),
    ("score", "score, lowest first", lambda s: (_score(s), s.path)),
    ("fieldwork", "fieldwork date", lambda s: (s.fieldwork or "", s.path)),
    ("signed", "not signed off first", lambda s: (s.signed_off, s.path)),
]
COLUMN_SORTS = {"Session": "session", "Log": "log", "Score": "score", "Fieldwork": "fieldwork", "Signed": "signed"}


def sort_words(key: str) -> str:
    return next(words for k, words, _ in SESSION_SORTS if k == key)


def sorted_sessions(sessions: list[Any], key: str) -> list[Any]:
    how = next(fn for k, _, fn in SESSION_SORTS if k == key)
    return sorted(sessions, key=how)


def middle(text: str, width: int) -> str:
    """One line of user text cut in the middle with "…" to ``width``: a path keeps its start (the
    archive's year or region) and more of its end (the session's own folder)."""
    s = one_line(text)
    if len(s) <= width:
        return s
    head = max(0, (width - 1) // 3)
    return s[:head] + "…" + s[len(s) - (width - 1 - head) :]


def short_problem(status: str) -> str:
    """A log status as the table shows it: the fix left to the pane, and an unreadable file's name
    and line too, so the problem itself comes first ("unreadable: inspection file is nested…")."""
    text = status.split(" Fix: ", 1)[0]
    return _FILE_AND_PLACE.sub(r"\1", text)


def session_cells(s: Any, status: str, widths: tuple[int, int] = (SESSION_WIDTH, LOG_WIDTH)) -> list[Text]:
    """One Sessions row; ``status`` is the log status without the session's own folder; ``widths``
    the Session and Log columns' (cut_widths)."""
    ok = log_ok(s)
    return [
        plain(middle(s.path, widths[0])),
        plain(one_line(("✓ " if ok else "✗ ") + short_problem(status), widths[1]), "" if ok else "bold"),
        Text("✓ yes" if s.signed_off else "– no"),
        Text(f"{s.score}/{s.max_score}" if s.score is not None else "—"),
        plain(s.overall or "—"),
        plain(s.fieldwork or "—"),
        plain(s.lead_inspector or "—"),
        plain(s.service or "—"),
        plain(s.framework or "—"),
        Text(f"⚑ {s.kept_aside}" if s.kept_aside else "–"),
        plain(one_line(f"{len(s.accepted_rewrites)}: {s.accepted_rewrites[0]}", 30) if s.accepted_rewrites else "–"),
    ]


def session_detail(s: Any) -> Text:
    """The whole of a session's log status (the table cuts it), and what else the table abbreviates."""
    ok = log_ok(s)
    t = plain(f"{s.path}: {s.service or '—'}, fieldwork {s.fieldwork or '—'}, lead {s.lead_inspector or '—'}", "bold")
    t.append("\nLog: " + ("✓ " if ok else "✗ "))
    t.append_text(para(s.log_status))
    if not ok:
        t.append("\n✗ Not counted: its rows and figures are left out until it verifies.")
    if s.score is not None:
        t.append(f"\nScore: {s.score}/{s.max_score} ")
        t.append_text(plain(s.overall or ""))
        t.append(", ✓ signed off" if s.signed_off else ", – not signed off")
    if s.kept_aside or getattr(s, "kept_aside_dismissed", 0):
        t.append(f"\n⚑ Kept aside: {s.kept_aside} pending, {getattr(s, 'kept_aside_dismissed', 0)} dismissed")
    for r in s.accepted_rewrites:
        t.append("\nAccepted rewrite: ")
        t.append_text(para(r))
    return t


def meeting_date(d: Row) -> str:
    """The day of the meeting the entry belongs to (the core's meeting date when it gives one, else
    the day it was decided, else the day it was entered)."""
    when = d.get("meeting_date") or d.get("decided_at") or d.get("at") or ""
    return str(when)[:10]


def status_text(d: Row) -> Text:
    """A row's status in words with its symbol (and a proposal's outcome), never colour alone."""
    word = d["status"]
    label = status_mark(f"retracted by {d['retracted_by']}" if word == "retracted" else word)
    if d["outcome"]:
        label += ", " + status_mark(d["outcome"])
    return Text(label, style="" if word == "stands" else "dim")


def concerns_text(d: Row) -> str:
    if d["kind"] not in ("retraction", "dissent"):
        return ""
    if d["concerns"] is None:
        return "the panel's conclusions generally"
    return f"entry {d['concerns']} ({d['concerns_kind']}" + (f", {d['standard']})" if d["standard"] else ")")


def _person(value: Any, register: Register) -> str:
    return register.canonical(value) if isinstance(value, str) else "—"


def decision_cells(d: Row, register: Register) -> list[Text]:
    dim = "" if d["status"] == "stands" else "dim"
    return [
        plain(meeting_date(d), dim),
        plain(one_line(_person(d.get("chair"), register), 18), dim),
        plain(one_line(_person(d["by"], register), 18), dim),
        plain(middle(d["session"], 24), dim),
        plain(d["seq"], dim),
        plain(d["kind"], dim),
        status_text(d),
        plain(d["standard"] or "—", dim),
        plain(d["from"] or "", dim),
        plain(d["to"] or "", dim),
        Text({"uplift": "▲ up", "lowering": "▼ down"}.get(d["direction"] or "", "–"), style=dim),
        plain(", ".join(map(str, d["flags"])), dim),
        Text("⚠ yes" if d["outside_criteria"] else ""),
    ]


def decision_detail(d: Row, register: Register) -> Text:
    what = f"{d['kind']} on {d['standard']} ({d['from']} → {d['to']})" if d["from"] is not None else d["kind"]
    t = plain(f"{d['session']} entry {d['seq']}: {what}", "bold")
    t.append("\nStatus: ")
    t.append_text(status_text(d))
    if d["outcome"] and d["answered_by"] is not None:
        t.append(f" (answered by entry {d['answered_by']})")
    t.append("\n")
    who = [
        f"meeting {meeting_date(d) or '—'}",
        f"chair {_person(d.get('chair'), register)}",
        f"by {_person(d['by'], register)}",
    ]
    if isinstance(d["by"], str) and register.canonical(d["by"]) != d["by"]:
        who[-1] += f" (recorded as {d['by']!r})"
    if d.get("entered_by"):
        who.append(f"entered by {d['entered_by']}")
    t.append_text(plain("; ".join(who)))
    if d["kind"] in ("retraction", "dissent"):
        lead = f"{d['member']} dissents from " if d["kind"] == "dissent" else "Retracts "
        t.append("\n")
        t.append_text(plain(lead + concerns_text(d)))
    t.append("\n")
    if d["lowest_percent"] is not None:
        t.append(f"Evidence: lowest {d['lowest_percent']}%" + (f" of {d['cases']} cases" if d["cases"] else "") + "\n")
    t.append("Reason: " if d["kind"] in ("retraction", "dissent", "declined") else "Rationale: ")
    if d["rationale"]:
        t.append_text(para(d["rationale"]))
    else:  # never a bare label: say why there is nothing
        as_proposed = d["kind"] == "ratification" and d["from"] == d["to"]
        t.append("— (ratified as proposed)" if as_proposed else "— (none recorded)")
    if d.get("other_evidence"):
        t.append("\nOther evidence: ")
        t.append_text(para(d["other_evidence"]))
    return t
