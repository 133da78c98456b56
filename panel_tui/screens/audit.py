"""The quality lead's audit as a screen of PanelApp: every session under a folder, read-only.

The scan runs in a thread worker and hands what it reads to the UI thread as messages
(screens/audit_scan.py): sessions and their rows in batches, at most ten a second (fewer as the
tables grow), added at the bottom of the Sessions and Decisions tables as they come (never a
rebuild), so the first rows show once the first session is read, however large the folder. While it
reads, the status line, the count of decisions and the Figures tab say in words that the counts are
incomplete ("so far", "figures when the scan ends"). Filters apply to rows as they arrive; a sort
orders the sessions read so far, newer ones are added below it, and the table is put in order once
the scan ends, the cursor kept on the session it was on. Figures need every session: they are shown
at the end.

Sessions, rows (filterable) and figures come from ``panel_tui.core.audit``; a session opens
read-only on the meeting screen (re-read from disk), and Esc comes back here. Help, the command
palette and app.tcss are PanelApp's, as on every screen. Each tab's filling is its own module:
screens/audit_sessions.py and screens/audit_decisions.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Select, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from panel_tui.core.audit import UNREADABLE, Audit, Row, SessionRecord, run_audit
from panel_tui.core.display import one_line
from panel_tui.core.errors import InputError
from panel_tui.core.people import EMPTY, Register, find_register
from panel_tui.screens.audit_decisions import FILTERS, AuditDecisionsTab
from panel_tui.screens.audit_figures import WAITING, figures_text
from panel_tui.screens.audit_help import AUDIT_HELP
from panel_tui.screens.audit_scan import Batcher, Cancelled, ScanDone, ScanFailed, ScanRows, reading_text
from panel_tui.screens.audit_sessions import AuditSessionsTab
from panel_tui.screens.audit_tables import DECISION_COLUMNS, SESSION_COLUMNS, SESSION_VIEWS
from panel_tui.widgets.safe import plain


class AuditScreen(AuditSessionsTab, AuditDecisionsTab):
    HELP_TEXT = AUDIT_HELP
    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="audit.quit", tooltip="Quit (the audit never writes anything)"),
        Binding(
            "o",
            "open_session",
            "Open session",
            id="audit.open",
            tooltip="Open the selected session read-only; esc comes back to the audit",
        ),
        Binding("c", "clear_filters", "Clear filters", id="audit.clear", tooltip="Show every decision again"),
        Binding("r", "rescan", "Rescan", id="audit.rescan", show=False, tooltip="Read every session again"),
        Binding(
            "f",
            "filters",
            "Filters",
            id="audit.filters",
            tooltip="Go to the decisions' filters (the Chair filter first; tab moves on, enter opens one)",
        ),
        Binding(
            "s",
            "sort_sessions",
            "Sort",
            id="audit.sort",
            tooltip="Sort the sessions: by session, log status (✗ first), score, fieldwork or signed off",
        ),
        Binding("1", "tab('tab-sessions')", "Sessions", id="audit.sessions", tooltip="Every session and its log"),
        Binding(
            "2",
            "tab('tab-decisions')",
            "Decisions",
            id="audit.decisions",
            tooltip="Every decision, retraction and dissent, filterable",
        ),
        Binding(
            "3",
            "tab('tab-figures')",
            "Figures",
            id="audit.figures",
            tooltip="Flagged standards, uplifts, lowerings; by framework, inspector and year",
        ),
    ]

    def __init__(self, root: Path | str) -> None:
        super().__init__()
        self.root = Path(root)
        self.audit: Audit | None = None  # the whole audit, once the scan has ended
        self.records: list[SessionRecord] = []  # the sessions read so far, in reading order
        self.rows: list[Row] = []  # their rows (from logs that verify), in reading order
        self.shown: dict[str, Row] = {}  # the decisions table's rows by key, as filtered
        self.register: Register = EMPTY  # people.toml at or above the folder: one name per person
        self.session_sort = "session"
        self.scan_number = 0  # which scan's messages are current: an older one's are dropped
        self.reading = False  # a scan is under way: counts are "so far", figures wait for its end

    def compose(self) -> ComposeResult:
        yield Static(plain(f"Audit of {self.root} — looking for sessions…"), id="audit-status")
        with TabbedContent(id="audit-tabs"):
            with TabPane("Sessions", id="tab-sessions"):
                with Horizontal(id="session-filters"):
                    yield Select(
                        SESSION_VIEWS, prompt="Show: every session", id="session-filter", allow_blank=True, compact=True
                    )
                    yield Static(self.sort_label(), id="session-sort")
                yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="session-detail", classes="audit-detail"):
                    yield Static(id="session-body")
            with TabPane("Decisions", id="tab-decisions"):
                with Horizontal(id="filters"):
                    for key, label in FILTERS:
                        yield Select([], prompt=label, id=f"filter-{key}", allow_blank=True, compact=True)
                yield Static(id="decision-count")
                yield DataTable(id="decisions", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="decision-detail", classes="audit-detail"):
                    yield Static(id="decision-body")
            with TabPane("Figures", id="tab-figures"):
                with VerticalScroll(id="figures-scroll"):
                    yield Static(Text(WAITING), id="figures")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "audit (read-only)"
        sessions = self.query_one("#sessions", DataTable)
        for col in SESSION_COLUMNS:
            sessions.add_column(col, key=col)
        decisions = self.query_one("#decisions", DataTable)
        for col in DECISION_COLUMNS:
            decisions.add_column(col, key=col)
        self.start_scan()

    # --- the scan -----------------------------------------------------------------------

    def start_scan(self) -> None:
        """A new scan: the tables emptied, the old scan's late messages made stale, then read."""
        self.scan_number += 1
        self.audit, self.records, self.rows, self.shown, self.reading = None, [], [], {}, True
        self.forget_filter_values()
        self.query_one("#sessions", DataTable).clear()
        self.query_one("#decisions", DataTable).clear()
        self.show_session()
        self.show_decision()
        self.show_count()
        self.show_reading(0, 0)
        self.register = self.load_register()  # before the scan: its figures by chair merge spellings too
        self.scan(self.scan_number)

    @work(thread=True, exclusive=True, group="audit-scan")
    def scan(self, number: int) -> None:
        worker = get_current_worker()
        batches = Batcher(number, self.post_message, lambda: worker.is_cancelled)
        try:
            audit = run_audit(self.root, batches.progress, canonical=self.register.canonical, record=batches.record)
        except Cancelled:
            return
        except UNREADABLE as exc:  # the folder itself: shown as such, and the app goes on
            self.post_message(ScanFailed(number, exc))
            return
        self.post_message(ScanDone(number, audit))

    @on(ScanRows)
    def rows_read(self, message: ScanRows) -> None:
        if message.scan != self.scan_number:
            return  # from a scan that was replaced (r) or cancelled
        self.records.extend(message.records)
        new = [d for rec in message.records for d in rec.rows]
        self.rows.extend(new)
        self.append_sessions(message.records)
        self.append_decisions(new)
        self.show_reading(message.done, message.total)

    def show_reading(self, done: int, total: int) -> None:
        text = reading_text(done, total, len(self.rows)) if total else "looking for sessions…"
        self.query_one("#audit-status", Static).update(plain(f"Audit of {self.root} — {text}"))
        if total:
            self.query_one("#figures", Static).update(Text(f"{WAITING} ({done:,} of {total:,} sessions read)"))

    @on(ScanFailed)
    def scan_failed(self, message: ScanFailed) -> None:
        from panel_tui.core.tomlfile import os_error

        if message.scan != self.scan_number:
            return
        self.reading = False
        exc = message.error
        if isinstance(exc, OSError):
            exc = os_error(exc, self.root, "the audit folder", "read")
        text = f"✗ Audit of {self.root} failed: {exc if isinstance(exc, InputError) else type(exc).__name__}"
        self.query_one("#audit-status", Static).update(plain(text))
        self.query_one("#figures", Static).update(plain(text))
        self.show_count()
        self.notify(one_line(text), severity="error", markup=False, timeout=10)

    @on(ScanDone)
    def scan_done(self, message: ScanDone) -> None:
        if message.scan == self.scan_number:
            self.show_audit(message.audit)

    def action_rescan(self) -> None:
        self.start_scan()  # the running scan (if any) is cancelled: its worker group is exclusive

    # --- showing it ---------------------------------------------------------------------

    def show_audit(self, audit: Audit) -> None:
        """The scan has ended: the counts are final, the sessions in their order, the figures shown.
        Every session and row is already in the tables (each batch came before this message)."""
        self.audit, self.reading = audit, False
        f = audit.figures
        self.query_one("#audit-status", Static).update(
            plain(
                f"Audit of {self.root}: {f['sessions']:,} sessions ({f['sessions_signed_off']:,} signed off, "
                f"{f['sessions_unreadable_or_broken']:,} ✗ not counted), {f['flagged_never_considered']:,} flagged "
                f"standard(s) never considered, {f['flagged_pending']:,} not yet considered"
            )
        )
        self.sessions_in_order()
        self.offer_filter_values(final=True)
        self.show_count()
        self.query_one("#figures", Static).update(figures_text(audit.figures))

    def load_register(self) -> Register:
        """people.toml at or above the audited folder; a broken one is named, and names are then
        merged only across case and spacing."""
        try:
            return find_register(self.root)
        except UNREADABLE as exc:
            self.notify(one_line(f"People register not used: {exc}"), severity="warning", markup=False, timeout=10)
            return EMPTY

    TAB_FOCUS = {"tab-sessions": "#sessions", "tab-decisions": "#decisions", "tab-figures": "#figures-scroll"}

    def action_tab(self, tab: str) -> None:
        # Focus goes with the tab: left on a widget of the hidden pane (a filter), it would bring
        # that pane straight back (TabbedContent shows the pane holding the focus).
        self.set_focus(None)
        self.query_one(TabbedContent).active = tab
        self.query_one(self.TAB_FOCUS[tab]).focus()

    def action_filters(self) -> None:
        """The decisions' filters from anywhere on the screen: the Decisions tab, the Chair filter focused."""
        self.action_tab("tab-decisions")
        self.query_one(f"#filter-{FILTERS[0][0]}", Select).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "decisions":
            self.show_decision()
        elif event.data_table.id == "sessions":
            self.show_session()

    def on_data_table_row_selected(self, _: DataTable.RowSelected) -> None:
        self.action_open_session()

    def action_open_session(self) -> None:
        from panel_tui.core.session import load_session
        from panel_tui.screens.meeting import MeetingScreen

        if self.query_one(TabbedContent).active == "tab-decisions":  # during the scan too: read from disk
            d = self.selected_decision()
            rel = d["session"] if d else None
        else:
            rel = self.selected_session_path()
        if rel is None:
            return
        try:
            session = load_session(self.root / rel)  # the one session, read again in full
        except UNREADABLE as exc:
            self.notify(one_line(str(exc)), severity="error", markup=False, timeout=10)
            return
        self.app.push_screen(MeetingScreen(session, read_only="opened from the audit"))

    def commands(self) -> Iterable[SystemCommand]:
        """The palette's "Audit: …" entries (PanelApp adds them to its own)."""
        calls: dict[str, Any] = {
            "open_session": self.action_open_session,
            "clear_filters": self.action_clear_filters,
            "rescan": self.action_rescan,
            "sort_sessions": self.action_sort_sessions,
            "filters": self.action_filters,
        }
        for b in self.BINDINGS:
            assert isinstance(b, Binding)
            if b.action.startswith("tab("):
                tab = b.action[5:-2]
                yield SystemCommand(
                    f"Audit: {b.description}", b.tooltip or b.description, lambda tab=tab: self.action_tab(tab)
                )
            elif b.action in calls:
                yield SystemCommand(f"Audit: {b.description}", b.tooltip or b.description, calls[b.action])
