"""Text and key hints reach 4.5:1 contrast (WCAG AA) in the light and the dark theme."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from tests.ui.pilot import run_app


def luminance(color) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color.triplet
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(fg, bg) -> float:
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
def test_footer_keys_and_text_contrast(stockton_copy, theme):
    ratios: dict[str, float] = {}

    async def script(app, pilot):
        app.theme = theme
        await pilot.pause()
        key = app.screen.query(FooterKey).first()
        style = key.get_component_rich_style("footer-key--key")
        desc = key.get_component_rich_style("footer-key--description")
        bg = (
            key.styles.background.rich_color
            if key.styles.background.a
            else app.screen.query_one("Footer").styles.background.rich_color
        )
        ratios["key"] = contrast(style.color, style.bgcolor or bg)
        ratios["description"] = contrast(desc.color, desc.bgcolor or bg)
        table = app.screen.query_one("StandardsTable")
        body = table.rich_style
        ratios["table"] = contrast(body.color, body.bgcolor)

    run_app(stockton_copy, script)
    assert all(r >= 4.5 for r in ratios.values()), ratios
