"""The meeting screen's write path: forms opened on the view shown, entries recorded, the disk watched.

Every write goes through the core's one record use case (core.record: on disk, fsynced, then
committed when in git) in the form's worker thread, prepared on the head of the log the screen
shows; the result comes back to the UI thread as a ``Written`` message, and only then does the
screen show the new log and say "Recorded". Meanwhile the once-a-second disk check leaves the log
alone; otherwise it refreshes the view when another process (a remote member's office, the
command line) recorded an entry, and says what arrived.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.message import Message
from textual.screen import Screen

from panel_tui.core.display import one_line
from panel_tui.core.session import Session, load_session
from panel_tui.roles import Role

if TYPE_CHECKING:
    from panel_tui.core.record import Recorded
    from panel_tui.modals.form_model import FormField


class MeetingWrites(Screen[Any]):
    """The write half of the meeting screen (screens/meeting.py): ``session`` is what it shows, and
    ``refresh_view`` shows it again."""

    session: Session

    class Written(Message, bubble=False, namespace="meeting_screen"):
        """Entries this screen recorded are on disk (and committed, when in git): posted from the
        write's worker thread, handled on the UI thread (``on_meeting_screen_written``)."""

        def __init__(self, recorded: Recorded) -> None:
            super().__init__()
            self.recorded = recorded

    def init_writes(self) -> None:
        # held from the start of a write (worker thread) until its Written message was handled (UI
        # thread): the disk check leaves the log alone meanwhile. Never reassigned: the one object
        # both threads share, made for it; no attribute is written across threads.
        self._write_lock = threading.Lock()
        self.own_hashes: set[str] = set()  # entries this screen recorded (not news when the disk check sees them)
        self.disk_signature: tuple[int, int, int] | None = None

    def refresh_view(self) -> None:  # the screen's own
        raise NotImplementedError

    @property
    def role(self) -> Role:
        """Whose link opened this app (panel_tui/roles.py; the chair's in a terminal)."""
        role = getattr(self.app, "role", None)
        return role if isinstance(role, Role) else Role()

    @property
    def view_head(self) -> str:
        """The head of the log this screen shows: what every write from here is prepared on."""
        from panel_tui.core.log.entries import NO_LOG

        state = self.session.log
        return state.head if state is not None and state.head else NO_LOG

    def record(self, session_dir: Path, items: list[tuple[str, dict[str, Any]]], head: str) -> Recorded:
        """Record entries through the core (core.record), all or none. Runs in the form's worker
        thread and writes nothing of this screen: the result is posted back as a ``Written``
        message. Returns once they are on disk (and committed when in git); refused (StaleView) if
        the log is no longer at ``head``."""
        from panel_tui.core.record import record_all

        self._write_lock.acquire()  # released by the Written handler, once the result is taken in
        try:
            recorded = record_all(session_dir, items, expect_head=head)
        except BaseException:
            self._write_lock.release()
            raise
        if not self.post_message(self.Written(recorded)):  # the screen closed meanwhile: no one to tell
            self._write_lock.release()
        return recorded

    def take_in(self, message: Written) -> None:
        """On the UI thread: show the log with the new entries and say they are recorded (they are
        on disk by now); a commit that failed says what to do (issue 14)."""
        try:
            done = message.recorded
            self.own_hashes.update(e["hash"] for e in done.entries)
            from panel_tui.core.session import session_after

            self.adopt(session_after(self.session, done.state))
        finally:
            self._write_lock.release()
        if len(done.entries) == 1:
            entry = done.entry
            what = f"Recorded entry {entry['seq']} ({entry['kind']}"
            what += f", {entry['standard']})" if entry.get("standard") else ")"
        else:
            first, last = done.entries[0]["seq"], done.entries[-1]["seq"]
            what = f"Recorded entries {first}-{last} ({', '.join(str(e.get('standard')) for e in done.entries)})"
        self.notify(f"{what}. Saved to disk.", title="Recorded", markup=False, timeout=3)
        if done.entry["kind"] == "attendance":  # as `attend` says on stderr: names people.toml lacks
            self._warn_unknown_names(done.entry)
        if done.git.failed:
            self.notify(
                f"Entry {done.entry['seq']} is on disk, but {done.git.message}",
                title="Git",
                severity="warning",
                markup=False,
                timeout=10,
            )

    def _warn_unknown_names(self, entry: dict[str, Any]) -> None:
        from panel_tui.core.errors import InputError
        from panel_tui.core.people import find_register, unknown_warning

        try:
            warning = unknown_warning(
                [str(entry["chair"]), *map(str, entry.get("members", []))], find_register(self.session.dir)
            )
        except (InputError, OSError):  # read (and checked) by the write a moment ago; gone since: nothing to add
            return
        if warning:
            self.notify(
                one_line(warning), title="Not in the people register", severity="warning", markup=False, timeout=8
            )

    def adopt(self, session: Session) -> None:
        """Show ``session`` and remember the log's file signature as seen."""
        self.session = session
        self.disk_signature = self._signature()
        self.refresh_view()

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            st = self.session.log_path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def check_disk(self) -> None:
        """Every second: has another process changed the log? Then refresh and say what arrived."""
        if self._write_lock.locked() or self._signature() == self.disk_signature:
            return
        old_head = self.view_head
        self.adopt(load_session(self.session.dir))
        state = self.session.log
        if self.session.log_problem:
            self.notify(
                one_line(f"The decision log changed on disk and no longer verifies: {self.session.log_problem}"),
                title="Log changed",
                severity="error",
                markup=False,
                timeout=10,
            )
            return
        if state is None:
            return
        arrived = state.since(old_head) if old_head != "none" else list(state.entries)
        from panel_tui.core.log.writer import describe

        if arrived is None:
            self.notify(
                "The decision log was replaced on disk by a different log; the screen now shows it.",
                title="Log changed",
                severity="warning",
                markup=False,
                timeout=10,
            )
            return
        news = [e for e in arrived if e["hash"] not in self.own_hashes]
        if news:
            self.notify(
                one_line("Recorded elsewhere: " + "; ".join(describe(e) for e in news)),
                title="New entries",
                severity="warning",
                markup=False,
                timeout=10,
            )

    def open_form(
        self,
        kind: str,
        title: str,
        intro: Text | None,
        fields: list[FormField],
        to_entry: Callable[[dict[str, Any]], Any],
        confirm: str = "Record",
        standard: str | None = None,
        follow_up: Any = None,
    ) -> None:
        """An entry form whose commit records on the head shown now; a stale view refreshes the
        screen behind the form and the next ctrl+s is prepared on what it then shows."""
        from panel_tui.core.drafts import draft_key
        from panel_tui.modals.entry_form import EntryForm

        prepared = {"head": self.view_head}  # the view this form was opened on
        session_dir = self.session.dir
        role = self.role
        fields = role.own_fields(kind, fields)  # a member's form offers only that member

        def write(values: dict[str, Any]) -> Any:  # in the form's worker thread
            fields = to_entry(values)  # one entry's fields, or (kind, fields) for several in one write
            items = fields if isinstance(fields, list) else [(kind, fields)]
            items = [(k, role.own_entry(k, f)) for k, f in items]  # a member records only as themselves
            return self.record(session_dir, items, prepared["head"])

        def stale(_exc: Exception) -> str:  # on the UI thread
            self.adopt(load_session(self.session.dir))
            prepared["head"] = self.view_head
            return (
                "The screen behind this form now shows them. Press ctrl+s again to record this on the "
                "current log, or esc to cancel."
            )

        # what was recorded comes back as a Written message (on_meeting_screen_written)
        self.app.push_screen(
            EntryForm(
                title,
                intro,
                fields,
                write,
                confirm,
                on_stale=stale,
                drafts=(self.session.dir, role.draft_key(draft_key(kind, standard))),
                follow_up=follow_up,
                timezone=self.session.rating.framework.panel.timezone,
            )
        )
