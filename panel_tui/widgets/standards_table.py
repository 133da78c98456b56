"""The table of standards: every flag and status shown as a word or symbol, never colour alone."""

from __future__ import annotations

from rich.text import Text
from textual.coordinate import Coordinate
from textual.reactive import var
from textual.widgets import DataTable

from panel_tui.core import agenda
from panel_tui.core.engine import display_percent
from panel_tui.core.session import Session

STATUS_LABEL = {
    agenda.NEEDS_PANEL: ("● needs panel", "bold"),
    agenda.TO_RATIFY: ("● to ratify", "bold"),
    agenda.PROPOSED: ("◐ proposed", "bold"),
    agenda.DECIDED: ("✓ decided", ""),
    agenda.DECLINED: ("✓ declined", ""),
    agenda.RATIFIED: ("✓ ratified", ""),
    agenda.NOTHING: ("– none", "dim"),
    agenda.NOT_RATED: ("not rated", "dim"),
    agenda.AWAITING_FIGURES: ("… awaiting figures", "italic"),
    agenda.AWAITING_PROPOSAL: ("… awaiting proposal", "italic"),
}
FULL_WIDTH = 118  # the table's own width for every column at full length
NAME_WIDTH = 96  # below this the name column goes too (the evidence pane names the standard)


def compact_flag(short: str) -> str:
    """'▲ near 65' -> '▲65', '1 case ▼' -> '1 case▼' for narrow terminals."""
    return short.replace(" near ", "").replace("case ", "case")


class StandardsTable(DataTable):
    """One row per standard, keyed by standard id.

    Column widths are set from the cells themselves when the rows are built, not measured later
    by the table: a table filled while a form covers the screen was painted before the table's
    own measuring ran, and its rows stayed cut to the headers' widths (the squash seen after the
    attendance form). At any width every row keeps its id, lowest %, cases, final band in full
    words, flags and status word; narrower, Computed and then the name (both in the evidence pane)
    are left out rather than cut.
    """

    layout_width = 0  # the width the columns were last chosen for
    _session: Session | None = None
    selected: var[str | None] = var(None)
    """The id of the standard under the cursor, set as the cursor moves. A watcher of it (the
    evidence pane's owner) runs in the same turn as the move, so the row and its evidence repaint in
    one frame; the RowHighlighted message arrives after the table's own repaint, a frame or two late."""

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        self.selected = self.selected_id

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True

    def on_resize(self) -> None:
        if self._session is not None and self._mode(self.size.width) != self._mode(self.layout_width):
            self.show(self._session)

    @staticmethod
    def _mode(width: int) -> str:
        return "full" if width >= FULL_WIDTH else ("named" if width >= NAME_WIDTH else "narrow")

    def show(self, session: Session, compact: bool | None = None) -> None:
        keep = self.cursor_row
        self._session = session
        width = self.size.width or self.app.size.width
        self.layout_width = width
        mode = self._mode(width)
        state = session.log if not session.log_problem else None
        rows: list[list[Text]] = []
        for s in session.rating.standards:
            if s.awaiting:
                lowest = Text("—", style="dim")
            elif s.kind == "judgement":
                lowest = Text("proposed" if not s.not_rated else "—", style="dim")
            else:
                pct = display_percent(s.lowest_percent)  # type: ignore[arg-type]
                lowest = Text(f"{pct} of {s.cases}" if s.cases is not None else pct)
            final = Text("awaiting" if s.awaiting else s.final)
            if s.score is not None and s.computed_score is not None and s.score != s.computed_score:
                final = Text(("▲ " if s.score > s.computed_score else "▼ ") + s.final, style="bold")
            label, style = STATUS_LABEL[agenda.status(state, s)]
            name = s.name if s.counted else f"{s.name} (not counted)"
            if mode == "named" and len(name) > 13:
                name = name[:12] + "…"
            flags = Text(", ".join(compact_flag(f.short) if mode != "full" else f.short for f in s.flags))
            computed = Text("awaiting" if s.awaiting else s.computed)
            rows.append([Text(s.id), Text(name), lowest, computed, final, flags, Text(label, style=style)])
        cols = [("Std", "id"), ("Standard", "name"), ("Lowest", "lowest"), ("Computed", "computed"),
                ("Final", "final"), ("Flags", "flags"), ("Status", "status")]
        drop = {"full": set(), "named": {"computed"}, "narrow": {"computed", "name"}}[mode]
        keep_cols = [i for i, (_, key) in enumerate(cols) if key not in drop]
        self.clear(columns=True)
        for i in keep_cols:
            label, key = cols[i]
            widest = max([len(label)] + [r[i].cell_len for r in rows])
            self.add_column(label, key=key, width=widest)
        for s, cells in zip(session.rating.standards, rows):
            self.add_row(*(cells[i] for i in keep_cols), key=s.id)
        if self.row_count:
            self.move_cursor(row=min(max(keep, 0), self.row_count - 1))
        self.selected = self.selected_id

    @property
    def selected_id(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
