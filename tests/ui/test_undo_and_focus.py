"""Issue 24 items 3 and 6: undo starts on what is selected, recording again after a retraction starts
from the retracted entry, and each form starts on the first field that needs a choice."""

from __future__ import annotations

import tomllib

from textual.widgets import Select, TextArea

from panel_tui.modals.entry_form import EntryForm
from tests.ui.pilot import choose, dismiss_attendance, fill, open_form, run_app, select_standard, submit

WHY = "Planning for safety fell short only on contingency; the rest was good."
KEEP = "Good reflects the assessments seen in every case."


def entries(d):
    return tomllib.loads((d / "decisions.toml").read_text(encoding="utf-8"))["entry"]


async def retract_form(pilot, sid: str) -> EntryForm:
    form = await open_form(pilot, sid, "u")
    return form


def test_undo_starts_on_the_selected_standards_decision_then_its_latest_then_the_newest(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)  # entry 1
        await open_form(pilot, "2.1", "k")
        await fill(pilot, "reason", KEEP)
        await submit(pilot)  # entry 2: keep on 2.1
        await open_form(pilot, "2.2", "p")
        await fill(pilot, "rationale", WHY)
        await submit(pilot)  # entry 3: proposal on 2.2
        await open_form(pilot, "3.2", "k")
        await fill(pilot, "reason", KEEP)
        await submit(pilot)  # entry 4: keep on 3.2 (the newest)
        await pilot.press("x")
        await pilot.pause()
        await fill(pilot, "reason", "I would not keep 3.2 at its band.")
        await submit(pilot)  # entry 5: a dissent from entry 4

        form = await retract_form(pilot, "2.1")
        assert form.query_one("#f-retracts", Select).value == "2"  # 2.1's standing decision, not entry 5
        assert "2.1" in form.form_title
        assert form.focused is form.query_one("#f-retracts")  # the choice to check comes first
        await pilot.press("escape")
        form = await retract_form(pilot, "2.2")
        assert form.query_one("#f-retracts", Select).value == "3"  # no decision on 2.2: its latest entry
        await pilot.press("escape")
        form = await retract_form(pilot, "3.2")
        assert form.query_one("#f-retracts", Select).value == "4"  # its decision, though a dissent came later
        await pilot.press("escape")
        form = await retract_form(pilot, "1.1")
        assert form.query_one("#f-retracts", Select).value == "5"  # nothing on 1.1: the newest entry
        await pilot.press("escape")
        await pilot.pause()

    run_app(stockton_fresh, script)
    assert [e["kind"] for e in entries(stockton_fresh)] == ["attendance", "declined", "proposal", "declined", "dissent"]


def test_record_again_after_a_retraction_starts_from_the_retracted_entry(stockton_fresh):
    small = "Two of the three cases were sound; the third was not followed up."

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        form = await open_form(pilot, "2.2", "d")
        await fill(pilot, "rationale", WHY)
        await choose(pilot, "by", "Sam Okafor")
        await submit(pilot)  # entry 2
        form = await retract_form(pilot, "2.2")
        assert form.query_one("#f-retracts", Select).value == "2"
        await fill(pilot, "reason", "Recorded before the member had spoken.")
        await submit(pilot)  # entry 3
        form = await open_form(pilot, "2.2", "d")
        assert form.query_one("#f-rationale", TextArea).text == WHY  # not typed again
        assert form.query_one("#f-by", Select).value == "Sam Okafor"
        intro = str(form.query_one("#form-intro").render())
        assert "Pre-filled from entry 2 (discretion), retracted by entry 3: Recorded before the member" in intro
        await fill(pilot, "rationale", WHY + " " + small)
        await submit(pilot)  # entry 4
        form = await open_form(pilot, "2.2", "d")  # a decision stands again: nothing pre-filled
        assert form.query_one("#f-rationale", TextArea).text == ""
        await pilot.press("escape")
        await pilot.pause()

    run_app(stockton_fresh, script)
    last = entries(stockton_fresh)[3]
    assert (last["kind"], last["rationale"], last["by"]) == ("discretion", WHY + " " + small, "Sam Okafor")


def test_each_form_starts_on_its_first_field_that_needs_a_choice(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.1")
        await pilot.press("x")
        await pilot.pause()
        form = app.screen
        assert form.focused is form.query_one("#f-member")  # not Reason: Enter opens the member list
        await pilot.press("enter")
        await pilot.pause()
        assert form.query_one("#f-member", Select).expanded
        assert form.query_one("#f-reason", TextArea).text == ""  # no blank lines typed
        await pilot.press("escape", "escape")
        await pilot.pause()
        form = await open_form(pilot, "1.1", "r")
        assert form.focused is form.query_one("#f-to")  # ratify: the band is the choice
        await pilot.press("escape")
        form = await open_form(pilot, "2.2", "d")
        assert form.focused is form.query_one("#f-rationale")  # the band comes from the flags
        await pilot.press("escape")
        form = await open_form(pilot, "2.1", "k")
        assert form.focused is form.query_one("#f-reason")
        await pilot.press("escape")
        await pilot.pause()

    run_app(stockton_fresh, script)
