"""Pilot tests: with people.toml, attendance is chosen, not typed (issue 23 item 2); someone not in
the register can still be typed, with a warning; another spelling of a register name is refused
in the form with "did you mean"; without a register the form is as before."""

from __future__ import annotations

import tomllib

from textual.widgets import Input, Select, Static, TextArea

from panel_tui.modals.entry_form import EntryForm
from panel_tui.modals.forms import OTHER
from panel_tui.screens.meeting import MeetingScreen
from panel_tui.widgets.tick_list import TickList
from tests.ui.pilot import choose, fill, form_error, run_app, submit

REGISTER = """format = "panel-tui/people/1"
[[person]]
name = "Helen Davies"
roles = ["chair", "member"]
former = ["Helen Davis"]
[[person]]
name = "Siobhán Ó Briain"
roles = ["member", "chair"]
[[person]]
name = "Tom Baker"
roles = ["member"]
[[person]]
name = "Ann Lee"
roles = ["member"]
"""


def entries(d):
    p = d / "decisions.toml"
    return tomllib.loads(p.read_text(encoding="utf-8")).get("entry", []) if p.exists() else []


def with_register(d):
    (d.parent / "people.toml").write_text(REGISTER, encoding="utf-8")  # a folder above the session
    return d


async def tick(pilot, *names: str) -> None:
    """Tick names in the members list with the keys a chair uses (arrows, space)."""
    ticks = pilot.app.screen.query_one("#f-members_ticked", TickList)
    ticks.focus()
    for name in names:
        ticks.highlighted = next(i for i in range(ticks.option_count) if ticks.get_option_at_index(i).value == name)
        await pilot.press("space")
    await pilot.pause()


def test_names_are_chosen_from_the_register_chairs_first_and_ticks_say_so(stockton_fresh):
    with_register(stockton_fresh)

    async def script(app, pilot):
        form = app.screen
        assert isinstance(form, EntryForm)
        chair = form.query_one("#f-chair_pick", Select)
        assert [v for _, v in chair._options] == ["Helen Davies", "Siobhán Ó Briain", "Tom Baker", "Ann Lee", OTHER]
        assert not form.row_shown("chair")  # nothing to type until "someone not in people.toml"
        await tick(pilot, "Tom Baker", "Ann Lee")
        ticks = form.query_one("#f-members_ticked", TickList)
        prompts = [str(ticks.get_option_at_index(i).prompt) for i in range(ticks.option_count)]
        assert prompts == ["  Helen Davies", "  Siobhán Ó Briain", "✓ Tom Baker", "✓ Ann Lee"]  # not colour alone
        await tick(pilot, "Ann Lee")  # untick
        await tick(pilot, "Siobhán Ó Briain")
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)

    app = run_app(stockton_fresh, script)
    e = entries(stockton_fresh)[0]
    assert e["chair"] == "Helen Davies" and e["members"] == ["Siobhán Ó Briain", "Tom Baker"]
    assert not any("not in" in m for m, _ in app.seen)  # everyone is in the register: no warning


def test_someone_not_in_the_register_is_typed_with_a_warning(stockton_fresh):
    with_register(stockton_fresh)

    async def script(app, pilot):
        form = app.screen
        await choose(pilot, "chair_pick", OTHER)
        assert form.row_shown("chair")
        note = str(form.query_one("#note-chair", Static).render())
        assert "⚠ Not in" in note and "people.toml" in note and "recorded as typed" in note
        await fill(pilot, "chair", "Visiting Chair")
        await tick(pilot, "Tom Baker")
        await fill(pilot, "members", "Zed Quill")
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)

    app = run_app(stockton_fresh, script)
    e = entries(stockton_fresh)[0]
    assert e["chair"] == "Visiting Chair" and e["members"] == ["Tom Baker", "Zed Quill"]
    said = [m for m, _ in app.seen]  # after "Recorded", as `attend` warns on stderr
    assert any("Recorded entry 1 (attendance)" in m for m in said)
    warning = next(m for m in said if "not in" in m)
    assert "'Visiting Chair', 'Zed Quill'" in warning and "Tom Baker" not in warning


def test_another_spelling_of_a_register_name_is_refused_in_the_form(stockton_fresh):
    with_register(stockton_fresh)

    async def script(app, pilot):
        form = app.screen
        await choose(pilot, "chair_pick", "Siobhán Ó Briain")
        await tick(pilot, "Tom Baker")
        await fill(pilot, "members", "helen  davis")
        await submit(pilot)
        assert app.screen is form  # not recorded; the form stays with what was chosen
        assert "former spelling of 'Helen Davies'" in form_error(app) and "did you mean 'Helen Davies'?" in form_error(
            app
        )
        assert form.focused is form.query_one("#f-members")  # the field it was typed in, not the ticked list

    run_app(stockton_fresh, script)
    assert entries(stockton_fresh) == []


def test_the_ticks_reopen_as_the_standing_attendance(stockton_fresh):
    with_register(stockton_fresh)

    async def script(app, pilot):
        await tick(pilot, "Tom Baker", "Ann Lee")
        await submit(pilot)
        await pilot.press("a")  # attendance again (an arrival)
        await pilot.pause()
        ticks = app.screen.query_one("#f-members_ticked", TickList)
        assert ticks.selected == ["Tom Baker", "Ann Lee"]
        assert app.screen.query_one("#f-chair_pick", Select).value == "Helen Davies"

    run_app(stockton_fresh, script)


def test_without_a_register_the_names_are_typed_as_before(stockton_fresh):
    async def script(app, pilot):
        form = app.screen
        assert isinstance(form.query_one("#f-chair"), Input) and isinstance(form.query_one("#f-members"), TextArea)
        assert not form.query(TickList)

    run_app(stockton_fresh, script)


def test_esc_keeps_the_ticks_as_a_draft_and_the_form_restores_them(stockton_fresh):
    with_register(stockton_fresh)

    async def script(app, pilot):
        await choose(pilot, "chair_pick", "Siobhán Ó Briain")
        await tick(pilot, "Tom Baker", "Ann Lee")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EntryForm)
        assert form.query_one("#f-members_ticked", TickList).selected == ["Tom Baker", "Ann Lee"]
        assert form.query_one("#f-chair_pick", Select).value == "Siobhán Ó Briain"

    run_app(stockton_fresh, script)
    assert entries(stockton_fresh) == []


def test_arrows_and_space_tick_names_where_the_highlight_is(stockton_fresh):
    """Keys only (no highlight set by the test): the ✓ prompts rewritten on each tick keep the highlight."""
    with_register(stockton_fresh)
    seen = {}

    async def script(app, pilot):
        ticks = app.screen.query_one("#f-members_ticked", TickList)
        assert app.screen.focused is ticks and ticks.highlighted == 0  # the form starts on the names
        await pilot.press("space", "down", "space", "down", "down", "space")
        seen["ticked"] = list(ticks.selected)
        await pilot.press("space")  # again: unticked
        seen["after"] = list(ticks.selected)

    run_app(stockton_fresh, script)
    assert seen == {
        "ticked": ["Helen Davies", "Siobhán Ó Briain", "Ann Lee"],
        "after": ["Helen Davies", "Siobhán Ó Briain"],
    }
