"""The audit screen's Sessions tab: its table as the "Show" filter and the sort order choose, and its pane.

Kept apart from the screen (screens/audit.py: the scan, the tabs and opening a session) so the
Sessions tab's filling (appended as the scan reads, rebuilt for a filter or an order), cursor and
order read in one place; what each cell and the pane say, and the sort orders themselves, are
screens/audit_tables.py's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, on
from textual.screen import Screen
from textual.widgets import DataTable, Select, Static

from panel_tui.core.audit import SessionRecord
from panel_tui.screens.audit_tables import (
    COLUMN_SORTS,
    SESSION_SORTS,
    cut_widths,
    session_cells,
    session_detail,
    session_shown,
    sort_words,
    sorted_sessions,
)


class AuditSessionsTab(Screen[None]):
    """The Sessions tab's half of the audit screen (screens/audit.py): ``records`` are the sessions
    read so far (all of them once ``reading`` is over), ``session_sort`` the order chosen."""

    root: Path
    records: list[SessionRecord]
    reading: bool
    session_sort: str
    widths: tuple[int, int]  # the Session and Log columns' widths the rows were cut to

    def fill_sessions(self, keep_cursor: bool = True) -> None:
        """The Sessions table, as the "Show" filter chooses (every session, those not counted as
        their log, history, tags or kept-aside entries fail, those with entries kept aside, those
        with rewrites accepted on the record) and in the order ``s`` chose (a new order starts at its
        first row: the ✗ sessions in one step). The log status is cut here; the pane gives it whole."""
        view = self.query_one("#session-filter", Select).value
        table = self.query_one("#sessions", DataTable)
        keep = self.selected_session_path() if keep_cursor else None
        table.clear()
        self.add_sessions(sorted_sessions([s for s in self.records if session_shown(s, view)], self.session_sort))
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        elif table.row_count:
            table.move_cursor(row=0, animate=False)
        self.show_session()

    def append_sessions(self, records: list[SessionRecord]) -> None:
        """Sessions just read, added below the others (the cursor stays where the user put it)."""
        view = self.query_one("#session-filter", Select).value
        table = self.query_one("#sessions", DataTable)
        was_empty = not table.row_count
        new = [s for s in records if session_shown(s, view)]
        self.add_sessions(new)
        if was_empty and new:
            self.show_session()

    def add_sessions(self, records: list[SessionRecord]) -> None:
        """Rows at the bottom of the table (DataTable.add_row each, keyed by the session's path)."""
        table = self.query_one("#sessions", DataTable)
        widths = self.widths = cut_widths(self.size.width)
        for s in records:
            table.add_row(*session_cells(s, self.short_status(s), widths), key=s.path)

    def on_resize(self, _: events.Resize) -> None:
        """A wider or narrower screen: the Session and Log columns cut again to fit it."""
        if cut_widths(self.size.width) != getattr(self, "widths", None) and self.records:
            self.fill_sessions()

    def sessions_in_order(self) -> None:
        """At the end of the scan: the table in the chosen order (rebuilt only if the sessions read
        since a sort, added below it, are out of order), the cursor on the session it was on."""
        view = self.query_one("#session-filter", Select).value
        table = self.query_one("#sessions", DataTable)
        want = [s.path for s in sorted_sessions([s for s in self.records if session_shown(s, view)], self.session_sort)]
        if [k.value for k in table.rows] != want:
            self.fill_sessions()
        self.query_one("#session-sort", Static).update(self.sort_label())
        self.show_session()

    def short_status(self, s: Any) -> str:
        """A log status as the table shows it: without the session's own folder (its row says which
        session), so the problem itself shows first."""
        folder = str((self.root / s.path).resolve())
        return str(s.log_status.replace(folder + "/", "").replace(str(self.root / s.path) + "/", ""))

    def selected_session_path(self) -> str | None:
        table = self.query_one("#sessions", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def show_session(self) -> None:
        body = self.query_one("#session-body", Static)
        path = self.selected_session_path()
        found = next((s for s in self.records if s.path == path), None) if path is not None else None
        if found is not None:
            body.update(session_detail(found))
        else:
            body.update(Text("Reading the sessions…" if self.reading else "No session is shown."))

    def sort_label(self) -> Text:
        label = f"Sort (s): {sort_words(self.session_sort)}"
        if self.reading and self.session_sort != "session":
            label += " — sessions read since are added below until the scan ends"
        return Text(label)

    def action_sort_sessions(self, key: str | None = None) -> None:
        """Step to the next order (``s``), or to ``key`` (a column header clicked)."""
        keys = [k for k, _, _ in SESSION_SORTS]
        self.session_sort = key or keys[(keys.index(self.session_sort) + 1) % len(keys)]
        self.query_one("#session-sort", Static).update(self.sort_label())
        self.fill_sessions(keep_cursor=False)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        if event.data_table.id == "sessions" and event.column_key.value in COLUMN_SORTS:
            self.action_sort_sessions(COLUMN_SORTS[event.column_key.value])

    @on(Select.Changed, "#session-filter")
    def session_filter_changed(self) -> None:
        self.fill_sessions()
