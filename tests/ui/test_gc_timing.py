"""When the real app lets the garbage collector work (issue 12), all decided by one HeapPolicy
(panel_tui/heap.py): off during start-up (the command line turns it off), back on once the first
screen is read, a collection shortly after a form closes rather than in the middle of a later key,
and off while a form or screen is being opened until it is painted. ``PANEL_TUI_GC=default`` turns
all of it off. ``gc.freeze`` is replaced here: the test process runs many apps and must not keep
their objects for ever. Each test waits on the event itself (the freeze, the collection, the
resume), with a generous deadline, never on a guessed pause."""

from __future__ import annotations

import asyncio
import gc
import time

from panel_tui.heap import ENV, IDLE_COLLECT_AFTER, HeapPolicy
from panel_tui.modals.entry_form import EntryForm
from tests.ui.pilot import run_app, select_standard

DEADLINE = 10.0  # seconds: far beyond any of the policy's timers, only reached when a test fails


class Watched(HeapPolicy):
    """The real policy, saying when it resumed the collector (an asyncio event, made in the app's loop)."""

    def __init__(self) -> None:
        super().__init__(active=True)
        self.resumed: asyncio.Event | None = None

    def resume(self) -> None:
        super().resume()
        if self.resumed is not None:
            self.resumed.set()


def test_the_collector_is_back_on_once_the_first_screen_is_read(stockton_met, monkeypatch):
    seen = {}

    async def script(app, pilot):
        frozen = asyncio.Event()
        monkeypatch.setattr(gc, "freeze", frozen.set)
        seen["at start"] = gc.isenabled()
        await asyncio.wait_for(frozen.wait(), DEADLINE)
        seen["after the freeze"] = gc.isenabled()

    policy = HeapPolicy()
    policy.start()  # as `panel-tui open` does before loading the session
    try:
        run_app(stockton_met, script, heap=policy)
    finally:
        gc.enable()
    assert seen == {"at start": False, "after the freeze": True}


def test_a_closed_form_is_collected_a_moment_later(stockton_met, monkeypatch):
    monkeypatch.setattr(gc, "freeze", lambda: None)
    calls = []

    async def script(app, pilot):
        collected = asyncio.Event()
        monkeypatch.setattr(gc, "collect", lambda *args: calls.append(time.monotonic()) or collected.set() or 0)
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, EntryForm)
        closing = time.monotonic()
        await pilot.press("escape")
        await asyncio.wait_for(collected.wait(), DEADLINE)
        # Not at once (the chair may still be pressing keys) but on a timer: when it ran is recorded as
        # it runs, so a loaded machine can only make it later, never make the check fail.
        assert calls[0] - closing >= IDLE_COLLECT_AFTER * 0.9
        assert len(calls) == 1

    run_app(stockton_met, script, heap=HeapPolicy())


def test_the_collector_waits_while_a_form_opens_and_is_back_once_it_is_painted(stockton_met, monkeypatch):
    monkeypatch.setattr(gc, "freeze", lambda: None)
    seen = {}
    mounted = EntryForm.on_mount

    def on_mount(self):
        seen["while the form mounts"] = gc.isenabled()
        mounted(self)

    monkeypatch.setattr(EntryForm, "on_mount", on_mount)
    policy = Watched()

    async def script(app, pilot):
        policy.resumed = asyncio.Event()
        await select_standard(pilot, "2.2")
        seen["before"] = gc.isenabled()
        await pilot.press("d")
        await asyncio.wait_for(policy.resumed.wait(), DEADLINE)  # after the form's first paint
        assert isinstance(app.screen, EntryForm)
        seen["once painted"] = gc.isenabled()
        await pilot.press("escape")
        await pilot.pause()
        await select_standard(pilot, "2.3")  # and the meeting goes on with it on
        seen["after"] = gc.isenabled()

    try:
        run_app(stockton_met, script, heap=policy)
    finally:
        gc.enable()
    assert seen == {"before": True, "while the form mounts": False, "once painted": True, "after": True}


