"""What the audit keeps: each session's facts, figures and rows, and the audit as a whole.

Nothing else is kept (no log, rating or inspection), so memory grows with the rows, not the logs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panel_tui.core.audit.rows import Row

# /3: rows' entered_by and decided_at; sessions' kept_aside and accepted_rewrites. /4: rows' chair,
# meeting_date, superseded_by, outside_reason; sessions' chair and meeting_date; the year and chair figures
# /5: sessions' same_record_as; log_status words "one record in two places: …", "no inspection: …",
# "log deleted: …", and "history not checked (…)" (no longer counted as intact)
AUDIT_FORMAT = "panel-tui/audit/5"

# A session's keys in ``audit --json`` (and the columns of sessions.csv), in this order.
SESSION_KEYS = (
    "path",
    "service",
    "framework",
    "fieldwork",
    "lead_inspector",
    "chair",
    "meeting_date",
    "score",
    "max_score",
    "overall",
    "signed_off",
    "log_status",
    "kept_aside",
    "kept_aside_dismissed",
    "accepted_rewrites",
    "same_record_as",
)


@dataclass(slots=True)
class SessionRecord:
    """What the audit keeps of one session: its facts, its figures and its rows (nothing else)."""

    path: str
    service: str | None = None
    framework: str | None = None
    fieldwork: str | None = None
    lead_inspector: str | None = None
    chair: str | None = None  # the chair of the attendance standing at the end of the log
    meeting_date: str | None = None  # the date of the log's first attendance, on the meeting's clock
    score: int | None = None
    max_score: int | None = None
    overall: str | None = None
    signed_off: bool = False
    log_status: str = "no log"
    kept_aside: int = 0  # entries a replay kept aside (decisions.refused.toml) still for the panel to settle
    kept_aside_dismissed: int = 0  # entries kept aside that a standing dismissal in the log dealt with
    accepted_rewrites: list[str] = field(default_factory=list)  # "<commit>: <reason>", accepted on the record
    same_record_as: str | None = None  # another session's path holding a log with the same [log] table
    record_key: str | None = None  # that table's inspection hash, framework and created (not output)
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
        """The fieldwork year."""
        return self.fieldwork[:4] if self.fieldwork else None

    @property
    def meeting_year(self) -> str | None:
        return self.meeting_date[:4] if self.meeting_date else None


@dataclass
class Audit:
    """Every session under ``root``, the rows of those whose logs verify, the figures, and the
    paths refused before reading (``"<path>: why"``)."""

    root: Path
    sessions: list[SessionRecord]
    decisions: list[Row]
    figures: dict[str, Any]
    refused: list[str]

    def session_docs(self) -> Iterator[dict[str, Any]]:
        yield from (s.json() for s in self.sessions)
        for p, _, why in (x.partition(": ") for x in self.refused):  # "<path>: why", or "<path> is not a folder"
            yield {
                **dict.fromkeys(SESSION_KEYS),
                "path": p,
                "signed_off": False,
                "log_status": f"unreadable: {why or p}",
            }

    def json(self) -> dict[str, Any]:
        return {
            "format": AUDIT_FORMAT,
            "root": str(self.root),
            "decisions": [d.json() for d in self.decisions],
            "sessions": list(self.session_docs()),
            "figures": self.figures,
        }

    def json_chunks(self) -> Iterator[str]:
        """The same document as :meth:`json`, as text a row or a session at a time (one a line)."""
        from panel_tui.core.audit.stream import JsonOut  # the writer needs this class: imported when used

        out = JsonOut(self.root)
        yield out.head()
        yield from (out.item(d.json()) for d in self.decisions)
        yield from out.tail(self)
