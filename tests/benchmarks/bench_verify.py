"""Benchmark: `panel-tui verify` on a long log against merely parsing it with tomllib.

Run: python tests/benchmarks/bench_verify.py [PAIRS]. Builds a Stockton log of PAIRS keep/retract
pairs (default 10,000 pairs = 20,000 entries, the worst case for supersede/retract chains), then
times whole processes, best of 5, in the same run:
  reference: python -c "tomllib.load(decisions.toml)"
  verify:    python -m panel_tui verify SESSION
Goal (issue 9): verify at most 1.5x the reference.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build(session: Path, pairs: int) -> Path:
    """Keep 2.2, retract it, keep it again, ...: every retraction restores the one before."""
    os.environ["PANEL_TUI_FROZEN_TIME"] = "2026-01-01T10:00:00Z"
    from panel_tui.core.engine import rate
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import LogState, build_entry, new_header, render_log

    insp = load_inspection(session)
    rating = rate(insp)
    state = LogState(session / "decisions.toml", header=new_header(insp))
    state.apply(build_entry(state, rating, "attendance", {"chair": "Chair", "members": ["A", "B"], "by": "Chair"}))
    for i in range(pairs):
        keep = build_entry(
            state,
            rating,
            "declined",
            {"standard": "2.2", "by": "Chair", "reason": f"Kept after discussion number {i}."},
        )
        state.apply(keep)
        undo = build_entry(
            state,
            rating,
            "retraction",
            {"retracts": keep["seq"], "by": "Chair", "reason": "Recorded against the wrong standard."},
        )
        state.apply(undo)
    path = session / "decisions.toml"
    path.write_bytes(render_log(state.header, state.entries))  # type: ignore[arg-type]
    (session / "framework.toml").write_bytes(insp.framework.path.read_bytes())  # format 4: the session's rules
    return path


def best(cmd: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise SystemExit(f"{cmd} failed: {proc.stderr}")
    return min(times)


def main() -> None:
    pairs = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        session = Path(tmp) / "s"
        session.mkdir()
        shutil.copy(ROOT / "sessions" / "stockton-2021" / "inspection.toml", session)
        path = build(session, pairs)
        size = path.stat().st_size
        parse = best([sys.executable, "-c", f"import tomllib; tomllib.load(open({str(path)!r}, 'rb'))"])
        verify = best([sys.executable, "-m", "panel_tui", "verify", str(session)])
    print(f"log: {2 * pairs} entries ({pairs} keep/retract pairs), {size / 1e6:.2f} MB")
    print(f"tomllib parse (whole process): {parse * 1000:8.1f} ms")
    print(f"panel-tui verify (whole process): {verify * 1000:8.1f} ms")
    print(f"ratio: {verify / parse:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
