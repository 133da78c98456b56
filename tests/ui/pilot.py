"""Helpers for Pilot tests: run an app, paste text like a user, watch notifications."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual import events

from panel_tui.app import PanelApp
from panel_tui.modals.entry_form import EntryForm


def run_app(
    session_dir: Path | None,
    script: Callable[[PanelApp, object], Awaitable[None]],
    size: tuple[int, int] = (120, 40),
    notifications: bool = False,
    **kwargs,
) -> PanelApp:
    """Run ``script(app, pilot)`` against a real PanelApp; notifications are recorded with the log
    file's bytes at the moment each one was shown (a decision must be on disk by then).
    ``notifications``: show toasts on screen (Textual's run_test leaves them out by default)."""
    app = PanelApp(session_dir, **kwargs)
    app.seen = []  # (message, log bytes when shown)
    original = app.notify

    def notify(message, **kw):
        log = Path(session_dir) / "decisions.toml" if session_dir else None
        app.seen.append((message, log.read_bytes() if log and log.exists() else b""))
        return original(message, **kw)

    app.notify = notify  # type: ignore[method-assign]

    async def go() -> None:
        async with app.run_test(size=size, notifications=notifications) as pilot:
            await pilot.pause()
            await script(app, pilot)

    asyncio.run(go())
    return app


async def until(pilot, condition: Callable[[], object], timeout: float = 5.0, what: str = "") -> None:
    """Wait until ``condition()`` holds, letting the app handle its messages between checks (as
    ``pilot.pause()`` does). The deadline only bounds a failure: a condition that never holds fails
    the test after ``timeout`` seconds; one that holds returns as soon as it is seen."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s for {what or condition}")
        await pilot.pause()
    await pilot.pause()  # and whatever the event itself queued (a refresh, a callback)


async def paste(pilot, text: str) -> None:
    """Paste into the focused widget, as a user pasting from the clipboard."""
    pilot.app.post_message(events.Paste(text))  # as the terminal driver delivers a paste
    await pilot.pause()


async def fill(pilot, field: str, text: str) -> None:
    """Focus a form field by name and paste text into it (replacing what is there)."""
    form = pilot.app.screen
    assert isinstance(form, EntryForm), f"expected a form, got {type(form).__name__}"
    w = form.query_one(f"#f-{field}")
    w.focus()
    await pilot.pause()
    if hasattr(w, "clear"):
        w.clear()
    await paste(pilot, text)


async def choose(pilot, field: str, value: str) -> None:
    """Pick a value in a form's dropdown (names present, bands), as a user choosing from the list."""
    from textual.widgets import Select

    form = pilot.app.screen
    w = form.query_one(f"#f-{field}", Select)
    assert any(v == value for _, v in w._options), f"{value!r} is not offered in {field}"
    w.value = value
    await pilot.pause()


async def submit(pilot) -> None:
    """ctrl+s in a form, then wait for the write (a thread worker) and its callback."""
    await pilot.press("ctrl+s")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def dismiss_attendance(pilot, chair: str = "Helen Davies", members: str = "Maria Jerram\nSam Okafor") -> None:
    """A fresh session asks for attendance first; answer it."""
    await fill(pilot, "chair", chair)
    await fill(pilot, "members", members)
    await submit(pilot)


async def select_standard(pilot, sid: str) -> None:
    from panel_tui.widgets.standards_table import StandardsTable

    table = pilot.app.screen.query_one(StandardsTable)
    table.move_cursor(row=table.get_row_index(sid))
    table.focus()
    await pilot.pause()


async def open_form(pilot, sid: str, key: str) -> EntryForm:
    """Select standard ``sid`` and press the key that opens a form on it; the form, once shown and
    its first fitting and scrolling handled."""
    await select_standard(pilot, sid)
    await pilot.press(key)
    await form_shown(pilot, f"a form from {key!r} on {sid}")
    form = pilot.app.screen
    assert isinstance(form, EntryForm), f"{key!r} on {sid} opened {type(form).__name__}, not a form"
    return form


async def form_shown(pilot, what: str = "a form") -> None:
    """Wait until a form is the screen and its messages handled (not its workers: a form must be usable
    while its follow-up scan still runs)."""
    await until(pilot, lambda: isinstance(pilot.app.screen, EntryForm) and pilot.app.screen.is_mounted, what=what)
    await pilot.wait_for_scheduled_animations()


async def form_closed(pilot) -> None:
    """Wait until the form on screen has gone (cancelled or recorded)."""
    await until(pilot, lambda: not isinstance(pilot.app.screen, EntryForm), what="the form to close")


def form_error(app) -> str:
    """What the form says went wrong: the line above its buttons and the message beside a field."""
    beside = [str(w.render()) for w in app.screen.query(".field-error") if w.has_class("-shown")]
    line = [str(w.render()) for w in app.screen.query("#form-error")]  # mounted with the first refusal
    return "\n".join([*line, *beside])


KEY_CHARS = {"space": " ", "tab": "\t", "enter": "\r"}  # the characters a terminal sends for these keys


def burst(app, *keys: str) -> None:
    """Keys handed to the app one after another without waiting for each to be handled, as a
    terminal delivers a paste (without bracketed paste), a macro or ``tmux send-keys`` (Pilot's
    press waits until the app is idle after every key, which hides races between keys)."""
    from textual import events

    for key in keys:
        event = events.Key(key, key if len(key) == 1 else KEY_CHARS.get(key))
        event.set_sender(app)
        app._driver.send_message(event)


def typed(text: str) -> list[str]:
    """The keys that type ``text`` (a space is the key "space")."""
    return ["space" if ch == " " else ch for ch in text]
