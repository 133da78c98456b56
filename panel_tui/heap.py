"""Every decision about Python's garbage collector in the meeting app, in one object (issue 12).

The app makes tens of thousands of objects that live as long as it does (modules, classes, styles,
the first screen) and tens of thousands more per form that live as long as the form. Python's
collector, left alone, walks them again and again at the moments a chair waits: during start-up
(about 15 young collections and a full one, 47-55 ms, measured), while a form is being built (10-14
ms of collections that freed almost nothing, traced), and in a full collection that fell in the
middle of a later key (75-120 ms every two or three forms). The policy:

- ``start``: the collector is off while the app starts (the command line, before loading);
- ``schedule_freeze``: a while after the first screen, everything made so far is frozen out of the
  collector's sight and the collector is turned back on;
- ``opening_screen``: off while a screen is being built, until it is painted (a timer is the
  backstop should the screen never get that far);
- ``screen_closed``: a collection a moment after a form or screen closes, while the chair reads;
  should another screen be opening by then (a chair closing a form and pressing ``l`` at once), it
  waits until that screen is painted and comes a moment after.

``PANEL_TUI_GC=default`` (or ``off``, ``0``) leaves the collector as Python runs it: none of the
above happens (``HeapPolicy.from_environment``). Tests and other embedders get an inactive policy
unless they pass one: a test process runs many apps and must not keep their objects for ever.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

ENV = "PANEL_TUI_GC"
OFF_VALUES = ("default", "off", "0")  # PANEL_TUI_GC=default: Python's own collector, untouched

FREEZE_AFTER = 2.0  # seconds after the first screen: after the evidence pane has rendered ahead (1 s)
IDLE_COLLECT_AFTER = 0.6  # seconds after a form or screen closes
RESUME_COLLECTOR_AFTER = 2.0  # seconds: the collector is back on by then even if a screen never painted


class HeapPolicy:
    """When the app lets the garbage collector work. ``active=False``: never touches it."""

    def __init__(self, active: bool = True) -> None:
        self.active = active
        self._paused = False  # by opening_screen, until the new screen is painted
        self._backstop: Any = None  # the Timer that resumes the collector should no paint come
        self._idle_collect: Any = None  # the Timer of the collection after a close
        self._app: Any = None  # the app whose timers the policy sets
        self._collect_after_paint = False  # a collection that came due while a screen was opening

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> HeapPolicy:
        """Active unless ``PANEL_TUI_GC`` says ``default`` (or ``off``/``0``)."""
        value = (os.environ if environ is None else environ).get(ENV, "").strip().lower()
        return cls(active=value not in OFF_VALUES)

    @classmethod
    def inactive(cls) -> HeapPolicy:
        return cls(active=False)

    def __repr__(self) -> str:
        return f"HeapPolicy(active={self.active})"

    # --- start-up ----------------------------------------------------------------------------

    def start(self) -> None:
        """Before the app's modules and the session are loaded: collecting meanwhile only walks
        objects that live as long as the app (``schedule_freeze`` turns the collector back on)."""
        if self.active:
            gc.disable()

    def schedule_freeze(self, app: Any) -> None:
        """Once the first screen is up (the app's ready event): freeze a while later."""
        if self.active:
            app.set_timer(FREEZE_AFTER, self.freeze)

    def freeze(self) -> None:
        """Move every object made so far (Textual, the session, the first screen and the evidence
        rendered ahead: nearly all live as long as the app) out of the collector's sight, then turn
        the collector back on: a full collection, which comes every few forms, then walks only what
        came after. The cost: start-up objects that die later are never freed (bounded; once)."""
        if self.active:
            gc.freeze()
            gc.enable()

    # --- screens -----------------------------------------------------------------------------

    @contextmanager
    def opening_screen(self, app: Any) -> Iterator[None]:
        """Around ``push_screen``: opening a form makes ~27,000 objects (widgets, styles, strips),
        which set off ~35 young and 2-3 middle-generation collections before it is painted (10-14
        ms of the discretion form's ~130 ms, traced). Nearly all live as long as the form, so the
        collector waits until the chair can read it. Nothing is paused when the collector is off
        already (the start-up, or a screen opened while another opens)."""
        pause = self.active and gc.isenabled()
        self._app = app
        if pause:
            gc.disable()
            self._paused = True
        try:
            yield
        except BaseException:
            self.resume()  # the screen did not open: nothing to wait for
            raise
        if pause:
            # after the new screen's first paint (a screen runs these once it has nothing left to
            # lay out or paint); the timer is the backstop should the screen never get that far
            app.screen.call_after_refresh(app.screen.call_after_refresh, self.resume)
            self._backstop = app.set_timer(RESUME_COLLECTOR_AFTER, self.resume)

    def resume(self) -> None:
        """The collector back on after ``opening_screen`` paused it (once, whichever comes first:
        the paint or the backstop)."""
        if self._paused:
            self._paused = False
            gc.enable()
        if self._backstop is not None:
            self._backstop.stop()
            self._backstop = None
        if self._collect_after_paint and self._app is not None:
            self._collect_after_paint = False
            self._idle_collect = self._app.set_timer(IDLE_COLLECT_AFTER, self.collect)

    def screen_closed(self, app: Any) -> None:
        """A closed form or screen leaves its widgets for the collector: collect them a moment later,
        while the chair reads the screen, rather than in a full collection that would otherwise come
        in the middle of a later key (75-120 ms, every two or three forms, measured)."""
        if not self.active:
            return
        self._app = app
        if self._idle_collect is not None:
            self._idle_collect.stop()
        self._idle_collect = app.set_timer(IDLE_COLLECT_AFTER, self.collect)

    def collect(self) -> None:
        """The collection after a close; while a screen is opening it waits for that screen's paint
        (a full collection then cost the log view ~80 ms of its opening, bench_app.py)."""
        self._idle_collect = None
        if self._paused:
            self._collect_after_paint = True
            return
        gc.collect()
