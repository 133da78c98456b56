"""The meeting's agenda: what each standard still needs from the panel.

Shared by the app (status column, ``n`` for next), sign-off and the audit, so "needs the panel"
means the same everywhere: a judgement standard not yet ratified, or a flagged case-based
standard with no standing discretion or declined entry.
"""

from __future__ import annotations

from panel_tui.core.engine import Rating, StandardResult
from panel_tui.core.log import LogState

NEEDS_PANEL = "needs the panel"
TO_RATIFY = "to ratify"
PROPOSED = "proposed"
DECIDED = "decided"
DECLINED = "declined"
RATIFIED = "ratified"
NOTHING = "nothing needed"
NOT_RATED = "not rated"
AWAITING_FIGURES = "awaiting figures"
AWAITING_PROPOSAL = "awaiting proposal"


def status(state: LogState | None, s: StandardResult) -> str:
    if s.not_rated:
        return NOT_RATED
    if s.awaiting:  # nothing for the panel until the figures or the proposal are in
        return AWAITING_FIGURES if s.kind == "cases" else AWAITING_PROPOSAL
    ok = state is not None and state.problem is None
    if s.kind == "judgement":
        return RATIFIED if ok and s.id in state.ratified else TO_RATIFY  # type: ignore[union-attr]
    if ok and s.id in state.panel:  # type: ignore[union-attr]
        return DECIDED if state.panel[s.id]["kind"] == "discretion" else DECLINED  # type: ignore[union-attr]
    if not s.flags:
        return NOTHING
    if ok and s.id in state.proposals:  # type: ignore[union-attr]
        return PROPOSED
    return NEEDS_PANEL


def needs_panel(state: LogState | None, s: StandardResult) -> bool:
    return status(state, s) in (NEEDS_PANEL, TO_RATIFY, PROPOSED)


def to_ratify(state: LogState | None, rating: Rating) -> list[str]:
    """Judgement standards still to ratify, in the framework's order (for "ratify all as proposed")."""
    return [s.id for s in rating.standards if s.kind == "judgement" and status(state, s) == TO_RATIFY]


def agenda(state: LogState | None, rating: Rating) -> list[str]:
    """Standard ids still needing the panel, in the framework's order."""
    return [s.id for s in rating.standards if needs_panel(state, s)]


def next_on_agenda(state: LogState | None, rating: Rating, after: str | None) -> str | None:
    """The next standard needing the panel after ``after`` (wrapping), or None when all done."""
    items = agenda(state, rating)
    if not items:
        return None
    ids = [s.id for s in rating.standards]
    start = ids.index(after) if after in ids else -1
    for sid in ids[start + 1 :] + ids[: start + 1]:
        if sid in items:
            return sid
    return None
