"""Choose a session under a sessions folder (``panel-tui`` with no arguments).

Each session is listed with its service, fieldwork, state and score, read in a thread worker so
the list paints at once; Esc from a session opened here comes back to the list.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from panel_tui.core.sessions_dir import find_sessions
from panel_tui.textual_fixes import KeysFooter
from panel_tui.widgets.safe import plain

PICKER_HELP = """panel-tui — choosing a session

  ↑/↓ choose   enter open   r re-read the folder   ? this help   q quit
  In a session, esc comes back to this list.

Each line: folder · service · fieldwork · state (no decisions yet / open, N entries / SIGNED OFF /
✗ log does not verify / ✗ unreadable) · final score and overall rating.

Start a new session from the command line:
  panel-tui new sessions/<name> --framework hmip-yjs-2021 --service "…" --fieldwork YYYY-MM-DD
  panel-tui import-cases sessions/<name> answers.csv     (one row per case, Yes/No/N/A)
  panel-tui check sessions/<name>                         (lists what is still missing)

Press esc or ? to close."""


def describe_session(path: Path) -> str:
    """One line for the list; a session that cannot be read says why instead."""
    from panel_tui.core.audit import UNREADABLE
    from panel_tui.core.display import one_line
    from panel_tui.core.session import load_session

    try:
        s = load_session(path)
    except UNREADABLE as exc:
        return f"{path.name} · ✗ unreadable: {one_line(str(exc), 80)}"
    if s.log_problem:
        state = "✗ log does not verify (read-only)"
    elif s.log is None or not s.log.entries:
        state = "no decisions yet"
    elif s.log.signed_off:
        state = f"🔒 SIGNED OFF (entry {s.log.sign_off_seq})"
    else:
        state = f"open, {len(s.log.entries)} entries"
    r = s.rating
    return (
        f"{path.name} · {s.inspection.service} · fieldwork {s.inspection.fieldwork} · {state} · "
        f"{r.score}/{r.max_score} {r.overall}"
    )


class PickerScreen(Screen[None]):
    HELP_TEXT = PICKER_HELP
    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="picker.quit"),
        Binding("r", "reload", "Re-read", id="picker.reload", tooltip="Read the sessions folder again"),
    ]

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def compose(self) -> ComposeResult:
        yield Static(plain(f"Sessions under {self.root} — enter to open, ? for help"), id="picker-title")
        yield OptionList(id="picker")
        yield KeysFooter()  # its keys in the screen's first frame (textual_fixes)

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one(OptionList).focus()

    def on_screen_resume(self) -> None:
        if self.query_one(OptionList).option_count:
            self.action_reload()  # back from a session: its state may have changed

    def action_reload(self) -> None:
        options = self.query_one(OptionList)
        keep = options.highlighted
        options.clear_options()
        found, problems = find_sessions(self.root)
        for path in found:
            options.add_option(Option(plain(f"{path.name} · reading…"), id=str(path)))
        for msg in problems:
            options.add_option(Option(plain(f"✗ {msg}"), disabled=True))
        if not found:
            options.add_option(
                Option(
                    plain(
                        f"No sessions under {self.root}. Start one with: panel-tui new {self.root}/<name> --framework "
                        "hmip-yjs-2021 --service NAME --fieldwork YYYY-MM-DD (? for help)."
                    ),
                    disabled=True,
                )
            )
        else:
            options.highlighted = min(keep or 0, len(found) - 1)
            self.describe_all(found)

    @work(thread=True, exclusive=True, group="picker")
    def describe_all(self, found: list[Path]) -> None:
        """Read each session off the UI thread and fill its line in as it comes."""
        for path in found:
            line = describe_session(path)
            self.app.call_from_thread(self._show_line, path, line)

    def _show_line(self, path: Path, line: str) -> None:
        options = self.query_one(OptionList)
        try:
            options.replace_option_prompt(str(path), plain(line))
        except Exception:  # the list was re-read meanwhile: that read fills it
            pass

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
        self.app.push_screen(MeetingScreen(session, back_to="the session list"))
