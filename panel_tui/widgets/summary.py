"""The session header: who, which rules, the live score, and whether the log can be trusted."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.widgets import Static
from textual.worker import get_current_worker

from panel_tui.core.display import local_time
from panel_tui.core.session import Session
from panel_tui.widgets.safe import plain


def summary_text(session: Session, sync: str | None = None) -> Text:
    r, insp = session.rating, session.inspection
    t = Text()
    t.append_text(plain(insp.service, "bold"))
    t.append(f" · {r.framework.id} · fieldwork {insp.fieldwork}")
    if sync:  # issue 14: where this session stands against the shared repository (a word, not a colour)
        t.append(f" · ⇅ {sync}")
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
        seal = state.entry(state.sign_off_seq) if state.sign_off_seq else None
        t.append("🔒 SIGNED OFF", style="bold")
        if seal is not None:  # who sealed it and when, on the meeting's clock (the name is user text)
            t.append(" by ", style="bold")
            t.append_text(plain(seal.get("by", ""), "bold"))
            t.append(f", {local_time(seal.get('at', ''), r.framework.panel.timezone)}", style="bold")
        t.append(f" (entry {state.sign_off_seq}) — read-only", style="bold")
    else:
        n = len(state.entries)
        t.append(f"✓ log intact, {n} entr{'y' if n == 1 else 'ies'}, open")
        members = len((state.attendance or {}).get("members", []))
        needed = r.framework.panel.quorum_members
        if state.attendance is not None and members < needed:  # a word and a symbol, never colour alone
            t.append(f" · ⚠ INQUORATE ({members} of {needed} members)", style="bold reverse")
    return t


FETCH_EVERY = 60.0  # seconds between the header's quiet fetches, so ahead/behind is true


class SessionSummary(Static):
    """Two lines at the top of the meeting screen.

    The sync state against the shared repository comes from a thread worker: reading it runs git
    (10-25 ms), which the first screen and every recorded entry would otherwise wait for. Until
    it is known the header says "⇅ …"; the last state known stays shown while it is read again.
    Every minute a worker fetches quietly (nothing said when offline), so "2 ahead" never hides
    that the remote has moved on. Entries a replay kept aside show as "⚑ N kept aside".
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session: Session | None = None
        self.sync: str | None = None  # the last sync state read (None: not read yet)
        self._asked = self._answered = 0  # reads of the sync state started / whose answer is shown

    def show(self, session: Session) -> None:
        self._session = session
        self.update(summary_text(session, self.sync or "…"))
        self._asked += 1
        # after the screen is painted: importing git support and running git would hold the GIL
        # while the first screen is drawn
        self.call_after_refresh(self._read_sync, session, self._asked)

    def on_mount(self) -> None:
        self.set_interval(FETCH_EVERY, self.fetch_now)

    def fetch_now(self) -> None:
        if self._session is not None:
            self._fetch(self._session)

    @work(thread=True, exclusive=True, group="git-fetch")
    def _fetch(self, session: Session) -> None:
        from panel_tui.core.gitstore import fetch_quietly

        if fetch_quietly(session.dir) and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._refetched, session)

    def _refetched(self, session: Session) -> None:
        if session is self._session:
            self.show(session)

    def is_running_sync(self) -> bool:
        """Whether the latest read of the sync state is still under way (tests wait on it)."""
        return self._answered != self._asked

    @work(thread=True, exclusive=True, group="sync-state")
    def _read_sync(self, session: Session, asked: int) -> None:
        from panel_tui.core.gitstore import sync_state  # read from the last fetch, no network

        from panel_tui.core.kept_aside import load_kept_aside, pending_count

        state = sync_state(session.dir, short=True)
        aside, problem = load_kept_aside(session.dir)
        pending = pending_count(aside, session.log)[0]
        if pending or problem:  # a word and a symbol, never colour alone; dismissed ones are dealt with
            state += f" · ⚑ {pending} kept aside" + (" (one changed!)" if problem else "")
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._got_sync, session, state, asked)

    def _got_sync(self, session: Session, state: str, asked: int) -> None:
        if asked != self._asked:  # a later read is under way: its answer is the one to show
            return
        self.sync, self._answered = state, asked
        if session is self._session:
            self.update(summary_text(session, state))
