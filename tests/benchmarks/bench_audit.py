"""Benchmark: `panel-tui audit --json` over 1,000 sessions of 20 log entries each, against merely
parsing the same files with tomllib. Not collected by pytest.

One run measures both sides on the same files: each side is its own process (start-up and imports
counted for both), run alternately three times; the best (lowest) wall time and the best peak
RSS of each are compared. Goal (issue 12): audit <= 1.5x the parse time and <= 2x its peak memory.

Peak RSS is the process's own high-water mark (VmHWM, read by the process itself as it exits), not
wait4's ru_maxrss: Linux carries the parent's RSS at fork into the child's ru_maxrss, so a bench
that generated the sessions first (~24 MiB) put that floor under both sides.

A second reference, "logs and inspections only", leaves out the framework copies: every session
holds the same framework.toml, which the audit parses once (cached by its bytes' hash) but the first
reference parses a thousand times, so that reference alone flatters the audit by about a third.

Run: python tests/benchmarks/bench_audit.py [SESSIONS] [--keep DIR] [--git] [--against CHECKOUT] [--runs N]
     [--no-bytecode-cache]
     (--keep DIR: generate the sessions into DIR once and reuse them on later runs;
      --against CHECKOUT: also time another checkout's audit, e.g. a worktree of main, in the same
      alternation, so a change is measured beside what it changes, under the same load;
      --no-bytecode-cache: each side compiles what it imports on every run when the environment says
      PYTHONDONTWRITEBYTECODE=1, as runs before this option did; see BYTECODE)

``--git`` (issue 26): the sessions in one git repository whose logs were committed entry by entry
(``git_corpus``: one commit per entry, sessions interleaved, inspection and framework.toml commits,
sign-off tags), and `audit --json` with the history check beside the same audit with
PANEL_TUI_GIT=0, best of 3 each, alternately. Goal: <= 1.3x at 150 and at 1,000 sessions.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import tomli_w
from git_corpus import hold_meeting, write_inspection  # the script's own folder is on sys.path

ROOT = Path(__file__).resolve().parents[2]

# Prefixed to both sides: at exit, the process writes its own peak RSS (KiB) to the pipe it was given.
HWM = """
import atexit, os
def _hwm():
    with open("/proc/self/status") as f:
        kib = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
    os.write(int(os.environ["BENCH_HWM_FD"]), kib.encode())
atexit.register(_hwm)
"""

PARSE = (
    HWM
    + """
import sys, tomllib
from pathlib import Path
n = 0
for p in sorted(Path(sys.argv[1]).rglob("*.toml")):
    if p.name == "framework.toml" and sys.argv[2:] == ["--no-copies"]:
        continue
    tomllib.loads(p.read_text(encoding="utf-8"))
    n += 1
print(n)
"""
)

AUDIT = (
    HWM
    + """
import runpy, sys
sys.argv = ["panel-tui", "audit", sys.argv[1], "--json"]
runpy.run_module("panel_tui", run_name="__main__")
"""
)


def make_sessions(root: Path, count: int) -> int:
    from panel_tui.core.engine import rate
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import LogState, build_entry, new_header, render_log

    total = 0
    for i in range(count):
        d = root / f"{2019 + i % 5}" / f"session-{i:04d}"
        write_inspection(d, i)
        insp = load_inspection(d)
        r = rate(insp)
        header = tomllib.loads(tomli_w.dumps({"log": new_header(insp)}))["log"]
        state = LogState(d / "decisions.toml", header=header)
        why = f"Session {i}: the panel weighed the case evidence and the interviews together."

        def add(kind, **fields):
            e = build_entry(state, r, kind, {"by": "Chair", **fields})
            state.apply(e)

        hold_meeting(add, i, why, lambda: len(state.entries))
        (d / "decisions.toml").write_bytes(render_log(header, state.entries))
        (d / "framework.toml").write_bytes(insp.framework.path.read_bytes())  # format 4: the session's rules
        total += len(state.entries)
    return total


# Where every side's compiled bytecode is kept (set by main): a user's install compiles panel-tui once
# (pip does it, or the first run), but with PYTHONDONTWRITEBYTECODE=1 in the environment (as in this
# project's sandboxes) every audit compiled its seventy modules again: 60 ms of each run's start-up
# that the tomllib side, whose standard library comes compiled, never paid. None: the environment as
# it is (--no-bytecode-cache, to compare with figures measured that way).
BYTECODE: str | None = None


def child_environment(extra: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **extra}
    if BYTECODE is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = BYTECODE
    return env


def measured(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one child process, as the child reports it (``env``: added to
    the environment; ``cwd``: the checkout whose panel_tui it imports, since ``-c`` puts the working
    folder first on sys.path)."""
    read, write = os.pipe()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=cwd,
        pass_fds=(write,),
        env=child_environment({**(env or {}), "BENCH_HWM_FD": str(write)}),
    )
    os.close(write)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    with os.fdopen(read, "rb") as fh:
        kib = fh.read()
    if proc.returncode != 0 or not kib:
        raise SystemExit(f"{cmd} failed")
    CPU.append(usage.ru_utime + usage.ru_stime)
    return elapsed, int(kib)


