"""PanelApp: the Textual meeting app. It calls the core; it never computes a band itself."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from panel_tui.core.session import Session, load_session


class PanelApp(App):
    """Open one session (``PanelApp(path)``) or pick one under a sessions folder."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "panel-tui"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit (every recorded decision is already on disk)"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Keys and rules"),
    ]

    def __init__(self, path: Path | str | None = None, session: Session | None = None,
                 sessions_root: Path | str = "sessions") -> None:
        super().__init__()
        self.session_path = Path(path) if path is not None else None
        self.initial_session = session
        self.sessions_root = Path(sessions_root)

    def on_mount(self) -> None:
        if self.initial_session is None and self.session_path is not None:
            self.initial_session = load_session(self.session_path)
        if self.initial_session is not None:
            from panel_tui.screens.meeting import MeetingScreen

            self.push_screen(MeetingScreen(self.initial_session))
        else:
            from panel_tui.screens.picker import PickerScreen

            self.push_screen(PickerScreen(self.sessions_root))

    def action_help(self) -> None:
        from panel_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            text = getattr(self.screen, "HELP_TEXT", None)
            self.push_screen(HelpScreen(text) if text else HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "commands", None)
        if commands is not None:
            yield from commands()
        yield SystemCommand("Panel: Help", "Keys and rules", self.action_help)
