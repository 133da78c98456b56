"""PanelApp: the Textual meeting app. It calls the core; it never computes a band itself."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from panel_tui.core.session import Session, load_session
from panel_tui.heap import HeapPolicy
from panel_tui.roles import Role
from panel_tui.textual_fixes import (
    KeysInOrder,
    RestyleAttachedOnly,
    answer_start_blur,
    forget_closed_watchers,
    refocus_after_app_focus,
)


class PanelApp(KeysInOrder, RestyleAttachedOnly, App[None]):
    """Open one session (``PanelApp(path)``) or pick one under a sessions folder."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "panel-tui"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit (every recorded decision is already on disk)"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Keys and rules"),
    ]

    def __init__(
        self,
        path: Path | str | None = None,
        session: Session | None = None,
        sessions_root: Path | str = "sessions",
        audit: Path | str | None = None,
        heap: HeapPolicy | None = None,
        freeze_heap: bool = False,
        role: Role | None = None,
    ) -> None:
        """``heap``: when the garbage collector works (panel_tui.heap; the command line passes the
        one it started with). Without it the collector is left alone (tests run many apps in one
        process), unless ``freeze_heap`` asks for the policy the environment allows."""
        super().__init__()
        if heap is None:
            heap = HeapPolicy.from_environment() if freeze_heap else HeapPolicy.inactive()
        self.heap = heap
        self.session_path = Path(path) if path is not None else None
        self.initial_session = session
        self.sessions_root = Path(sessions_root)
        self.audit_root = Path(audit) if audit is not None else None  # `panel-tui audit DIR`: start on the audit
        # whose link opened this app (panel-tui serve sets it in the environment; the terminal is the chair's)
        self.role = role if role is not None else Role.from_environment()

    def get_default_screen(self) -> Screen[Any]:
        """The meeting screen itself when a session is given (no blank screen composed, painted
        and covered first: the first screen a chair sees is the first one drawn)."""
        if self.audit_root is None:
            if self.initial_session is None and self.session_path is not None:
                self.initial_session = load_session(self.session_path)
            if self.initial_session is not None:
                from panel_tui.screens.meeting import MeetingScreen

                return MeetingScreen(self.initial_session)
        return super().get_default_screen()

    def on_mount(self) -> None:
        if self.audit_root is not None:
            from panel_tui.screens.audit import AuditScreen

            self.push_screen(AuditScreen(self.audit_root))
        elif self.initial_session is None:
            from panel_tui.screens.picker import PickerScreen

            self.push_screen(PickerScreen(self.sessions_root))

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        """Every screen opened first lets go of the widgets of screens already closed (a Textual
        watcher list kept them alive: see textual_fixes); the heap policy may hold the garbage
        collector until the new screen is painted."""
        forget_closed_watchers(self)
        with self.heap.opening_screen(self):
            return super().push_screen(screen, *args, **kwargs)

    def pop_screen(self) -> Any:
        result = super().pop_screen()
        self.heap.screen_closed(self)  # its widgets collected a moment later, while the chair reads
        return result

    def on_app_focus(self) -> None:
        """In a browser (panel-tui serve) the focus comes back to the screen shown, so the first key works."""
        refocus_after_app_focus(self)

    def on_app_blur(self) -> None:
        answer_start_blur(self)  # a served app starts with the keyboard (textual_fixes)

    def on_ready(self) -> None:
        self.heap.schedule_freeze(self)

    def action_help(self) -> None:
        from panel_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            text = getattr(self.screen, "HELP_TEXT", None)
            self.push_screen(HelpScreen(text) if text else HelpScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "commands", None)
        if commands is not None:
            yield from commands()
        yield SystemCommand("Panel: Help", "Keys and rules", self.action_help)
        from panel_tui.modals.git_dialog import git_commands  # issue 14, 20: sync, replay, kept-aside entries

        if self.role.is_chair:  # sync, replay, kept-aside entries: the chair's
            yield from git_commands(self, screen)
