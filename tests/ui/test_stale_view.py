"""The meeting app never writes on a view it did not show: another writer between opening and
submitting a form is refused with the form kept, and a log changed while idle is refreshed."""

from __future__ import annotations

import tomllib

from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry
from panel_tui.modals.entry_form import EntryForm
from panel_tui.screens.meeting import MeetingScreen
from panel_tui.widgets.standards_table import StandardsTable
from tests.ui.pilot import dismiss_attendance, fill, form_error, run_app, select_standard, submit

WHY = "Planning for safety fell short only on contingency; the rest was good."
KEEP = "The panel keeps Requires improvement after discussion."


def entries(d):
    return tomllib.loads((d / "decisions.toml").read_text(encoding="utf-8")).get("entry", [])


def other_process_decides(d):
    """What `panel-tui decide` in another terminal does, with no knowledge of the app."""
    return append_entry(
        d, load_inspection(d), "discretion", {"standard": "2.2", "to": "Good", "rationale": WHY, "by": "Helen Davies"}
    )


def test_keep_form_refused_when_another_process_decided_meanwhile(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.2")
        await pilot.press("k")
        await pilot.pause()
        await fill(pilot, "reason", KEEP)
        other = other_process_decides(stockton_fresh)
        before = (stockton_fresh / "decisions.toml").read_bytes()
        await submit(pilot)
        form = app.screen
        assert isinstance(form, EntryForm)  # kept open
        err = form_error(app)
        assert "the log changed after this was prepared" in err
        assert "entry 2 discretion 2.2 Requires improvement -> Good by Helen Davies" in err
        assert "Press ctrl+s again" in err
        assert form.query_one("#f-reason").text == KEEP  # nothing typed is lost
        assert (stockton_fresh / "decisions.toml").read_bytes() == before  # nothing written
        # the screen behind the form now shows the other decision
        meeting = app.screen_stack[-2]
        assert isinstance(meeting, MeetingScreen) and meeting.session.log.head == other["hash"]
        assert "Final 32/36" in str(meeting.query_one("#summary").render())
        # knowingly, on the current log: the keep supersedes the decision the chair has now seen
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)

    run_app(stockton_fresh, script)
    es = entries(stockton_fresh)
    assert [e["kind"] for e in es] == ["attendance", "discretion", "declined"]
    assert es[-1]["supersedes"] == 2 and es[-1]["reason"] == KEEP


def test_idle_screen_refreshes_and_names_entries_recorded_elsewhere(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        table = app.screen.query_one(StandardsTable)
        assert "32/36" not in str(app.screen.query_one("#summary").render())
        other_process_decides(stockton_fresh)
        await pilot.pause(1.3)  # the disk check runs every second
        await pilot.pause()
        assert "Final 32/36 Outstanding" in str(app.screen.query_one("#summary").render())
        assert table.selected_id is not None
        news = [m for m, _ in app.seen if str(m).startswith("Recorded elsewhere")]
        assert news == ["Recorded elsewhere: entry 2 discretion 2.2 Requires improvement -> Good by Helen Davies"]

    run_app(stockton_fresh, script)


def test_own_writes_are_not_announced_as_news(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        await fill(pilot, "rationale", WHY)
        await submit(pilot)
        await pilot.pause(1.3)  # an absence: at least one run of the one-second disk check (a timer test)
        assert not [m for m, _ in app.seen if str(m).startswith("Recorded elsewhere")]

    run_app(stockton_fresh, script)


def test_log_tampered_while_open_turns_the_screen_read_only(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        log = stockton_fresh / "decisions.toml"
        log.write_text(log.read_text(encoding="utf-8").replace("Helen Davies", "Someone Else", 1), encoding="utf-8")
        await pilot.pause(1.3)  # the one-second disk check is what finds the change (a timer test)
        await pilot.pause()
        assert app.screen.session.log_problem
        assert any("no longer verifies" in str(m) for m, _ in app.seen)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)  # no form: read-only

    run_app(stockton_fresh, script)
