"""The table of standards: every flag and status shown as a word or symbol, never colour alone."""

from __future__ import annotations

from rich.text import Text
from textual.coordinate import Coordinate
from textual.reactive import var
from textual.widgets import DataTable

from panel_tui.core import agenda
from panel_tui.core.display import at_word
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
COLUMNS = [
    ("Std", "id"),
    ("Standard", "name"),
    ("Lowest", "lowest"),
    ("Computed", "computed"),
    ("Final", "final"),
    ("Flags", "flags"),
    ("Status", "status"),
]
# From the fullest layout to the narrowest: the first whose columns fit the table's width is used.
# Computed, then the name, are in the evidence pane; flags go compact before a column is dropped.
# (columns left out, compact flags, names cut to SHORT_NAME: in full in the evidence pane)
LAYOUTS: list[tuple[frozenset[str], bool, bool]] = [
    (frozenset(), False, False),
    (frozenset(), True, False),
    (frozenset({"computed"}), True, False),
    (frozenset({"computed"}), True, True),
    (frozenset({"computed", "name"}), True, False),
]
SHORT_NAME = 13
SCROLLBAR = 2  # a vertical scrollbar's width, kept free so the last column is never cut by it


def compact_flag(short: str) -> str:
    """'▲ near 65' -> '▲65', '1 case ▼' -> '1 case▼' for narrow terminals."""
    return short.replace(" near ", "").replace("case ", "case")


class StandardsTable(DataTable[Text]):
    """One row per standard, keyed by standard id.

    Column widths are set from the cells themselves when the rows are built, not measured later
    by the table: a table filled while a form covers the screen was painted before the table's
    own measuring ran, and its rows stayed cut to the headers' widths (the squash seen after the
    attendance form). The layout is the fullest whose columns fit the table's own width, so every
    row keeps its id, lowest %, cases, final band in full words, flags and status word; narrower,
    flags go compact, then Computed and the name (both in the evidence pane) are left out rather
    than cut.
    """

    _session: Session | None = None
    _layout: int | None = None  # index into LAYOUTS the rows were built for
    _widths: list[int] = []  # the widest cell per layout, from the last show
    selected: var[str | None] = var(None)
    """The id of the standard under the cursor, set as the cursor moves. A watcher of it (the
    evidence pane's owner) runs in the same turn as the move, so the row and its evidence repaint in
    one frame; the RowHighlighted message arrives after the table's own repaint, a frame or two late."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        # public API: a watcher runs as the cursor moves, after DataTable's own (no override of
        # DataTable's watch method, which is Textual's to rename)
        self.watch(self, "cursor_coordinate", self._cursor_moved, init=False)

    def _cursor_moved(self, _old: Coordinate, _new: Coordinate) -> None:
        self.selected = self.selected_id

    def on_resize(self) -> None:
        if self._session is not None and self._fit(self._widths) != self._layout:
            self.show(self._session)

    def _fit(self, widths: list[int]) -> int:
        """The fullest layout whose columns (with their padding) fit the table's width."""
        room = (self.size.width or self.app.size.width) - SCROLLBAR
        return next((i for i, w in enumerate(widths) if w <= room), len(LAYOUTS) - 1)

    def show(self, session: Session) -> None:
        keep = self.cursor_row
        self._session = session
        state = session.log if not session.log_problem else None
        rows: list[dict[str, Text]] = []
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
            rows.append(
                {
                    "id": Text(s.id),
                    "name": Text(name),
                    "short": Text(at_word(name, SHORT_NAME)),
                    "lowest": lowest,
                    "computed": Text("awaiting" if s.awaiting else s.computed),
                    "final": final,
                    "flags": Text(", ".join(f.short for f in s.flags)),
                    "compact": Text(", ".join(compact_flag(f.short) for f in s.flags)),
                    "status": Text(label, style=style),
                }
            )

        def widest(key: str, label: str) -> int:
            return max([len(label)] + [r[key].cell_len for r in rows])

        def cell(layout: int, key: str) -> str:
            """Which text of a row a column shows in a layout."""
            _, compact, short = LAYOUTS[layout]
            if key == "flags" and compact:
                return "compact"
            return "short" if key == "name" and short else key

        pad = 2 * self.cell_padding
        self._widths = [
            sum(widest(cell(i, key), label) + pad for label, key in COLUMNS if key not in drop)
            for i, (drop, _, _) in enumerate(LAYOUTS)
        ]
        self._layout = layout = self._fit(self._widths)
        drop = LAYOUTS[layout][0]
        self.clear(columns=True)
        keys = [key for _, key in COLUMNS if key not in drop]
        for label, key in COLUMNS:
            if key not in drop:
                self.add_column(label, key=key, width=widest(cell(layout, key), label))
        for s, r in zip(session.rating.standards, rows, strict=True):
            self.add_row(*(r[cell(layout, k)] for k in keys), key=s.id)
        if self.row_count:
            self.move_cursor(row=min(max(keep, 0), self.row_count - 1))
        self.selected = self.selected_id

    def full_width(self) -> int:
        """The cells the fullest layout needs (every column, names in full), with the scrollbar's:
        a wide screen gives the table this before the evidence pane grows (at 160x45 names were
        cut while half the screen was empty)."""
        return (self._widths[0] if self._widths else 0) + SCROLLBAR

    @property
    def selected_id(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
