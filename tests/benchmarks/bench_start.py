"""Benchmark: the first readable screen alone (issue 26 item 2), from bench_app.py's own measure: a
100x30 pty, start to the byte that completes the first screen, panel-tui and bare Textual alternating,
with the machine's load before and after. Prints figures; asserts nothing (not collected by pytest).

``--against DIR``: another checkout of panel-tui (e.g. ``git worktree add --detach DIR main``) runs
in the same alternation, with its default heap policy, so a change's before and after sit beside the
same bare runs under the same load. ``python -m panel_tui`` imports the checkout it starts in.

Run: python tests/benchmarks/bench_start.py [N] [--policy-only] [--against DIR]
"""

from __future__ import annotations

import compileall
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_app import COLS, HEAPS, ROOT, ROWS, first_screen, row  # noqa: E402


def load() -> str:
    """The machine's load averages (1, 5, 15 min): the figures are only comparable beside them."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    argv = sys.argv[1:]
    against = None
    if "--against" in argv:
        i = argv.index("--against")
        against = Path(argv[i + 1]).resolve()
        del argv[i : i + 2]
    args = [a for a in argv if not a.startswith("--")]
    runs = int(args[0]) if args else 15
    heaps = ["policy"] if "--policy-only" in argv else list(HEAPS)
    for checkout in [ROOT] + ([against] if against else []):
        compileall.compile_dir(checkout / "panel_tui", quiet=1)  # compiled, as after pip install
    before = load()
    start = first_screen(runs, heaps, against)
    med = statistics.median
    print(f"first readable screen, {COLS}x{ROWS} pty, N={runs} alternating runs; load {before} -> {load()}")
    names = heaps + (["against"] if against else [])
    if against:
        print(f"  against: {against} (its own panel_tui, default heap policy)")
    print(f"  {'':<44}" + "".join(f" {h:>19}" for h in names) + f" {'bare':>12}   goal")
    row("first readable screen (min)", [min(start[h]) * 1000 for h in names], min(start["bare"]) * 1000, "<= 1.25x")
    row("first readable screen (median)", [med(start[h]) * 1000 for h in names], med(start["bare"]) * 1000, "<= 1.25x")
    row(
        "  CPU time used by then (median)",
        [med(start[h + " cpu"]) * 1000 for h in names],
        med(start["bare cpu"]) * 1000,
        "(load-proof)",
    )


if __name__ == "__main__":
    main()
