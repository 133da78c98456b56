"""Help: the keys and the rules in brief."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """panel-tui — keys on the meeting screen

  ↑/↓      choose a standard
  n        next standard needing the panel
  d        discretion (one band step)
  k        keep the band (declined), with a reason
  r        ratify a judgement standard
  R        ratify all as proposed
  p        the lead inspector's prepared case
  x        record a member's dissent
  u        undo = retract an entry
  a        attendance (chair, members)
  l        the log: entries, verification, head hash
  s        sign off (summary first)
  o        reopen after sign-off, with a reason
  c        the report paragraph (copied)
  e        export the record (md, html) into the session folder
  ctrl+p   command palette
  ?        this help
  q        quit

In a form: tab moves between fields, ctrl+s records, esc closes (nothing
written; what you typed is kept as a draft for that form), ctrl+g
discards the draft.

Flags (the panel must consider discretion):
  ▲/▼ near 65   lowest key question within 5 points of a band boundary
                (▲ uplift, ▼ lowering)
  1 case ▲▼     one more or one fewer 'Yes' in a key question would
                change the band
  ≤5            the lowest key question rests on five cases or fewer

Status: ● needs panel / ● to ratify / ◐ proposed / ✓ decided /
✓ declined / ✓ ratified / – none needed. A decision is on disk before
the screen says "Recorded". Nothing is ever deleted.

Press esc or ? to close."""


class HelpScreen(ModalScreen[None]):
    """Help for the screen it was opened from (its ``HELP_TEXT``), the meeting's keys by default."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss_help", "Close", id="help.close")]

    def __init__(self, text: str = HELP) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text(self.text))

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
