"""Benchmark: what the reading boundary (issue 10) costs on good files, and on hostile ones.

Run: python tests/benchmarks/bench_boundary.py. In-process, best of 7 runs each, in the same run:
  reference: tomllib.loads of the Stockton inspection (floats as float), no checks
  boundary:  tomlfile.parse_toml with parse_float=Decimal, the depth and number pass
  load:      load_inspection (boundary + validation against the framework)
and on the error path, for a 4 MiB file ending in 5,000 nested arrays:
  deep:      parse_toml refusing it (RecursionError caught, the line found)
Goal: the boundary adds well under a millisecond to a real inspection; a hostile file is refused
in well under a second.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def best(fn: Callable[[], object], runs: int = 7, inner: int = 50) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - t0) / inner)
    return min(times)


def main() -> None:
    from panel_tui.core.errors import InputError
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.tomlfile import parse_toml

    path = ROOT / "sessions" / "stockton-2021" / "inspection.toml"
    text = path.read_text(encoding="utf-8")
    ref = best(lambda: tomllib.loads(text))
    bound = best(lambda: parse_toml(text, path, "inspection file", parse_float=Decimal))
    load = best(lambda: load_inspection(path))
    print(f"inspection ({len(text):,} bytes)")
    print(f"  reference tomllib.loads      {ref * 1e3:8.3f} ms")
    print(f"  parse_toml (boundary)        {bound * 1e3:8.3f} ms  (+{(bound - ref) * 1e3:.3f} ms, {bound / ref:.2f}x)")
    print(f"  load_inspection (all checks) {load * 1e3:8.3f} ms")

    deep = "".join(f'a{i} = "xxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n' for i in range(110_000))
    deep += "x = " + "[" * 5000 + "]" * 5000 + "\n"
    t0 = time.perf_counter()
    tomllib.loads(deep[: deep.index("x = ")])
    parse_only = time.perf_counter() - t0

    def refuse() -> None:
        try:
            parse_toml(deep, path, "file")
        except InputError as exc:
            assert "line 110001" in str(exc) and "nested too deeply" in str(exc), exc
            return
        raise AssertionError("not refused")

    t = best(refuse, runs=3, inner=1)
    print(
        f"hostile: {len(deep) / 1e6:.1f} MB ending 5,000 arrays deep, refused with its line in {t:.3f} s "
        f"(reference: tomllib.loads of the same file without the deep line {parse_only:.3f} s)"
    )


if __name__ == "__main__":
    main()
