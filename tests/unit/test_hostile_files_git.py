"""Hostile files in a shared repository (attack report of 2 December, findings 8b, 8a in sync, 8c):
a committed ``.panel-tui-accepted.toml`` or ``decisions.refused.toml`` of absurd shape, and a
clone whose objects are missing. Each is a message naming the file and the fix, never a traceback.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.unit.gitrepos import Shared, git, needs_git
from tests.unit.test_gitstore import attend, cli, dissent

pytestmark = needs_git

ACCEPTED = {
    "not-a-list": "rewrite = 5\n",
    "huge-int": "x = " + "9" * 5000 + "\n",
    "items-not-tables": 'rewrite = [1, {path = "sessions/stockton/decisions.toml"}]\n',
    "deep": "a = " + "[" * 30 + "1" + "]" * 30 + "\n",
}


def dropped_entry(shared: Shared) -> Path:
    """Office A's log with its last entry dropped in a later commit: a history problem to accept."""
    sa = shared.session(shared.a)
    attend(sa)
    dissent(sa, "Bob Member", 1)
    assert cli("sync", sa).returncode == 0
    log = sa / "decisions.toml"
    data = log.read_bytes()
    log.write_bytes(data[: data.rindex(b"\n[[entry]]\n")])
    git(shared.a, "commit", "-q", "-am", "drop")
    return sa


@pytest.mark.parametrize("content", list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_a_bad_accepted_file_is_named_in_verify_export_and_audit(shared: Shared, content: str) -> None:
    sa = dropped_entry(shared)
    (shared.a / ".panel-tui-accepted.toml").write_text(content, encoding="utf-8")
    git(shared.a, "add", ".panel-tui-accepted.toml")
    git(shared.a, "commit", "-q", "-m", "accept")
    r = cli("verify", sa)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "drops entry 2" in r.stderr and ".panel-tui-accepted.toml" in r.stderr and "accepts nothing" in r.stderr
    r = cli("export", sa, "--format", "md", "-o", shared.a / "out.md")
    assert r.returncode in (1, 2) and "Traceback" not in r.stderr and ".panel-tui-accepted.toml" in r.stderr
    r = cli("audit", shared.a, "--json")
    assert "Traceback" not in r.stderr, r.stderr
    statuses = [s["log_status"] for s in json.loads(r.stdout)["sessions"]]
    assert any("drops entry 2" in s and ".panel-tui-accepted.toml" in s for s in statuses), statuses


def test_a_committed_kept_aside_file_with_a_huge_number_is_a_message_in_the_other_offices_sync(shared: Shared) -> None:
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    attend(sa)
    assert cli("sync", sa).returncode == 0
    (sa / "decisions.refused.toml").write_text("x = " + "9" * 5000 + "\n", encoding="utf-8")
    git(shared.a, "add", ".")
    git(shared.a, "commit", "-q", "-m", "kept aside")
    git(shared.a, "push", "-q", "origin", "main")
    r = cli("sync", sb)
    assert "Traceback" not in r.stderr and r.returncode != 0, r.stderr
    assert "decisions.refused.toml" in r.stderr


def test_missing_objects_are_history_unreadable_in_verify(shared: Shared, tmp_path: Path) -> None:
    sa = shared.session(shared.a)
    attend(sa)
    assert cli("sync", sa).returncode == 0
    store = tmp_path / "store.git"
    git(tmp_path, "clone", "-q", "--bare", str(shared.remote), str(store))
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", "--shared", str(store), str(work))
    shutil.move(store, tmp_path / "store-moved.git")
    session = work / "sessions" / "stockton"
    r = cli("verify", session)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "history unreadable" in r.stderr  # worded by the history check (hostilegit) or by git_verify
    for argv in (
        ("log", session),
        ("log", session, "--json"),
        ("export", session, "--format", "md", "-o", tmp_path / "o.md"),
    ):
        r = cli(*argv)
        assert "Traceback" not in r.stderr, (argv, r.stderr)


# --- 11: a committed .gitattributes conversion other than CRLF -------------------------------------

CONVERSIONS = {
    "ident": "decisions.toml ident\n",
    "working-tree-encoding": "decisions.toml working-tree-encoding=UTF-16\n",
    "filter": "decisions.toml filter=rot\n",
    "crlf": "decisions.toml text eol=crlf\n",
}
ROT = ["-c", "filter.rot.smudge=tr a-z b-za", "-c", "filter.rot.clean=tr b-za a-z"]


@pytest.mark.parametrize("attributes", list(CONVERSIONS.values()), ids=list(CONVERSIONS))
@pytest.mark.parametrize("command", ["verify", "audit"])
def test_a_fresh_clone_under_a_committed_conversion_is_not_called_tampered(
    shared: Shared, tmp_path: Path, attributes: str, command: str
) -> None:
    from tests.unit.test_gitstore import record

    sa = shared.session(shared.a)
    attend(sa)
    record(sa, "dissent", member="Bob Member", reason="As the minutes at $Id$ say, we disagree", by="Bob Member")
    (shared.a / ".gitattributes").write_text(attributes, encoding="utf-8")
    git(shared.a, "add", ".gitattributes")
    git(shared.a, "commit", "-q", "-m", "attributes")
    git(shared.a, "push", "-q", "origin", "main")
    fresh = tmp_path / "fresh"
    git(tmp_path, *ROT, "clone", "-q", str(shared.remote), str(fresh))
    for key, value in (("filter.rot.smudge", "tr a-z b-za"), ("filter.rot.clean", "tr b-za a-z")):
        git(fresh, "config", key, value)
    session = fresh / "sessions" / "stockton"
    committed = git(fresh, "show", "HEAD:sessions/stockton/decisions.toml").encode() + b"\n"
    assert (session / "decisions.toml").read_bytes() != committed  # git converted it on checkout
    for _run in range(2):  # the first run in the clone, and a later one
        r = cli("verify", session) if command == "verify" else cli("audit", fresh, "--json")
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stdout[-800:] + r.stderr
        if command == "audit":
            assert [s["log_status"] for s in json.loads(r.stdout)["sessions"]] == ["intact"]
    assert (session / "decisions.toml").read_bytes() == committed
    r = cli("dissent", session, "--member", "Cat Member", "--reason", "Cat disagrees with the panel here")
    assert r.returncode == 0, r.stderr
