"""Sessions shared through git, with real git: a bare remote and two clones (two offices)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from panel_tui.core import gitstore
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry, read_state
from tests.unit.gitrepos import Shared, git, needs_git

pytestmark = needs_git


def cli(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "panel_tui", *map(str, args)], capture_output=True, text=True, env=env)


def record(session: Path, kind: str, **fields: object) -> dict:
    """Record through the core and commit, as the CLI and the app do."""
    entry = append_entry(session, load_inspection(session), kind, dict(fields))
    outcome = gitstore.commit_entry(session, entry)
    assert outcome.status == "committed", outcome.message
    return entry


MEMBERS = ["Bob Member", "Cat Member", "Ann Office", "Bea Office"]  # everyone who records in these tests


def attend(session: Path, chair: str = "Ann Chair") -> dict:
    return record(session, "attendance", chair=chair, members=MEMBERS, by=chair)


def dissent(session: Path, who: str, n: int) -> dict:
    return record(session, "dissent", member=who, reason=f"{who} records dissent number {n} here", by=who)


def log_entries(session: Path) -> list[dict]:
    return tomllib.loads((session / "decisions.toml").read_text())["entry"]


SIGN_OFF_SCRIPT = [
    ("ratify", "--standard", "1.1"),
    ("ratify", "--standard", "1.2"),
    ("ratify", "--standard", "1.3"),
    ("ratify", "--standard", "1.4"),
    ("decline", "--standard", "2.1", "--reason", "The panel kept the band on the evidence"),
    (
        "decide",
        "--standard",
        "2.2",
        "--to",
        "Good",
        "--rationale",
        "Practice seen in the cases was consistently good on the whole",
    ),
    *[
        ("decline", "--standard", s, "--reason", "The panel kept the band on the evidence")
        for s in ("2.4", "3.1", "3.2", "3.3", "3.4")
    ],
]


def complete_meeting(session: Path) -> None:
    """Everything Stockton needs before sign-off, through the CLI (each entry a commit)."""
    for kind, *rest in SIGN_OFF_SCRIPT:
        r = cli(kind, session, *rest, "--by", "Ann Chair")
        assert r.returncode == 0, r.stderr


# --- every entry a commit -------------------------------------------------------------------------


def test_each_cli_entry_is_one_commit_authored_by_its_by(shared: Shared) -> None:
    s = shared.session(shared.a)
    r = cli("attend", s, "--chair", "Ann Chair", "--member", "Bob <Member>", "--member", "Cat Member")
    assert r.returncode == 0, r.stderr
    assert "committed" in r.stdout
    r = cli(
        "decide",
        s,
        "--standard",
        "2.2",
        "--to",
        "Good",
        "--rationale",
        "Practice seen in the cases was consistently good",
        "--by",
        "Ann Chair",
    )
    assert r.returncode == 0, r.stderr
    r = cli("dissent", s, "--member", "Bob <Member>", "--reason", "The sample is too small to move the band")
    assert r.returncode == 0, r.stderr
    subjects = git(shared.a, "log", "--format=%s|%an|%ae|%cn").splitlines()
    assert (
        subjects[0]
        == "sessions/stockton: entry 3 dissent of Bob <Member>|Bob Member|" + gitstore.AUTHOR_EMAIL + "|Office Laptop"
    )  # git forbids < and > in a name: left out of the author, kept in the message
    assert subjects[1] == (
        "sessions/stockton: entry 2 discretion 2.2 Requires improvement -> Good|Ann Chair|"
        f"{gitstore.AUTHOR_EMAIL}|Office Laptop"
    )
    assert subjects[2].startswith("sessions/stockton: entry 1 attendance|Ann Chair|")
    # only decisions.toml: nothing else in the commit, nothing left to commit, lock file ignored
    assert git(shared.a, "show", "--name-only", "--format=", "HEAD") == "sessions/stockton/decisions.toml"
    assert (s / "decisions.toml.lock").exists()
    assert git(shared.a, "status", "--porcelain", "--untracked-files=all") == ""
    # the author date is the entry's time
    at = log_entries(s)[2]["at"]
    assert git(shared.a, "log", "-1", "--format=%aI").replace("+00:00", "Z") == at


def test_drafts_and_lock_files_never_show_as_untracked(shared: Shared) -> None:
    s = shared.session(shared.a)
    attend(s)
    (s / gitstore.DRAFTS_FILE).write_text("draft = 1\n")
    (s / ".decisions.toml.tmp-123").write_text("x")
    assert git(shared.a, "status", "--porcelain", "--untracked-files=all") == ""
    tracked = git(shared.a, "ls-files")
    assert "drafts" not in tracked and ".lock" not in tracked


def test_other_staged_changes_stay_staged_and_out_of_the_entry_commit(shared: Shared) -> None:
    s = shared.session(shared.a)
    (shared.a / "notes.md").write_text("agenda\n")
    git(shared.a, "add", "notes.md")
    attend(s)  # the first entry: its commit takes the session's copy of its rules too (format 4)
    assert git(shared.a, "show", "--name-only", "--format=", "HEAD").split() == [
        "sessions/stockton/decisions.toml",
        "sessions/stockton/framework.toml",
    ]
    assert git(shared.a, "diff", "--cached", "--name-only") == "notes.md"
    dissent(s, "Bob Member", 1)
    assert git(shared.a, "show", "--name-only", "--format=", "HEAD") == "sessions/stockton/decisions.toml"
    assert git(shared.a, "diff", "--cached", "--name-only") == "notes.md"


def test_outside_a_work_tree_nothing_changes(stockton_fresh: Path, isolated_git: Path) -> None:
    r = cli("attend", stockton_fresh, "--chair", "Ann Chair", "--member", "Bob", "--member", "Cat")
    assert r.returncode == 0 and "committed" not in r.stdout and r.stderr == ""
    assert not (stockton_fresh / ".git").exists()
    r = cli("verify", stockton_fresh)
    assert r.returncode == 0 and "history in git" not in r.stdout


def test_sign_off_makes_an_annotated_tag(shared: Shared) -> None:
    s = shared.session(shared.a)
    attend(s)
    complete_meeting(s)
    r = cli("sign-off", s, "--by", "Ann Chair")
    assert r.returncode == 0, r.stderr
    assert "tagged panel/sessions/stockton/sign-off-13" in r.stdout
    assert git(shared.a, "cat-file", "-t", "panel/sessions/stockton/sign-off-13") == "tag"
    msg = git(shared.a, "tag", "-l", "--format=%(contents)", "panel/sessions/stockton/sign-off-13")
    assert log_entries(s)[-1]["hash"] in msg
    assert git(shared.a, "rev-parse", "panel/sessions/stockton/sign-off-13^{commit}") == git(
        shared.a, "rev-parse", "HEAD"
    )
    # sync pushes the tag with the commits
    assert cli("sync", s).returncode == 0
    assert git(shared.remote, "tag", "-l") == "panel/sessions/stockton/sign-off-13"


def test_sign_off_tag_is_signed_when_git_is_configured_to_sign(shared: Shared, tmp_path: Path) -> None:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed, so no signing key can be made for the test")
    key = tmp_path / "signing_key"
    made = subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(key)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"ssh-keygen could not make a key: {made.stderr.decode().strip()}")
    git(shared.a, "config", "gpg.format", "ssh")
    git(shared.a, "config", "user.signingkey", str(key))  # this clone's config only, never the user's
    s = shared.session(shared.a)
    attend(s)
    complete_meeting(s)
    r = cli("sign-off", s, "--by", "Ann Chair")
    assert r.returncode == 0, r.stderr
    assert "(signed)" in r.stdout
    tag = "panel/sessions/stockton/sign-off-13"
    body = git(shared.a, "cat-file", "tag", tag)
    assert "-----BEGIN SSH SIGNATURE-----" in body
    allowed = tmp_path / "allowed_signers"
    allowed.write_text("laptop@example.invalid " + (tmp_path / "signing_key.pub").read_text())
    git(shared.a, "config", "gpg.ssh.allowedSignersFile", str(allowed))
    git(shared.a, "tag", "-v", tag)  # raises unless the signature verifies


def test_git_missing_from_path_keeps_the_entry_and_says_what_to_do(shared: Shared, tmp_path: Path) -> None:
    s = shared.session(shared.a)
    bare_bin = tmp_path / "bin"
    bare_bin.mkdir()
    env = {**os.environ, "PATH": str(bare_bin)}
    r = cli("attend", s, "--chair", "Ann Chair", "--member", "Bob", "--member", "Cat", env=env)
    assert r.returncode == 0
    assert "recorded entry 1" in r.stdout
    assert "git is not on PATH" in r.stderr and "panel-tui sync" in r.stderr
    assert len(log_entries(s)) == 1
    # with git back, sync commits what was left uncommitted, then pushes it
    r = cli("sync", s)
    assert r.returncode == 0, r.stderr
    assert "entry 1 attendance" in git(shared.a, "log", "-1", "--format=%s")
    assert git(shared.remote, "log", "-1", "--format=%s", "main").endswith("entry 1 attendance")
    r = cli("sync", s, env=env)
    assert r.returncode == 2 and "git is not on PATH" in r.stderr


def test_a_failing_commit_keeps_the_entry_and_says_what_to_do(shared: Shared) -> None:
    hook = shared.a / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'policy: no commits today' >&2\nexit 1\n")
    hook.chmod(0o755)
    s = shared.session(shared.a)
    r = cli("attend", s, "--chair", "Ann Chair", "--member", "Bob", "--member", "Cat")
    assert r.returncode == 0
    assert "policy: no commits today" in r.stderr and "the entry is safe" in r.stderr
    assert len(log_entries(s)) == 1
    hook.unlink()
    assert cli("sync", s).returncode == 0
    assert git(shared.a, "status", "--porcelain") == ""


# --- sync -----------------------------------------------------------------------------------------


def test_sync_pushes_and_the_other_office_pulls_the_entries(shared: Shared) -> None:
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    attend(sa)
    dissent(sa, "Bob Member", 1)
    assert gitstore.sync_state(sa) == "2 ahead of origin/main"
    r = cli("sync", sa)
    assert r.returncode == 0, r.stderr
    assert "pushing 2 commits" in r.stderr
    assert gitstore.sync_state(sa) == "in step with origin/main"
    r = cli("sync", sb)
    assert r.returncode == 0, r.stderr
    assert "pulled sessions/stockton/decisions.toml: entry 1 attendance; entry 2 dissent" in r.stderr
    assert (sb / "decisions.toml").read_bytes() == (sa / "decisions.toml").read_bytes()
    assert cli("verify", sb, "--against", "origin/main").returncode == 0


def diverge(shared: Shared) -> tuple[Path, Path]:
    """Both offices record on the same log after a common entry 1."""
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    attend(sa)
    assert cli("sync", sa).returncode == 0
    assert cli("sync", sb).returncode == 0
    dissent(sa, "Ann Office", 1)
    assert cli("sync", sa).returncode == 0
    dissent(sb, "Bea Office", 1)
    dissent(sb, "Bea Office", 2)
    return sa, sb


def test_diverged_logs_are_refused_naming_each_side_and_nothing_changes(shared: Shared) -> None:
    sa, sb = diverge(shared)
    before_head = git(shared.b, "rev-parse", "HEAD")
    before_log = (sb / "decisions.toml").read_bytes()
    r = cli("sync", sb)
    assert r.returncode == 2
    assert "sessions/stockton/decisions.toml: both sides recorded after entry 1" in r.stderr
    assert "here:  entry 2 dissent of Bea Office by Bea Office" in r.stderr
    assert "entry 3 dissent of Bea Office" in r.stderr
    assert "origin/main: entry 2 dissent of Ann Office" in r.stderr
    assert "sync --replay" in r.stderr
    assert git(shared.b, "rev-parse", "HEAD") == before_head
    assert (sb / "decisions.toml").read_bytes() == before_log
    assert gitstore.sync_state(sb).startswith("diverged from origin/main (2 here, 1 there)")
    # verify --against names the divergence too
    r = cli("verify", sb, "--against", "origin/main")
    assert r.returncode == 1 and "does not extend origin/main's log" in r.stderr


def test_replay_rerecords_local_entries_after_the_remotes(shared: Shared) -> None:
    sa, sb = diverge(shared)
    mine = log_entries(sb)[1:]
    r = cli("sync", sb, "--replay")
    assert r.returncode == 0, r.stderr
    entries = log_entries(sb)
    assert [e["seq"] for e in entries] == [1, 2, 3, 4]
    assert entries[1]["member"] == "Ann Office"  # the remote's entry keeps its place
    assert [e.get("replayed_from") for e in entries[2:]] == [e["hash"] for e in mine]
    assert [e["decided_at"] for e in entries[2:]] == [e["at"] for e in mine]  # when the panel decided (format 3)
    assert read_state(sb / "decisions.toml", load_inspection(sb)).problem is None
    # history kept: the local commits are parents of the merge, nothing force-pushed
    assert git(shared.b, "rev-list", "--count", "--merges", "HEAD") == "1"
    for e in mine:
        assert e["hash"] in git(shared.b, "log", "--format=%B", "HEAD^1")  # the original commits remain
    assert cli("verify", sb).returncode == 0  # the merge accounts for the replayed entries
    # the other office gets it with a plain sync
    r = cli("sync", sa)
    assert r.returncode == 0, r.stderr
    assert (sa / "decisions.toml").read_bytes() == (sb / "decisions.toml").read_bytes()
    assert cli("verify", sa, "--against", "origin/main").returncode == 0


def test_replay_keeps_aside_an_entry_the_rules_now_refuse(shared: Shared) -> None:
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    attend(sa)
    complete_meeting(sa)
    assert cli("sync", sa).returncode == 0
    assert cli("sync", sb).returncode == 0
    assert cli("sign-off", sa, "--by", "Ann Chair").returncode == 0  # office A signs off and pushes
    assert cli("sync", sa).returncode == 0
    late = dissent(sb, "Bea Office", 1)  # office B records after the common entries, unaware
    r = cli("sync", sb, "--replay")
    assert r.returncode == 0, r.stderr
    assert "kept aside in decisions.refused.toml: entry 13 dissent" in r.stderr
    entries = log_entries(sb)
    assert entries[-1]["kind"] == "sign-off" and len(entries) == 13
    aside = tomllib.loads((sb / gitstore.REFUSED_FILE).read_text())["refused"]
    assert aside[0]["entry"] == late and "signed off" in aside[0]["reason"]
    assert git(shared.b, "ls-files", "sessions/stockton").count(gitstore.REFUSED_FILE) == 1
    assert cli("verify", sb).returncode == 0  # the refused entry is accounted for, not dropped
    assert git(shared.remote, "show", f"main:sessions/stockton/{gitstore.REFUSED_FILE}")


def test_replay_renumbers_a_retraction_of_a_replayed_entry(shared: Shared) -> None:
    sa, sb = diverge(shared)
    own = log_entries(sb)[1]
    record(sb, "retraction", retracts=own["seq"], reason="Recorded against the wrong member", by="Bea Office")
    assert cli("sync", sb, "--replay").returncode == 0
    entries = log_entries(sb)
    replayed = next(e for e in entries if e.get("replayed_from") == own["hash"])
    assert entries[-1]["kind"] == "retraction" and entries[-1]["retracts"] == replayed["seq"] == 3


def test_diverged_other_files_are_left_to_git(shared: Shared) -> None:
    (shared.a / "notes.md").write_text("a\n")
    git(shared.a, "add", "notes.md")
    git(shared.a, "commit", "-q", "-m", "a notes")
    git(shared.a, "push", "-q")
    (shared.b / "notes.md").write_text("b\n")
    git(shared.b, "add", "notes.md")
    git(shared.b, "commit", "-q", "-m", "b notes")
    before = git(shared.b, "rev-parse", "HEAD")
    r = cli("sync", shared.b)
    assert r.returncode == 2 and "changed the same files (not decision logs): notes.md" in r.stderr
    assert "Nothing was changed" in r.stderr and git(shared.b, "rev-parse", "HEAD") == before
    assert git(shared.b, "status", "--porcelain") == ""  # the merge was undone


def test_offices_working_on_different_sessions_sync_without_a_word(shared: Shared) -> None:
    """Issue 20: the everyday case in an inspectorate's repository (it was refused as divergence)."""
    sa = shared.session(shared.a)
    other = shared.b / "sessions" / "leeds"
    other.mkdir(parents=True)
    shutil.copy(shared.session(shared.b) / "inspection.toml", other / "inspection.toml")
    git(shared.b, "add", "--", "sessions/leeds")
    git(shared.b, "commit", "-q", "-m", "Leeds inspection")
    attend(sa)
    assert cli("sync", sa).returncode == 0
    attend(other)
    r = cli("sync", other)
    assert r.returncode == 0, r.stderr
    assert "merged origin/main" in r.stderr
    assert cli("sync", sa).returncode == 0
    for clone in (shared.a, shared.b):
        assert (clone / "sessions" / "leeds" / "decisions.toml").exists()
        assert (clone / "sessions" / "stockton" / "decisions.toml").exists()
        assert cli("verify", clone / "sessions" / "leeds").returncode == 0
        assert cli("verify", clone / "sessions" / "stockton").returncode == 0


