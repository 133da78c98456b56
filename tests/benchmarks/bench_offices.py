"""Benchmark and long run of the shared-history property (issue 20, item 8).

Run: python tests/benchmarks/bench_offices.py [SEQUENCES] [STEPS] [FIRST_SEED]. Each sequence is
a fresh bare remote, two honest offices and Mallory (who drops, edits or force-pushes), STEPS
random steps, the invariants of tests/unit/offices.py checked after every step. Prints how many
entries were recorded, synced, replayed, kept aside and refused, how many rewrites were tried, and
the time per sequence. Any failure prints its seed (re-run it with FIRST_SEED=seed, SEQUENCES=1).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.unit.offices import git_env, run_sequence  # noqa: E402


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 14
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    totals = {"recorded": 0, "refusals": 0, "kept_aside": 0, "steps": 0}
    failures = []
    start = time.perf_counter()
    for seed in range(first, first + n):
        with tempfile.TemporaryDirectory() as tmp:
            os.environ.update(git_env(Path(tmp)))
            os.environ.pop("PANEL_TUI_GIT", None)
            try:
                w = run_sequence(Path(tmp), seed, steps)
            except Exception:  # noqa: BLE001 - a failure is a finding: print its seed and go on
                failures.append(seed)
                print(f"seed {seed} FAILED:\n{traceback.format_exc()}", file=sys.stderr)
                continue
            totals["recorded"] += sum(len(v) for v in w.recorded.values())
            totals["refusals"] += sum(w.refusals.values())
            totals["steps"] += w.steps
            for office in ("a", "b"):
                aside = w.session(office) / "decisions.refused.toml"
                totals["kept_aside"] += aside.read_text().count("[[refused]]") if aside.exists() else 0
            for how, count in w.rewrites.items():
                totals[f"rewrites_{how}"] = totals.get(f"rewrites_{how}", 0) + count
        if (seed - first + 1) % 50 == 0:
            print(
                f"{seed - first + 1} sequences, {len(failures)} failed, "
                f"{(time.perf_counter() - start) / (seed - first + 1):.2f} s each",
                file=sys.stderr,
            )
    took = time.perf_counter() - start
    print(
        f"sequences {n} (seeds {first}-{first + n - 1}), steps {totals['steps']}, failures {len(failures)} {failures}"
    )
    print(
        f"entries recorded {totals['recorded']}, sync refusals {totals['refusals']}, entries kept aside "
        f"{totals['kept_aside']}, Mallory's rewrites pushed: "
        + ", ".join(f"{k.removeprefix('rewrites_')} {v}" for k, v in totals.items() if k.startswith("rewrites_"))
    )
    print(f"time {took:.1f} s, {took / n:.2f} s per sequence")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
