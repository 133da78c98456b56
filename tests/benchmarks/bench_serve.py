"""`panel-tui serve` against the same app in a terminal, measured in the same run (issue 27 item 5).

    python tests/benchmarks/bench_serve.py [ROUNDS] [MEMBERS]

Prints, for the browser (system Chromium through Playwright, one page per link) and for the same
app in a pty of the same size: the first readable screen (from opening the link / starting the
process until the standards table with its figures is on screen, read with pyte from the bytes the
page or the pty received), and key latency (a cursor key until the evidence pane shows the next
standard), medians over ROUNDS; then the memory of each member's app process (RSS and PSS) with
MEMBERS pages open at once.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ui import browser as B  # noqa: E402

READABLE = r"2\.2\s+Planning\s+63% of 8"
DOWN, UP = (
    (r"1\.2 Staff\s+\(judgement\)", "ArrowDown", "\x1b[B"),
    (r"1\.1 Governance and leadership\s+\(judgement\)", "ArrowUp", "\x1b[A"),
)


def session_copy(tmp: Path) -> Path:
    dst = tmp / "stockton"
    dst.mkdir()
    shutil.copy(ROOT / "sessions" / "stockton-2021" / "inspection.toml", dst / "inspection.toml")
    members = [arg for i in range(8) for arg in ("--member", f"M{i}")]
    subprocess.run(
        [sys.executable, "-m", "panel_tui", "attend", str(dst), "--chair", "Chair", *members],
        check=True,
        capture_output=True,
    )
    return dst


class PtyApp:
    """The app in a pseudo-terminal of ``cols`` x ``rows``, its screen decoded as the page's is."""

    def __init__(self, session: Path, cols: int, rows: int) -> None:
        import pyte

        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.started = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child
            os.environ.update({"TERM": "xterm-256color", "COLORTERM": "truecolor"})
            os.execv(sys.executable, [sys.executable, "-m", "panel_tui", "open", str(session)])
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.pid, self.fd = pid, fd

    def wait_for(self, pattern: str, timeout: float = 20.0) -> float:
        import select

        regex = re.compile(pattern)
        start = time.monotonic()
        while not regex.search("\n".join(self.screen.display)):
            if time.monotonic() - start > timeout:
                raise AssertionError(f"{pattern!r} not in the pty after {timeout} s")
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    break
                self.stream.feed(data)
                if b"\x1b[c" in data or b"\x1b[>c" in data:  # answer a device-attributes query
                    os.write(self.fd, b"\x1b[?62;22c")
        return time.monotonic() - start

    def press(self, seq: str) -> None:
        os.write(self.fd, seq.encode())

    def close(self) -> None:
        os.write(self.fd, b"q")
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)


def memory_of(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB of one process."""
    rss = pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss, pss


def app_pids(session: Path) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"open" in args and str(session).encode() in args and b"-m" in args:
            found.append(int(cmdline.parent.name))
    return found


def keys(wait_for, press, rounds: int) -> list[float]:
    out = []
    for i in range(rounds * 2):
        pattern, browser_key, pty_key = DOWN if i % 2 == 0 else UP
        start = time.monotonic()
        press(browser_key, pty_key)
        wait_for(pattern)
        out.append(time.monotonic() - start)
    return out


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    members = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    why = B.missing()
    if why:
        sys.exit(f"cannot run: {why}")
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    session = session_copy(tmp)
    names = [f"M{i}" for i in range(members)]
    served = B.serve(session, *[a for n in names for a in ("--member", n)], expect=members + 1)
    first_browser, first_pty, keys_browser, keys_pty = [], [], [], []
    phases: list[tuple[float, float]] = []  # (WebSocket open, first frame), seconds from navigation
    try:
        with sync_playwright() as p:
            browser = B.launch(p)
            B.open_page(browser, served.links["chair"]).context.close()  # warm: the browser's own start
            size = None
            for _ in range(rounds):
                start = time.monotonic()
                page = B.open_page(browser, served.links["M0 (member)"])
                screen = B.Screen(page)
                screen.wait_for(READABLE, timeout=30)
                first_browser.append(time.monotonic() - start)
                opened, first = page.evaluate("[window.__opened, window.__first]")  # ms since the page's navigation
                phases.append((opened / 1000, first / 1000))
                size = (screen.screen.columns, screen.screen.lines)
                keys_browser += keys(screen.wait_for, lambda k, _s: page.keyboard.press(k), 1)
                page.context.close()
            pages = []
            for name in names:
                page = B.open_page(browser, served.links[f"{name} (member)"])
                B.Screen(page).wait_for(READABLE, timeout=30)
                pages.append(page)
            mem = [memory_of(pid) for pid in app_pids(session)]
            for page in pages:
                page.context.close()
            browser.close()
        assert size is not None
        for _ in range(rounds):
            app = PtyApp(session, *size)
            app.wait_for(READABLE)
            first_pty.append(time.monotonic() - app.started)  # from the fork, as the browser's from goto
            keys_pty += keys(app.wait_for, lambda _k, s: app.press(s), 1)
            app.close()
    finally:
        served.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    def ms(xs: list[float]) -> str:
        return f"median {statistics.median(xs) * 1000:6.0f} ms (min {min(xs) * 1000:.0f}, max {max(xs) * 1000:.0f})"

    print(
        f"panel-tui serve benchmark: {rounds} rounds, screen {size[0]}x{size[1]}, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"first readable screen  browser {ms(first_browser)}   |  pty {ms(first_pty)}")
    print(
        f"  of which (browser)   page loaded and WebSocket open {ms([o for o, _ in phases])}; first frame from the "
        f"app {ms([f for _, f in phases])}"
    )
    print(f"key to repaint         browser {ms(keys_browser)}   |  pty {ms(keys_pty)}")
    if mem:
        rss = [r for r, _ in mem]
        pss = [s for _, s in mem]
        print(
            f"memory per member app  {len(mem)} processes with {members} pages open: RSS "
            f"{statistics.mean(rss) / 1024:.1f} MiB (min {min(rss) / 1024:.1f}, max {max(rss) / 1024:.1f}), "
            f"PSS {statistics.mean(pss) / 1024:.1f} MiB"
        )


if __name__ == "__main__":
    main()
