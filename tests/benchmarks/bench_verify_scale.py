"""Benchmark (issue 26 item 4): `panel-tui verify S` of one session in a repository of its own
beside the same kind of session in a repository holding N sessions' histories (``git_corpus``:
one commit per entry, sign-off tags), and in that repository once git has written its
commit-graph with changed-path Bloom filters (``git commit-graph write --reachable
--changed-paths``, which ``git gc`` and ``git maintenance`` keep). Whole processes, best of 5
each, run alternately, with the machine's load; PANEL_TUI_GIT=0 (no history check) as the floor.
Not collected by pytest.

Run: python tests/benchmarks/bench_verify_scale.py [SESSIONS] [--keep DIR]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from git_corpus import GIT_ENV, build, folder  # noqa: E402


def verify(session: Path, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "panel_tui", "verify", str(session)], env=env, capture_output=True)
    elapsed = time.perf_counter() - t0
    checked = b"every committed version" in proc.stdout or env.get("PANEL_TUI_GIT") == "0"
    if proc.returncode != 0 or not checked:
        raise SystemExit(f"verify {session} failed: {proc.stdout.decode()} {proc.stderr.decode()}")
    return elapsed


def main() -> None:
    args = sys.argv[1:]
    keep = None
    if "--keep" in args:
        i = args.index("--keep")
        keep = Path(args[i + 1])
        del args[i : i + 2]
    count = int(args[0]) if args else 1000
    with tempfile.TemporaryDirectory() as tmp:
        base = keep if keep is not None else Path(tmp)
        one, many, graphed = base / "one", base / f"many-{count}", base / f"many-{count}-graph"
        if not one.exists():
            build(one, 1)
        if not many.exists():
            t0 = time.perf_counter()
            commits = build(many, count)
            print(f"built {count} sessions, {commits} commits in {time.perf_counter() - t0:.1f} s")
        if not graphed.exists():
            shutil.copytree(many, graphed, symlinks=True)
            git = ["git", "-C", str(graphed), "commit-graph", "write", "--reachable", "--changed-paths"]
            t0 = time.perf_counter()
            subprocess.run(git, check=True, capture_output=True, env={**os.environ, **GIT_ENV})
            print(f"git commit-graph write --reachable --changed-paths: {time.perf_counter() - t0:.2f} s")
        s = folder(0)
        env = {**os.environ, **GIT_ENV}
        runs = {"own repository": (one / s, env), f"{count} sessions' repository": (many / s, env)}
        runs[f"{count} sessions, commit-graph"] = (graphed / s, env)
        runs["no history check (PANEL_TUI_GIT=0)"] = (one / s, {**env, "PANEL_TUI_GIT": "0"})
        times: dict[str, list[float]] = {name: [] for name in runs}
        load0 = os.getloadavg()
        for _ in range(5):
            for name, (session, e) in runs.items():
                times[name].append(verify(session, e))
        load1 = os.getloadavg()
        own = min(times["own repository"])
        print(f"panel-tui verify {s} (20 entries in 20 commits), best of 5:")
        for name, ts in times.items():
            print(
                f"  {name:38s} {min(ts) * 1000:6.0f} ms  ({min(ts) / own:.2f}x own; "
                f"{', '.join(f'{t * 1000:.0f}' for t in ts)})"
            )
        print(
            f"load average (1/5/15 min) before: {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, after: "
            f"{load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f} on {os.cpu_count()} CPUs"
        )


if __name__ == "__main__":
    main()
