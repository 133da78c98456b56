"""When the real app lets the garbage collector work (issue 12): off during start-up (the command line
turns it off), back on once the first screen is read, and a collection shortly after a form
closes rather than in the middle of a later key. ``gc.freeze`` is replaced here: the test process
runs many apps and must not keep their objects for ever."""

from __future__ import annotations

import gc

from panel_tui.app import FREEZE_AFTER, IDLE_COLLECT_AFTER
from tests.ui.pilot import run_app, select_standard


def test_the_collector_is_back_on_once_the_first_screen_is_read(stockton_met, monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    seen = {}

    async def script(app, pilot):
        seen["at start"] = gc.isenabled()
        await pilot.pause(FREEZE_AFTER + 0.5)
        seen["later"] = gc.isenabled()

    gc.disable()  # as `panel-tui open` does before starting the app
    try:
        run_app(stockton_met, script, freeze_heap=True)
    finally:
        gc.enable()
    assert seen == {"at start": False, "later": True}
    assert frozen == [True]


def test_a_closed_form_is_collected_a_moment_later(stockton_met, monkeypatch):
    monkeypatch.setattr(gc, "freeze", lambda: None)
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append(args) or 0)

    async def script(app, pilot):
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause(0.2)
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert not calls  # not at once: the chair may still be pressing keys
        await pilot.pause(IDLE_COLLECT_AFTER + 0.4)
        assert len(calls) == 1

    run_app(stockton_met, script, freeze_heap=True)


def test_tests_and_other_embedders_leave_the_collector_alone(stockton_met, monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append(args) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))

    async def script(app, pilot):
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause(0.2)
        await pilot.press("escape")
        await pilot.pause(max(FREEZE_AFTER, IDLE_COLLECT_AFTER) + 0.4)

    run_app(stockton_met, script)  # freeze_heap defaults to False
    assert calls == []
