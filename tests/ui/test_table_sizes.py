"""The standards table at every size (issue 11): the columns chosen always fit the table's width,
so the Status column is never cut (a chair at 200x60 saw 'Statu' and '● nee' when a Computed
'Requires improvement' widened the table past its share of the screen)."""

from __future__ import annotations

import pytest

from panel_tui.widgets.standards_table import StandardsTable
from tests.ui.pilot import run_app, until


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (140, 40), (160, 48), (200, 60)])
def test_columns_fit_and_status_is_whole(stockton_met, size):
    async def script(app, pilot):
        table = app.screen.query_one(StandardsTable)
        await until(pilot, lambda: table.size.width and table.row_count, what="the table laid out")
        used = sum(c.get_render_width(table) for c in table.columns.values())
        assert used <= table.size.width - 2, (used, table.size.width)
        assert [c.value for c in table.columns][-1] == "status"
        for s in app.screen.session.rating.standards:
            status = str(table.get_row(s.id)[-1])
            assert status.split(" ", 1)[1] in ("needs panel", "to ratify", "none"), status
            line = "".join(str(c) for c in table.get_row(s.id))
            assert s.final in line  # the final band in full words

    run_app(stockton_met, script, size=size)


def test_a_short_terminal_keeps_room_for_the_evidence(stockton_met):
    """At 80x24 the evidence pane had 3 lines under a 12-row table: the table now takes at most 60%
    of the body and scrolls, so the pane keeps 6; the cursor's row is always on screen."""
    from panel_tui.widgets.detail import StandardDetail

    async def script(app, pilot):
        pane = app.screen.query_one(StandardDetail)
        table = app.screen.query_one(StandardsTable)
        await until(pilot, lambda: pane.size.height and table.size.height, what="the screen laid out")
        assert pane.size.height >= 6, pane.size
        table.move_cursor(row=table.get_row_index("3.4"))
        await pilot.pause()
        assert any("3.4" in table.render_line(y).text for y in range(table.size.height))  # scrolled to it
        assert pane.text.plain.startswith("3.4 ")

    run_app(stockton_met, script, size=(80, 24))


def test_a_tall_enough_terminal_shows_every_standard(stockton_met):
    async def script(app, pilot):
        table = app.screen.query_one(StandardsTable)
        await until(pilot, lambda: table.size.height and table.row_count, what="the table laid out")
        assert table.size.height >= table.row_count + 1  # header and all 12 rows, no scrolling

    run_app(stockton_met, script, size=(100, 30))
