"""The lead inspector's case for every standard, and what the panel made of it.

A case-based standard's case is a ``proposal`` entry in the log (``panel-tui propose``); a judgement
standard's is its proposed band in inspection.toml with the ``rationale`` and ``evidence`` the lead
inspector gives there (issue 24). One place says what each case is and how it was answered, so the
evidence pane, the forms and the exported record use the same words: ratifying as proposed answers
a judgement standard's case ("accepted"), ratifying another band answers it too ("changed").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from panel_tui.core.inspection import Inspection
from panel_tui.core.log import LogState


@dataclass(frozen=True)
class LeadCase:
    """``outcome``: pending, accepted or changed (judgement); the proposal's own outcome (case-based).
    ``answer``: the entry that answered it, if any."""

    standard: str
    proposed: str
    rationale: str | None
    evidence: str | None
    source: str  # "inspection.toml" or "entry N"
    outcome: str
    answer: dict[str, Any] | None = None

    def outcome_words(self) -> str:
        """ "ratified as proposed (entry N)", "changed to X (entry N): reason", "not yet answered"..."""
        a = self.answer
        if a is None:
            return "withdrawn" if self.outcome == "withdrawn" else "not yet answered by the panel"
        if self.outcome == "accepted":
            what = "ratified as proposed" if a["kind"] == "ratification" else "accepted"
            return f"{what} (entry {a['seq']})"
        if a["kind"] == "ratification":
            return f"changed to {a.get('to')} (entry {a['seq']}): {a.get('reason', '')}"
        return f"{self.outcome} (entry {a['seq']})"


def lead_case(insp: Inspection, state: LogState | None, sid: str) -> LeadCase | None:
    """The lead inspector's case on ``sid``, or None when there is none (a judgement standard with
    a proposed band but no rationale or evidence has a case only in its band: None too)."""
    sd = insp.standards.get(sid)
    if sd is not None and sd.proposed is not None:
        if sd.rationale is None and sd.evidence is None:
            return None
        answer = state.ratified.get(sid) if state is not None and state.problem is None else None
        outcome = "pending" if answer is None else ("accepted" if answer.get("to") == sd.proposed else "changed")
        return LeadCase(
            sid,
            sd.proposed,
            sd.rationale,
            sd.evidence,
            "inspection.toml",
            outcome,
            dict(answer) if answer is not None else None,
        )
    if state is None or state.problem is not None:
        return None
    p = state.proposals.get(sid)
    if p is None:
        return None
    answer = state.answer_to(p)
    return LeadCase(
        sid,
        str(p.get("to")),
        str(p.get("rationale") or "") or None,
        None,
        f"entry {p['seq']}",
        state.outcome_of(p),
        dict(answer) if answer is not None else None,
    )
