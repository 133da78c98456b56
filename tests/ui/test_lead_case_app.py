"""Issue 24 item 2 in the app: the lead inspector's case in the evidence pane and in the ratify, keep
and discretion forms, and ratifying as proposed answers it."""

from __future__ import annotations

from panel_tui.widgets.detail import StandardDetail
from tests.ui.pilot import dismiss_attendance, fill, open_form, run_app, select_standard, submit
from tests.unit.test_lead_case import EVIDENCE, WHY, with_case

CASE = "Planning for safety fell short only on contingency; the rest was good."


def test_a_judgement_standards_case_in_the_pane_and_the_ratify_form_and_answered(stockton_fresh):
    with_case(stockton_fresh)

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "1.1")
        pane = app.screen.query_one(StandardDetail).text.plain
        assert "The lead inspector's case for Good (inspection.toml; not yet answered by the panel):" in pane
        assert f"Rationale: {WHY}" in pane and f"Evidence: {EVIDENCE}" in pane
        form = await open_form(pilot, "1.1", "r")
        intro = str(form.query_one("#form-intro").render())
        assert WHY in intro and "Interviews with 4 board members." in intro
        assert "Ratifying as proposed answers it" in intro
        await submit(pilot)
        pane = app.screen.query_one(StandardDetail).text.plain
        assert "The lead inspector's case for Good (inspection.toml; ratified as proposed (entry 2)):" in pane

    run_app(stockton_fresh, script)


def test_the_keep_and_discretion_forms_show_a_proposals_case(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await open_form(pilot, "2.2", "p")
        await fill(pilot, "rationale", CASE)
        await submit(pilot)
        pane = app.screen.query_one(StandardDetail).text.plain
        assert "The lead inspector's case for Good (entry 2; not yet answered by the panel):" in pane
        form = await open_form(pilot, "2.2", "k")
        intro = str(form.query_one("#form-intro").render())
        assert "keeping Requires improvement declines that proposal" in intro and f"Rationale: {CASE}" in intro
        await pilot.press("escape")
        form = await open_form(pilot, "2.2", "d")
        assert form.query_one("#f-rationale").text == CASE  # the discretion form starts from the case
        await pilot.press("escape")
        await pilot.pause()

    run_app(stockton_fresh, script)
