"""The table of standards: every flag and status shown as a word or symbol, never colour alone."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from panel_tui.core import agenda
from panel_tui.core.engine import display_percent
from panel_tui.core.session import Session
from panel_tui.widgets.safe import short_band

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
FULL_WIDTH = 118  # the table's own width needed for every column at full length


def compact_flag(short: str) -> str:
    """'▲ near 65' -> '▲65', '1 case ▼' -> '1 case▼' for narrow terminals."""
    return short.replace(" near ", "").replace("case ", "case")


class StandardsTable(DataTable):
    """One row per standard, keyed by standard id."""

    compact = False
    _session: Session | None = None

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True

    def on_resize(self) -> None:
        """Narrower than every column needs: drop Computed (it is in the evidence pane) and shorten."""
        compact = self.size.width < FULL_WIDTH
        if compact != self.compact and self._session is not None:
            self.show(self._session, compact)
        self.compact = compact

    def show(self, session: Session, compact: bool | None = None) -> None:
        keep = self.cursor_row
        self._session = session
        if compact is not None:
            self.compact = compact
        self.clear(columns=True)
        cols = [("Std", "id"), ("Standard", "name"), ("Lowest", "lowest"), ("Computed", "computed"),
                ("Final", "final"), ("Flags", "flags"), ("Status", "status")]
        for label, key in cols:
            if not (self.compact and key == "computed"):
                self.add_column(label, key=key)
        state = session.log if not session.log_problem else None
        for s in session.rating.standards:
            if s.awaiting:
                lowest = Text("—", style="dim")
            elif s.kind == "judgement":
                lowest = Text("proposed" if not s.not_rated else "—", style="dim")
            else:
                pct = display_percent(s.lowest_percent)  # type: ignore[arg-type]
                lowest = Text(f"{pct} of {s.cases}" if s.cases is not None else pct)
            final = Text("awaiting" if s.awaiting else short_band(s.final))
            if s.score is not None and s.computed_score is not None and s.score != s.computed_score:
                final = Text(("▲ " if s.score > s.computed_score else "▼ ") + short_band(s.final), style="bold")
            label, style = STATUS_LABEL[agenda.status(state, s)]
            name = s.name if s.counted else f"{s.name} (not counted)"
            if self.compact and len(name) > 13:
                name = name[:12] + "…"
            flags = Text(", ".join(compact_flag(f.short) if self.compact else f.short for f in s.flags))
            computed = Text("awaiting" if s.awaiting else short_band(s.computed))
            cells = [Text(s.id), Text(name), lowest, computed, final, flags, Text(label, style=style)]
            if self.compact:
                del cells[3]
            self.add_row(*cells, key=s.id)
        if self.row_count:
            self.move_cursor(row=min(max(keep, 0), self.row_count - 1))

    @property
    def selected_id(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
