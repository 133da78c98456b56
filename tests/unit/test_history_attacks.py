"""Shared history that cannot be laundered (issue 20): each attack a collaborator with push rights
tried, on a bare remote and two clones; verify names every one, and sync never adopts it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from panel_tui.core import gitstore
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry
from tests.unit.gitrepos import Shared, git, needs_git
from tests.unit.test_gitstore import attend, cli, dissent, diverge, log_entries

pytestmark = needs_git

LOG = "sessions/stockton/decisions.toml"


def commit_as(clone: Path, who: str, message: str) -> str:
    subprocess.run(
        ["git", "commit", "-q", "-am", message],
        cwd=clone,
        check=True,
        env={**os.environ, "GIT_AUTHOR_NAME": who, "GIT_AUTHOR_EMAIL": "m@example.invalid"},
    )
    return git(clone, "rev-parse", "HEAD")


def pushed_three(shared: Shared) -> tuple[Path, Path]:
    """Office A records three entries and pushes; office B pulls them."""
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    attend(sa)
    dissent(sa, "Bob Member", 1)
    dissent(sa, "Cat Member", 2)
    assert cli("sync", sa).returncode == 0
    assert cli("sync", sb).returncode == 0
    return sa, sb


def test_a_version_that_does_not_parse_excuses_nothing(shared: Shared) -> None:
    sa, sb = pushed_three(shared)
    log = sb / "decisions.toml"
    good = log.read_bytes()
    log.write_bytes(good + b"\n[[entry]]\nthis is = = not toml\n")
    bad = commit_as(shared.b, "Mallory", "garbage")
    log.write_bytes(good[: good.rindex(b"\n[[entry]]\n")])
    drop = commit_as(shared.b, "Mallory", "drop")
    r = cli("verify", sb)
    assert r.returncode == 1
    assert f"commit {bad[:10]} by Mallory" in r.stderr and "does not verify on its own" in r.stderr
    assert f"commit {drop[:10]} by Mallory" in r.stderr and "drops entry 3" in r.stderr


def test_sync_refuses_to_fast_forward_to_a_history_that_drops_an_entry(shared: Shared) -> None:
    sa, sb = pushed_three(shared)
    log = sb / "decisions.toml"
    good = log.read_bytes()
    log.write_bytes(good + b"\n[[entry]]\nthis is = = not toml\n")
    commit_as(shared.b, "Mallory", "garbage")
    log.write_bytes(good[: good.rindex(b"\n[[entry]]\n")])
    drop = commit_as(shared.b, "Mallory", "drop")
    git(shared.b, "push", "-q", "origin", "main")
    before = (sa / "decisions.toml").read_bytes()
    head = git(shared.a, "rev-parse", "HEAD")
    r = cli("sync", sa)
    assert r.returncode == 2, r.stderr
    assert "refused" in r.stderr.lower() and f"{drop[:10]}" in r.stderr and "drops entry 3" in r.stderr
    assert "Mallory" in r.stderr
    assert (sa / "decisions.toml").read_bytes() == before and git(shared.a, "rev-parse", "HEAD") == head
    assert cli("verify", sa).returncode == 0  # A's own history is untouched


def test_a_plain_drop_pushed_is_never_adopted(shared: Shared) -> None:
    sa, sb = pushed_three(shared)
    text = (sb / "decisions.toml").read_text()
    (sb / "decisions.toml").write_text(text[: text.rindex("\n[[entry]]\n")])
    commit_as(shared.b, "Mallory", "tidy")
    git(shared.b, "push", "-q", "origin", "main")
    r = cli("sync", sa)
    assert r.returncode == 2 and "drops entry 3" in r.stderr
    assert len(log_entries(sa)) == 3


def test_a_force_pushed_rewrite_of_pushed_entries_is_named_and_never_replayed(shared: Shared) -> None:
    sa, sb = pushed_three(shared)
    # B rewrites entry 3's reason, re-chains the log from entry 2 and force-pushes
    git(shared.b, "reset", "-q", "--hard", "HEAD~1")
    dissent(sb, "Cat Member", 99)
    git(shared.b, "push", "-q", "--force", "origin", "main")
    dissent(sa, "Bob Member", 4)  # A recorded meanwhile: it looks like ordinary divergence
    for args in (("sync", sa), ("sync", sa, "--replay")):
        r = cli(*args)
        assert r.returncode == 2, r.stderr
        assert "rewritten" in r.stderr and "force" in r.stderr.lower()
    assert [e.get("reason") for e in log_entries(sa)][2] == "Cat Member records dissent number 2 here"


def test_a_merge_that_changes_a_replayed_entry_fails_verify(shared: Shared) -> None:
    sa, sb = diverge(shared)
    mine = log_entries(sb)[1:]
    git(shared.b, "fetch", "-q")
    git(shared.b, "merge", "--no-ff", "--no-commit", "-s", "ours", "origin/main", check=False)
    log = sb / "decisions.toml"
    log.write_bytes(git_show(shared.b, f"origin/main:{LOG}"))
    insp = load_inspection(sb)
    for i, e in enumerate(mine):
        fields = {
            "member": e["member"],
            "by": e["by"],
            "replayed_from": e["hash"],
            "reason": e["reason"] if i else "A reason the member never gave, under her name",
        }
        append_entry(sb, insp, "dissent", fields)
    git(shared.b, "add", LOG)
    merge = commit_as(shared.b, "Mallory", "replay")
    r = cli("verify", sb)
    assert r.returncode == 1 and f"commit {merge[:10]}" in r.stderr and "changes entry 2" in r.stderr


def test_a_kept_aside_file_naming_only_a_hash_accounts_for_nothing(shared: Shared) -> None:
    sa, sb = diverge(shared)
    mine = log_entries(sb)[1:]
    git(shared.b, "fetch", "-q")
    git(shared.b, "merge", "--no-ff", "--no-commit", "-s", "ours", "origin/main", check=False)
    (sb / "decisions.toml").write_bytes(git_show(shared.b, f"origin/main:{LOG}"))
    (sb / gitstore.REFUSED_FILE).write_text(
        "".join(f'[[refused]]\nreason = "x"\nentry = {{ hash = "{e["hash"]}" }}\n' for e in mine)
    )
    git(shared.b, "add", LOG, f"sessions/stockton/{gitstore.REFUSED_FILE}")
    merge = commit_as(shared.b, "Mallory", "keep aside")
    r = cli("verify", sb)
    assert (
        r.returncode == 1
        and f"commit {merge[:10]}" in r.stderr
        and ("drops" in r.stderr or "changes entry 2" in r.stderr)
    )


def test_without_git_verify_says_history_was_not_checked(shared: Shared, tmp_path: Path) -> None:
    sa, _ = pushed_three(shared)
    bare_path = tmp_path / "bin"
    bare_path.mkdir()
    env = {**os.environ, "PATH": str(bare_path)}
    import sys

    r = subprocess.run([sys.executable, "-m", "panel_tui", "verify", str(sa)], capture_output=True, text=True, env=env)
    assert r.returncode == 1, r.stderr  # a check that could not be made is never "intact" (exit 0)
    assert "history not checked (git not found)" in r.stderr and "intact" not in r.stdout
    r = subprocess.run(
        [sys.executable, "-m", "panel_tui", "audit", str(shared.a), "--json"], capture_output=True, text=True, env=env
    )
    assert "history not checked (git not found)" in r.stdout


def test_a_format_1_header_made_after_format_2_is_refused(stockton_fresh: Path) -> None:
    """The old rules let anyone decide; editing the header's format line must not bring them back."""
    from panel_tui.core.log.chain import canonical_hash, render_log
    from panel_tui.core.log.writer import new_header

    insp = load_inspection(stockton_fresh)
    header = {**new_header(insp), "format": "panel-tui/decisions/1", "created": "2026-12-01T10:00:00Z"}
    (stockton_fresh / "decisions.toml").write_bytes(render_log(header, []))
    r = cli("verify", stockton_fresh)
    assert r.returncode == 1 and "format-1 header" in r.stderr and "after format 2 existed" in r.stderr
    header["created"] = "2026-11-01T10:00:00Z"  # a real format-1 log, from before
    (stockton_fresh / "decisions.toml").write_bytes(render_log(header, []))
    assert cli("verify", stockton_fresh).returncode == 0
    assert canonical_hash(header)


