"""The README's git set-up commands work on a default git install (init.defaultBranch unset, so
git's default branch is master): a second office's clone comes up with the inspection, and
panel-tui sync works in both (issue 20)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SESSIONS

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("**Set up once (the inspectorate).**") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_set_up_works_with_git_defaults(tmp_path: Path) -> None:
    cfg = tmp_path / "empty-gitconfig"
    cfg.write_text("")  # no init.defaultBranch: git's own default (master, or main in newer git)
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(cfg),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Setup",
        "GIT_AUTHOR_EMAIL": "s@example.invalid",
        "GIT_COMMITTER_NAME": "Setup",
        "GIT_COMMITTER_EMAIL": "s@example.invalid",
    }
    env.pop("PANEL_TUI_GIT", None)
    shared = tmp_path / "shared"
    shared.mkdir()
    script = "set -e\n" + "\n".join(setup_commands()).replace("/shared/panels.git", str(shared / "panels.git"))
    script = script.replace("path/to/inspection.toml", str(SESSIONS / "stockton-2021" / "inspection.toml"))
    r = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    office = tmp_path / "office-b"
    r = subprocess.run(
        ["git", "clone", "-q", str(shared / "panels.git"), str(office)], env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert (office / "2026" / "stockton" / "inspection.toml").exists()  # not an empty clone
    cli = [sys.executable, "-m", "panel_tui"]
    for session in (tmp_path / "panels" / "2026" / "stockton", office / "2026" / "stockton"):
        r = subprocess.run([*cli, "sync", str(session)], env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    r = subprocess.run(
        [*cli, "attend", str(office / "2026" / "stockton"), "--chair", "Ann", "--member", "Bo", "--member", "Cy"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and "committed" in r.stdout, r.stderr
    r = subprocess.run([*cli, "sync", str(office / "2026" / "stockton")], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and "pushing 1 commit" in r.stderr, r.stderr
