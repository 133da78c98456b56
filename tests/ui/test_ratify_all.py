"""R: ratify every remaining judgement standard as proposed, in one confirmed action."""

from __future__ import annotations

import tomllib

from panel_tui.modals.entry_form import EntryForm
from panel_tui.screens.meeting import MeetingScreen
from tests.ui.pilot import dismiss_attendance, run_app, submit


def test_ratify_all_as_proposed(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await pilot.press("R")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EntryForm)
        intro = str(form.query_one("#form-intro").render())
        assert "1.1" in intro and "1.4" in intro and "Outstanding" in intro
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)
        assert any("Recorded entries 2-5 (1.1, 1.2, 1.3, 1.4)" in str(m) for m, _ in app.seen)
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert any("ratified already" in str(m) for m, _ in app.seen)

    run_app(stockton_fresh, script)
    es = tomllib.loads((stockton_fresh / "decisions.toml").read_text(encoding="utf-8"))["entry"]
    assert [(e["kind"], e.get("standard"), e["by"]) for e in es[1:]] == [
        ("ratification", sid, "Helen Davies") for sid in ("1.1", "1.2", "1.3", "1.4")
    ]
