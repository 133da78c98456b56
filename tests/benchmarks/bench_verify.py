"""Benchmark: verifying a 10,000-entry decision log against merely parsing it with tomllib.

Run: python tests/benchmarks/bench_verify.py [N]. Prints both times (best of 5) and the ratio.
Goal (issue 4): verify at most 1.5x the parse time.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import tomli_w

from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import canonical_hash, new_header, read_state

ROOT = Path(__file__).resolve().parents[2]


def build(session: Path, n: int) -> Path:
    insp = load_inspection(session)
    header = tomllib.loads(tomli_w.dumps({"log": new_header(insp)}))["log"]
    prev = canonical_hash(header)
    entries = []
    for i in range(1, n + 1):
        e = {"seq": i, "at": "2026-01-01T10:00:00Z", "kind": "dissent", "member": f"Member {i % 7}",
             "reason": f"Dissent number {i}: the evidence on planning was read differently.", "by": f"Member {i % 7}",
             "prev": prev}
        e["hash"] = canonical_hash(e)
        prev = e["hash"]
        entries.append(e)
    path = session / "decisions.toml"
    path.write_text(tomli_w.dumps({"log": header, "entry": entries}), encoding="utf-8")
    return path


def best(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        session = Path(tmp) / "s"
        session.mkdir()
        shutil.copy(ROOT / "sessions" / "stockton-2021" / "inspection.toml", session)
        path = build(session, n)
        insp = load_inspection(session)
        assert read_state(path, insp).problem is None
        parse = best(lambda: tomllib.loads(path.read_text(encoding="utf-8")))
        verify = best(lambda: read_state(path, insp))
        size = path.stat().st_size
    print(f"log: {n} entries, {size / 1e6:.2f} MB")
    print(f"tomllib parse only: {parse * 1000:8.1f} ms")
    print(f"verify (read_state): {verify * 1000:8.1f} ms")
    print(f"ratio: {verify / parse:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
