"""Pilot tests: a session made by `panel-tui new` opens with figures and proposals awaiting."""

from __future__ import annotations

from panel_tui.core.new_session import write_new_session
from panel_tui.modals.entry_form import EntryForm
from panel_tui.screens.meeting import MeetingScreen
from panel_tui.widgets.detail import detail_text
from panel_tui.widgets.standards_table import StandardsTable
from panel_tui.widgets.summary import summary_text
from tests.ui.pilot import run_app, select_standard


def test_awaiting_shown_in_words_and_nothing_to_decide(tmp_path):
    d = tmp_path / "new"
    write_new_session(d, "hmip-yjs-2021", "Test YJS", "2024-05-13", "A. Lead")

    async def script(app, pilot):
        if isinstance(app.screen, EntryForm):  # attendance is asked first; not answered here
            await pilot.press("escape")
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        table = screen.query_one(StandardsTable)
        assert "awaiting proposal" in str(table.get_cell("1.1", "status"))
        assert "awaiting figures" in str(table.get_cell("2.2", "status"))
        assert "Incomplete: 13 standards awaiting" in summary_text(screen.session).plain
        await select_standard(pilot, "2.2")
        assert "Awaiting figures for 2.2.1, 2.2.2, 2.2.3" in detail_text(screen.session, "2.2").plain
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)  # no form opened
        await select_standard(pilot, "1.1")
        text = detail_text(screen.session, "1.1").plain
        assert "Awaiting proposal" in text and "1.1.1" in text  # the framework's key questions
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)

    app = run_app(d, script)
    messages = [m for m, _ in app.seen]
    assert any("2.2 is awaiting figures: nothing to decide yet." == m for m in messages)
    assert any("1.1 is awaiting proposal: nothing to decide yet." == m for m in messages)
    assert not (d / "decisions.toml").exists()


def test_imported_cases_named_in_the_evidence_pane(tmp_path):
    from panel_tui.core.cases import import_cases

    d = tmp_path / "imported"
    write_new_session(d, "hmip-yjs-2021", "Test YJS", "2024-05-13")
    answers = tmp_path / "answers.csv"
    answers.write_text("case,2.1.1,2.1.2,2.1.3\nC1,Yes,Yes,N/A\nC2,No,Yes,\nC3,Yes,No,Yes\n", encoding="utf-8")
    import_cases(d, answers)

    async def script(app, pilot):
        if isinstance(app.screen, EntryForm):
            await pilot.press("escape")
            await pilot.pause()
        await select_standard(pilot, "2.1")
        body = str(app.screen.query_one("#detail").text)
        assert "Cases that would flip the band (cases.csv)" in body
        assert "2.1.1: any one of C1, C3 (Yes) answered No would make it Inadequate" in body
        assert "80% interval" in body and "95% Wilson interval" in body
        table = app.screen.query_one(StandardsTable)
        assert "needs panel" in str(table.get_cell("2.1", "status"))

    run_app(d, script)