def test_sync_outside_git_and_without_upstream(shared: Shared, stockton_fresh: Path, tmp_path: Path) -> None:
    r = cli("sync", stockton_fresh)
    assert r.returncode == 2 and "not inside a git work tree" in r.stderr
    solo = tmp_path / "solo"
    git(tmp_path, "init", "-q", str(solo))
    r = cli("sync", solo)
    assert r.returncode == 2 and "no remote to sync with" in r.stderr and "remote add origin" in r.stderr
    assert "push -u origin" in r.stderr


# --- history as the anchor --------------------------------------------------------------------------


def test_a_commit_that_drops_an_entry_fails_verify_naming_it(shared: Shared) -> None:
    s = shared.session(shared.a)
    attend(s)
    dissent(s, "Bob Member", 1)
    dissent(s, "Bob Member", 2)
    text = (s / "decisions.toml").read_text()
    cut = text[: text.rindex("\n[[entry]]\n")]  # the last entry cut off: the chain still verifies
    (s / "decisions.toml").write_text(cut)
    git(shared.a, "add", ".")
    subprocess.run(
        ["git", "-c", "user.name=Mallory Editor", "-c", "user.email=m@example.invalid", "commit", "-q", "-m", "tidy"],
        cwd=shared.a,
        check=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "Mallory Editor",
            "GIT_AUTHOR_EMAIL": "m@example.invalid",
            "GIT_AUTHOR_DATE": "2026-11-20T09:30:00Z",
        },
    )
    r = cli("verify", s)
    assert r.returncode == 1
    sha = git(shared.a, "rev-parse", "--short=10", "HEAD")
    assert f"commit {sha} by Mallory Editor <m@example.invalid> on 2026-11-20T09:30:00+00:00 drops entry 3" in r.stderr