CPU: list[float] = []  # CPU seconds (user + system) of each measured process, in order


def compare(root: Path, runs: int = 3, against: Path | None = None) -> None:
    sessions = sum(1 for _ in root.rglob("inspection.toml"))
    sides = {  # name -> (command, checkout), measured in this order, round after round
        "tomllib parse": ([sys.executable, "-c", PARSE, str(root)], ROOT),
        "parse, no copies": ([sys.executable, "-c", PARSE, str(root), "--no-copies"], ROOT),
        "audit --json": ([sys.executable, "-c", AUDIT, str(root)], ROOT),  # `python -m panel_tui audit ROOT --json`
    }
    if against is not None:
        sides["audit, --against"] = ([sys.executable, "-c", AUDIT, str(root)], against)
    times: dict[str, list[float]] = {k: [] for k in sides}
    cpus: dict[str, list[float]] = {k: [] for k in sides}
    mems: dict[str, list[int]] = {k: [] for k in sides}
    for cmd, cwd in sides.values():  # once each, not counted: the bytecode and the files in the page cache
        measured(cmd, cwd=cwd)
    load0 = os.getloadavg()[0]
    for _ in range(runs):  # alternately, so a busy moment on the machine hits every side alike
        for name, (cmd, cwd) in sides.items():
            t, m = measured(cmd, cwd=cwd)
            times[name].append(t)
            cpus[name].append(CPU[-1])
            mems[name].append(m)
    print(f"sessions: {sessions}; best of {runs} after one unmeasured run each, each side its own process, alternately")
    print(
        f"bytecode: kept in {BYTECODE}, as an install keeps it"
        if BYTECODE is not None
        else f"bytecode: as the environment says (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE')})"
    )
    if against is not None:
        print(f"--against: {against} (this checkout: {ROOT})")
    print(f"{'':22}{'time s':>8}{'CPU s':>8}{'peak MiB':>10}   all times")
    for name in sides:
        print(
            f"{name:22}{min(times[name]):8.2f}{min(cpus[name]):8.2f}{min(mems[name]) / 1024:10.1f}   "
            + ", ".join(f"{t:.2f}" for t in times[name])
        )
    for name in sides:
        if not name.startswith("audit"):
            continue
        for ref in ("tomllib parse", "parse, no copies"):
            print(
                f"{name} / {ref}: time {min(times[name]) / min(times[ref]):.2f}x, "
                f"CPU {min(cpus[name]) / min(cpus[ref]):.2f}x, memory {min(mems[name]) / min(mems[ref]):.2f}x"
            )
    print("goals: time <= 1.5x, memory <= 2x (CPU is user + system: the machine's other load barely changes it)")
    print(f"load average (1 min) before/after: {load0:.2f} / {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


def compare_git(root: Path, runs: int = 3, against: Path | None = None) -> None:
    """audit --json with the history check vs PANEL_TUI_GIT=0, on the same repository, alternately
    (``against``: another checkout's audit with the history check too, in the same alternation)."""
    sessions = sum(1 for _ in root.rglob("inspection.toml"))
    commits = subprocess.run(["git", "-C", str(root), "rev-list", "--count", "HEAD"], capture_output=True, text=True)
    audit_cmd = [sys.executable, "-c", AUDIT, str(root)]
    on, off, on_cpu, off_cpu, other, other_cpu = [], [], [], [], [], []
    measured(audit_cmd, {"PANEL_TUI_GIT": "0"})  # once each, not counted: the bytecode (see BYTECODE) and
    measured(audit_cmd)  # the files in the page cache, as compare() does
    if against is not None:
        measured(audit_cmd, cwd=against)
    load0 = os.getloadavg()
    for _ in range(runs):
        off.append(measured(audit_cmd, {"PANEL_TUI_GIT": "0"})[0])
        off_cpu.append(CPU[-1])
        on.append(measured(audit_cmd)[0])
        on_cpu.append(CPU[-1])
        if against is not None:
            other.append(measured(audit_cmd, cwd=against)[0])
            other_cpu.append(CPU[-1])
    load1 = os.getloadavg()
    if against is not None:
        print(
            f"--against {against}, history checked: {min(other):.2f} s (best of {runs}: "
            f"{', '.join(f'{t:.2f}' for t in other)}), {min(other) / min(off):.2f}x; CPU {min(other_cpu):.2f} s"
        )
    print(f"sessions: {sessions} in one repository, {commits.stdout.strip()} commits (one per entry)")
    print(f"audit --json, history checked: {min(on):6.2f} s  (best of {runs}: {', '.join(f'{t:.2f}' for t in on)})")
    print(f"audit --json, PANEL_TUI_GIT=0: {min(off):6.2f} s  (best of {runs}: {', '.join(f'{t:.2f}' for t in off)})")
    print(f"ratio:                         {min(on) / min(off):6.2f} x  (goal <= 1.3x)")
    print(
        f"CPU (user + system, best):     {min(on_cpu):6.2f} s vs {min(off_cpu):.2f} s = "
        f"{min(on_cpu) / min(off_cpu):.2f} x"
    )
    print(
        f"load average (1/5/15 min) before: {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, after: {load1[0]:.2f} "
        f"{load1[1]:.2f} {load1[2]:.2f} on {os.cpu_count()} CPUs"
    )


def main() -> None:
    args = sys.argv[1:]
    keep = None
    git = "--git" in args
    if git:
        args.remove("--git")
    if "--keep" in args:
        i = args.index("--keep")
        keep = Path(args[i + 1])
        del args[i : i + 2]
    against = None
    if "--against" in args:
        i = args.index("--against")
        against = Path(args[i + 1]).resolve()
        del args[i : i + 2]
    global BYTECODE
    runs = 3
    if "--runs" in args:  # more rounds on a busy machine: the best of each side is then less often a busy moment
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i : i + 2]
    cold = "--no-bytecode-cache" in args
    if cold:
        args.remove("--no-bytecode-cache")
    count = int(args[0]) if args else 1000
    with tempfile.TemporaryDirectory() as tmp:
        if not cold:
            BYTECODE = str(Path(tmp) / "pycache")
        root = keep if keep is not None else Path(tmp) / "sessions"
        if not root.exists() and git:
            sys.path.insert(0, str(Path(__file__).parent))
            from git_corpus import build, folder

            t0 = time.perf_counter()
            commits = build(root, count)
            print(f"built {count} sessions in git, {commits} commits in {time.perf_counter() - t0:.1f} s")
            for s in sorted({folder(0), folder(count // 2), folder(count - 1)}):  # the history check passes
                r = subprocess.run([sys.executable, "-m", "panel_tui", "verify", str(root / s)], capture_output=True)
                if r.returncode != 0 or b"every committed version" not in r.stdout:
                    raise SystemExit(f"verify {s}: {r.stdout.decode()} {r.stderr.decode()}")
            print("panel-tui verify: intact, every committed version verifies (first, middle and last session)")
        elif not root.exists():
            t0 = time.perf_counter()
            entries = make_sessions(root, count)
            print(f"generated {count} sessions, {entries} log entries in {time.perf_counter() - t0:.1f} s")
        if git:
            compare_git(root, runs, against)
            return
        size = sum(p.stat().st_size for p in root.rglob("*.toml"))
        print(f"files: {sum(1 for _ in root.rglob('*.toml'))} TOML files, {size / 1e6:.1f} MB")
        compare(root, runs=runs, against=against)


if __name__ == "__main__":
    main()
