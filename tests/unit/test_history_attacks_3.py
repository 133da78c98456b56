"""Third round (a read-only reviewer's attack report, findings 1-5, 13, 14): a repository git will
not answer for truthfully is "history not checked", never intact; a log copied to a new folder is
compared with where it came from; a deleted log is named; a missing object is not a mode change."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.unit.gitrepos import Shared, git, needs_git
from tests.unit.test_gitstore import cli
from tests.unit.test_history_attacks import commit_as, pushed_three
from tests.unit.test_history_attacks_2 import forge, fresh_clone

pytestmark = needs_git


def audit(folder: Path) -> dict:
    r = cli("audit", folder, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def statuses(folder: Path) -> dict[str, str]:
    return {s["path"]: s["log_status"] for s in audit(folder)["sessions"]}


def dropped_at_head(shared: Shared) -> tuple[Path, str]:
    """Office B's clone whose last commit drops entry 3 (verify fails there): (session, that commit)."""
    _, sb = pushed_three(shared)
    forge(sb / "decisions.toml", 2)
    return sb, commit_as(shared.b, "Mallory", "tidy")


def assert_not_checked(session: Path, clone: Path, why: str) -> None:
    r = cli("verify", session)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"history not checked ({why}" in r.stderr and "intact" not in r.stdout
    doc = audit(clone)
    (status,) = [s["log_status"] for s in doc["sessions"]]
    assert status.startswith(f"history not checked ({why}")
    assert doc["figures"]["sessions_unreadable_or_broken"] == 1  # not counted as intact
    r = cli("export", session, "--format", "md")
    assert r.returncode == 1 and "history not checked" in r.stderr


# --- findings 2-4: a repository git will not answer for truthfully ---------------------------------


def test_a_repository_git_refuses_is_history_not_checked_and_not_written_to(shared: Shared) -> None:
    sb, _ = dropped_at_head(shared)
    (shared.b / ".git" / "HEAD").write_text("not a ref\n")  # git: "not a git repository"
    assert_not_checked(sb, shared.b, "git refused the repository: fatal: not a git repository")
    r = cli("dissent", sb, "--member", "Bob Member", "--reason", "Bob disagrees with the panel here")
    assert r.returncode == 2 and "git refuses the repository" in r.stderr and "Traceback" not in r.stderr
    from panel_tui.core.gitstore import sync_state

    assert sync_state(sb, short=True) == "git refuses this repository"  # the app's header: not "not in git"


@pytest.mark.skipif(os.geteuid() != 0, reason="dubious ownership needs a folder owned by another user (root chowns)")
def test_dubious_ownership_is_history_not_checked(shared: Shared) -> None:
    sb, _ = dropped_at_head(shared)
    for path in [shared.b, *shared.b.rglob("*")]:
        os.lchown(path, 65534, 65534)
    assert_not_checked(sb, shared.b, "git refused the repository: fatal: detected dubious ownership")


def test_a_shallow_clone_is_history_not_checked(shared: Shared) -> None:
    sb, _ = dropped_at_head(shared)
    git(shared.b, "push", "-q", "origin", "main")
    shallow = shared.remote.parent / "shallow"
    git(shared.remote.parent, "clone", "-q", "--depth", "1", f"file://{shared.remote}", str(shallow))
    assert_not_checked(shallow / "sessions" / "stockton", shallow, "shallow clone")


def test_replace_refs_and_grafts_do_not_hide_a_dropping_commit(shared: Shared) -> None:
    sb, drop = dropped_at_head(shared)
    before = git(shared.b, "rev-parse", "HEAD~3")  # the log's first commit: its two later versions skipped
    git(shared.b, "replace", "--graft", drop, before)
    for attempt in ("replace ref", "grafts file"):
        r = cli("verify", sb)
        assert r.returncode == 1 and f"commit {drop[:10]}" in r.stderr and "drops entry 3" in r.stderr, attempt
        assert statuses(shared.b)["sessions/stockton"].startswith("history rewritten")
        git(shared.b, "replace", "-d", drop, check=False)
        (shared.b / ".git" / "info" / "grafts").write_text(f"{drop} {before}\n")


def test_an_orphan_branch_with_a_forged_log_is_not_intact(shared: Shared) -> None:
    _, sb = pushed_three(shared)
    git(shared.b, "checkout", "-q", "--orphan", "review")
    forge(sb / "decisions.toml", 2)
    assert_not_checked(sb, shared.b, "HEAD is the branch 'review' with no commit yet")


# --- findings 1 and 13: a log copied or moved under a new folder -----------------------------------


def copy_session_dropping_entry_3(shared: Shared, sb: Path) -> Path:
    copy = sb.parent / "stockton-2021"
    shutil.copytree(sb, copy, ignore=shutil.ignore_patterns("*.lock"))
    forge(copy / "decisions.toml", 2)
    git(shared.b, "add", "sessions/stockton-2021")
    git(shared.b, "commit", "-q", "-m", "copy session to a dated folder")
    return copy