def test_a_commit_that_changes_or_reorders_entries_is_named(shared: Shared) -> None:
    s = shared.session(shared.a)
    attend(s)
    dissent(s, "Bob Member", 1)
    dissent(s, "Cat Member", 2)
    log = s / "decisions.toml"
    head, *parts = log.read_text().split("\n[[entry]]\n")
    log.write_text("\n[[entry]]\n".join([head, parts[0], parts[2], parts[1]]))
    git(shared.a, "commit", "-q", "-am", "reorder")
    r = cli("verify", s)
    assert r.returncode == 1 and "reorders entries (entry 2 is now at position 3)" in r.stderr
    assert "by Office Laptop <laptop@example.invalid>" in r.stderr


def test_the_working_file_must_extend_the_last_commit(shared: Shared) -> None:
    s = shared.session(shared.a)
    attend(s)
    dissent(s, "Bob Member", 1)
    text = (s / "decisions.toml").read_text()
    (s / "decisions.toml").write_text(text[: text.rindex("\n[[entry]]\n")])
    r = cli("verify", s)
    assert r.returncode == 1
    assert "in the working tree drops entry 2" in r.stderr


def test_verify_against_an_unknown_ref_is_bad_input(shared: Shared) -> None:
    s = shared.session(shared.a)
    attend(s)
    r = cli("verify", s, "--against", "no-such-branch")
    assert r.returncode == 2 and "'no-such-branch' is not a commit" in r.stderr


