"""The meeting screen: standards, evidence and every panel action on one screen.

The screen calls the core for everything: ratings and flags come from the engine, rules and
writes from the log. Here: the layout, the view, which keys apply and the actions that write nothing.
Each writing action checks it applies and opens its form (modals/forms.py) in
screens/meeting_forms.py; how a form's entry is recorded and comes back, and how the log on disk is
watched, is the write path in screens/meeting_writes.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from panel_tui.core import agenda
from panel_tui.core.session import Session
from panel_tui.screens.meeting_forms import MeetingForms
from panel_tui.screens.meeting_writes import MeetingWrites
from panel_tui.textual_fixes import KeysFooter
from panel_tui.widgets.detail import StandardDetail
from panel_tui.widgets.safe import plain
from panel_tui.widgets.standards_table import StandardsTable
from panel_tui.widgets.summary import SessionSummary

NARROW = 140  # below this width the evidence pane goes under the table
PANE_AT_LEAST = 36  # side by side, the evidence pane's width at least: the table takes the rest it needs
# actions that write (the log, the session folder or the remote): the chair's unless a role allows one
WRITING_ACTIONS = frozenset(
    {
        "discretion",
        "keep",
        "ratify",
        "ratify_all",
        "propose",
        "retract",
        "attendance",
        "dissent",
        "sign_off",
        "reopen",
        "export",
    }
)
PREPARE_AFTER = 1.0  # seconds after mounting before the evidence of every standard is rendered ahead


class MeetingScreen(MeetingForms):
    """One session in a ratings meeting (or a lead inspector preparing for it)."""

    BINDINGS = [
        Binding(
            "d",
            "discretion",
            "Discretion",
            id="meeting.discretion",
            tooltip="Move the selected standard one band, with a rationale",
        ),
        Binding(
            "k", "keep", "Keep", id="meeting.keep", tooltip="Record that the panel considered it and kept the band"
        ),
        Binding(
            "r",
            "ratify",
            "Ratify",
            id="meeting.ratify",
            tooltip="Ratify or change a judgement standard's proposed band",
        ),
        Binding(
            "R",
            "ratify_all",
            "Ratify all",
            id="meeting.ratify_all",
            show=False,
            tooltip="Ratify every remaining judgement standard as proposed (one entry each)",
        ),
        Binding(
            "p",
            "propose",
            "Propose",
            show=False,
            id="meeting.propose",
            tooltip="Lead inspector's prepared discretion case",
        ),
        Binding(
            "u",
            "retract",
            "Undo",
            show=False,
            id="meeting.retract",
            tooltip="Retract an entry, starting on the selected standard's decision (nothing is deleted)",
        ),
        Binding(
            "a",
            "attendance",
            "Attend",
            show=False,
            id="meeting.attendance",
            tooltip="Record the chair and members present",
        ),
        Binding("x", "dissent", "Dissent", id="meeting.dissent", show=False, tooltip="Record a member's dissent"),
        Binding(
            "c",
            "paragraph",
            "Paragraph",
            id="meeting.paragraph",
            show=False,
            tooltip="The report paragraph for the selected standard's decision, copied to the clipboard",
        ),
        Binding(
            "e",
            "export",
            "Export",
            id="meeting.export",
            show=False,
            tooltip="Write the panel record (Markdown and HTML) into the session folder",
        ),
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
        self.init_writes()

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # the layout for the terminal's width from the start: set on the first resize instead, it
        # restyled and laid out the whole screen again before the first paint (issue 26)
        self.set_class(self.app.size.width < NARROW, "-narrow")
        yield SessionSummary(id="summary")
        yield Static("", id="banner")
        with Horizontal(id="body"):
            yield StandardsTable(id="standards")
            yield StandardDetail(id="detail")
        if self.role.label:  # a served link's role, in words above the footer (panel_tui/roles.py)
            yield Static(plain(self.role.label), id="role-line")  # a member's name shown literally
        yield KeysFooter(compact=True)  # its keys in the first frame (textual_fixes)

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
        self.set_timer(
            PREPARE_AFTER,
            lambda: self.query_one(StandardDetail).prepare(self.session, [s.id for s in self.session.rating.standards]),
        )
        state = self.session.log
        if self.writable_for("attendance", quiet=True) and (state is None or state.attendance is None):
            self.call_after_refresh(self.action_attendance)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")
        self._size_table(event.size.width)

    def _size_table(self, width: int | None = None) -> None:
        """Side by side, the table takes what its fullest layout needs (leaving the evidence pane
        PANE_AT_LEAST cells) and the evidence pane the rest; stacked, both take the whole width
        (the stylesheet)."""
        width = width or self.size.width
        table = self.query_one(StandardsTable)
        if not width or width < NARROW:
            table.styles.width = None
        else:
            table.styles.width = min(table.full_width(), width - PANE_AT_LEAST)

    def refresh_view(self) -> None:
        s = self.session
        self.query_one(SessionSummary).show(s)
        banner = self.query_one("#banner", Static)
        if s.log_problem:
            banner.update(
                plain(
                    f"✗ The decision log does not verify, so this session is read-only and shows the "
                    f"inspection alone. {s.log_problem}"
                )
            )
            banner.add_class("-shown")
        else:
            banner.remove_class("-shown")
        self.query_one(StandardsTable).show(s)
        self._size_table()
        self.show_detail()

    def show_detail(self, coalesce: bool = False) -> None:
        self.query_one(StandardDetail).show(self.session, self.query_one(StandardsTable).selected_id, coalesce=coalesce)

    def on_selected_standard(self, _sid: str | None) -> None:
        """The cursor moved: the evidence follows in the same frame (see StandardsTable.selected)."""
        self.show_detail(coalesce=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.session.log
        signed = bool(state and state.signed_off and not self.session.log_problem)
        if action == "back":
            return self.back_to is not None
        if self.read_only and action in WRITING_ACTIONS - {"export"}:  # a read-only record still exports
            return False
        if action in WRITING_ACTIONS and not self.role.allows_action(action):
            return False  # a member's or follower's link (panel_tui/roles.py)
        if action == "reopen":
            return signed
        if action == "sign_off":
            return not signed
        return True

    def on_meeting_screen_written(self, message: MeetingWrites.Written) -> None:
        """A write from here is on disk: shown, and said (the handler lives here, once, so Textual
        calls it once; the work is MeetingWrites.take_in)."""
        self.take_in(message)

    # --- actions that write nothing to the log (the writing ones open forms: screens/meeting_forms.py)

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
        self.notify(
            f"Wrote {' and '.join(written)} in {self.session.dir} (head {record['head'] or 'none'}).",
            title="Exported",
            markup=False,
            timeout=6,
        )

    def action_back(self) -> None:
        if self.back_to is not None:
            self.app.pop_screen()

    def action_next(self) -> None:
        table = self.query_one(StandardsTable)
        state = self.session.log if not self.session.log_problem else None
        sid = agenda.next_on_agenda(state, self.session.rating, table.selected_id)
        if sid is None:
            self.notify(
                "Nothing left on the agenda: every standard is ratified, decided or needs nothing.", markup=False
            )
            return
        table.move_cursor(row=table.get_row_index(sid))

    def action_log(self) -> None:
        from panel_tui.screens.log_view import LogScreen

        self.app.push_screen(LogScreen(self.session))

    def commands(self) -> Iterable[SystemCommand]:
        """Palette entries for this screen, titled with a group prefix."""
        for b in self.BINDINGS:
            assert isinstance(b, Binding)
            if self.check_action(b.action, ()) is False:
                continue
            # the key beside what it does, so the palette also teaches the keys
            yield SystemCommand(
                f"Panel: {b.description}",
                f"{b.tooltip or b.description} (key: {self.app.get_key_display(b)})",
                getattr(self, f"action_{b.action}"),
            )
