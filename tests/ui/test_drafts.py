"""No typed word lost: Esc keeps a draft, a crash keeps it too, ctrl+g discards it on purpose; a
refusal puts its message beside the field at fault and moves the cursor there."""

from __future__ import annotations

import tomllib

from panel_tui.core.drafts import DRAFTS_FILE, get_draft
from panel_tui.modals.entry_form import EntryForm
from panel_tui.screens.meeting import MeetingScreen
from tests.ui.pilot import dismiss_attendance, fill, run_app, select_standard, submit

WHY = "Planning for safety fell short only on contingency; the rest was good."


def entries(d):
    return tomllib.loads((d / "decisions.toml").read_text(encoding="utf-8")).get("entry", [])


def test_esc_keeps_a_draft_and_the_form_restores_it(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        await fill(pilot, "rationale", WHY)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert any("kept as a draft" in str(m) for m, _ in app.seen)
        assert get_draft(stockton_fresh, "discretion 2.2")[0]["rationale"] == WHY
        # another standard's form is not given this draft
        await select_standard(pilot, "2.1")
        await pilot.press("k")
        await pilot.pause()
        assert app.screen.query_one("#f-reason").text == ""
        await pilot.press("escape")
        await pilot.pause()
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EntryForm) and form.query_one("#f-rationale").text == WHY
        assert "Draft restored" in str(form.query_one("#form-draft").render())
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)

    run_app(stockton_fresh, script)
    assert entries(stockton_fresh)[-1]["rationale"] == WHY
    assert get_draft(stockton_fresh, "discretion 2.2") is None  # recorded: the draft is gone
    assert not (stockton_fresh / DRAFTS_FILE).exists()


def test_a_draft_is_on_disk_while_typing_so_a_crash_keeps_it(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.1")
        await pilot.press("k")
        await pilot.pause()
        await fill(pilot, "reason", "Kept: the assessment work was sound but not outstanding.")
        await pilot.pause(1.2)  # a pause in typing
        assert get_draft(stockton_fresh, "declined 2.1") is not None
        app.exit()  # the app goes away with the form open (as a crash would): no Esc, no save on exit

    run_app(stockton_fresh, script)
    values, saved = get_draft(stockton_fresh, "declined 2.1")
    assert values["reason"].startswith("Kept: the assessment") and saved
    assert [e["kind"] for e in entries(stockton_fresh)] == ["attendance"]  # nothing recorded


def test_ctrl_d_discards_the_draft(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        await fill(pilot, "rationale", WHY)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("d")
        await pilot.pause()
        assert app.screen.query_one("#f-rationale").text == ""

    run_app(stockton_fresh, script)
    assert get_draft(stockton_fresh, "discretion 2.2") is None


def test_refusal_moves_the_cursor_to_the_field_at_fault(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        await fill(pilot, "rationale", WHY)
        await fill(pilot, "by", "Someone Else")
        await submit(pilot)
        form = app.screen
        assert isinstance(form, EntryForm)
        assert app.focused is form.query_one("#f-by")
        beside = str(form.query_one("#err-by").render())
        assert "not recorded as present" in beside and "Helen Davies" in beside
        await fill(pilot, "by", "Maria Jerram")
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)

    run_app(stockton_fresh, script)
    assert entries(stockton_fresh)[-1]["by"] == "Maria Jerram"


def test_quorum_refusal_points_at_the_members(stockton_fresh):
    async def script(app, pilot):
        await fill(pilot, "chair", "Helen Davies")
        await fill(pilot, "members", "Maria Jerram")
        await submit(pilot)
        form = app.screen
        assert isinstance(form, EntryForm) and app.focused is form.query_one("#f-members")
        assert "at least 2 members" in str(form.query_one("#err-members").render())

    run_app(stockton_fresh, script)
    assert not (stockton_fresh / "decisions.toml").exists()
