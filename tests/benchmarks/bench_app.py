"""Benchmark: start-up to first paint of the Stockton session against a bare Textual app, and the
median time of each key action. Prints figures; asserts nothing (not collected by pytest).

Start-up: each run is a fresh Python process on a pseudo-terminal (as a user starts it), ended
right after the first screen's first refresh; the minimum of 15 alternating runs of each.
Goal (issue 5): first paint at most 1.25x the bare app; each action under 50 ms.

Run: python tests/benchmarks/bench_app.py [RUNS]
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PANEL = """
import sys
from panel_tui.screens import meeting
_orig = meeting.MeetingScreen.on_mount
def on_mount(self):
    _orig(self)
    self.call_after_refresh(self.app.exit)
meeting.MeetingScreen.on_mount = on_mount
from panel_tui.cli import main
main(["open", sys.argv[1]])
"""

BARE = """
from textual.app import App
from textual.widgets import DataTable, Footer, Header
class Bare(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()
    def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns("Std", "Standard", "Lowest", "Computed", "Final", "Flags", "Status")
        for i in range(20):
            t.add_row(str(i), "Implementation and delivery", "63% of 8", "Good", "Good", "near 65", "needs panel")
        self.call_after_refresh(self.exit)
Bare().run()
"""


def start_once(code: str, *args: str) -> float:
    master, slave = pty.openpty()
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdin=slave, stdout=slave, stderr=slave,
                            env=env, cwd=ROOT, close_fds=True)
    os.close(slave)
    while proc.poll() is None:  # drain the terminal so the app never blocks on output
        try:
            os.read(master, 65536)
        except OSError:
            break
    proc.wait()
    elapsed = time.perf_counter() - t0
    os.close(master)
    if proc.returncode != 0:
        raise SystemExit(f"run failed with exit code {proc.returncode}")
    return elapsed


def startup(runs: int) -> None:
    session = str(ROOT / "sessions" / "stockton-2021")
    panel, bare = [], []
    for _ in range(runs):
        bare.append(start_once(BARE))
        panel.append(start_once(PANEL, session))
    b, p = min(bare), min(panel)
    print(f"start-up to first paint, min of {runs} alternating runs:")
    print(f"  bare Textual app (Header, 20-row DataTable, Footer): {b * 1000:7.1f} ms (median {statistics.median(bare) * 1000:.1f})")
    print(f"  panel-tui open sessions/stockton-2021:                {p * 1000:7.1f} ms (median {statistics.median(panel) * 1000:.1f})")
    print(f"  ratio: {p / b:.2f}x (goal <= 1.25x)")


KEYS = {"down": b"\x1b[B", "escape": b"\x1b", "ctrl+s": b"\x13"}


def _burst(master: int, quiet: float = 0.05, limit: float = 3.0, first_wait: float = 1.0) -> tuple[float | None, float | None]:
    """Read terminal output until it has been quiet for ``quiet`` s after the first byte.

    Returns the times of the first and last bytes (None when nothing came within first_wait).
    """
    first = last = None
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], quiet if first else first_wait)
        if not ready:
            break
        try:
            if os.read(master, 65536):
                last = time.perf_counter()
                first = first or last
        except OSError:
            break
    return first, last


def actions(repeats: int) -> None:
    """Key latency as a user sees it: from writing the key to the pseudo-terminal to the last byte
    of the screen update it causes. The app is the real CLI, on a pseudo-terminal of 100x30."""
    import fcntl
    import struct
    import termios

    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import append_entry

    tmp = Path(tempfile.mkdtemp())
    d = tmp / "stockton"
    d.mkdir()
    shutil.copy(ROOT / "sessions" / "stockton-2021" / "inspection.toml", d)
    append_entry(d, load_inspection(d), "attendance", {"chair": "Chair", "members": ["M"], "by": "Chair"})
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = dict(os.environ, TERM="xterm-256color")
    proc = subprocess.Popen([sys.executable, "-m", "panel_tui", "open", str(d)], stdin=slave, stdout=slave,
                            stderr=slave, env=env, cwd=ROOT, close_fds=True)
    os.close(slave)
    _burst(master, quiet=0.5, limit=10, first_wait=10)
    timings: dict[str, list[float]] = {}

    def timed(name: str, key: str) -> None:
        t0 = time.perf_counter()
        os.write(master, KEYS.get(key, key.encode()))
        first, last = _burst(master)
        nan = float("nan")
        timings.setdefault(name, []).append(((first - t0) if first else nan, (last - t0) if last else nan))

    for i in range(repeats):
        timed("move cursor (down)", "down")
        timed("n next on agenda", "n")
        os.write(master, b"\x1b[A" * 20)
        _burst(master, quiet=0.2, first_wait=0.3)
        os.write(master, b"\x1b[B" * 5)  # 2.1, a flagged case-based standard
        _burst(master, quiet=0.2, first_wait=0.3)
        timed("d open discretion form", "d")
        timed("esc close form (incl. Textual's escape-key wait)", "escape")
        timed("k open keep form", "k")
        os.write(master, f"Kept after discussion, round {i}.".encode())
        _burst(master, first_wait=0.3)
        timed("ctrl+s record (write, fsync, reload, notify)", "ctrl+s")
        _burst(master, quiet=0.3, first_wait=0.3)
        table_reset = b"\x1b[A" * 20  # back to the top so every round walks the same rows
        os.write(master, table_reset)
        _burst(master, quiet=0.2, first_wait=0.3)
        timed("l open log view", "l")
        timed("l back from log", "l")
        timed("s open sign-off summary", "s")
        timed("esc close summary", "escape")
    os.write(master, b"\x1bq")
    end = time.perf_counter() + 10
    while proc.poll() is None and time.perf_counter() < end:
        _burst(master, quiet=0.2, limit=1)  # keep draining so the app can finish writing
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    os.close(master)
    entries = len((d / "decisions.toml").read_text().split("[[entry]]")) - 1
    print(f"key actions, median of {repeats}, from the key written to the pty (100x30):")
    print(f"  {'action':<50} {'first byte':>10} {'last byte':>10}")
    for name, values in timings.items():
        f = statistics.median(v[0] for v in values) * 1000
        la = statistics.median(v[1] for v in values) * 1000
        print(f"  {name:<50} {f:7.1f} ms {la:7.1f} ms {'ok' if f < 50 else 'OVER 50 ms'}")
    print(f"  (the run recorded {entries - 1} decisions, all on disk)")
    shutil.rmtree(tmp)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    startup(runs)
    actions(runs)


if __name__ == "__main__":
    main()