def test_a_copy_that_drops_an_entry_while_the_old_folder_is_hidden_is_named(shared: Shared) -> None:
    sa, sb = pushed_three(shared)
    copy_session_dropping_entry_3(shared, sb)
    copied = git(shared.b, "rev-parse", "HEAD")
    git(shared.b, "rm", "-q", "sessions/stockton/inspection.toml")
    git(shared.b, "commit", "-q", "-m", "old folder: inspection moved")
    git(shared.b, "push", "-q", "origin", "main")
    r = cli("sync", sa)
    assert (
        r.returncode == 2 and "drops entry 3" in r.stderr and "copied from sessions/stockton/decisions.toml" in r.stderr
    )
    fresh = fresh_clone(shared).parent.parent
    r = cli("verify", fresh / "sessions" / "stockton-2021")
    assert r.returncode == 1 and f"commit {copied[:10]}" in r.stderr and "drops entry 3" in r.stderr
    found = statuses(fresh)
    assert (
        found["sessions/stockton-2021"].startswith("history rewritten")
        and "copied from" in found["sessions/stockton-2021"]
    )
    assert found["sessions/stockton"].startswith("no inspection")  # the real log is listed, not skipped
    assert cli("export", fresh / "sessions" / "stockton-2021").returncode == 1


def test_an_honest_copy_verifies_and_the_audit_counts_it_once(shared: Shared) -> None:
    _, sb = pushed_three(shared)
    shutil.copytree(sb, sb.parent / "stockton-copy", ignore=shutil.ignore_patterns("*.lock"))
    git(shared.b, "add", "sessions/stockton-copy")
    git(shared.b, "commit", "-q", "-m", "a copy")
    assert cli("verify", sb.parent / "stockton-copy").returncode == 0
    doc = audit(shared.b)
    by_path = {s["path"]: s for s in doc["sessions"]}
    assert by_path["sessions/stockton"]["log_status"] == "intact"
    assert by_path["sessions/stockton-copy"]["log_status"].startswith("one record in two places")
    assert by_path["sessions/stockton-copy"]["same_record_as"] == "sessions/stockton"
    assert doc["figures"]["sessions_unreadable_or_broken"] == 1  # the second place is not counted again
    assert doc["format"] == "panel-tui/audit/5"


# --- finding 5: a log deleted in a commit ----------------------------------------------------------


def test_a_log_deleted_in_a_commit_is_named_everywhere(shared: Shared) -> None:
    _, sb = pushed_three(shared)
    git(shared.b, "rm", "-q", "sessions/stockton/decisions.toml", "sessions/stockton/framework.toml")
    gone = commit_as(shared.b, "Mallory", "clean up")
    assert statuses(shared.b)["sessions/stockton"].startswith(
        f"log deleted: sessions/stockton/decisions.toml was deleted in commit {gone[:10]}"
    )
    for args in (("log", sb), ("log", sb, "--json"), ("verify", sb)):
        r = cli(*args)
        assert r.returncode == 1 and f"deleted in commit {gone[:10]}" in r.stderr, args
    r = cli("attend", sb, "--chair", "X Chair", "--member", "M One", "--member", "M Two")
    assert r.returncode == 2 and f"git checkout {gone[:10]}^ -- sessions/stockton/decisions.toml" in r.stderr
    assert not (sb / "decisions.toml").exists()


def test_a_session_folder_removed_in_a_commit_is_listed_by_the_audit(shared: Shared) -> None:
    _, sb = pushed_three(shared)
    git(shared.b, "rm", "-q", "-r", "sessions/stockton")
    gone = commit_as(shared.b, "Mallory", "clean up")
    found = statuses(shared.b)
    assert found["sessions/stockton"].startswith(
        f"log deleted: sessions/stockton/decisions.toml was deleted in commit {gone[:10]}"
    )


# --- finding 14: a missing object, a sign-off tag on a tree ----------------------------------------


def test_a_missing_blob_is_history_unreadable_not_a_mode_change(shared: Shared) -> None:
    sb, _ = dropped_at_head(shared)
    # the version before the drop: not a cut of the working log, so its bytes can only come from git
    oid = git(shared.b, "rev-parse", "HEAD~1:sessions/stockton/decisions.toml")
    git(shared.b, "repack", "-q", "-a", "-d")
    git(shared.b, "prune-packed")
    pack = next((shared.b / ".git" / "objects" / "pack").glob("*.pack"))
    idx = pack.with_suffix(".idx")
    # take the object out: unpack everything but it
    objects = git(shared.b, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)").split()
    data = "\n".join(o for o in objects if o != oid) + "\n"
    import subprocess

    subprocess.run(
        ["git", "pack-objects", "-q", str(shared.b / ".git" / "objects" / "pack" / "keep")],
        input=data,
        text=True,
        cwd=shared.b,
        check=True,
        capture_output=True,
    )
    pack.unlink()
    idx.unlink()
    r = cli("verify", sb)
    assert r.returncode == 1 and f"history unreadable: object {oid}" in r.stderr and "mode" not in r.stderr
    assert statuses(shared.b)["sessions/stockton"].startswith("history unreadable")


