"""git log is read field by field (issue 26's attack round): an author name, an e-mail or a path may
hold the bytes a line-based reading splits on (0x1E, 0x1F, newlines, text shaped like a commit
header), and none of them may move a change onto another commit, hide a drop behind an accepted
rewrite, or stop the audit or a sync with a traceback."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from panel_tui.core.gitstore.lineage import lineages
from panel_tui.core.gitstore.log_fields import read_log
from panel_tui.core.gitstore.run import GitFailed
from tests.unit.gitrepos import Shared, git, needs_git
from tests.unit.test_gitstore import attend, cli, dissent

pytestmark = needs_git

LOG = "sessions/stockton/decisions.toml"


def _three(session: Path) -> None:
    attend(session)
    dissent(session, "Bob Member", 1)
    dissent(session, "Cat Member", 2)


def _drop_last(session: Path) -> None:
    data = (session / "decisions.toml").read_bytes()
    (session / "decisions.toml").write_bytes(data[: data.rindex(b"\n[[entry]]\n")])


def _commit_by(clone: Path, author: str, *paths: str) -> str:
    subprocess.run(
        ["git", "commit", "-q", "-m", "tidy", "--", *paths],
        cwd=clone,
        check=True,
        env={**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "m@example.invalid"},
    )
    return git(clone, "rev-parse", "HEAD")


def _accept(clone: Path, commit: str) -> None:
    (clone / ".panel-tui-accepted.toml").write_text(
        f'[[rewrite]]\npath = "{LOG}"\ncommit = "{commit}"\nreason = "format change"\n'
    )
    git(clone, "add", ".panel-tui-accepted.toml")
    git(clone, "commit", "-q", "-m", "accept")


def _audit_word(clone: Path) -> str:
    r = cli("audit", clone, "--json")
    assert "Traceback" not in r.stderr, r.stderr
    doc = json.loads(r.stdout)
    return next(s["log_status"] for s in doc["sessions"] if s["path"].endswith("stockton"))


def test_an_author_name_shaped_like_a_commit_header_cannot_hide_a_drop_behind_an_accepted_rewrite(
    shared: Shared,
) -> None:
    s = shared.session(shared.a)
    _three(s)
    _drop_last(s)
    accepted = _commit_by(shared.a, "Ann Office", LOG)  # a rewrite accepted on the record
    _accept(shared.a, accepted)
    assert _audit_word(shared.a).startswith("intact")
    _drop_last(s)  # a second drop, its author naming the accepted commit in a forged header
    parent = git(shared.a, "rev-parse", "HEAD")
    forged = f"Mallory\x1e{accepted} {parent}\x1fAnn Office"
    real = _commit_by(shared.a, forged, LOG)
    word = _audit_word(shared.a)
    assert word.startswith("history rewritten") and f"commit {real[:10]} by Mallory" in word, word
    assert "drops entry 2" in word
    r = cli("verify", s)
    assert r.returncode == 1 and f"commit {real[:10]}" in r.stderr and "drops entry 2" in r.stderr, r.stderr
    assert "\x1e" not in r.stderr and "␞" in r.stderr  # shown, never passed to the terminal raw


def test_separators_in_an_author_anywhere_stop_neither_the_audit_nor_a_sync(shared: Shared) -> None:
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    _three(sa)
    (shared.a / "note.txt").write_text("minutes\n")
    git(shared.a, "add", "note.txt")
    _commit_by(shared.a, "Mal\x1e\x1fY\x1e", "note.txt")
    assert _audit_word(shared.a).startswith("intact")
    r = cli("sync", sa)
    assert r.returncode == 0, r.stderr
    r = cli("sync", sb)  # the other office checks what the remote brings, that commit included
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert (sb / "decisions.toml").read_bytes() == (sa / "decisions.toml").read_bytes()


def test_paths_holding_separators_and_newlines_are_paths(shared: Shared) -> None:
    s = shared.session(shared.a)
    _three(s)
    head = git(shared.a, "rev-parse", "HEAD")
    odd = shared.a / "sessions" / f"x\x1e{head} {head}\x1f\nname"
    odd.mkdir()
    (odd / "decisions.toml").write_bytes(b"not a log\n")
    git(shared.a, "add", "-A")
    git(shared.a, "commit", "-q", "-m", "odd")
    found = lineages(shared.a)
    assert [e.commit for e in found[LOG].edges] == git(shared.a, "log", "--format=%H", "--", LOG).split()
    assert f"sessions/x\x1e{head} {head}\x1f\nname/decisions.toml" in found


def test_output_not_in_the_format_is_refused_never_guessed() -> None:
    sha = "a" * 40
    good = f"\x1e{sha} \0Ann <a@x>\0date\0\n:000000 100644 {'0' * 40} {'b' * 40} A\0decisions.toml\0".encode()
    [(commit, parents, author, _date, changes)] = read_log(good, ("log",))
    assert (commit, parents, author, changes) == (
        sha,
        [],
        "Ann <a@x>",
        [("100644", "0" * 40, "b" * 40, "decisions.toml")],
    )
    for bad in (b"garbage\0", good[1:], good + b"\x1enot-a-commit\0a\0b\0"):
        with pytest.raises(GitFailed, match="cannot read"):
            list(read_log(bad, ("log",)))
