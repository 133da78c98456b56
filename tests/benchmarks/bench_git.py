"""Benchmark: what git costs a recorded entry, and what the history check costs verify.

Run: python tests/benchmarks/bench_git.py [N] [SESSIONS]. Builds throwaway repositories in a
temporary folder (private git config, never the user's), records N entries with and without a
commit each, times `panel-tui verify` on that session, and `panel-tui audit --json` over SESSIONS
sessions committed in one repository, each with git on and off (PANEL_TUI_GIT=0): whole
processes, best of 5 (verify) or 3 (audit), so each figure sits beside its reference.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from panel_tui.core import gitstore
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry

ROOT = Path(__file__).resolve().parents[2]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def record(session: Path, n: int, commit: bool) -> float:
    insp = load_inspection(session)
    append_entry(session, insp, "attendance", {"chair": "Ann", "members": ["Bob", "Cat"], "by": "Ann"})
    t0 = time.perf_counter()
    for i in range(n):
        e = append_entry(
            session, insp, "dissent", {"member": "Ann", "reason": f"Dissent number {i} on planning", "by": "Ann"}
        )
        if commit:
            assert gitstore.commit_entry(session, e).status == "committed"
    return (time.perf_counter() - t0) / n


def verify_time(session: Path, env: dict[str, str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "panel_tui", "verify", str(session)], env=env, check=True, capture_output=True
        )
        times.append(time.perf_counter() - t0)
    return min(times)


def best_of(cmd: list[str], env: dict[str, str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return min(times)


def audit_figures(base: Path, count: int) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_audit import make_sessions

    repo = base / "audit"
    make_sessions(repo / "sessions", count)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "sessions")
    cmd = [sys.executable, "-m", "panel_tui", "audit", "sessions", "--json"]
    off = best_of(cmd, {**os.environ, "PANEL_TUI_GIT": "0"}, repo, 3)
    on = best_of(cmd, dict(os.environ), repo, 3)
    print(
        f"audit --json, {count} sessions in one repository (best of 3): {off:.2f} s without the history check, "
        f"{on:.2f} s with it ({on / off:.2f}x)"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    sessions = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        cfg = base / "gitconfig"
        cfg.write_text("[init]\n\tdefaultBranch = main\n[user]\n\tname = Bench\n\temail = bench@example.invalid\n")
        os.environ.update({"GIT_CONFIG_GLOBAL": str(cfg), "GIT_CONFIG_NOSYSTEM": "1"})
        repo = base / "repo"
        session = repo / "s"
        session.mkdir(parents=True)
        shutil.copy(ROOT / "sessions" / "stockton-2021" / "inspection.toml", session)
        git(repo, "init", "-q")
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "inspection")
        plain = base / "plain"
        plain.mkdir()
        shutil.copy(ROOT / "sessions" / "stockton-2021" / "inspection.toml", plain)
        t_plain = record(plain, n, commit=False)
        t_git = record(session, n, commit=True)
        print(
            f"record one entry (append_entry), {n} entries: {t_plain * 1000:.1f} ms outside git, "
            f"{t_git * 1000:.1f} ms with its commit ({t_git / t_plain:.1f}x)"
        )
        on = dict(os.environ)
        off = {**os.environ, "PANEL_TUI_GIT": "0"}
        v_off, v_on = verify_time(session, off), verify_time(session, on)
        print(
            f"verify, {n} entries in {n} commits (whole process, best of 5): {v_off * 1000:.0f} ms without the "
            f"history check, {v_on * 1000:.0f} ms with it ({v_on / v_off:.2f}x)"
        )
        audit_figures(base, sessions)


if __name__ == "__main__":
    main()