def test_the_collector_is_back_on_when_a_form_closes_before_it_was_painted(stockton_met, monkeypatch):
    """The backstop: a chair pressing d then esc at once must not leave the collector off."""
    monkeypatch.setattr(gc, "freeze", lambda: None)
    seen = {}
    policy = Watched()

    async def script(app, pilot):
        policy.resumed = asyncio.Event()
        await select_standard(pilot, "2.2")
        await pilot.press("d", "escape")
        await asyncio.wait_for(policy.resumed.wait(), DEADLINE)
        seen["later"] = gc.isenabled()
        seen["screen"] = type(app.screen).__name__

    try:
        run_app(stockton_met, script, heap=policy)
    finally:
        gc.enable()
    assert seen == {"later": True, "screen": "MeetingScreen"}


def _untouched(stockton_met, monkeypatch, **app_kwargs) -> list:
    """Every collector call an app makes while a form opens and closes and its timers run out."""
    calls: list = []
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append(args) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))

    async def script(app, pilot):
        assert not app.heap.active
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("escape")
        # an absence has no event to wait on: long enough for every timer the policy would set
        await pilot.pause(2.4)

    run_app(stockton_met, script, **app_kwargs)
    return calls


def test_tests_and_other_embedders_leave_the_collector_alone(stockton_met, monkeypatch):
    assert _untouched(stockton_met, monkeypatch) == []  # no policy given: an inactive one


def test_the_environment_switch_turns_the_policy_off(stockton_met, monkeypatch):
    for value in ("default", "off", "0", " Default "):
        assert not HeapPolicy.from_environment({ENV: value}).active
    for environ in ({}, {ENV: ""}, {ENV: "policy"}):
        assert HeapPolicy.from_environment(environ).active
    monkeypatch.setenv(ENV, "default")
    policy = HeapPolicy.from_environment()
    policy.start()  # what `panel-tui open` does: nothing, with the switch
    assert gc.isenabled()
    assert _untouched(stockton_met, monkeypatch, heap=policy) == []
    assert _untouched(stockton_met, monkeypatch, freeze_heap=True) == []  # the audit's app too


class _Timers:
    """An app's timers and after-refresh calls, run by hand: the policy's order of events, without a clock."""

    def __init__(self) -> None:
        self.timers: list[tuple[float, object]] = []
        self.screen = self

    def set_timer(self, delay: float, callback):
        self.timers.append((delay, callback))
        return _Stoppable()

    def call_after_refresh(self, *args) -> None:
        pass


class _Stoppable:
    def stop(self) -> None:
        pass


def test_a_collection_due_while_a_screen_opens_waits_for_its_paint(monkeypatch):
    """A form closed, then the log opened within the idle delay: the collection would fall inside the
    log view's opening (80 ms of it, measured); it comes a moment after the log view is painted."""
    collected: list = []
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(args) or 0)
    policy, app = HeapPolicy(active=True), _Timers()
    try:
        gc.enable()
        policy.screen_closed(app)  # the form closed
        ((delay, due),) = app.timers
        assert delay == IDLE_COLLECT_AFTER
        with policy.opening_screen(app):  # the chair opens the log at once
            pass
        assert not gc.isenabled()
        due()  # the idle timer fires while the log view is still being built
        assert collected == [] and not gc.isenabled()
        policy.resume()  # the log view is painted
        assert gc.isenabled() and collected == []
        delay, later = app.timers[-1]
        assert delay == IDLE_COLLECT_AFTER and later == policy.collect
        later()
        assert len(collected) == 1
    finally:
        gc.enable()


def test_a_collection_due_with_no_screen_opening_runs_at_once(monkeypatch):
    collected: list = []
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(args) or 0)
    policy, app = HeapPolicy(active=True), _Timers()
    policy.screen_closed(app)
    ((_, due),) = app.timers
    due()
    assert len(collected) == 1
