"""The log view: every entry with its status, the verification result and the head hash."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from panel_tui.core.display import entry_summary, local_time, status_mark
from panel_tui.core.session import Session
from panel_tui.textual_fixes import FreshScreenStyles, KeysFooter
from panel_tui.widgets.safe import para, plain


class LogScreen(FreshScreenStyles, Screen[None]):
    BINDINGS = [Binding("escape,l", "app.pop_screen", "Back", id="log.back", tooltip="Back to the standards")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(id="log-status")
        yield DataTable(id="log-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="log-entry"):
            yield Static(id="log-entry-body")
        yield KeysFooter()  # its keys in the screen's first frame (textual_fixes)

    def on_mount(self) -> None:
        s = self.session
        state = s.log
        status = Text()
        if state is None:
            status.append_text(plain(f"No decisions recorded yet ({s.log_path})."))
        elif s.log_problem:
            status.append("✗ DOES NOT VERIFY: ", style="bold")
            status.append_text(plain(s.log_problem))
        else:
            status.append(
                f"✓ intact · {len(state.entries)} entries · "
                f"{'signed off at entry ' + str(state.sign_off_seq) if state.signed_off else 'not signed off'}\n"
            )
            status.append(f"head {state.head}")
        self.query_one("#log-status", Static).update(status)
        table = self.query_one("#log-table", DataTable)
        # Status before the long columns: at 80 columns it stays on screen (the entry text is last,
        # cut to its first 70 characters here and whole in the pane below)
        for col in ("#", "At", "Kind", "Status", "By", "Entry"):
            table.add_column(col, key=col)
        zone = s.rating.framework.panel.timezone
        for e in state.entries if state is not None else []:
            st = status_mark(state.status_of(e)) if state is not None else ""
            table.add_row(
                plain(e["seq"]),
                plain(local_time(e.get("at", ""), zone)),
                plain(e.get("kind", "")),
                Text(st),
                plain(e.get("by", "")),
                Text(entry_summary(e)[:70]),
                key=str(e["seq"]),
            )
        if table.row_count:
            table.move_cursor(row=table.row_count - 1)
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        state = self.session.log
        if state is None or event.row_key is None or event.row_key.value is None:
            return
        e = state.entry(int(event.row_key.value))
        if e is None:
            return
        t = Text()
        t.append("status: ", style="bold")
        t.append(status_mark(state.status_of(e)) + "\n")
        for k, v in e.items():
            t.append_text(plain(f"{k}: ", "bold"))
            t.append_text(para(v if isinstance(v, str) else repr(v)))
            t.append("\n")
        self.query_one("#log-entry-body", Static).update(t)
