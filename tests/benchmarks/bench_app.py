"""Benchmark: what a panel waits for in the meeting app, each beside a bare Textual app doing the
same visible work, measured in the same run on a 100x30 pseudo-terminal. Prints figures; asserts
nothing (not collected by pytest).

Rows (issue 12):
- start to the first readable screen: from starting the process to the output byte that completes
  the first screen (panel-tui: the score, the last standard's row, the footer and the first
  standard's evidence in its pane; bare: Header, a
  20-row DataTable whose last row and the Footer are painted). The process is then killed: its exit
  is not something the user waits for. Minimum (and median) of N alternating runs.
- cursor down/up in the standards table (bare: the same in its DataTable): from writing the key to
  the last byte of the repaint it causes (the output goes quiet for 60 ms). Median of N each way.
- open the discretion form, the keep form, the log view (bare: a ModalScreen holding a Select, two
  TextAreas, an Input and two Buttons): key to the byte that completes the first readable paint
  (title and buttons painted), and to the last byte of the repaints that follow (300 ms quiet),
  median of N. The log view is a
  full screen with its own Footer, so it is also set beside a bare Screen of a Static, a 12-row
  DataTable, a VerticalScroll and a Footer (the Footer composes its keys a frame after the screen).
- record a keep (ctrl+s to the 'Recorded' toast: lock, verify, write, fsync), for information.
- beside each form and screen, the CPU time the app's main thread used from the key to that readable
  paint (/proc/PID/schedstat, in ns): the wall times here vary by tens of ms from run to run with
  the machine's other load; the CPU time much less.

panel-tui runs twice in the same run, interleaved with bare Textual: with its heap policy (the
default: panel_tui/heap.py) and with PANEL_TUI_GC=default (Python's collector left alone), so the
policy's effect is measured under the same load.

Both apps start from compiled bytecode, as after `pip install` (which compiles every module):
panel-tui's modules are compiled first with compileall, since an editable install under
PYTHONDONTWRITEBYTECODE=1 (as on the CI machines) would otherwise compile them from source at every
start (about 120 ms here) while Textual's own modules come compiled. `--source` skips that step.

Run: python tests/benchmarks/bench_app.py [N] [--source] [--no-start] [--policy-only]
(--policy-only: panel-tui with its heap policy only, as before this comparison)
(--no-start: one start-up run only, for quick form and cursor figures)
(the first readable screen alone, optionally beside another checkout: tests/benchmarks/bench_start.py)
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COLS, ROWS = 100, 30
QUIET = 0.06  # the repaint is over when the terminal has been quiet this long (>3 frames at 60 Hz)

BARE = """
from textual.app import App
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Static, TextArea

class Form(ModalScreen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Close")]
    def compose(self):
        with Vertical():
            yield Label("Apply professional discretion")
            yield Select([(n, n) for n in ("Inadequate", "Requires improvement", "Good", "Outstanding")])
            yield TextArea()
            yield TextArea()
            yield Input(placeholder="Decided by")
            yield Button("Record", variant="primary")
            yield Button("Cancel")

class Log(Screen):
    BINDINGS = [Binding("escape,l", "app.pop_screen", "Back")]
    def compose(self):
        yield Static("intact, head ...")
        yield DataTable(cursor_type="row")
        with VerticalScroll():
            yield Static("entry")
        yield Footer()
    def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns("#", "At", "Kind", "By", "Entry", "Status")
        for i in range(12):
            t.add_row(str(i), "14 Oct 2020 10:04 BST", "declined", "Chair", "2.1 kept Good", "stands")
        t.focus()

class Bare(App):
    BINDINGS = [Binding("d", "form", "Discretion"), Binding("l", "log", "Log"), Binding("q", "quit", "Quit")]
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()
    def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns("Std", "Standard", "Lowest", "Computed", "Final", "Flags", "Status")
        for i in range(20):
            t.add_row(str(i), "Implementation and delivery", "63% of 8", "Good", "Good", "near 65",
                      "row-19 last" if i == 19 else "needs panel")
        t.focus()
    def action_form(self):
        self.push_screen(Form())
    def action_log(self):
        self.push_screen(Log())
Bare().run()
"""

ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-B]|[=>NOPc78])")


HEAP_ENV = "PANEL_TUI_GC"
# panel-tui's two ways: the heap policy on (the default) and off (Python's collector as it is)
HEAPS = {"policy": {}, "gc default": {HEAP_ENV: "default"}}


def spawn(
    argv: list[str], extra_env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[subprocess.Popen[bytes], int, float]:
    """Start ``argv`` on a fresh COLSxROWS pseudo-terminal (in ``cwd``, ROOT by default: ``python -m
    panel_tui`` imports the checkout it starts in); returns the process, the master end and the time
    it was started."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
    env.pop("TEXTUAL", None)
    env.pop(HEAP_ENV, None)
    env.update(extra_env or {})
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd or ROOT, close_fds=True, start_new_session=True
    )
    os.close(slave)
    return proc, master, t0


