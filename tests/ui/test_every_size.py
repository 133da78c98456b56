"""Issue 24 item 5, every size: at 80x24 the header takes two lines and 10 or more of the 12 standards
show with the evidence below; toasts stay off the evidence; a wide screen shows full names and every
column before the evidence pane grows; names and options are shortened at a word; the sign-off
summary and `panel-tui rate` keep band words whole."""

from __future__ import annotations

import pytest
from textual.widgets import Select

from panel_tui.core.session import load_session
from panel_tui.widgets.detail import StandardDetail
from panel_tui.widgets.standards_table import StandardsTable
from panel_tui.widgets.summary import SessionSummary, summary_text
from tests.ui.pilot import dismiss_attendance, fill, open_form, run_app, select_standard, submit


def visible_rows(table: StandardsTable) -> int:
    ids = [s for s in table.rows]
    return sum(
        1
        for y in range(table.size.height)
        if any(table.render_line(y).text.lstrip().startswith(str(k.value) + " ") for k in ids)
    )


@pytest.mark.parametrize("fixture", ["stockton_fresh", "stockton_copy"])  # open, and signed off with a long name
def test_at_80x24_the_header_is_two_lines_and_ten_standards_show(fixture, request):
    folder = request.getfixturevalue(fixture)

    async def script(app, pilot):
        if fixture == "stockton_fresh":
            await dismiss_attendance(pilot)
        await pilot.pause()
        header = app.screen.query_one(SessionSummary)
        assert header.size.height == 2, header.render()
        table = app.screen.query_one(StandardsTable)
        assert visible_rows(table) >= 10
        pane = app.screen.query_one(StandardDetail)
        assert pane.region.y > table.region.y and pane.size.height >= 5  # the evidence below, with room

    run_app(folder, script, size=(80, 24))


def test_the_header_keeps_what_matters_at_any_width(stockton_copy):
    session = load_session(stockton_copy)
    full = summary_text(session, "not in git").plain
    assert "fieldwork 2020-09-21" in full and "SIGNED OFF by Ratings panel chair" in full
    for width in (60, 78, 98):
        lines = summary_text(session, "not in git", width).plain.split("\n")
        assert len(lines) == 2 and all(len(line) <= width for line in lines), lines
        assert lines[0].endswith("⇅ not in git") and "SIGNED OFF" in lines[1] and "read-only" in lines[1]
        assert lines[1].startswith("Final 32/36 Outstanding")


def test_a_toast_stays_off_the_evidence_pane(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await open_form(pilot, "2.1", "k")
        await fill(pilot, "reason", "Good reflects the assessments seen in every case.")
        await submit(pilot)
        await pilot.pause()
        await pilot.pause()
        toasts = list(app.screen.query("Toast"))
        assert toasts, "the 'Recorded' toast"
        pane = app.screen.query_one(StandardDetail).region
        for toast in toasts:
            assert not toast.region.overlaps(pane), (toast.region, pane)

    for size in ((80, 24), (160, 45)):
        run_app(stockton_fresh, script, size=size, notifications=True)
        (stockton_fresh / "decisions.toml").unlink()


def test_a_wide_screen_shows_full_names_and_every_column_first(stockton_met):
    async def script(app, pilot):
        await pilot.pause()
        table = app.screen.query_one(StandardsTable)
        assert [c.value for c in table.columns] == ["id", "name", "lowest", "computed", "final", "flags", "status"]
        assert str(table.get_row("2.3")[1]) == "Implementation and delivery"
        pane = app.screen.query_one(StandardDetail)
        assert pane.region.x > table.region.x and pane.region.width >= 36  # beside, with what is left

    run_app(stockton_met, script, size=(160, 45))


def test_short_names_and_options_are_cut_at_a_word(stockton_met):
    async def script(app, pilot):
        await pilot.pause()
        table = app.screen.query_one(StandardsTable)
        names = [str(table.get_row(s)[1]) for s in ("1.1", "1.4")] if "name" in [c.value for c in table.columns] else []
        for name in names:
            assert name.endswith("…") and name[:-1] in ("Governance", "Information"), name
        await select_standard(pilot, "2.1")
        await pilot.press("x")
        await pilot.pause()
        about = app.screen.query_one("#f-about", Select)
        for label, _ in about._options:
            text = str(label)
            assert not text.endswith("…") or text[-2] != " " and text[:-1].split()[-1] in text.replace("…", " "), text

    run_app(stockton_met, script, size=(80, 24))


def test_the_sign_off_summary_wraps_a_long_name_and_keeps_the_band_whole(stockton_met):
    from panel_tui.modals import forms

    session = load_session(stockton_met)
    text = forms.sign_off(forms.Context(session, "Chair")).intro.plain
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("2.3 "))
    assert line.rstrip().endswith("Outstanding") and "Implementation and delivery" in line  # 27 fits in 28
    long = session.rating.standard("2.3")
    object.__setattr__(long, "name", "Implementation and delivery of every service across the county")
    text = forms.sign_off(forms.Context(session, "Chair")).intro.plain.splitlines()
    at = next(i for i, ln in enumerate(text) if ln.strip().startswith("2.3 "))
    assert (
        text[at].rstrip().endswith(" Outstanding")
        and text[at + 1].strip() == "of every service across the"
        and text[at + 2].strip() == "county"
    )


def test_rate_at_80_columns_keeps_band_words_whole(capsys, monkeypatch):
    from panel_tui.cli import main

    monkeypatch.setenv("COLUMNS", "80")
    assert main(["rate", "sessions/leeds-2019"]) == 0
    out = capsys.readouterr().out
    assert "improveme…" not in out and "Requires improvement" in out
    assert all(len(line) <= 80 for line in out.splitlines())
