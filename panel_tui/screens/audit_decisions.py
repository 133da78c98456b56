"""The audit screen's Decisions tab: its filters, its table of the rows they leave, and its pane.

Kept apart from the screen (screens/audit.py: the scan, the tabs and opening a session) so how the
filters choose rows (a person under any spelling the register knows) reads in one place; what each
cell and the pane say is screens/audit_tables.py's.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable, Select, Static

from panel_tui.core.audit import Audit, Row, matches
from panel_tui.core.people import PERSON_KEYS_IN_ROWS, Register, person_matches
from panel_tui.screens.audit_tables import decision_cells, decision_detail

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


class AuditDecisionsTab(Screen[None]):
    """The Decisions tab's half of the audit screen (screens/audit.py): ``audit`` is the scan's
    result (None until it is done), ``shown`` the rows the filters leave, ``register`` who is who."""

    audit: Audit | None
    shown: dict[str, Row]
    register: Register

    def current_filters(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for key, _ in FILTERS:
            value = self.query_one(f"#filter-{key}", Select).value
            out[key] = value if isinstance(value, str) else None  # Select.NULL: no choice
        return out

    def filtered(self) -> list[Row]:
        if self.audit is None:
            return []
        filters = self.current_filters()
        people = {k: v for k, v in filters.items() if k in PERSON_KEYS_IN_ROWS and v is not None}
        rest = {k: v for k, v in filters.items() if k not in PERSON_KEYS_IN_ROWS}
        return [
            d
            for d in self.audit.decisions
            if matches(d, rest) and all(person_matches(d, k, v, self.register) for k, v in people.items())
        ]

    def fill_decisions(self) -> None:
        table = self.query_one("#decisions", DataTable)
        table.clear()
        self.shown = {f"{d['session']}#{d['seq']}": d for d in self.filtered()}
        for key, d in self.shown.items():
            table.add_row(*decision_cells(d, self.register), key=key)
        total = len(self.audit.decisions) if self.audit is not None else 0
        self.query_one("#decision-count", Static).update(
            Text(
                f"{len(self.shown):,} of {total:,} decisions"
                + (" (filtered: c clears)" if len(self.shown) != total else "")
            )
        )
        self.show_decision()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "session-filter":
            self.fill_decisions()

    def action_clear_filters(self) -> None:
        for key, _ in FILTERS:
            self.query_one(f"#filter-{key}", Select).clear()
        self.fill_decisions()

    def selected_decision(self) -> Row | None:
        table = self.query_one("#decisions", DataTable)
        if not table.row_count or self.audit is None:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.shown.get(key or "")

    def show_decision(self) -> None:
        d = self.selected_decision()
        body = self.query_one("#decision-body", Static)
        if d is None:
            body.update(Text("No decision matches the filters." if self.audit else ""))
            return
        body.update(decision_detail(d, self.register))
