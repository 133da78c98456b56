"""The report paragraph for one standard's decision: shown to select, and copied to the clipboard.

Copying uses the terminal's clipboard escape, which some terminals and tmux drop, so the text is
always shown as well (select it with the mouse) and `e` on the meeting screen exports the record.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from panel_tui.widgets.safe import para


class ParagraphScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("c", "copy", "Copy", id="paragraph.copy", tooltip="Copy the paragraph to the clipboard"),
        Binding("escape,q", "close", "Close", id="paragraph.close"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="paragraph-box"):
            yield Label(self.title_text, id="paragraph-title", markup=False)
            yield Static(para(self.text), id="paragraph-text")
            yield Static(
                "c copy to the clipboard · esc close · the text can also be selected with the mouse",
                id="paragraph-keys",
                markup=False,
            )

    def on_mount(self) -> None:
        self.action_copy()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify(
            "Copied the paragraph (if your terminal passes the clipboard on; otherwise select it here).",
            title="Copied",
            markup=False,
            timeout=4,
        )

    def action_close(self) -> None:
        self.dismiss(None)
