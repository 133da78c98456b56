"""The session header: who, which rules, the live score, and whether the log can be trusted."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from panel_tui.core.session import Session
from panel_tui.widgets.safe import plain


def summary_text(session: Session, sync: str | None = None) -> Text:
    r, insp = session.rating, session.inspection
    t = Text()
    t.append_text(plain(insp.service, "bold"))
    t.append(f"  ·  {r.framework.id}  ·  fieldwork {insp.fieldwork}")
    if sync:  # issue 14: where this session stands against the shared repository (a word, not a colour)
        t.append(f"  ·  ⇅ {sync}")
    t.append("\n")
    waiting = [s.id for s in r.standards if s.awaiting]
    if waiting:
        t.append(f"Incomplete: {len(waiting)} standard{'s' if len(waiting) != 1 else ''} awaiting figures or a proposal",
                 style="bold")
        t.append(f" (score so far {r.score}/{r.max_score}")
    else:
        t.append(f"Final {r.score}/{r.max_score} {r.overall}", style="bold")
        t.append(f" (computed {r.computed_score}/{r.max_score} {r.computed_overall}")
    if r.overall_flip_distance is not None:
        n = r.overall_flip_distance
        t.append(f", {n} answer{'s' if n != 1 else ''} from {r.overall_flip_to}")
    t.append(") · ")
    state = session.log
    if session.log_problem:
        t.append("✗ LOG DOES NOT VERIFY — read-only", style="bold reverse")
    elif state is None:
        t.append("no decisions yet")
    elif state.signed_off:
        t.append(f"🔒 SIGNED OFF (entry {state.sign_off_seq}) — read-only", style="bold")
    else:
        n = len(state.entries)
        t.append(f"✓ log intact, {n} entr{'y' if n == 1 else 'ies'}, open")
    return t


class SessionSummary(Static):
    """Two lines at the top of the meeting screen."""

    def show(self, session: Session) -> None:
        from panel_tui.core.gitstore import sync_state  # a few ms: read from the last fetch, no network

        self.update(summary_text(session, sync_state(session.dir, short=True)))
