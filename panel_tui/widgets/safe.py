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


def short_band(name: str) -> str:
    """A compact band label for narrow tables: 'Requires improvement' -> 'Req. improv.'."""
    words = name.split()
    if len(name) <= 12 or len(words) < 2:
        return name
    return f"{words[0][:3]}. {words[1][:6]}."
