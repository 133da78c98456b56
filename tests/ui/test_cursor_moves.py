"""Cursor moves in the standards table (issue 12): the evidence follows in the same turn as the
move, no move lays out the screen again, and under key repeat only the last standard is rendered.
No timing here: the figures are in tests/benchmarks/bench_app.py."""

from __future__ import annotations

from textual.widget import Widget

from panel_tui.core.session import load_session
from panel_tui.screens.meeting import MeetingScreen
from panel_tui.widgets import detail as detail_module
from panel_tui.widgets.detail import StandardDetail
from panel_tui.widgets.standards_table import StandardsTable
from tests.ui.pilot import run_app, until


def test_evidence_follows_the_cursor_in_the_same_turn(stockton_met):
    async def script(app, pilot):
        table = app.screen.query_one(StandardsTable)
        pane = app.screen.query_one(StandardDetail)
        ids = [s.id for s in app.screen.session.rating.standards]
        # the pane renders every standard ahead of the cursor once the first screen is up
        await until(pilot, lambda: all(sid in pane._lines_cache() for sid in ids), what="every standard rendered")
        for row, sid in ((5, "2.2"), (11, "3.4"), (0, "1.1")):
            table.move_cursor(row=row)
            # no await: the RowHighlighted message has not been handled yet, the pane already shows it
            assert table.selected == sid
            assert pane.text.plain.startswith(sid + " "), pane.text.plain[:40]

    run_app(stockton_met, script, size=(100, 30))


def test_a_cursor_move_never_lays_out_the_screen(stockton_met, monkeypatch):
    layouts: list[str] = []
    original = Widget.refresh

    def refresh(self, *args, layout=False, **kwargs):
        if layout:
            layouts.append(type(self).__name__)
        return original(self, *args, layout=layout, **kwargs)

    async def script(app, pilot):
        await pilot.wait_for_scheduled_animations()  # the first screen laid out before counting
        monkeypatch.setattr(Widget, "refresh", refresh)
        seen = set()
        for key in ["down"] * 11 + ["up"] * 11:
            await pilot.press(key)
            seen.add(app.screen.query_one(StandardDetail).text.plain.split(" ", 1)[0])
        monkeypatch.setattr(Widget, "refresh", original)
        assert len(seen) == 12  # every standard's evidence was shown on the way
        # every standard's pane is longer than the pane at 100x30, so the scrollbar never comes or goes
        assert layouts == []

    run_app(stockton_met, script, size=(100, 30))


def test_key_repeat_renders_only_the_last_standard(stockton_met, monkeypatch):
    rendered: list[str] = []
    original = detail_module.detail_text

    def counting(session, sid):
        rendered.append(sid)
        return original(session, sid)

    async def script(app, pilot):
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        pane = screen.query_one(StandardDetail)
        monkeypatch.setattr(detail_module, "detail_text", counting)
        fresh = load_session(stockton_met)  # a new session object: nothing rendered for it yet
        for sid in ("2.1", "2.2", "2.3", "2.4", "3.1"):  # five moves before the loop turns
            pane.show(fresh, sid, coalesce=True)
        assert rendered == []
        await pilot.pause()
        assert rendered == ["3.1"]
        assert pane.text.plain.startswith("3.1 ")
        pane.show(fresh, "3.1", coalesce=True)  # rendered now: shown at once, not rendered again
        assert rendered == ["3.1"]

    run_app(stockton_met, script, size=(100, 30))


def test_theme_change_repaints_the_evidence_in_the_new_colours(stockton_met):
    async def script(app, pilot):
        pane = app.screen.query_one(StandardDetail)
        await until(pilot, lambda: pane.text.plain and pane.render_line(0).text, what="the evidence painted")
        before = pane.render_line(0)
        app.theme = "textual-light"
        await pilot.pause()
        after = pane.render_line(0)
        assert before.text == after.text
        assert [s.style for s in before] != [s.style for s in after]

    run_app(stockton_met, script, size=(100, 30))


def test_evidence_pane_gives_times_in_the_meetings_zone(stockton_copy):
    """Stored UTC (2020-10-14T09:04:37Z), shown as the meeting clock read it (10:04 BST)."""

    async def script(app, pilot):
        await until(pilot, lambda: app.screen.query_one(StandardDetail).text.plain, what="the evidence shown")
        pane = app.screen.query_one(StandardDetail).text.plain
        assert "#2 ratification [✓ stands] · 14 Oct 2020 10:04 BST · by " in pane, pane[-300:]
        assert "T09:04:37Z" not in pane

    run_app(stockton_copy, script, size=(100, 30))
