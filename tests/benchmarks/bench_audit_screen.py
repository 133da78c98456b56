"""Benchmark: what a quality lead waits for on the audit screen (issue 26 item 3), at 150 and 1,000
sessions, in a real 100x30 pseudo-terminal, each figure beside references from the same run.

For each corpus (bench_audit.make_sessions: sessions of 20 log entries), `panel-tui audit DIR` is
started on a fresh pty and its output read as it comes (escape codes removed, whitespace ignored so
a wrapped line still matches):
- first screen: the status line and the tabs painted ("Audit of", "Decisions");
- then "2" is typed (the Decisions tab, as a user would) and the first decision row painted is
  timed ("ratification" in a row: the corpus' first entries are ratifications);
- end of the scan: the final status line painted ("never considered": only the end says it).
All three from the start of the process. The app is then killed. References in the same
alternation: bare Textual's first readable screen (bench_app's BARE: a Header, a 20-row DataTable
and a Footer), and the scan alone, `panel-tui audit DIR --json` to /dev/null (start to exit).
``--against DIR``: another checkout (e.g. ``git worktree add --detach DIR main``) timed the same way
in the same alternation, so a change's before and after sit beside the same references.

Time to the first decision row should not grow with the corpus (the rows are streamed); the end of
the scan does. Medians (and minimums) of N runs; the load averages before and after.

Run: python tests/benchmarks/bench_audit_screen.py [N] [--keep DIR] [--against DIR] [--sizes 150,1000] [--git]
(--keep DIR: the corpora are generated once into DIR/150 and DIR/1000 and reused; --git: each corpus
in a git repository of its own, DIR/150-git and DIR/1000-git, with the history check on)
"""

from __future__ import annotations

import compileall
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_app import ANSI, BARE_ARGV, BARE_MARKERS, COLS, ROOT, ROWS, spawn, stop  # noqa: E402
from bench_audit import make_sessions  # noqa: E402

FIRST = [b"Audit of", b"Decisions"]
ROW = [b"ratification"]
END = [b"never considered"]


def _squeeze(raw: bytes) -> bytes:
    return b"".join(ANSI.sub(b"", raw).split())


def timeline(argv: list[str], cwd: Path, limit: float = 120.0) -> tuple[float, float, float, float]:
    """Seconds from the start of the process to the first screen, the first decision row (after
    typing "2" at the first screen) and the end of the scan, each when its marker was painted; and
    the CPU seconds (user + system, every thread) the process had used when it was killed at the
    end, which the machine's other load barely changes."""
    proc, master, t0 = spawn(argv, {}, cwd)
    raw, times, cpu = b"", {}, 0.0
    wants = {"first": FIRST, "row": ROW, "end": END}
    deadline = t0 + limit
    try:
        while len(times) < len(wants) and time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            raw += os.read(master, 1 << 16)
            now = time.perf_counter()
            seen = _squeeze(raw)
            for name, markers in wants.items():
                if name not in times and all(b"".join(m.split()) in seen for m in markers):
                    times[name] = now - t0
                    if name == "first":
                        os.write(master, b"2")  # the Decisions tab, as soon as there is a screen
    finally:
        cpu = stop(proc, master)
    if len(times) < len(wants):
        raise SystemExit(f"{argv}: never showed {set(wants) - set(times)}; last: {ANSI.sub(b'', raw)[-400:]!r}")
    return times["first"], times["row"], times["end"], cpu


def bare_first() -> float:
    proc, master, t0 = spawn(BARE_ARGV)
    raw = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                raw += os.read(master, 1 << 16)
                if all(m in ANSI.sub(b"", raw) for m in BARE_MARKERS):
                    return time.perf_counter() - t0
    finally:
        stop(proc, master)


def scan_alone(corpus: Path, cwd: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "panel_tui", "audit", str(corpus), "--json"],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - t0


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def corpora(base: Path, sizes: list[int], git: bool) -> dict[int, Path]:
    """The corpus of each size; with ``git``, each in a git repository of its own (one commit), so
    the history check's one pass over the repository comes before the first row."""
    out = {}
    for n in sizes:
        root = base / (f"{n}-git" if git else str(n))
        if not root.exists():
            t0 = time.perf_counter()
            entries = make_sessions(root, n)
            print(f"generated {n} sessions ({entries} entries) in {time.perf_counter() - t0:.1f} s")
            if git:
                ident = ["-c", "user.name=bench", "-c", "user.email=bench@example.org"]
                for cmd in (["init", "-q"], ["add", "-A"], [*ident, "commit", "-qm", "corpus"]):
                    subprocess.run(["git", *cmd], cwd=root, check=True)
        out[n] = root
    return out


def main() -> None:
    argv = sys.argv[1:]
    opts: dict[str, str] = {}
    for name in ("--keep", "--against", "--sizes"):
        if name in argv:
            i = argv.index(name)
            opts[name] = argv[i + 1]
            del argv[i : i + 2]
    git = "--git" in argv
    argv = [a for a in argv if a != "--git"]
    runs = int(argv[0]) if argv else 5
    sizes = [int(x) for x in opts.get("--sizes", "150,1000").split(",")]
    checkouts = {"this checkout": ROOT}
    if "--against" in opts:
        checkouts["against"] = Path(opts["--against"]).resolve()
    for checkout in checkouts.values():
        compileall.compile_dir(checkout / "panel_tui", quiet=1)  # compiled, as after pip install
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(opts["--keep"]) if "--keep" in opts else Path(tmp)
        roots = corpora(base, sizes, git)
        before = load()
        got: dict[str, list[float]] = {}
        for _ in range(runs):  # alternately, so a busy moment hits every side alike
            got.setdefault("bare", []).append(bare_first())
            for n, corpus in roots.items():
                for name, checkout in checkouts.items():
                    first, row, end, cpu = timeline([sys.executable, "-m", "panel_tui", "audit", str(corpus)], checkout)
                    for what, t in (("first", first), ("row", row), ("end", end), ("cpu", cpu)):
                        got.setdefault(f"{name} {n} {what}", []).append(t)
                got.setdefault(f"json {n}", []).append(scan_alone(corpus, ROOT))
    med = statistics.median
    cpus = os.cpu_count()
    print(f"audit screen, {COLS}x{ROWS} pty, N={runs} alternating runs; load {before} -> {load()} on {cpus} CPUs")
    if "against" in checkouts:
        print(f"  against: {checkouts['against']}")
    bare = med(got["bare"])
    print(f"  reference: bare Textual first readable screen  median {bare:6.3f} s  (min {min(got['bare']):.3f})")
    for n in sizes:
        scan = med(got[f"json {n}"])
        where = " in git (one commit)" if git else ""
        print(f"  {n} sessions{where}; reference: the scan alone (audit --json) median {scan:6.3f} s")
        for name in checkouts:
            for what, words in (
                ("first", "first screen"),
                ("row", "first decision row painted"),
                ("end", "end of the scan painted"),
            ):
                xs = got[f"{name} {n} {what}"]
                print(
                    f"    {name:<14} {words:<28} median {med(xs):6.3f} s (min {min(xs):.3f})"
                    f"  = {med(xs) / bare:5.2f}x bare first screen, {med(xs) / scan:5.2f}x the scan alone"
                )
            cpu = got[f"{name} {n} cpu"]
            print(f"    {name:<14} {'CPU used to the end':<28} median {med(cpu):6.3f} s (min {min(cpu):.3f})")


if __name__ == "__main__":
    main()
