"""Keys that arrive in one burst (a paste, a macro, ``tmux send-keys "Helen Davies" Tab "Maria
Jerram"``) go where the keys before them put the focus, in every form (issue 26, Part B).

Textual handed every key to the widget focused when the app read it, so a Tab moved the focus
only after the words that followed it were queued at the old field: "Helen DaviesMaria Jerram" was
once recorded as the chair. Each test hands the whole burst to the app at once, then waits for the
entry (the event), and asserts what the log recorded, field by field.
"""

from __future__ import annotations

import tomllib

from panel_tui.modals.entry_form import EntryForm
from tests.ui.pilot import burst, form_shown, run_app, select_standard, typed, until


def entries(session) -> list[dict]:
    path = session / "decisions.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["entry"] if path.exists() else []


async def recorded(pilot, session, count: int) -> dict:
    """Wait until the log holds ``count`` entries and no form is open; the newest entry."""
    app = pilot.app
    await until(
        pilot,
        lambda: len(entries(session)) >= count and not isinstance(app.screen, EntryForm),
        timeout=10,
        what=f"entry {count} recorded and its form closed",
    )
    await app.workers.wait_for_complete()
    return entries(session)[-1]


ATTENDANCE = [*typed("Helen Davies"), "tab", *typed("Maria Jerram"), "enter", *typed("Sam Okafor"), "ctrl+s"]


def test_attendance_typed_in_one_burst_goes_to_each_field(stockton_fresh):
    got = {}

    async def script(app, pilot):
        await form_shown(pilot, "the attendance form a fresh session opens with")
        burst(app, *ATTENDANCE)
        got.update(await recorded(pilot, stockton_fresh, 1))

    run_app(stockton_fresh, script)
    assert (got["kind"], got["chair"], got["members"]) == ("attendance", "Helen Davies", ["Maria Jerram", "Sam Okafor"])


def test_attendance_pressed_without_pauses_goes_to_each_field(stockton_fresh):
    """The same keys through Pilot's press, all in one call."""
    got = {}

    async def script(app, pilot):
        await form_shown(pilot, "the attendance form")
        await pilot.press(*ATTENDANCE)
        got.update(await recorded(pilot, stockton_fresh, 1))

    run_app(stockton_fresh, script)
    assert (got["chair"], got["members"]) == ("Helen Davies", ["Maria Jerram", "Sam Okafor"])


def test_a_keep_opened_typed_and_chosen_in_one_burst(stockton_met):
    """The form's key, its reason, Tab to "Decided by", the list opened, the next name, ctrl+s."""
    got = {}

    async def script(app, pilot):
        await select_standard(pilot, "2.3")
        burst(app, "k", *typed("Kept after discussion"), "tab", "enter", "down", "enter", "ctrl+s")
        got.update(await recorded(pilot, stockton_met, 2))

    run_app(stockton_met, script)
    # present: Chair, A, B; the list starts on the chair, one down is A
    assert (got["kind"], got["standard"], got["reason"], got["by"]) == ("declined", "2.3", "Kept after discussion", "A")


def test_a_discretion_typed_in_one_burst_with_a_step_back(stockton_met):
    """Shift+Tab from the rationale to the band, Tab back: each key where the one before left the focus."""
    got = {}

    async def script(app, pilot):
        await select_standard(pilot, "2.2")
        keys = ["d", *typed("One more Yes in 2.2.2 was"), "shift+tab", "tab"]  # to the band and back
        keys += [*typed(" found on reading the case again"), "tab", "enter", "down", "down", "enter", "ctrl+s"]
        burst(app, *keys)
        got.update(await recorded(pilot, stockton_met, 2))

    run_app(stockton_met, script)
    assert (got["kind"], got["standard"], got["by"]) == ("discretion", "2.2", "B")
    assert got["rationale"] == "One more Yes in 2.2.2 was found on reading the case again"


def test_a_dissent_and_a_retraction_in_bursts(stockton_met):
    got: list[dict] = []

    async def script(app, pilot):
        await select_standard(pilot, "2.3")
        burst(app, "k", *typed("Kept after discussion"), "ctrl+s")
        got.append(await recorded(pilot, stockton_met, 2))
        # the dissent starts on its member list (members first: A, B, Chair): one down is B
        burst(app, "x", "enter", "down", "enter", "tab", "tab", *typed("The sample is too small"), "ctrl+s")
        got.append(await recorded(pilot, stockton_met, 3))
        # the retraction starts on the entry to retract, then its reason, then who
        burst(app, "u", "tab", *typed("Recorded on the wrong standard"), "tab", "enter", "down", "enter", "ctrl+s")
        got.append(await recorded(pilot, stockton_met, 4))

    run_app(stockton_met, script)
    keep, dissent, retraction = got
    assert (dissent["kind"], dissent["member"], dissent["about"], dissent["reason"]) == (
        "dissent",
        "B",
        keep["seq"],
        "The sample is too small",
    )
    assert (retraction["kind"], retraction["reason"], retraction["by"]) == (
        "retraction",
        "Recorded on the wrong standard",
        "A",
    )
