"""The meeting screen: standards, evidence and every panel action on one screen.

The screen calls the core for everything: ratings and flags come from the engine, rules and
writes from the log. Each action opens an EntryForm; the form's commit records the entry through
the core's one record use case (core.record: on disk, fsynced, then committed when in git) in the
form's worker thread, and the result comes back to this screen as a ``Written`` message: only then
does the screen show the new log and say "Recorded".
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from panel_tui.core import agenda
from panel_tui.core.display import one_line
from panel_tui.core.engine import StandardResult
from panel_tui.core.session import Session, load_session
from panel_tui.widgets.detail import StandardDetail
from panel_tui.widgets.safe import plain
from panel_tui.widgets.standards_table import StandardsTable
from panel_tui.widgets.summary import SessionSummary

if TYPE_CHECKING:
    from panel_tui.core.record import Recorded

NARROW = 140  # below this width the evidence pane goes under the table
PREPARE_AFTER = 1.0  # seconds after mounting before the evidence of every standard is rendered ahead


class MeetingScreen(Screen):
    """One session in a ratings meeting (or a lead inspector preparing for it)."""

    class Written(Message, bubble=False):
        """Entries this screen recorded are on disk (and committed, when in git): posted from the
        write's worker thread, handled on the UI thread (``on_meeting_screen_written``)."""

        def __init__(self, recorded: Recorded) -> None:
            super().__init__()
            self.recorded = recorded

    BINDINGS = [
        Binding("d", "discretion", "Discretion", id="meeting.discretion", tooltip="Move the selected standard one band, with a rationale"),
        Binding("k", "keep", "Keep", id="meeting.keep", tooltip="Record that the panel considered it and kept the band"),
        Binding("r", "ratify", "Ratify", id="meeting.ratify", tooltip="Ratify or change a judgement standard's proposed band"),
        Binding("R", "ratify_all", "Ratify all", id="meeting.ratify_all", show=False,
                tooltip="Ratify every remaining judgement standard as proposed (one entry each)"),
        Binding("p", "propose", "Propose", show=False, id="meeting.propose", tooltip="Lead inspector's prepared discretion case"),
        Binding("u", "retract", "Undo", show=False, id="meeting.retract", tooltip="Retract an entry (nothing is deleted)"),
        Binding("a", "attendance", "Attend", show=False, id="meeting.attendance", tooltip="Record the chair and members present"),
        Binding("x", "dissent", "Dissent", id="meeting.dissent", show=False, tooltip="Record a member's dissent"),
        Binding("c", "paragraph", "Paragraph", id="meeting.paragraph", show=False,
                tooltip="The report paragraph for the selected standard's decision, copied to the clipboard"),
        Binding("e", "export", "Export", id="meeting.export", show=False,
                tooltip="Write the panel record (Markdown and HTML) into the session folder"),
        Binding("n", "next", "Next", id="meeting.next", tooltip="Next standard still needing the panel"),
        Binding("l", "log", "Log", id="meeting.log", tooltip="All entries, verification and head hash"),
        Binding("s", "sign_off", "Sign off", id="meeting.sign_off", tooltip="Seal the session with its final ratings"),
        Binding("o", "reopen", "Reopen", id="meeting.reopen", tooltip="Reopen a signed-off session with a reason"),
        Binding("escape", "back", "Back", id="meeting.back", tooltip="Back to the list this session was opened from"),
    ]

    def __init__(self, session: Session, read_only: str | None = None, back_to: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.read_only = read_only  # why this session may not be written from here (e.g. the audit)
        self.back_to = back_to or ("the audit" if read_only else None)  # what Esc returns to, if anything
        # held from the start of a write (worker thread) until its Written message was handled (UI
        # thread): the disk check leaves the log alone meanwhile. Never reassigned: the one object
        # both threads share, made for it; no attribute is written across threads.
        self._write_lock = threading.Lock()
        self.own_hashes: set[str] = set()  # entries this screen recorded (not news when the disk check sees them)
        self.disk_signature: tuple[int, int, int] | None = None

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SessionSummary(id="summary")
        yield Static("", id="banner")
        with Horizontal(id="body"):
            yield StandardsTable(id="standards")
            yield StandardDetail(id="detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.disk_signature = self._signature()
        self.set_interval(1.0, self.check_disk)
        self.refresh_view()
        table = self.query_one(StandardsTable)
        table.focus()
        self.watch(table, "selected", self.on_selected_standard, init=False)
        # render every standard's evidence ahead of the cursor, but only once the first screen is
        # complete (its footer keys come a frame or two after the table), so the renders (a few ms
        # each) never compete with the first screen's last frames
        self.set_timer(PREPARE_AFTER, lambda: self.query_one(StandardDetail).prepare(
            self.session, [s.id for s in self.session.rating.standards]))
        state = self.session.log
        if self.writable_for("attendance", quiet=True) and (state is None or state.attendance is None):
            self.call_after_refresh(self.action_attendance)

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    def refresh_view(self) -> None:
        s = self.session
        self.query_one(SessionSummary).show(s)
        banner = self.query_one("#banner", Static)
        if s.log_problem:
            banner.update(plain(f"✗ The decision log does not verify, so this session is read-only and shows the "
                                f"inspection alone. {s.log_problem}"))
            banner.add_class("-shown")
        else:
            banner.remove_class("-shown")
        self.query_one(StandardsTable).show(s)
        self.show_detail()

    def show_detail(self, coalesce: bool = False) -> None:
        self.query_one(StandardDetail).show(self.session, self.query_one(StandardsTable).selected_id,
                                            coalesce=coalesce)

    def on_selected_standard(self, _sid: str | None) -> None:
        """The cursor moved: the evidence follows in the same frame (see StandardsTable.selected)."""
        self.show_detail(coalesce=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.session.log
        signed = bool(state and state.signed_off and not self.session.log_problem)
        if action == "back":
            return self.back_to is not None
        if self.read_only and action in ("discretion", "keep", "ratify", "ratify_all", "propose", "retract", "attendance",
                                         "dissent", "sign_off", "reopen"):
            return False
        if action == "reopen":
            return signed
        if action == "sign_off":
            return not signed
        return True

    # --- helpers ------------------------------------------------------------------------

    @property
    def selected(self) -> StandardResult | None:
        sid = self.query_one(StandardsTable).selected_id
        return self.session.rating.standard(sid) if sid else None

    @property
    def chair(self) -> str:
        state = self.session.log
        if state and state.attendance and not self.session.log_problem:
            return str(state.attendance.get("chair", ""))
        return ""

    def writable_for(self, kind: str, quiet: bool = False) -> bool:
        s = self.session
        problem = None
        if self.read_only:
            problem = f"Read-only: {self.read_only}."
        elif s.log_problem:
            problem = "Read-only: the decision log does not verify (see the banner)."
        elif s.log and s.log.signed_off and kind != "reopen":
            problem = f"Read-only: signed off at entry {s.log.sign_off_seq}. Reopen (o) with a reason first."
        if problem and not quiet:
            self.notify(problem, severity="warning", markup=False)
        return problem is None

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

    def on_meeting_screen_written(self, message: Written) -> None:
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
        if done.git.failed:
            self.notify(f"Entry {done.entry['seq']} is on disk, but {done.git.message}", title="Git",
                        severity="warning", markup=False, timeout=10)

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
            self.notify(one_line(f"The decision log changed on disk and no longer verifies: {self.session.log_problem}"),
                        title="Log changed", severity="error", markup=False, timeout=10)
            return
        if state is None:
            return
        arrived = state.since(old_head) if old_head != "none" else list(state.entries)
        from panel_tui.core.log.writer import describe

        if arrived is None:
            self.notify("The decision log was replaced on disk by a different log; the screen now shows it.",
                        title="Log changed", severity="warning", markup=False, timeout=10)
            return
        news = [e for e in arrived if e["hash"] not in self.own_hashes]
        if news:
            self.notify(one_line("Recorded elsewhere: " + "; ".join(describe(e) for e in news)),
                        title="New entries", severity="warning", markup=False, timeout=10)

    def open_form(self, kind: str, title: str, intro: Text | None, fields: list,
                  to_entry, confirm: str = "Record", standard: str | None = None, follow_up: Any = None) -> None:
        from panel_tui.core.drafts import draft_key
        from panel_tui.modals.entry_form import EntryForm

        prepared = {"head": self.view_head}  # the view this form was opened on
        session_dir = self.session.dir

        def write(values: dict[str, Any]) -> Any:  # in the form's worker thread
            fields = to_entry(values)  # one entry's fields, or (kind, fields) for several in one write
            return self.record(session_dir, fields if isinstance(fields, list) else [(kind, fields)], prepared["head"])

        def stale(_exc: Exception) -> str:  # on the UI thread
            self.adopt(load_session(self.session.dir))
            prepared["head"] = self.view_head
            return ("The screen behind this form now shows them. Press ctrl+s again to record this on the "
                    "current log, or esc to cancel.")

        # what was recorded comes back as a Written message (on_meeting_screen_written)
        self.app.push_screen(EntryForm(title, intro, fields, write, confirm, on_stale=stale,
                                       drafts=(self.session.dir, draft_key(kind, standard)), follow_up=follow_up,
                                       timezone=self.session.rating.framework.panel.timezone))

    def need_selected(self, kinds: tuple[str, ...]) -> StandardResult | None:
        s = self.selected
        if s is None:
            return None
        if s.not_rated:
            self.notify(f"{s.id} is not rated: nothing to decide.", severity="warning", markup=False)
            return None
        if s.awaiting:
            self.notify(f"{s.id} is {s.computed.lower()}: nothing to decide yet.", severity="warning", markup=False)
            return None
        if s.kind not in kinds:
            hint = "use r to ratify it" if s.kind == "judgement" else "use d (discretion) or k (keep)"
            self.notify(f"{s.id} is a {'judgement' if s.kind == 'judgement' else 'case-based'} standard: {hint}.",
                        severity="warning", markup=False)
            return None
        return s

    def context(self) -> Any:
        from panel_tui.modals.forms import Context

        return Context(self.session, self.chair)

    def open_spec(self, spec: Any) -> None:
        self.open_form(spec.kind, spec.title, spec.intro, spec.fields, spec.to_entry, spec.confirm, spec.standard,
                       spec.follow_up)

    # --- actions: check the action applies, then open its form (defined in modals/forms.py) --

    def action_discretion(self) -> None:
        from panel_tui.modals import forms

        s = self.need_selected(("cases",))
        if s is not None and self.writable_for("discretion"):
            self.open_spec(forms.discretion(self.context(), s))

    def action_keep(self) -> None:
        from panel_tui.modals import forms

        s = self.need_selected(("cases",))
        if s is not None and self.writable_for("declined"):
            self.open_spec(forms.keep(self.context(), s))

    def action_ratify(self) -> None:
        from panel_tui.modals import forms

        s = self.need_selected(("judgement",))
        if s is not None and self.writable_for("ratification"):
            self.open_spec(forms.ratify(self.context(), s))

    def action_ratify_all(self) -> None:
        from panel_tui.modals import forms

        if not self.writable_for("ratification"):
            return
        todo = agenda.to_ratify(self.session.log if not self.session.log_problem else None, self.session.rating)
        if not todo:
            self.notify("Every judgement standard is ratified already.", markup=False)
            return
        self.open_spec(forms.ratify_all(self.context(), todo))

    def action_propose(self) -> None:
        from panel_tui.modals import forms

        s = self.need_selected(("cases",))
        if s is not None and self.writable_for("proposal"):
            self.open_spec(forms.propose(self.context(), s))

    def action_retract(self) -> None:
        from panel_tui.modals import forms

        if not self.writable_for("retraction"):
            return
        spec = forms.retract(self.context())
        if spec is None:
            self.notify("There is no entry to retract.", severity="warning", markup=False)
            return
        self.open_spec(spec)

    def action_attendance(self) -> None:
        from panel_tui.modals import forms

        if self.writable_for("attendance"):
            self.open_spec(forms.attendance(self.context()))

    def action_dissent(self) -> None:
        from panel_tui.modals import forms

        if self.writable_for("dissent"):
            self.open_spec(forms.dissent(self.context(), self.query_one(StandardsTable).selected_id))

    def action_paragraph(self) -> None:
        from panel_tui.core.paragraph import report_paragraph
        from panel_tui.screens.paragraph import ParagraphScreen

        s = self.selected
        state = self.session.log if not self.session.log_problem else None
        if s is None:
            return
        entry = None
        if state is not None:
            entry = state.panel.get(s.id) or state.ratified.get(s.id)
        text = report_paragraph(self.session.rating.framework, s, entry)
        if text is None:
            self.notify(f"{s.id} has no standing decision yet: nothing to report.", severity="warning", markup=False)
            return
        self.app.push_screen(ParagraphScreen(f"Report paragraph: {s.id} {s.name}", text))

    def action_export(self) -> None:
        """The panel record beside the log, as the export command writes it (read-only to the log)."""
        from panel_tui.core.errors import InputError
        from panel_tui.core.export import build_record, render
        from panel_tui.core.outputs import write_output

        try:
            record = build_record(self.session.dir)
            written = []
            for fmt in ("md", "html"):
                path = self.session.dir / f"panel-record.{fmt}"
                write_output(path, render(record, fmt).encode("utf-8"), [self.session.dir])
                written.append(path.name)
        except InputError as exc:
            self.notify(f"Not exported: {exc}", severity="error", markup=False, timeout=8)
            return
        self.notify(f"Wrote {' and '.join(written)} in {self.session.dir} (head {record['head'] or 'none'}).",
                    title="Exported", markup=False, timeout=6)

    def action_back(self) -> None:
        if self.back_to is not None:
            self.app.pop_screen()

    def action_next(self) -> None:
        table = self.query_one(StandardsTable)
        state = self.session.log if not self.session.log_problem else None
        sid = agenda.next_on_agenda(state, self.session.rating, table.selected_id)
        if sid is None:
            self.notify("Nothing left on the agenda: every standard is ratified, decided or needs nothing.",
                        markup=False)
            return
        table.move_cursor(row=table.get_row_index(sid))

    def action_log(self) -> None:
        from panel_tui.screens.log_view import LogScreen

        self.app.push_screen(LogScreen(self.session))

    def action_sign_off(self) -> None:
        from panel_tui.modals import forms

        if self.writable_for("sign-off"):
            self.open_spec(forms.sign_off(self.context()))

    def action_reopen(self) -> None:
        from panel_tui.modals import forms

        if self.writable_for("reopen"):
            self.open_spec(forms.reopen(self.context()))

    def commands(self) -> Iterable[SystemCommand]:
        """Palette entries for this screen, titled with a group prefix."""
        for b in self.BINDINGS:
            assert isinstance(b, Binding)
            if self.check_action(b.action, ()) is False:
                continue
            # the key beside what it does, so the palette also teaches the keys
            yield SystemCommand(f"Panel: {b.description}",
                                f"{b.tooltip or b.description} (key: {self.app.get_key_display(b)})",
                                getattr(self, f"action_{b.action}"))
