"""User text as Rich ``Text``: control characters made visible, never parsed as markup."""

from __future__ import annotations

from rich.text import Text

from panel_tui.core.display import one_line, visible


def plain(text: object, style: str = "") -> Text:
    """One line of user text, safe to put in any widget."""
    return Text(one_line(str(text)), style=style)


def para(text: object, style: str = "") -> Text:
    """Multi-line user text (newlines kept), safe to put in any widget."""
    return Text(visible(str(text), keep_newlines=True), style=style)