def test_audit_reports_a_session_whose_history_was_rewritten(shared: Shared) -> None:
    s = shared.session(shared.a)
    attend(s)
    dissent(s, "Bob Member", 1)
    text = (s / "decisions.toml").read_text()
    (s / "decisions.toml").write_text(text[: text.rindex("\n[[entry]]\n")])
    git(shared.a, "commit", "-q", "-am", "drop")
    from panel_tui.core.audit import load_record

    rec = load_record(s, shared.a)
    assert rec.log_status.startswith("history rewritten: ")
    assert "drops entry 2" in rec.log_status


def test_tag_names_are_valid_refs() -> None:
    assert gitstore.tag_name("sessions/stockton 2021", 7) == "panel/sessions/stockton-2021/sign-off-7"
    assert gitstore.tag_name("a..b/.hidden/x.lock", 1) == "panel/a-b/hidden/x-lock/sign-off-1"


# --- accepted rewrites, concurrency, pieces ---------------------------------------------------------


def drop_last_entry_and_commit(shared: Shared, s: Path) -> str:
    text = (s / "decisions.toml").read_text()
    (s / "decisions.toml").write_text(text[: text.rindex("\n[[entry]]\n")])
    git(shared.a, "commit", "-q", "-am", "rebuild the log")
    return git(shared.a, "rev-parse", "HEAD")


