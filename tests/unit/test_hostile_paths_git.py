"""Folder names are data: every command that writes, syncs, verifies, audits or exports works on a
session whose folder name holds spaces, tabs, a newline, quotes, glob characters, a leading '-',
non-ASCII or 200+ characters, inside git and out (issue 21: one space crashed every git command)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from panel_tui.core import gitstore
from tests.conftest import SESSIONS
from tests.unit.gitrepos import Shared, git, needs_git

NAMES = {
    "one space": "Leeds YOS",
    "two spaces": "Leeds  YOS x",
    "trailing space": "Leeds ",
    "tab": "Leeds\tYOS",
    "newline": "Leeds\nYOS",
    "quotes": "Leeds \"YOS\" 'x'",
    "glob": "Leeds*?[YOS]",
    "leading dash": "-Leeds",
    "non-ascii": "Siobhán Ó Briain — Dún Laoghaire",
    "long": "L" * 210,
    "escape": "Leeds\x1b[2JYOS",
}


def cli(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "panel_tui", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def assert_clean(r: subprocess.CompletedProcess[str], code: int = 0) -> None:
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == code, r.stdout + r.stderr
    assert "\x1b" not in r.stdout + r.stderr  # a name never reaches the terminal raw
    assert "\t" not in r.stdout + r.stderr


def attend(session: Path) -> subprocess.CompletedProcess[str]:
    return cli("attend", session, "--chair", "Ann Chair", "--member", "Bob Member", "--member", "Cat Member")


@needs_git
@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_every_git_backed_command_takes_any_folder_name(shared: Shared, name: str, tmp_path: Path) -> None:
    folder = shared.a / "2026" / name
    folder.mkdir(parents=True)
    shutil.copy(SESSIONS / "stockton-2021" / "inspection.toml", folder / "inspection.toml")
    git(shared.a, "add", "--", ".")
    git(shared.a, "commit", "-q", "-m", "an inspection")
    r = attend(folder)
    assert_clean(r)
    assert "committed" in r.stdout
    assert git(shared.a, "status", "--porcelain") == ""  # the entry is committed, nothing left over
    r = cli(
        "decline",
        folder,
        "--standard",
        "2.1",
        "--reason",
        "The panel kept the band on the evidence",
        "--by",
        "Ann Chair",
    )
    assert_clean(r)
    subject = git(shared.a, "log", "-1", "--format=%s")
    assert subject.endswith("entry 2 declined 2.1 kept Good") and "\x1b" not in subject and "\t" not in subject
    assert_clean(cli("verify", folder))
    assert_clean(cli("sync", folder))
    other = shared.b / "2026" / name
    r = cli("sync", shared.b)
    assert_clean(r)
    assert (other / "decisions.toml").read_bytes() == (folder / "decisions.toml").read_bytes()
    assert_clean(cli("verify", other, "--against", "origin/main"))
    r = cli("audit", shared.b, "--json")
    assert_clean(r)
    sessions = json.loads(r.stdout)["sessions"]
    assert [s["log_status"] for s in sessions if s["path"].endswith(name)][0].startswith("intact")
    out = tmp_path / "record.md"
    assert_clean(cli("export", other, "--format", "md", "-o", out))
    assert out.read_text().count("declined") or out.read_text().count("kept")
    assert_clean(cli("log", other, "--json"))
    assert_clean(cli("rate", other))


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_outside_git_too(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANEL_TUI_GIT", "0")
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(SESSIONS / "stockton-2021" / "inspection.toml", folder / "inspection.toml")
    assert_clean(attend(folder))
    assert_clean(cli("verify", folder))
    assert_clean(cli("export", folder, "--format", "csv", "-o", tmp_path / "out.csv"))


@needs_git
def test_blobs_reads_paths_with_spaces_newlines_and_missing_ones(shared: Shared) -> None:
    folder = shared.a / "a b" / "c\nd"
    folder.mkdir(parents=True)
    (folder / "x").write_bytes(b"hello")
    git(shared.a, "add", "--", ".")
    git(shared.a, "commit", "-q", "-m", "x")
    got = gitstore.blobs(shared.a, ["HEAD:a b/c\nd/x", "HEAD:a b/missing here", "HEAD:a b", "HEAD:a b/c\nd/x"])
    assert got == {"HEAD:a b/c\nd/x": b"hello", "HEAD:a b/missing here": None, "HEAD:a b": None}