def git_show(clone: Path, spec: str) -> bytes:
    return subprocess.run(["git", "show", spec], cwd=clone, capture_output=True, check=True).stdout


def test_committed_gitattributes_cannot_rewrite_the_log(shared: Shared) -> None:
    sa, sb = pushed_three(shared)
    (shared.b / ".gitattributes").write_text("decisions.toml text eol=crlf\n*.toml text eol=crlf\n")
    git(shared.b, "add", ".gitattributes")
    commit_as(shared.b, "Mallory", "line endings")
    git(shared.b, "push", "-q", "origin", "main")
    assert cli("sync", sa).returncode == 0
    assert b"\r\n" not in (sa / "decisions.toml").read_bytes()
    assert cli("verify", sa).returncode == 0
    shutil.rmtree(sa.parent.parent / "fresh", ignore_errors=True)
    assert cli("dissent", sa, "--member", "Bob Member", "--reason", "Bob disagrees with the panel here").returncode == 0


def test_the_audits_one_pass_history_says_what_each_sessions_own_check_says(shared: Shared) -> None:
    """Issue 26: one git log and one cat-file stream for every log in the repository; the answer for
    each session is the same as its own check's (clean, dropped, garbage then dropped, accepted)."""
    from panel_tui.core.gitstore.history import history_status, one_history_per_repository

    base = shared.a / "sessions"
    names = ["clean", "dropped", "garbage", "accepted"]
    for name in names:
        (base / name).mkdir()
        # each its own inspection: logs with one inspection, framework and `created` are one record (copies)
        text = (base / "stockton" / "inspection.toml").read_text()
        (base / name / "inspection.toml").write_text(text + f"# {name}\n")
    git(shared.a, "add", ".")
    git(shared.a, "commit", "-q", "-m", "four more inspections")
    for name in names:
        attend(base / name)
        dissent(base / name, "Bob Member", 1)
        dissent(base / name, "Cat Member", 2)
    for name in ("dropped", "garbage", "accepted"):
        log = base / name / "decisions.toml"
        good = log.read_bytes()
        if name == "garbage":
            log.write_bytes(good + b"\n[[entry]]\nthis is = = not toml\n")
            commit_as(shared.a, "Mallory", "garbage")
        log.write_bytes(good[: good.rindex(b"\n[[entry]]\n")])
        sha = commit_as(shared.a, "Mallory", f"drop in {name}")
        if name == "accepted":
            (shared.a / gitstore.ACCEPTED_FILE).write_text(
                f'[[rewrite]]\npath = "sessions/accepted/decisions.toml"\ncommit = "{sha}"\nreason = "a test"\n'
            )
            git(shared.a, "add", gitstore.ACCEPTED_FILE)
            git(shared.a, "commit", "-q", "-m", "accept")
    folders = [base / n for n in ["stockton", *names]]
    alone = [history_status(f) for f in folders]
    with one_history_per_repository():
        together = [history_status(f) for f in folders]
    assert together == alone
    assert [s is None for s in alone] == [True, True, False, False, True]
    assert "drops entry 3" in str(alone[2]) and "does not verify on its own" in str(alone[3])