def test_a_rewrite_is_accepted_only_when_listed_in_the_committed_file(shared: Shared) -> None:
    s = shared.session(shared.a)
    attend(s)
    dissent(s, "Bob Member", 1)
    sha = drop_last_entry_and_commit(shared, s)
    accepted = shared.a / gitstore.ACCEPTED_FILE
    accepted.write_text(
        f'[[rewrite]]\ncommit = "{sha}"\npath = "sessions/stockton/decisions.toml"\n'
        'reason = "examples rebuilt for a new format"\n'
    )
    assert cli("verify", s).returncode == 1  # not committed yet: not on the record
    git(shared.a, "add", gitstore.ACCEPTED_FILE)
    git(shared.a, "commit", "-q", "-m", "accept the rebuild")
    r = cli("verify", s)
    assert r.returncode == 0, r.stderr
    assert (
        f"but 1 rewrite accepted on the record in .panel-tui-accepted.toml (examples rebuilt for a new format): "
        f"{sha[:10]} drops entry 2"
    ) in r.stdout
    # a pattern, a missing commit or another path accepts nothing (issue 20: path = "*" laundered any rewrite)
    for table in (
        f'commit = "{sha[:12]}"\npath = "sessions/stockton/decisions.toml"',
        f'commit = "{sha[:12]}"\npath = "*"',
        f'commit = "{sha[:12]}"\npath = "sessions/*/decisions.toml"',
        'path = "sessions/stockton/decisions.toml"',
        f'commit = "{sha[:12]}"\npath = "other/decisions.toml"',
        f'commit = "{sha[:12]}"\npath = "sessions/stockton/decisions.toml"\nreason = " "',
    ):
        reason = "" if "reason" in table else '\nreason = "elsewhere"'
        accepted.write_text(f"[[rewrite]]\n{table}{reason}\n")
        git(shared.a, "commit", "-q", "-am", "narrow the acceptance")
        r = cli("verify", s)
        assert r.returncode == 1 and "drops entry 2" in r.stderr, table