def test_a_sign_off_tag_pointing_at_a_tree_fails_verify(shared: Shared) -> None:
    from tests.unit.test_gitstore import attend, complete_meeting

    sa = shared.session(shared.a)
    attend(sa)
    complete_meeting(sa)
    assert cli("sign-off", sa, "--by", "Ann Chair").returncode == 0
    assert cli("verify", sa).returncode == 0
    tag = "panel/sessions/stockton/sign-off-13"
    message = git(shared.a, "for-each-ref", "--format=%(contents)", f"refs/tags/{tag}")
    git(shared.a, "tag", "-d", tag)
    git(shared.a, "tag", "-a", "-m", message, tag, "HEAD^{tree}")
    r = cli("verify", sa)
    assert r.returncode == 1 and "a tree, not a commit" in r.stderr


def test_a_branch_from_before_the_log_with_a_forged_log_is_not_intact(shared: Shared) -> None:
    _, sb = pushed_three(shared)
    forged, rules = (sb / "decisions.toml").read_bytes(), (sb / "framework.toml").read_bytes()
    first = git(shared.b, "rev-list", "--max-parents=0", "HEAD")  # the inspection's commit: no log yet
    git(shared.b, "checkout", "-q", "-b", "review", first)
    (sb / "decisions.toml").write_bytes(forged)
    (sb / "framework.toml").write_bytes(rules)
    forge(sb / "decisions.toml", 2)
    r = cli("verify", sb)
    assert r.returncode == 1 and "history not checked (HEAD's history has no version of this log" in r.stderr
    assert "on main" in r.stderr and "intact" not in r.stdout


def test_the_audit_of_a_relative_folder_lists_each_deleted_log_once_by_its_relative_path(shared: Shared) -> None:
    import subprocess
    import sys

    _, sb = pushed_three(shared)
    git(shared.b, "rm", "-q", "sessions/stockton/decisions.toml")
    commit_as(shared.b, "Mallory", "clean up")
    r = subprocess.run(
        [sys.executable, "-m", "panel_tui", "audit", ".", "--json"], cwd=shared.b, capture_output=True, text=True
    )
    paths = [s["path"] for s in json.loads(r.stdout)["sessions"]]
    assert paths == ["sessions/stockton"], paths


def test_a_missing_kept_aside_blob_is_history_unreadable_not_a_dropped_entry(shared: Shared) -> None:
    import subprocess

    _, sb = pushed_three(shared)
    import tomli_w

    from tests.unit.test_gitstore import log_entries

    aside, entries = sb / "decisions.refused.toml", log_entries(sb)  # entries whose own hashes hold
    kept = [{"at": "2026-01-01T00:00:00Z", "reason": f"kept {i}", "entry": e} for i, e in enumerate(entries[:2])]
    aside.write_text(tomli_w.dumps({"refused": kept[:1]}))
    git(shared.b, "add", "sessions/stockton/decisions.refused.toml")
    commit_as(shared.b, "Office", "kept aside")
    assert statuses(shared.b)["sessions/stockton"] == "intact"
    aside.write_text(tomli_w.dumps({"refused": kept}))
    commit_as(shared.b, "Office", "kept aside again")
    oid = git(shared.b, "rev-parse", "HEAD~1:sessions/stockton/decisions.refused.toml")
    git(shared.b, "repack", "-q", "-a", "-d")
    objects = git(shared.b, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)").split()
    packs = list((shared.b / ".git" / "objects" / "pack").glob("pack-*"))
    subprocess.run(
        ["git", "pack-objects", "-q", str(shared.b / ".git" / "objects" / "pack" / "keep")],
        input="\n".join(o for o in objects if o != oid) + "\n",
        text=True,
        cwd=shared.b,
        check=True,
        capture_output=True,
    )
    for p in packs:
        p.unlink()
    status = statuses(shared.b)["sessions/stockton"]
    assert status.startswith("history unreadable") and f"object {oid} missing" in status, status


def test_whether_a_clone_is_whole_is_read_from_its_files_with_packed_refs_too(shared: Shared) -> None:
    from panel_tui.core.gitstore.trust import _plainly_whole, unchecked_reason

    _, sb = pushed_three(shared)
    git(shared.b, "pack-refs", "--all")
    assert not (shared.b / ".git" / "refs" / "heads" / "main").exists()
    assert _plainly_whole(shared.b) and unchecked_reason(sb) is None
    assert cli("verify", sb).returncode == 0
    git(shared.b, "checkout", "-q", "--orphan", "review")
    assert not _plainly_whole(shared.b)  # an unborn branch: asked of git, which names it
    assert "with no commit yet" in str(unchecked_reason(sb))
