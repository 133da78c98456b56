"""Real git repositories for the git tests: a bare remote and clones in a temporary folder.

Every git call here and in panel-tui runs with a private global config (GIT_CONFIG_GLOBAL) and no
system config, and the committer comes from the environment, so the tests never read or touch
the user's own git configuration.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SESSIONS

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def git(cwd: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(
        ["git", "-c", "user.name=Test Setup", "-c", "user.email=setup@example.invalid", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout.strip()


@pytest.fixture
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private global git config and a fixed committer for this test."""
    cfg = tmp_path / "gitconfig"
    cfg.write_text("[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Office Laptop")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "laptop@example.invalid")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Office Laptop")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "laptop@example.invalid")
    monkeypatch.delenv("PANEL_TUI_GIT", raising=False)
    return cfg


@dataclass
class Shared:
    """A bare remote and two clones (two offices), each holding sessions/stockton."""

    remote: Path
    a: Path
    b: Path

    def session(self, clone: Path) -> Path:
        return clone / "sessions" / "stockton"


@pytest.fixture
def shared(tmp_path: Path, isolated_git: Path) -> Shared:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    a = tmp_path / "office-a"
    git(tmp_path, "clone", "-q", str(remote), str(a))
    session = a / "sessions" / "stockton"
    session.mkdir(parents=True)
    shutil.copy(SESSIONS / "stockton-2021" / "inspection.toml", session / "inspection.toml")
    git(a, "add", ".")
    git(a, "commit", "-q", "-m", "Stockton inspection")
    git(a, "push", "-q", "-u", "origin", "main")
    b = tmp_path / "office-b"
    git(tmp_path, "clone", "-q", str(remote), str(b))
    return Shared(remote, a, b)