def test_the_core_git_module_imports_no_ui() -> None:
    code = (
        "import sys, panel_tui.core.gitstore; bad = [m for m in ('textual', 'rich') if m in sys.modules]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


WRITER = """
import sys
from pathlib import Path
from panel_tui.core import gitstore
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry
session, who, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
insp = load_inspection(session)
for i in range(n):
    e = append_entry(session, insp, "dissent", {"member": who, "reason": f"{who} dissent number {i} here", "by": who})
    out = gitstore.commit_entry(session, e)
    assert not out.failed, out.message
"""


def test_concurrent_writers_in_one_repository_leave_every_entry_committed(shared: Shared) -> None:
    s1 = shared.session(shared.a)
    s2 = shared.a / "sessions" / "second"
    shutil.copytree(s1, s2)
    git(shared.a, "add", ".")
    git(shared.a, "commit", "-q", "-m", "second session")
    attend(s1)
    attend(s2)
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(d), who, "8"], stderr=subprocess.PIPE, text=True)
        for d, who in ((s1, "Ann Office"), (s1, "Bob Member"), (s2, "Cat Member"))
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read() if p.stderr else ""
    assert git(shared.a, "status", "--porcelain", "--untracked-files=all") == ""
    assert len(log_entries(s1)) == 17 and len(log_entries(s2)) == 9
    assert cli("verify", s1).returncode == 0 and cli("verify", s2).returncode == 0


def test_replay_fields_renumber_references_and_keep_the_old_hash() -> None:
    e = {
        "seq": 5,
        "at": "2026-11-24T10:00:00Z",
        "kind": "retraction",
        "retracts": 4,
        "reason": "wrong standard",
        "by": "Ann",
        "prev": "p" * 64,
        "hash": "h" * 64,
    }
    assert gitstore.replay_fields(e, {4: 7}) == {
        "at": "2026-11-24T10:00:00Z",
        "retracts": 7,
        "reason": "wrong standard",
        "by": "Ann",
        "replayed_from": "h" * 64,
    }
    assert gitstore.replay_fields(e, {})["retracts"] == 4  # an entry both sides share keeps its number
    with pytest.raises(gitstore.RuleRefused, match="kept aside"):
        gitstore.replay_fields(e, {4: None})


