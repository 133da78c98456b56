"""When the real app lets the garbage collector work (issue 12): off during start-up (the command line
turns it off), back on once the first screen is read, and a collection shortly after a form
closes rather than in the middle of a later key, and off while a form or screen is being opened until it
is painted. ``gc.freeze`` is replaced here: the test process
runs many apps and must not keep their objects for ever."""

from __future__ import annotations

import gc

from panel_tui.app import FREEZE_AFTER, IDLE_COLLECT_AFTER, RESUME_COLLECTOR_AFTER
from panel_tui.modals.entry_form import EntryForm
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


def test_the_collector_waits_while_a_form_opens_and_is_back_once_it_is_painted(stockton_met, monkeypatch):
    monkeypatch.setattr(gc, "freeze", lambda: None)
    seen = {}
    mounted = EntryForm.on_mount

    def on_mount(self):
        seen["while the form mounts"] = gc.isenabled()
        mounted(self)

    monkeypatch.setattr(EntryForm, "on_mount", on_mount)

    async def script(app, pilot):
        await select_standard(pilot, "2.2")
        seen["before"] = gc.isenabled()
        await pilot.press("d")
        await pilot.pause(0.3)
        assert isinstance(app.screen, EntryForm)
        seen["once painted"] = gc.isenabled()
        await pilot.press("escape")
        await pilot.pause()
        await select_standard(pilot, "2.3")  # and the meeting goes on with it on
        seen["after"] = gc.isenabled()

    try:
        run_app(stockton_met, script, freeze_heap=True)
    finally:
        gc.enable()
    assert seen == {"before": True, "while the form mounts": False, "once painted": True, "after": True}


def test_the_collector_is_back_on_when_a_form_closes_before_it_was_painted(stockton_met, monkeypatch):
    """The backstop: a chair pressing d then esc at once must not leave the collector off."""
    monkeypatch.setattr(gc, "freeze", lambda: None)
    seen = {}

    async def script(app, pilot):
        await select_standard(pilot, "2.2")
        await pilot.press("d", "escape")
        await pilot.pause(RESUME_COLLECTOR_AFTER + 0.3)
        seen["later"] = gc.isenabled()
        seen["screen"] = type(app.screen).__name__

    try:
        run_app(stockton_met, script, freeze_heap=True)
    finally:
        gc.enable()
    assert seen == {"later": True, "screen": "MeetingScreen"}


def test_tests_and_other_embedders_leave_the_collector_alone(stockton_met, monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append(args) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))

    async def script(app, pilot):
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause(0.2)
        await pilot.press("escape")
        await pilot.pause(max(FREEZE_AFTER, IDLE_COLLECT_AFTER) + 0.4)

    run_app(stockton_met, script)  # freeze_heap defaults to False
    assert calls == []
