"""Git in the meeting app: the palette's sync commands and the dialog that shows what they did.

A sync's result or refusal can be long (each diverged session, each entry on both sides, the fix):
it is shown in a scrollable dialog that reads at 80x24 and stays until closed, never in a toast
that is cut off and gone in ten seconds. "Git: Sync and replay" first shows what a replay would
re-record and keep aside, and replays only when the chair confirms. Git runs in thread workers:
the network never freezes the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

from panel_tui.core.display import visible


class GitReportScreen(ModalScreen[bool]):
    """A sync's report, a refusal, or a replay's preview (then it asks: dismisses True to go on)."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="git.close"),
        Binding("ctrl+s", "confirm", "Replay", id="git.confirm", show=False),
    ]

    def __init__(self, title: str, lines: list[str], ok: bool, confirm: str | None = None) -> None:
        super().__init__()
        self.title_text, self.lines, self.ok, self.confirm = title, lines, ok, confirm

    def compose(self) -> ComposeResult:
        mark = "✓" if self.ok else "✗"
        with Vertical(id="git-box", classes="-ok" if self.ok else "-refused"):
            yield Static(Text(f"{mark} {self.title_text}"), id="git-title")
            with VerticalScroll(id="git-body"):
                yield Static(Text(visible("\n".join(self.lines), keep_newlines=True)), id="git-text")
            with Horizontal(id="git-buttons"):
                if self.confirm:
                    yield Button(f"{self.confirm} (ctrl+s)", id="git-confirm", variant="warning")
                yield Button("Close (esc)" if not self.confirm else "Cancel (esc)", id="git-close")

    def on_mount(self) -> None:
        self.query_one("#git-body").focus()  # arrows and page keys scroll the report

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "git-confirm")

    def action_close(self) -> None:
        self.dismiss(False)

    def action_confirm(self) -> None:
        if self.confirm:
            self.dismiss(True)


def git_commands(app: App[Any], screen: Screen[Any]) -> Iterable[SystemCommand]:
    """ "Git: Sync" and "Git: Sync and replay" on a session kept in a git work tree."""
    session = getattr(screen, "session", None)
    if session is None or getattr(screen, "read_only", None):
        return
    from panel_tui.core.gitstore import work_tree
    from panel_tui.core.kept_aside import dismissal, dismissed_line, load_kept_aside

    aside, problem = load_kept_aside(session.dir)
    if aside or problem:
        lines = []
        for k in aside:
            done = dismissal(k, session.log)
            lines.append(
                f"{'✓' if done else '⚑'} {k.line()}"
                + (f" — {dismissed_line(done)}" if done else f" — pending (hash {k.hash[:12]})")
            )
        lines += [f"✗ {problem}"] if problem else []
        lines.append(
            "These are outside the log's chain. To settle one, record the decision knowingly on its "
            "standard (d, k or r), or dismiss it with a reason (panel-tui dismiss PATH --kept-aside "
            "HASH --reason TEXT --by NAME); it stays here, on the record, in decisions.refused.toml."
        )
        yield SystemCommand(
            "Git: Kept-aside entries",
            f"{len(aside)} entries a replay kept aside, with why",
            lambda: app.push_screen(GitReportScreen("Entries kept aside for the panel", lines, problem is None)),
        )
    if work_tree(session.dir) is not None:
        yield SystemCommand(
            "Git: Sync",
            "Pull the other offices' entries (checked first), then push ours",
            lambda: sync_in_background(app, screen),
        )
        yield SystemCommand(
            "Git: Sync and replay",
            "When logs diverged: preview what would be re-recorded and kept aside, then replay",
            lambda: preview_in_background(app, screen),
        )


def _after_sync(app: App[Any], screen: Screen[Any]) -> None:
    if hasattr(screen, "check_disk"):  # the meeting screen's own refresh names the entries that arrived
        screen.check_disk()
    if hasattr(screen, "refresh_view"):  # and the header's sync state, even when no entry arrived
        screen.refresh_view()


def _run(
    app: App[Any],
    screen: Screen[Any],
    what: Callable[[Path], list[str]],
    title: str,
    then: Callable[[list[str]], None] | None = None,
) -> None:
    """Run ``what`` in a thread; show its lines (or its refusal) in the dialog on the UI thread."""
    from panel_tui.core.errors import InputError, RuleRefused
    from panel_tui.core.gitstore import GitFailed

    session_dir = screen.session.dir  # type: ignore[attr-defined]

    def work() -> None:
        try:
            lines, ok = what(session_dir), True
        except (InputError, RuleRefused, GitFailed) as exc:
            text = exc.message if isinstance(exc, RuleRefused) else str(exc)
            lines, ok = text.split("\n"), False
        app.call_from_thread(done, lines, ok)

    def done(lines: list[str], ok: bool) -> None:
        _after_sync(app, screen)
        if ok and then is not None:
            then(lines)
            return
        app.push_screen(GitReportScreen(title if ok else f"{title}: refused, nothing changed", lines, ok))

    app.run_worker(work, thread=True, exclusive=True, group="git-sync")


def sync_in_background(app: App[Any], screen: Screen[Any], replay: bool = False) -> None:
    """Sync (or sync and replay) in a thread; the report or refusal then in the dialog."""
    from panel_tui.core.gitstore import sync

    app.notify("Syncing with the shared repository…", title="Git", markup=False, timeout=2)
    _run(app, screen, lambda d: sync(d, replay=replay).lines, "Git sync and replay" if replay else "Git sync")


def preview_in_background(app: App[Any], screen: Screen[Any]) -> None:
    """Fetch and work out what a replay would do; replay only if the chair confirms."""
    from panel_tui.core.gitstore import preview_replay

    def ask(lines: list[str]) -> None:
        can_replay = not lines[0].startswith("nothing to replay")
        app.push_screen(
            GitReportScreen("What a replay would do", lines, True, "Replay" if can_replay else None),
            lambda go: sync_in_background(app, screen, replay=True) if go else None,
        )

    app.notify("Fetching to preview a replay…", title="Git", markup=False, timeout=2)
    _run(app, screen, preview_replay, "Git sync and replay", ask)
