"""Driving `panel-tui serve` in a real browser: the system Chromium through Playwright.

The page draws the terminal on a canvas, so the screen is read from what the server sent: every
binary WebSocket frame the page receives is kept (an init script wraps the page's WebSocket) and fed
to a VT emulator (pyte) of the page's size, the bytes xterm.js itself draws from. Used by the
browser tests and by tests/benchmarks/bench_serve.py.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# keeps every binary frame the page receives, in order, as base64 (read and cleared by frames())
CAPTURE = """
(() => {
  const Native = window.WebSocket;
  window.__frames = [];
  window.__sockets = [];
  window.WebSocket = function (url, protocols) {
    const ws = new Native(url, protocols);
    window.__sockets.push(ws);
    ws.addEventListener("open", () => { window.__opened = window.__opened || performance.now(); });
    ws.addEventListener("message", (e) => {
      if (typeof e.data !== "string") {
        window.__first = window.__first || performance.now();
        const bytes = new Uint8Array(e.data);
        let s = "";
        for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
        window.__frames.push(btoa(s));
      }
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing() -> str | None:
    """Why the browser tests cannot run here (None: they can)."""
    try:
        import playwright  # noqa: F401
        import pyte  # noqa: F401
        import textual_serve  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        return "no chromium on PATH (.ci/run installs Debian's chromium)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    """A `panel-tui serve` process and the links it printed (label -> URL)."""

    process: subprocess.Popen[str]
    port: int
    links: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> str:
        """SIGTERM, as Ctrl+C; the server's log (stderr) once it has ended."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            _, err = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err


def serve(session: Path, *args: str, expect: int) -> Served:
    """Start the server on a free port; return once it printed ``expect`` links and accepts connections."""
    port = free_port()
    cmd = [sys.executable, "-m", "panel_tui", "serve", str(session), "--port", str(port), *args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    served = Served(proc, port)
    assert proc.stdout is not None
    for _ in range(expect):
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"serve ended early: {served.stop()}")
        label, url = line.rstrip("\n").rsplit(": ", 1)
        served.links[label] = url
    deadline = time.monotonic() + 20
    while True:  # listening once a connection is accepted
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise AssertionError(f"serve is not listening: {served.stop()}") from None
            time.sleep(0.05)
    return served


class Screen:
    """The page's terminal as text, decoded from the frames the page received."""

    def __init__(self, page) -> None:
        self.page = page
        self.screen = None
        self.stream = None

    def _start(self) -> bool:
        """Size the emulator as the page asked the server (its WebSocket's width and height)."""
        import pyte

        url = self.page.evaluate("window.__sockets.length ? window.__sockets[0].url : ''")
        size = re.search(r"width=(\d+)&height=(\d+)", url)
        if size is None:
            return False
        self.screen = pyte.Screen(int(size[1]), int(size[2]))
        self.stream = pyte.ByteStream(self.screen)
        return True

    def text(self) -> str:
        import base64

        if self.stream is None and not self._start():
            return ""
        for chunk in self.page.evaluate("window.__frames.splice(0)"):
            self.stream.feed(base64.b64decode(chunk))
        return "\n".join(self.screen.display)

    def wait_for(self, pattern: str, timeout: float = 10.0) -> float:
        """Seconds until ``pattern`` (a regular expression) is on the screen; AssertionError after ``timeout``."""
        start = time.monotonic()
        regex = re.compile(pattern)
        while not regex.search(self.text()):
            if time.monotonic() - start > timeout:
                raise AssertionError(f"{pattern!r} not on the page after {timeout} s:\n{self.text()}")
            self.page.wait_for_timeout(10)  # the next poll of the page; the condition is what is awaited
        return time.monotonic() - start


def open_page(browser, url: str, width: int = 1200, height: int = 800):
    """A new context (its own cookies) and page, capturing frames, at ``url``."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(CAPTURE)
    page = context.new_page()
    page.goto(url)
    return page


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
