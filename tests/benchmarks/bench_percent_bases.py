"""Benchmark: what deriving every base a published % allows costs the engine (issue 13).

Rates each percent-only example session with its published sample sizes (the one-case derivation
on) and, as the reference in the same run, the same inspection with no sample sizes (derivation
off). Best of 5 runs of 500 ratings each; the inspection is parsed once, the rating cache cleared.

Run: python tests/benchmarks/bench_percent_bases.py
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from panel_tui.core.bases import consistent_bases
from panel_tui.core.engine import rate
from panel_tui.core.inspection import load_inspection

ROOT = Path(__file__).resolve().parents[2]
RUNS, REPEAT = 5, 500


def best_ms(insp) -> float:
    best = float("inf")
    for _ in range(RUNS):
        consistent_bases.cache_clear()
        t0 = time.perf_counter()
        for _ in range(REPEAT):
            insp.cache.clear()
            rate(insp)
        best = min(best, time.perf_counter() - t0)
    return best / REPEAT * 1000


def main() -> None:
    print(f"{'session':20s} {'with samples':>14s} {'reference':>11s} {'ratio':>6s}")
    for slug in ("leeds-2019", "hammersmith-2022", "lincolnshire-2023"):
        insp = load_inspection(ROOT / "sessions" / slug)
        with_samples = best_ms(insp)
        reference = best_ms(replace(insp, samples={}, cache={}))
        print(f"{slug:20s} {with_samples:11.3f} ms {reference:8.3f} ms {with_samples / reference:5.2f}x")


if __name__ == "__main__":
    main()
