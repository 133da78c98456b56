"""The session header: who, which rules, the live score, and whether the log can be trusted."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.widgets import Static
from textual.worker import get_current_worker

from panel_tui.core.display import local_time, one_line
from panel_tui.core.session import Session

Part = tuple[str, str]  # (text, style); user text is made visible before it is a part


def _line(variants: list[list[Part]], width: int | None) -> Text:
    """The fullest variant that fits ``width`` cells (all of them when no width is known), else the
    last one shortened at a word with "…": a line never wraps, so the header stays two lines."""
    from rich.cells import cell_len

    def text_of(parts: list[Part]) -> Text:
        t = Text()
        for text, style in parts:
            t.append(text, style=style)
        return t

    if width is None:
        return text_of(variants[0])
    for parts in variants:
        t = text_of(parts)
        if cell_len(t.plain) <= width:
            return t
    t = text_of(variants[-1])
    from panel_tui.core.display import at_word

    short = at_word(t.plain, width)
    t = t[: len(short) - 1]
    t.append("…")
    return t


def summary_text(session: Session, sync: str | None = None, width: int | None = None) -> Text:
    """The header's two lines, each fitted to ``width`` cells: at 80x24 it wrapped to four lines and
    hid three standards. Narrower, the words a chair can do without go first (the fieldwork date,
    the computed band's words, who signed off and when, "open"); the score, the log's state, the
    sync state and "INQUORATE" always stay."""
    r, insp = session.rating, session.inspection
    name = one_line(insp.service)
    sync_part: list[Part] = [(f" · ⇅ {sync}", "")] if sync else []  # issue 14: a word, not a colour
    first: list[list[Part]] = [
        [(name, "bold"), (f" · {r.framework.id} · fieldwork {insp.fieldwork}", ""), *sync_part],
        [(name, "bold"), (f" · {r.framework.id}", ""), *sync_part],
    ]
    if width is not None:  # the service's name shortened at a word, the sync state kept whole
        room = width - sum(len(t) for t, _ in sync_part)
        if room >= 12:
            from panel_tui.core.display import at_word

            first.append([(at_word(name, room), "bold"), *sync_part])
    waiting = [s.id for s in r.standards if s.awaiting]
    flip = ""
    if r.overall_flip_distance is not None:
        n = r.overall_flip_distance
        flip = f", {n} answer{'s' if n != 1 else ''} from {r.overall_flip_to}"
    if waiting:
        score: list[list[Part]] = [
            [
                (
                    f"Incomplete: {len(waiting)} standard{'s' if len(waiting) != 1 else ''} "
                    "awaiting figures or a proposal",
                    "bold",
                ),
                (f" (score so far {r.score}/{r.max_score}{flip})", ""),
            ],
            [(f"Incomplete: {len(waiting)} awaiting", "bold"), (f" ({r.score}/{r.max_score} so far)", "")],
        ]
    else:
        score = [
            [
                (f"Final {r.score}/{r.max_score} {r.overall}", "bold"),
                (f" (computed {r.computed_score}/{r.max_score} {r.computed_overall}{flip})", ""),
            ],
            [
                (f"Final {r.score}/{r.max_score} {r.overall}", "bold"),
                (f" (computed {r.computed_score}/{r.max_score}{flip})", ""),
            ],
            [(f"Final {r.score}/{r.max_score} {r.overall}", "bold")],
        ]
    log = _log_parts(session)
    # an open log's words ("open") go before the score's explanation; a sign-off's who and when
    # (the record's seal) stay longer than the computed score beside the final one
    sealed = session.log is not None and session.log.signed_off and not session.log_problem
    pairs = (
        [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1), (2, 2)]
        if sealed
        else [(0, 0), (0, 1), (1, 1), (0, 2), (1, 2), (2, 1), (2, 2)]
    )
    second = [score[i] + [(" · ", "")] + log[j] for i, j in pairs if i < len(score) and j < len(log)]
    t = _line(first, width)
    t.append("\n")
    t.append_text(_line(second, width))
    return t


def _log_parts(session: Session) -> list[list[Part]]:
    """Where the log stands, from the fullest wording to the shortest."""
    state, r = session.log, session.rating
    if session.log_problem:
        return [[("✗ LOG DOES NOT VERIFY — read-only", "bold reverse")]]
    if state is None:
        return [[("no decisions yet", "")]]
    if state.signed_off:
        seal = state.entry(state.sign_off_seq) if state.sign_off_seq else None
        full: list[Part] = [("🔒 SIGNED OFF", "bold")]
        if seal is not None:  # who sealed it and when, on the meeting's clock (the name is user text)
            full += [
                (
                    f" by {one_line(str(seal.get('by', '')))}, "
                    f"{local_time(seal.get('at', ''), r.framework.panel.timezone)}",
                    "bold",
                )
            ]
        tail = f" (entry {state.sign_off_seq}) — read-only"
        return [
            full + [(tail, "bold")],
            [("🔒 SIGNED OFF", "bold"), (tail, "bold")],
            [("🔒 SIGNED OFF — read-only", "bold")],
        ]
    n = len(state.entries)
    members = len((state.attendance or {}).get("members", []))
    needed = r.framework.panel.quorum_members
    warn: list[Part] = []
    if state.attendance is not None and members < needed:  # a word and a symbol, never colour alone
        warn = [(" · ", ""), (f"⚠ INQUORATE ({members} of {needed} members)", "bold reverse")]
    return [
        [(f"✓ log intact, {n} entr{'y' if n == 1 else 'ies'}, open", ""), *warn],
        [(f"✓ log intact, {n} entr{'y' if n == 1 else 'ies'}", ""), *warn],
        [(f"✓ {n} entr{'y' if n == 1 else 'ies'}", ""), *warn],
    ]


FETCH_EVERY = 60.0  # seconds between the header's quiet fetches, so ahead/behind is true
FIRST_READ_REFRESHES = 3  # the screen's first paint and two frames' margin (see SessionSummary.show)


def after_refreshes(widget: Static, refreshes: int, callback: Any, *args: Any) -> None:
    """Call ``callback(*args)`` once ``widget`` has been refreshed ``refreshes`` times more."""
    if refreshes <= 1:
        widget.call_after_refresh(callback, *args)
    else:
        widget.call_after_refresh(after_refreshes, widget, refreshes - 1, callback, *args)


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
        self.update(summary_text(session, self.sync or "…", self._width()))
        self._asked += 1
        # after the screen is painted: importing git support and running git would hold the GIL
        # while the first screen is drawn. The first read waits for the whole first screen: its
        # paint, then the footer's keys (Textual's Footer composes them a refresh later) and theirs
        # (issue 26: after one refresh, the read's imports began 116-179 ms before the first screen
        # was complete, measured in a 100x30 pty; after three, 7-20 ms after it). Since the footer
        # composes its keys in the first frame (textual_fixes.KeysFooter) the first paint is the
        # whole screen; the other two refreshes are kept as a margin, not re-measured
        waits = FIRST_READ_REFRESHES if self._asked == 1 else 1
        after_refreshes(self, waits, self._read_sync, session, self._asked)

    def _width(self) -> int | None:
        """The cells a line has (the app's width before the first layout), None outside an app."""
        width = self.content_region.width or (self.app.size.width - 2 if self.is_attached else 0)
        return width or None

    def on_resize(self) -> None:
        if self._session is not None:
            self.update(summary_text(self._session, self.sync or "…", self._width()))

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
            self.update(summary_text(session, state, self._width()))
