"""A list to tick names in (who is present), whose ticks are words as well as colours.

Textual's SelectionList draws the same "X" for a ticked row and an unticked one, and tells them
apart by colour alone; here each row also starts with ✓ when ticked, through the public
``replace_option_prompt_at_index``, so it reads the same with NO_COLOR or on a monochrome screen.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import SelectionList

from panel_tui.core.display import one_line


class TickList(SelectionList[str]):
    def __init__(self, options: list[tuple[str, str]], chosen: list[str], id: str | None = None) -> None:
        self.labels = {value: label for label, value in options}
        super().__init__(*[(self.prompt(v, v in chosen), v, v in chosen) for _, v in options], id=id)

    def prompt(self, value: str, ticked: bool) -> Text:
        """User text (a name) made visible and never markup, after its ✓ or a blank."""
        return Text(("✓ " if ticked else "  ") + one_line(self.labels[value]))

    def on_selection_list_selected_changed(self, _: SelectionList.SelectedChanged[str]) -> None:
        chosen = set(self.selected)
        for i in range(self.option_count):
            value = self.get_option_at_index(i).value
            self.replace_option_prompt_at_index(i, self.prompt(value, value in chosen))