def test_extension_problems_are_named() -> None:
    h = {"format": "x"}
    e = [{"seq": i, "kind": "dissent", "reason": f"reason {i}", "hash": str(i)} for i in (1, 2, 3)]
    V = gitstore.LogVersion
    assert gitstore.extension_problem(V(h, e[:2]), V(h, e)) is None
    assert gitstore.extension_problem(V(h, e), V(h, e[:1])).startswith("drops entries 2-3")
    assert gitstore.extension_problem(V(h, e), V(h, [e[0], e[2], e[1]])).startswith("reorders entries")
    assert gitstore.extension_problem(V(h, e), V(h, [e[0], {**e[1], "reason": "x", "hash": "x"}, e[2]])).startswith(
        "changes entry 2"
    )
    assert gitstore.extension_problem(V(h, e), V({"format": "y"}, e)) == "changes the [log] table (a different log)"
    assert gitstore.extension_problem(V(h, e), V(h, e[:1]), accounted={"2", "3"}) is None


def test_replay_when_both_offices_started_the_log_on_their_own(shared: Shared) -> None:
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    attend(sa)
    assert cli("sync", sa).returncode == 0
    mine = record(
        sb,
        "proposal",
        standard="2.2",
        to="Good",
        rationale="The lead inspector's case for an uplift here",
        by="Lee Inspector",
    )
    r = cli("sync", sb)
    assert r.returncode == 2 and "both sides recorded a log of their own" in r.stderr
    r = cli("sync", sb, "--replay")
    assert r.returncode == 0, r.stderr
    entries = log_entries(sb)
    assert [e["kind"] for e in entries] == ["attendance", "proposal"]
    assert entries[1]["replayed_from"] == mine["hash"]
    assert cli("verify", sb).returncode == 0
    assert cli("sync", sa).returncode == 0 and log_entries(sa) == entries


def test_an_unreachable_remote_is_a_message_and_changes_nothing(shared: Shared) -> None:
    s = shared.session(shared.a)
    attend(s)
    head = git(shared.a, "rev-parse", "HEAD")
    shared.remote.rename(shared.remote.with_name("moved.git"))
    r = cli("sync", s)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "git fetch from origin failed" in r.stderr and "your entries are committed here" in r.stderr
    assert git(shared.a, "rev-parse", "HEAD") == head


def test_first_entry_in_a_repository_with_no_commit_yet(stockton_fresh: Path, isolated_git: Path) -> None:
    git(stockton_fresh, "init", "-q")
    attend(stockton_fresh)
    assert git(stockton_fresh, "log", "--format=%s") == "stockton-fresh: entry 1 attendance"
    assert git(stockton_fresh, "status", "--porcelain") == "?? inspection.toml"
    assert cli("verify", stockton_fresh).returncode == 0


def test_ratify_all_proposed_is_one_commit_naming_its_entries(shared: Shared) -> None:
    s = shared.session(shared.a)
    attend(s)
    r = cli("ratify", s, "--all-proposed", "--by", "Ann Chair")
    assert r.returncode == 0, r.stderr
    assert "committed" in r.stdout
    assert git(shared.a, "log", "-1", "--format=%s") == "sessions/stockton: entries 2-5"
    body = git(shared.a, "log", "-1", "--format=%b")
    assert "entry 2 ratification 1.1 Good -> Good by Ann Chair" in body and "entry 5 ratification 1.4" in body
    assert git(shared.a, "status", "--porcelain") == ""


def test_opening_a_session_in_git_hides_the_drafts_file_before_any_entry(shared: Shared) -> None:
    s = shared.session(shared.b)
    assert gitstore.sync_state(s, short=True) == "in step"  # what the app's header asks on opening
    (s / gitstore.DRAFTS_FILE).write_text("draft = 1\n")
    assert git(shared.b, "status", "--porcelain", "--untracked-files=all") == ""


def test_verify_says_when_the_log_is_not_committed_yet(shared: Shared) -> None:
    s = shared.session(shared.a)
    r = cli(
        "attend",
        s,
        "--chair",
        "Ann Chair",
        "--member",
        "Bob",
        "--member",
        "Cat",
        env={**os.environ, "PANEL_TUI_GIT": "0"},
    )
    assert r.returncode == 0 and "committed" not in r.stdout
    r = cli("verify", s)
    assert r.returncode == 0 and "is not committed yet" in r.stdout