def stop(proc: subprocess.Popen[bytes], master: int) -> float:
    """Kill the app; the CPU time (user + system) it had used, which other processes' load on the
    machine barely changes, unlike the wall time."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = -signal.SIGKILL
    os.close(master)
    return usage.ru_utime + usage.ru_stime


def until_text(master: int, markers: list[bytes], limit: float = 20.0) -> float:
    """Read until every marker has appeared in the text painted so far (escape codes removed);
    returns the time of the read that completed it."""
    raw = b""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if not ready:
            continue
        raw += os.read(master, 1 << 16)
        now = time.perf_counter()
        text = ANSI.sub(b"", raw)
        if all(m in text for m in markers):
            return now
    raise SystemExit(f"first screen never showed {markers!r}; last output: {ANSI.sub(b'', raw)[-400:]!r}")


def settle(master: int, quiet: float = QUIET, first_wait: float = 1.0, limit: float = 5.0) -> float | None:
    """Read until the output has been quiet for ``quiet`` s after a first byte; the last byte's time
    (None when nothing came within ``first_wait``)."""
    last = None
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], quiet if last else first_wait)
        if not ready:
            break
        try:
            if os.read(master, 1 << 16):
                last = time.perf_counter()
        except OSError:
            break
    return last


def key(master: int, seq: bytes) -> float:
    """Write a key; milliseconds to the last byte of the repaint it causes (nan when none came)."""
    t0 = time.perf_counter()
    os.write(master, seq)
    last = settle(master)
    return (last - t0) * 1000 if last else float("nan")


def cpu_ms(pid: int | None) -> float:
    """CPU time the app's main thread (where Textual does all its work) has used, in ms, from
    /proc/PID/schedstat (nanoseconds): unlike the wall time, other load on the machine barely
    changes it. 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0]) / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


LAST_CPU: list[float] = [0.0]  # CPU ms of the main thread for the last opens() call, to its readable paint


def opens(
    master: int, seq: bytes, markers: list[bytes], limit: float = 5.0, pid: int | None = None
) -> tuple[float, float]:
    """Write a key that opens a form or a screen: milliseconds to the output byte that completes its
    first readable paint (every marker painted, escape codes removed), and to the last byte of the
    repaints that follow (the output quiet for 300 ms). The first byte is no measure: Textual writes
    a 13-byte pointer-shape code (OSC 22) at once, a frame or more before the screen itself."""
    c0 = cpu_ms(pid)
    t0 = time.perf_counter()
    os.write(master, seq)
    raw, seen, last = b"", None, t0
    deadline = t0 + limit
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.3 if seen else 1.0)
        if not ready:
            if seen:
                break
            continue
        raw += os.read(master, 1 << 16)
        last = time.perf_counter()
        if seen is None and all(m in ANSI.sub(b"", raw) for m in markers):
            seen = last
            LAST_CPU[0] = cpu_ms(pid) - c0
    if seen is None:
        raise SystemExit(f"{seq!r} never showed {markers!r}: {ANSI.sub(b'', raw)[-300:]!r}")
    return (seen - t0) * 1000, (last - t0) * 1000


def writable_stockton(tmp: Path, name: str = "stockton") -> Path:
    """Stockton's inspection with the attendance recorded (and nothing else), so every form opens."""
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import append_entry

    d = tmp / name.replace(" ", "-")
    d.mkdir()
    shutil.copy(ROOT / "sessions" / "stockton-2021" / "inspection.toml", d)
    append_entry(
        d, load_inspection(d), "attendance", {"chair": "Chair", "members": ["Member One", "Member Two"], "by": "Chair"}
    )
    return d


