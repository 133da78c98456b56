"""PanelApp: the Textual meeting app. It calls the core; it never computes a band itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer

from panel_tui.core.session import Session, load_session
from panel_tui.textual_fixes import RestyleAttachedOnly, forget_closed_watchers


FREEZE_AFTER = 2.0  # seconds after the first screen: after the evidence pane has rendered ahead (1 s)
IDLE_COLLECT_AFTER = 0.6  # seconds after a form or screen closes
RESUME_COLLECTOR_AFTER = 2.0  # seconds: the collector is back on by then even if a screen never painted


class PanelApp(RestyleAttachedOnly, App):
    """Open one session (``PanelApp(path)``) or pick one under a sessions folder."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "panel-tui"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit (every recorded decision is already on disk)"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Keys and rules"),
    ]

    def __init__(self, path: Path | str | None = None, session: Session | None = None,
                 sessions_root: Path | str = "sessions", audit: Path | str | None = None,
                 freeze_heap: bool = False) -> None:
        """``freeze_heap``: see ``_freeze_heap`` (the command line sets it, having paused the garbage
        collector for the start-up; tests, which run many apps in one process, do not)."""
        super().__init__()
        self.freeze_heap = freeze_heap
        self._idle_collect: Timer | None = None
        self._collector_paused = False  # by push_screen, until the new screen is painted
        self._collector_backstop: Timer | None = None
        self.session_path = Path(path) if path is not None else None
        self.initial_session = session
        self.sessions_root = Path(sessions_root)
        self.audit_root = Path(audit) if audit is not None else None  # `panel-tui audit DIR`: start on the audit

    def get_default_screen(self) -> Screen:
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
        watcher list kept them alive: see textual_fixes). In the real app the garbage collector
        then waits until the new screen is painted (see ``_pause_collector``)."""
        forget_closed_watchers(self)
        pause = self.freeze_heap and self._pause_collector()
        result = super().push_screen(screen, *args, **kwargs)
        if pause:
            # after the new screen's first paint (a screen runs these once it has nothing left to
            # lay out or paint); the timer is the backstop should the screen never get that far
            self.screen.call_after_refresh(self.screen.call_after_refresh, self._resume_collector)
            self._collector_backstop = self.set_timer(RESUME_COLLECTOR_AFTER, self._resume_collector)
        return result

    def _pause_collector(self) -> bool:
        """Opening a form makes ~27,000 objects (widgets, styles, strips), which set off ~35 young
        and 2-3 middle-generation collections before it is painted: 10-14 ms of the discretion
        form's ~130 ms (traced, issue 12). Nearly all of them live as long as the form, so those
        collections free almost nothing: they wait until the chair can read the form. False when
        the collector is already off (the start-up, or a screen opened while another opens)."""
        import gc

        if not gc.isenabled():
            return False
        gc.disable()
        self._collector_paused = True
        return True

    def _resume_collector(self) -> None:
        import gc

        if self._collector_paused:
            self._collector_paused = False
            gc.enable()
        if self._collector_backstop is not None:
            self._collector_backstop.stop()
            self._collector_backstop = None

    def pop_screen(self) -> Any:
        """A closed form or screen leaves its widgets for the garbage collector: collect them a
        moment later, while the chair reads the screen, rather than in a full collection that would
        otherwise come in the middle of a later key (75-120 ms, every two or three forms, measured)."""
        result = super().pop_screen()
        if self.freeze_heap:
            if self._idle_collect is not None:
                self._idle_collect.stop()
            self._idle_collect = self.set_timer(IDLE_COLLECT_AFTER, self._collect)
        return result

    def _collect(self) -> None:
        import gc

        self._idle_collect = None
        gc.collect()

    def on_ready(self) -> None:
        if self.freeze_heap:
            self.set_timer(FREEZE_AFTER, self._freeze_heap)

    def _freeze_heap(self) -> None:
        """Move every object made so far (Textual, the session, the first screen and the evidence
        rendered ahead: nearly all live as long as the app) out of the garbage collector's sight,
        then turn the collector back on (``panel-tui open`` turned it off for the start-up): a full
        collection, which comes every few forms, then walks only what came after. Done a while
        after the first paint, when the chair is reading it. The cost: start-up objects that die
        later are never freed (bounded; once)."""
        import gc

        gc.freeze()
        gc.enable()

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
        yield from git_commands(self, screen)  # issue 14


def git_commands(app: App, screen: Screen) -> Iterable[SystemCommand]:
    """"Git: Sync" on a session kept in a git work tree: pull (fast-forward only), then push."""
    session = getattr(screen, "session", None)
    if session is None or getattr(screen, "read_only", None):
        return
    from panel_tui.core.gitstore import work_tree

    if work_tree(session.dir) is not None:
        yield SystemCommand("Git: Sync", "Pull the other offices' entries (fast-forward only), then push ours",
                            lambda: sync_in_background(app, screen))


def sync_in_background(app: App, screen: Screen) -> None:
    """Run the sync in a thread (the network may be slow); pulled entries then show at once."""
    from panel_tui.core.errors import InputError, RuleRefused
    from panel_tui.core.gitstore import GitFailed, sync

    session_dir = screen.session.dir  # type: ignore[attr-defined]
    app.notify("Syncing with the shared repository…", title="Git", markup=False, timeout=2)

    def work() -> None:
        try:
            report = sync(session_dir)
            message, severity = "\n".join(report.lines[-6:]), "information"
        except (InputError, RuleRefused, GitFailed) as exc:
            message, severity = (exc.message if isinstance(exc, RuleRefused) else str(exc)), "error"
        app.call_from_thread(done, message, severity)

    def done(message: str, severity: str) -> None:
        if hasattr(screen, "check_disk"):  # the meeting screen's own refresh names the entries that arrived
            screen.check_disk()
        if hasattr(screen, "refresh_view"):  # and the header's sync state, even when no entry arrived
            screen.refresh_view()
        app.notify(message, title="Git sync", severity=severity, markup=False,  # type: ignore[arg-type]
                   timeout=10 if severity == "error" else 5)

    app.run_worker(work, thread=True, exclusive=True, group="git-sync")
