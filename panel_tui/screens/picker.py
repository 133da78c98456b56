"""Choose a session under a sessions folder (``panel-tui`` with no arguments)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from panel_tui.core.sessions_dir import find_sessions
from panel_tui.widgets.safe import plain


class PickerScreen(Screen):
    BINDINGS = [Binding("q", "app.quit", "Quit", id="picker.quit")]

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def compose(self) -> ComposeResult:
        yield Static(plain(f"Sessions under {self.root} — enter to open"), id="picker-title")
        yield OptionList(id="picker")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        found, problems = find_sessions(self.root)
        for path in found:
            options.add_option(Option(plain(path.name), id=str(path)))
        for msg in problems:
            options.add_option(Option(plain(f"✗ {msg}"), disabled=True))
        if not found:
            options.add_option(Option(plain(f"No sessions found under {self.root}."), disabled=True))
        if found:
            options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from panel_tui.core.audit import UNREADABLE
        from panel_tui.core.display import one_line
        from panel_tui.core.session import load_session
        from panel_tui.screens.meeting import MeetingScreen

        try:
            session = load_session(Path(event.option.id or ""))
        except UNREADABLE as exc:  # a broken session is a message; the picker stays open
            self.notify(one_line(str(exc)), severity="error", markup=False, timeout=10)
            return
        self.app.push_screen(MeetingScreen(session))
