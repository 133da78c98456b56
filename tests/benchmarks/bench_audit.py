"""Benchmark: `panel-tui audit --json` over 1,000 sessions of 20 decisions each, against merely
parsing the same files with tomllib. Prints wall time and peak memory (RSS) of each, in one run.

Each side runs as its own process (best of 3), so start-up and imports are counted for both.
Goal (issue 6): audit at most 3x the parse time.

Run: python tests/benchmarks/bench_audit.py [SESSIONS]
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

ROOT = Path(__file__).resolve().parents[2]

PARSE = """
import sys, tomllib
from pathlib import Path
n = 0
for p in sorted(Path(sys.argv[1]).rglob("*.toml")):
    tomllib.loads(p.read_text(encoding="utf-8"))
    n += 1
print(n)
"""


def make_sessions(root: Path, count: int) -> int:
    from panel_tui.core.engine import rate
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import LogState, build_entry, new_header, render_log

    template = (ROOT / "sessions" / "stockton-2021" / "inspection.toml").read_text(encoding="utf-8")
    total = 0
    for i in range(count):
        d = root / f"{2019 + i % 5}" / f"session-{i:04d}"
        d.mkdir(parents=True)
        text = template.replace("Stockton-on-Tees Youth Offending Service", f"Service {i:04d}")
        text = text.replace('lead_inspector = "Maria Jerram"', f'lead_inspector = "Inspector {i % 17}"')
        (d / "inspection.toml").write_text(text, encoding="utf-8")
        insp = load_inspection(d)
        r = rate(insp)
        header = tomllib.loads(tomli_w.dumps({"log": new_header(insp)}))["log"]
        state = LogState(d / "decisions.toml", header=header)
        why = f"Session {i}: the panel weighed the case evidence and the interviews together."

        def add(kind, **fields):
            e = build_entry(state, r, kind, {"by": "Chair", **fields})
            state.apply(e)

        add("attendance", chair="Chair", members=["A", "B"])
        for sid in ("1.1", "1.2", "1.3", "1.4"):
            add("ratification", standard=sid)
        for sid in ("2.1", "2.4", "3.1", "3.2", "3.3", "3.4"):
            add("declined", standard=sid, reason=why)
        if i % 3:
            add("discretion", standard="2.2", to="Good", rationale=why)
        else:
            add("declined", standard="2.2", reason=why)
        while len(state.entries) < 19:
            add("dissent", member="B", reason=why)
        add("sign-off")
        (d / "decisions.toml").write_bytes(render_log(header, state.entries))
        total += len(state.entries)
    return total


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of a child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd} failed")
    return elapsed, usage.ru_maxrss


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sessions"
        t0 = time.perf_counter()
        entries = make_sessions(root, count)
        print(f"generated {count} sessions, {entries} log entries in {time.perf_counter() - t0:.1f} s")
        size = sum(p.stat().st_size for p in root.rglob("*.toml"))
        print(f"files: {2 * count} TOML files, {size / 1e6:.1f} MB")
        parse = [timed([sys.executable, "-c", PARSE, str(root)]) for _ in range(3)]
        audit = [timed([sys.executable, "-m", "panel_tui", "audit", str(root), "--json"]) for _ in range(3)]
        p, a = min(x[0] for x in parse), min(x[0] for x in audit)
        print(f"tomllib parse only:  {p:6.2f} s, peak RSS {max(x[1] for x in parse) / 1024:6.1f} MiB")
        print(f"panel-tui audit --json: {a:6.2f} s, peak RSS {max(x[1] for x in audit) / 1024:6.1f} MiB")
        print(f"ratio: {a / p:.2f}x (goal <= 3x)")


if __name__ == "__main__":
    main()