PANEL_ARGV = [sys.executable, "-m", "panel_tui", "open"]
BARE_ARGV = [sys.executable, "-c", BARE]
PANEL_MARKERS = [b"Final 32/36", b"Joint working", b"Help", b"Key questions (framework)"]
BARE_MARKERS = [b"row-19 last", b"Discretion"]


def first_screen(runs: int, heaps: list[str], against: Path | None = None) -> dict[str, list[float]]:
    """Wall time to the first complete screen, and the CPU time used by then (the app is killed the
    moment its screen is complete), for each app (panel-tui once per heap setting, and the checkout
    ``against`` with its default heap policy), alternating."""
    session = str(ROOT / "sessions" / "stockton-2021")
    apps = [(BARE_ARGV, BARE_MARKERS, "bare", {}, ROOT)] + [
        (PANEL_ARGV + [session], PANEL_MARKERS, heap, HEAPS[heap], ROOT) for heap in heaps
    ]
    if against is not None:
        apps.append((PANEL_ARGV + [session], PANEL_MARKERS, "against", {}, against))
    out: dict[str, list[float]] = {}
    for _ in range(runs):
        for argv, markers, name, env, cwd in apps:
            proc, master, t0 = spawn(argv, env, cwd)
            out.setdefault(name, []).append(until_text(master, markers) - t0)
            out.setdefault(name + " cpu", []).append(stop(proc, master))
    return out


DOWN, UP, ESC = b"\x1b[B", b"\x1b[A", b"\x1b"


def bare_keys(runs: int) -> dict[str, list[float]]:
    proc, master, _ = spawn(BARE_ARGV)
    until_text(master, BARE_MARKERS)
    settle(master, quiet=0.3)
    out: dict[str, list[float]] = {
        "cursor": [],
        "form": [],
        "form settled": [],
        "screen": [],
        "screen settled": [],
        "form cpu": [],
        "screen cpu": [],
    }
    for _ in range(runs):
        out["cursor"].append(key(master, DOWN))
        out["cursor"].append(key(master, UP))
        shown, settled = opens(master, b"d", [b"Apply professional discretion", b"Cancel"], pid=proc.pid)
        out["form cpu"].append(LAST_CPU[0])
        out["form"].append(shown)
        out["form settled"].append(settled)
        os.write(master, ESC)
        settle(master, quiet=0.4)
        shown, settled = opens(master, b"l", [b"intact, head", b"Back"], pid=proc.pid)
        out["screen cpu"].append(LAST_CPU[0])
        out["screen"].append(shown)
        out["screen settled"].append(settled)
        os.write(master, b"l")
        settle(master, quiet=0.4)
    stop(proc, master)
    return out


def panel_keys(runs: int, session: Path, env: dict[str, str]) -> tuple[dict[str, list[float]], int]:
    proc, master, _ = spawn(PANEL_ARGV + [str(session)], env)
    until_text(master, [b"Joint working", b"Help"])
    settle(master, quiet=0.5)
    out: dict[str, list[float]] = {
        n: []
        for n in (
            "cursor",
            "discretion",
            "discretion settled",
            "keep",
            "keep settled",
            "log",
            "log settled",
            "record",
            "discretion cpu",
            "keep cpu",
            "log cpu",
        )
    }
    os.write(master, DOWN * 5)  # 2.2: flagged, a discretion standard with the fullest evidence
    settle(master, quiet=0.3)
    for i in range(runs):
        out["cursor"].append(key(master, DOWN))  # 2.3
        out["cursor"].append(key(master, UP))  # back on 2.2
        for name, seq, markers, back in (
            ("discretion", b"d", [b"Discretion on 2.2", b"Record (ctrl+s)"], ESC),
            ("log", b"l", [b"intact", b"head ", b"Back"], b"l"),
        ):
            shown, settled = opens(master, seq, markers, pid=proc.pid)
            out[name + " cpu"].append(LAST_CPU[0])
            out[name].append(shown)
            out[name + " settled"].append(settled)
            os.write(master, back)
            settle(master, quiet=0.4)
        os.write(master, DOWN)  # 2.3 (not flagged: a keep is always allowed)
        settle(master, quiet=0.3)
        shown, settled = opens(master, b"k", [b"Keep 2.3", b"Record (ctrl+s)"], pid=proc.pid)
        out["keep cpu"].append(LAST_CPU[0])
        out["keep"].append(shown)
        out["keep settled"].append(settled)
        os.write(master, f"Kept after discussion, round {i}.".encode())
        settle(master, quiet=0.3, first_wait=0.3)
        out["record"].append(opens(master, b"\x13", [b"Recorded entry"])[0])
        settle(master, quiet=0.5, first_wait=0.3)
        os.write(master, UP)
        settle(master, quiet=0.3)
    stop(proc, master)
    entries = (session / "decisions.toml").read_text(encoding="utf-8").count("[[entry]]") - 1
    return out, entries