def test_reading_the_sync_state_takes_no_optional_lock(shared: Shared, monkeypatch) -> None:
    """The header's sync state runs `git status` in a worker; with optional locks on, git takes
    index.lock to refresh the index, and an app killed at that moment leaves the lock behind (the
    user's next commit then fails). Every git call here runs with GIT_OPTIONAL_LOCKS=0."""
    seen: list[dict[str, str]] = []
    real = subprocess.run

    def spy(*args, **kwargs):
        seen.append(kwargs.get("env") or {})
        return real(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    s = shared.session(shared.a)
    assert gitstore.sync_state(s, short=True) in ("in step", "no upstream")
    assert seen and all(env.get("GIT_OPTIONAL_LOCKS") == "0" for env in seen)


def _graph_layers(clone: Path) -> list[bytes]:
    info = clone / ".git" / "objects" / "info"
    chain = info / "commit-graphs" / "commit-graph-chain"
    names = chain.read_text().split() if chain.is_file() else []
    return [(info / "commit-graphs" / f"graph-{n}.graph").read_bytes() for n in names]


def _commits_in(layer: bytes) -> int:
    """The commit count of one commit-graph file: the last entry of its OID fanout chunk."""
    assert layer[:4] == b"CGPH"
    chunks = layer[6]
    table = {
        layer[8 + 12 * i : 12 + 12 * i]: int.from_bytes(layer[12 + 12 * i : 20 + 12 * i], "big") for i in range(chunks)
    }
    fanout = table[b"OIDF"]
    return int.from_bytes(layer[fanout + 255 * 4 : fanout + 256 * 4], "big")


def test_sync_keeps_the_clones_commit_graph_with_changed_paths(shared: Shared) -> None:
    """verify of one session in a repository of a thousand walks only its own folder's commits when
    git has a commit-graph with changed-path Bloom filters (issue 26): each sync that moves the
    clone writes what it brought, so every reachable commit is in the graph, filters included."""
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    attend(sa)
    dissent(sa, "Bob Member", 1)
    assert cli("sync", sa).returncode == 0
    r = cli("sync", sb)
    assert r.returncode == 0, r.stderr
    assert "commit-graph" not in r.stderr  # said only when git would not write it
    for clone in (shared.a, shared.b):
        layers = _graph_layers(clone)
        assert layers and all(b"BIDX" in layer and b"BDAT" in layer for layer in layers)  # the Bloom filters
        assert sum(_commits_in(layer) for layer in layers) == int(git(clone, "rev-list", "--count", "--all"))
        git(clone, "commit-graph", "verify")
    dissent(sb, "Cat Member", 2)  # one more commit: the next sync adds it (a layer, not the whole again)
    assert cli("sync", sb).returncode == 0
    layers = _graph_layers(shared.b)
    assert sum(_commits_in(layer) for layer in layers) == int(git(shared.b, "rev-list", "--count", "--all"))
    r = cli("verify", sb)
    assert r.returncode == 0 and "every committed version" in r.stdout, r.stdout


def test_a_commit_graph_git_will_not_write_is_said_and_the_sync_still_succeeds(shared: Shared) -> None:
    sa = shared.session(shared.a)
    attend(sa)
    (shared.a / ".git" / "objects" / "info" / "commit-graphs").write_text("not a folder\n")
    r = cli("sync", sa)
    assert r.returncode == 0, r.stderr
    assert "git did not write its commit-graph (" in r.stderr and "verify still works, more slowly" in r.stderr
    assert "To see why, run `git -C" in r.stderr and "commit-graph write --reachable --changed-paths`" in r.stderr
    assert gitstore.sync_state(sa) == "in step with origin/main"


def test_a_commit_graph_without_filters_is_replaced_by_one_with_them(shared: Shared) -> None:
    """`git gc` writes a commit-graph without changed-path filters; the next sync, even one with
    nothing to pull or push, replaces it with one that has them (for every commit, not only new ones)."""
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    attend(sa)
    assert cli("sync", sa).returncode == 0
    assert cli("sync", sb).returncode == 0
    git(shared.b, "commit-graph", "write", "--reachable", "--no-changed-paths", "--split=replace")
    assert not any(b"BIDX" in layer for layer in _graph_layers(shared.b))
    r = cli("sync", sb)
    assert r.returncode == 0 and "in step with origin/main: nothing to pull or push." in r.stderr, r.stderr
    layers = _graph_layers(shared.b)
    assert layers and all(b"BIDX" in layer for layer in layers)
    assert sum(_commits_in(layer) for layer in layers) == int(git(shared.b, "rev-list", "--count", "--all"))
