"""One meeting-app process per browser connection, started with exec and told its role by the server.

textual-serve's AppService starts ``command`` through a shell and copies the server's environment;
here the app is exec'd from an argument list (no shell parses a session path), the role comes from
the link's identity (panel_tui/roles.py reads it), and an app that does not stop when asked is
killed after ``STOP_TIMEOUT`` seconds, so a hung app never holds the server or its shutdown. An app
that shows nothing within ``START_TIMEOUT`` seconds is killed too, and the page says so instead of
staying blank.
"""

from __future__ import annotations

import asyncio
import logging
from asyncio.subprocess import Process
from typing import Any

from textual_serve.app_service import AppService

from panel_tui.serve.access import Identity

log = logging.getLogger("panel-tui.serve")
STOP_TIMEOUT = 5.0
START_TIMEOUT = 30.0  # a meeting app paints its first screen in about a second; 30 s is a hang
NOT_STARTED = (
    b"\r\n  panel-tui did not start within %g seconds, so it was stopped.\r\n"
    b"  The chair's terminal shows why. Reload this page to try again.\r\n"
)
# variables of the server's shell that must not reach an app: roles come from the link alone
_NOT_PASSED = ("PANEL_TUI_ROLE", "PANEL_TUI_MEMBER", "PANEL_TUI_ENTERED_BY", "TEXTUAL", "TEXTUAL_LOG")


class MeetingAppService(AppService):
    """An AppService whose process is ``argv`` run as ``who``."""

    def __init__(self, argv: list[str], who: Identity, **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv
        self.who = who
        self.shown = asyncio.Event()  # set by the app's first output for the page
        self._watch: asyncio.Task[None] | None = None

    async def start(self, width: int, height: int) -> None:
        await super().start(width, height)
        self._watch = asyncio.create_task(self._watch_start())

    async def on_data(self, payload: bytes) -> None:
        self.shown.set()
        await super().on_data(payload)

    async def _watch_start(self) -> None:
        """Kill an app that shows nothing within START_TIMEOUT, tell the page, and close it."""
        try:
            await asyncio.wait_for(self.shown.wait(), START_TIMEOUT)
            return
        except TimeoutError:
            pass
        log.warning("an app (%s) showed nothing within %g s: killed, and its page told", self.who.label, START_TIMEOUT)
        self._kill()
        try:
            await self.remote_write_bytes(NOT_STARTED % START_TIMEOUT)
            await self.remote_close()
        except (ConnectionError, RuntimeError):
            pass  # the page went already

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width=width, height=height)
        entered_by = env.get("PANEL_TUI_ENTERED_BY")  # the chair's own, from the server's shell
        for name in _NOT_PASSED:
            env.pop(name, None)
        if self.who.role == "chair" and entered_by:
            env["PANEL_TUI_ENTERED_BY"] = entered_by
        env.update(self.who.environment())
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def stop(self) -> None:
        """Ask the app to quit; kill it if it has not ended within STOP_TIMEOUT seconds."""
        if self._watch is not None:
            self._watch.cancel()
        if self._task is None:
            return
        asked = asyncio.ensure_future(super().stop())
        try:
            await asyncio.wait_for(asyncio.shield(asked), STOP_TIMEOUT)
        except TimeoutError:
            log.warning("an app (%s) did not quit within %.0f s: killed", self.who.label, STOP_TIMEOUT)
            self._kill()
            try:
                await asyncio.wait_for(asked, STOP_TIMEOUT)  # its output ends with the process
            except (TimeoutError, ConnectionError):
                pass
        await self._reap()

    def _kill(self) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            try:
                process.kill()
            except ProcessLookupError:
                pass

    async def _reap(self) -> None:
        """Wait for the process to end (killed if it lingers), so no zombie or open pipe is left."""
        process = self._process
        if process is None:
            return
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            self._kill()
            await process.wait()