def row(name: str, panels: list[float], bare: float, goal: str) -> None:
    cells = "".join(f" {p:9.1f} ms {p / bare:5.2f}x" for p in panels)
    print(f"  {name:<44}{cells} {bare:9.1f} ms   {goal}")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(args[0]) if args else 15
    heaps = ["policy"] if "--policy-only" in sys.argv else list(HEAPS)
    if "--source" not in sys.argv:
        import compileall

        compileall.compile_dir(ROOT / "panel_tui", quiet=1)
    tmp = Path(tempfile.mkdtemp())
    try:
        start = first_screen(runs if "--no-start" not in sys.argv else 1, heaps)
        bk = bare_keys(runs)
        pks = {heap: panel_keys(runs, writable_stockton(tmp, heap), HEAPS[heap]) for heap in heaps}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    med = statistics.median
    compiled = "from source" if "--source" in sys.argv else "compiled"
    print(f"panel-tui against bare Textual, {COLS}x{ROWS} pty, one run (N={runs}; panel-tui's modules {compiled})")
    names = {"policy": "heap policy", "gc default": f"{HEAP_ENV}=default"}
    head = "".join(f" {names[h]:>19}" for h in heaps)
    print(f"  {'what the user waits for':<44}{head} {'bare':>12}   goal")

    def pk(key: str, f=med) -> list[float]:
        return [f(pks[h][0][key]) for h in heaps]

    def st(key: str, f=med) -> list[float]:
        return [f(start[h + key]) * 1000 for h in heaps]

    row("first readable screen (min)", st("", min), min(start["bare"]) * 1000, "<= 1.25x")
    row("first readable screen (median)", st(""), med(start["bare"]) * 1000, "")
    row("  CPU time used by then (median)", st(" cpu"), med(start["bare cpu"]) * 1000, "(load-proof)")
    row("cursor down/up, key to last byte (median)", pk("cursor"), med(bk["cursor"]), "<= 16 ms")
    row("open the discretion form, readable (median)", pk("discretion"), med(bk["form"]), "<= 1.25x")
    row("  CPU time used by then (median)", pk("discretion cpu"), med(bk["form cpu"]), "(load-proof)")
    row("  its repaints settled (median)", pk("discretion settled"), med(bk["form settled"]), "")
    row("open the keep form, readable (median)", pk("keep"), med(bk["form"]), "<= 1.25x")
    row("  CPU time used by then (median)", pk("keep cpu"), med(bk["form cpu"]), "(load-proof)")
    row("  its repaints settled (median)", pk("keep settled"), med(bk["form settled"]), "")
    row("open the log view, readable (median)", pk("log"), med(bk["form"]), "<= 1.25x")
    row("  the same beside a bare full Screen", pk("log"), med(bk["screen"]), "(with Footer)")
    row("  CPU time used by then (median)", pk("log cpu"), med(bk["screen cpu"]), "(load-proof)")
    row("  its repaints settled, beside the bare Screen", pk("log settled"), med(bk["screen settled"]), "")
    for h in heaps:
        out, recorded = pks[h]
        print(
            f"  {names[h]}: record a keep, ctrl+s to the Recorded toast {med(out['record']):.1f} ms (lock, verify, "
            f"write, fsync; {recorded} of {runs} recorded on disk); cursor moves p90 "
            f"{statistics.quantiles(out['cursor'], n=10)[-1]:.1f} ms, max {max(out['cursor']):.1f} ms "
            f"(bare max {max(bk['cursor']):.1f} ms)"
        )


if __name__ == "__main__":
    main()
