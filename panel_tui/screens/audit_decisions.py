"""The audit screen's Decisions tab: its filters, its table of the rows they leave, and its pane.

Kept apart from the screen (screens/audit.py: the scan, the tabs and opening a session) so how the
filters choose rows (a person under any spelling the register knows) reads in one place; what each
cell and the pane say is screens/audit_tables.py's. While the scan reads, the rows each batch
brings are filtered as they arrive and added below (a filter changed mid-scan refills the table from
the rows read so far); each filter offers the values seen so far, and the count says "so far".
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable, Select, Static

from panel_tui.core.audit import Row, filter_values, matches
from panel_tui.core.people import PERSON_KEYS_IN_ROWS, Register, person_matches, person_values
from panel_tui.screens.audit_tables import decision_cells, decision_detail
from panel_tui.widgets.safe import plain

# The decisions' filters: who first (chair, by: a person under any spelling the register knows).
# Meeting year: offered once the core's rows carry it (audit/4); empty before.
FILTERS = [
    ("chair", "Chair"),
    ("by", "By"),
    ("meeting_year", "Met in"),
    ("kind", "Kind"),
    ("status", "Status"),
    ("standard", "Standard"),
    ("direction", "Direction"),
    ("flag", "Flag"),
    ("framework", "Framework"),
    ("lead_inspector", "Inspector"),
    ("year", "Fieldwork"),
]


def raw_values(rows: list[Row], key: str) -> set[str]:
    """The values of ``key`` in these rows as they are written (a flag: each of a row's flags)."""
    if key == "flag":
        return {str(f) for d in rows for f in d["flags"]}
    return {str(v) for d in rows if (v := d.get(key)) not in (None, "")}


class AuditDecisionsTab(Screen[None]):
    """The Decisions tab's half of the audit screen (screens/audit.py): ``rows`` are the rows read
    so far (all of them once ``reading`` is over), ``shown`` those the filters leave, by key,
    ``register`` who is who."""

    rows: list[Row]
    reading: bool
    shown: dict[str, Row]
    register: Register
    _offered: dict[str, set[str]]  # each filter's values seen in the rows so far, as written
    _stale: set[str]  # filters whose choices lack a value seen since they were last set

    def current_filters(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for key, _ in FILTERS:
            value = self.query_one(f"#filter-{key}", Select).value
            out[key] = value if isinstance(value, str) else None  # Select.NULL: no choice
        return out

    def passing(self, rows: list[Row]) -> list[Row]:
        """The rows the chosen filters leave."""
        filters = self.current_filters()
        people = {k: v for k, v in filters.items() if k in PERSON_KEYS_IN_ROWS and v is not None}
        rest = {k: v for k, v in filters.items() if k not in PERSON_KEYS_IN_ROWS}
        return [
            d
            for d in rows
            if matches(d, rest) and all(person_matches(d, k, v, self.register) for k, v in people.items())
        ]

    def filtered(self) -> list[Row]:
        return self.passing(self.rows)

    def fill_decisions(self) -> None:
        """The table again from every row read so far, as the filters now choose; the cursor stays
        on the row it was on when that row is still shown."""
        table = self.query_one("#decisions", DataTable)
        keep = self.selected_key()
        table.clear()
        self.shown = {}
        self.add_decisions(self.filtered())
        if keep in self.shown:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self.show_count()
        self.show_decision()

    def append_decisions(self, rows: list[Row]) -> None:
        """Rows just read: those the filters leave added below the others (the cursor stays where
        the user put it), the filters offered any new value, the count updated."""
        table = self.query_one("#decisions", DataTable)
        was_empty = not table.row_count
        self.add_decisions(self.passing(rows))
        self.note_filter_values(rows)
        self.offer_filter_values()
        self.show_count()
        if was_empty and table.row_count:
            self.show_decision()

    def add_decisions(self, rows: list[Row]) -> None:
        """Rows at the bottom of the table (DataTable.add_row each, keyed session#seq)."""
        table = self.query_one("#decisions", DataTable)
        for d in rows:
            key = f"{d['session']}#{d['seq']}"
            self.shown[key] = d
            table.add_row(*decision_cells(d, self.register), key=key)

    def show_count(self) -> None:
        total = len(self.rows)
        line = f"{len(self.shown):,} of {total:,} decisions"
        if self.reading:
            line += " so far, still reading"  # a partial count never looks final (fits 80 columns)
        if len(self.shown) != total:
            line += " (filtered: c clears)"
        self.query_one("#decision-count", Static).update(Text(line))

    def forget_filter_values(self) -> None:
        """A new scan: no value seen yet (the choices offered stay until the new rows replace them)."""
        self._offered = {key: set() for key, _ in FILTERS}
        self._stale = set()

    def note_filter_values(self, rows: list[Row]) -> None:
        for key, _ in FILTERS:
            fresh = raw_values(rows, key) - self._offered[key]
            if fresh:
                self._offered[key] |= fresh
                self._stale.add(key)

    def offer_filter_values(self, final: bool = False) -> None:
        """Each filter offers the values present in the rows read so far (a person once, under the
        register's name). A filter whose list is open is left as it is until the next batch (or the
        end), so its choices do not move under the user; a value chosen stays chosen, offered even
        before a row with it is read again, and setting the choices never refilters the table."""
        for key, _ in FILTERS:
            select = self.query_one(f"#filter-{key}", Select)
            if key not in self._stale or (select.expanded and not final):
                continue
            values = (
                person_values(self.rows, key, self.register)
                if key in PERSON_KEYS_IN_ROWS
                else filter_values(self.rows, key)
            )
            keep = select.value
            if isinstance(keep, str) and keep not in values:
                values.append(keep)
            with self.prevent(Select.Changed):
                select.set_options([(plain(v), v) for v in values])
                if isinstance(keep, str):
                    select.value = keep
            self._stale.discard(key)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "session-filter":
            self.fill_decisions()

    def action_clear_filters(self) -> None:
        """Every filter cleared, then the table filled once (not once per filter that had a value)."""
        with self.prevent(Select.Changed):
            for key, _ in FILTERS:
                self.query_one(f"#filter-{key}", Select).clear()
        self.fill_decisions()

    def selected_key(self) -> str | None:
        table = self.query_one("#decisions", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def selected_decision(self) -> Row | None:
        return self.shown.get(self.selected_key() or "")

    def show_decision(self) -> None:
        d = self.selected_decision()
        body = self.query_one("#decision-body", Static)
        if d is None:
            waiting = self.reading and not self.rows
            body.update(Text("Reading the sessions…" if waiting else "No decision matches the filters."))
            return
        body.update(decision_detail(d, self.register))
