"""Attacks an independent tester found on shared history (issue 20, second round): a log swapped
for a submodule or a link, a kept-aside file edited with its hash recomputed or deleted, a merge
with a dummy branch "keeping aside" another office's decisions without cause."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w

from panel_tui.core import gitstore
from panel_tui.core.log.chain import canonical_hash, render_log
from tests.unit.gitrepos import Shared, git, needs_git
from tests.unit.test_gitstore import cli, log_entries
from tests.unit.test_history_attacks import commit_as, pushed_three

pytestmark = needs_git

LOG = "sessions/stockton/decisions.toml"
ASIDE = "sessions/stockton/decisions.refused.toml"


def forge(path: Path, keep: int) -> None:
    """The log cut to its first ``keep`` entries, the chain recomputed (valid on its own)."""
    doc = tomllib.loads(path.read_text())
    path.write_bytes(render_log(doc["log"], doc["entry"][:keep]))


def fresh_clone(shared: Shared, name: str = "fresh") -> Path:
    clone = shared.remote.parent / name
    git(shared.remote.parent, "clone", "-q", str(shared.remote), str(clone))
    return clone / "sessions" / "stockton"


def test_a_log_swapped_for_a_submodule_and_back_forged_is_named(shared: Shared) -> None:
    sa, sb = pushed_three(shared)
    head = git(shared.b, "rev-parse", "HEAD")
    git(shared.b, "rm", "-q", "--cached", LOG)
    git(shared.b, "update-index", "--add", "--cacheinfo", f"160000,{head},{LOG}")
    git(shared.b, "commit", "-q", "-m", "tidy")
    git(shared.b, "rm", "-q", "--cached", LOG)
    forge(sb / "decisions.toml", 2)
    git(shared.b, "add", LOG)
    git(shared.b, "commit", "-q", "-m", "tidy 2")
    git(shared.b, "push", "-q", "origin", "main")
    r = cli("sync", sa)
    assert r.returncode == 2 and "a submodule, not a file" in r.stderr and "drops entry 3" in r.stderr, r.stderr
    r = cli("verify", fresh_clone(shared))
    assert r.returncode == 1 and "a submodule, not a file" in r.stderr and "drops entry 3" in r.stderr


def test_a_log_committed_as_a_symbolic_link_is_refused_everywhere(shared: Shared) -> None:
    sa, sb = pushed_three(shared)
    evil = shared.b / "evil"
    evil.mkdir()
    (evil / "x.toml").write_bytes((sb / "decisions.toml").read_bytes())
    forge(evil / "x.toml", 2)
    (sb / "decisions.toml").unlink()
    (sb / "decisions.toml").symlink_to("../../evil/x.toml")
    git(shared.b, "add", "-A")
    git(shared.b, "commit", "-q", "-m", "link")
    git(shared.b, "push", "-q", "origin", "main")
    assert cli("sync", sa).returncode == 2
    for session in (sb, fresh_clone(shared)):
        r = cli("verify", session)
        assert r.returncode == 1 and "symbolic link" in r.stderr, r.stdout + r.stderr


def conflicted(shared: Shared) -> tuple[Path, Path]:
    """Office A uplifts 2.1 and pushes; B keeps it offline and replays: B's keep is kept aside."""
    from tests.unit.test_gitstore import record

    sa, sb = shared.session(shared.a), shared.session(shared.b)
    from tests.unit.test_gitstore import attend

    attend(sa)
    assert cli("sync", sa).returncode == 0 and cli("sync", sb).returncode == 0
    record(
        sa,
        "discretion",
        standard="2.1",
        to="Outstanding",
        by="Bob Member",
        rationale="Practice seen in the cases was consistently strong on the whole",
    )
    assert cli("sync", sa).returncode == 0
    record(sb, "declined", standard="2.1", reason="The panel kept the band on the evidence it read", by="Ann Chair")
    assert cli("sync", sb, "--replay").returncode == 0
    return sa, sb


def test_a_kept_aside_entry_edited_with_its_hash_recomputed_is_named(shared: Shared) -> None:
    sa, sb = conflicted(shared)
    path = sb / gitstore.REFUSED_FILE
    doc = tomllib.loads(path.read_text())
    e = doc["refused"][0]["entry"]
    e["reason"] = "A reason the chair never gave at all"
    e.pop("hash")
    e["hash"] = canonical_hash(e)
    doc["refused"][0]["reason"] = "withdrawn by its author"
    path.write_text(tomli_w.dumps(doc))
    commit_as(shared.b, "Mallory", "tidy")
    git(shared.b, "push", "-q", "origin", "main")
    r = cli("sync", sa)
    assert r.returncode == 2 and "changes or drops kept-aside entry 1" in r.stderr, r.stderr
    r = cli("verify", sb)
    assert r.returncode == 1 and "changes or drops kept-aside entry 1" in r.stderr


def test_deleting_the_kept_aside_file_is_named(shared: Shared) -> None:
    sa, sb = conflicted(shared)
    git(shared.b, "rm", "-q", ASIDE)
    git(shared.b, "commit", "-q", "-m", "cleanup")
    git(shared.b, "push", "-q", "origin", "main")
    r = cli("sync", sa)
    assert r.returncode == 2 and "deletes decisions.refused.toml (1 entries kept aside)" in r.stderr, r.stderr
    r = cli("verify", fresh_clone(shared))
    assert r.returncode == 1 and "deletes decisions.refused.toml" in r.stderr


def test_a_merge_keeping_aside_a_decision_without_cause_is_a_drop_in_sync_and_verify(shared: Shared) -> None:
    """A dummy side branch and `merge -s ours`: the merge 'keeps aside' entries 2-3 with an invented
    reason. Nothing on the other side settled them, so it dropped them; sync and verify agree."""
    sa, sb = pushed_three(shared)
    full = tomllib.loads((sb / "decisions.toml").read_text())["entry"]
    git(shared.b, "checkout", "-q", "-b", "dummy", "HEAD~2")
    git(shared.b, "commit", "-q", "--allow-empty", "-m", "dummy")
    git(shared.b, "checkout", "-q", "main")
    git(shared.b, "merge", "-q", "--no-ff", "-s", "ours", "dummy", "-m", "sync: replay")
    forge(sb / "decisions.toml", 1)
    items = [
        {
            "at": "2026-12-02T15:00:00Z",
            "reason": "conflict on 2.1: settled by the other office",
            "replayed_onto": "0" * 64,
            "entry": e,
        }
        for e in full[1:]
    ]
    (sb / gitstore.REFUSED_FILE).write_text(tomli_w.dumps({"refused": items}))
    git(shared.b, "add", "sessions")
    git(shared.b, "commit", "-q", "--amend", "--no-edit")
    git(shared.b, "push", "-q", "origin", "main")
    r = cli("sync", sa)
    assert r.returncode == 2 and "drops entries 2-3" in r.stderr, r.stderr
    assert len(log_entries(sa)) == 3
    r = cli("verify", fresh_clone(shared))
    assert r.returncode == 1 and "drops entries 2-3" in r.stderr


def test_a_genuine_replay_keeping_a_conflict_aside_still_verifies_in_a_fresh_clone(shared: Shared) -> None:
    sa, sb = conflicted(shared)
    assert cli("sync", sa).returncode == 0
    for session in (sa, sb, fresh_clone(shared)):
        r = cli("verify", session)
        assert r.returncode == 0 and "1 entry kept aside" in r.stdout, r.stderr


def test_a_sign_off_tag_moved_to_another_commit_is_named(shared: Shared) -> None:
    from tests.unit.test_gitstore import attend, complete_meeting

    sa = shared.session(shared.a)
    attend(sa)
    complete_meeting(sa)
    assert cli("sign-off", sa, "--by", "Ann Chair").returncode == 0
    tag = git(shared.a, "tag", "--list", "panel/*")
    message = git(shared.a, "for-each-ref", "--format=%(contents)", f"refs/tags/{tag}")
    assert cli("verify", sa).returncode == 0
    first = git(shared.a, "rev-list", "--max-parents=0", "HEAD")
    git(shared.a, "tag", "-f", "-a", "-m", message, tag, first)
    r = cli("verify", sa)
    assert r.returncode == 1 and "points at a commit whose log does not hold that sign-off" in r.stderr


def test_a_committed_gitattributes_does_not_break_a_fresh_clone(shared: Shared) -> None:
    """A fresh clone is checked out before panel-tui first runs there: the conversion is undone
    (only where it is the whole difference) and said, instead of a false 'inspection changed'."""
    sa, sb = pushed_three(shared)
    (shared.b / ".gitattributes").write_text("* text eol=crlf\n")
    git(shared.b, "add", ".gitattributes")
    git(shared.b, "commit", "-q", "-m", "eol")
    git(shared.b, "push", "-q", "origin", "main")
    fresh = fresh_clone(shared)
    assert b"\r\n" in (fresh / "decisions.toml").read_bytes()  # git converted it on checkout
    r = cli("verify", fresh)
    assert r.returncode == 0, r.stderr
    assert "restored the committed bytes of sessions/stockton/decisions.toml" in r.stdout
    assert b"\r\n" not in (fresh / "decisions.toml").read_bytes()
    r = cli("audit", fresh_clone(shared, "fresh2"), "--json")
    assert r.returncode == 0 and '"log_status": "intact' in r.stdout


def test_a_session_folder_moved_in_git_keeps_its_history(shared: Shared) -> None:
    """An honest move syncs and verifies everywhere; a move that also drops an entry is named by
    sync and by verify in a fresh clone (the new path's history no longer starts clean)."""
    sa, sb = pushed_three(shared)
    git(shared.b, "mv", "sessions/stockton", "sessions/stockton-2026")
    git(shared.b, "commit", "-q", "-m", "rename the session")
    git(shared.b, "push", "-q", "origin", "main")
    assert cli("sync", sa).returncode == 0
    moved = shared.a / "sessions" / "stockton-2026"
    assert cli("verify", moved).returncode == 0
    git(shared.b, "mv", "sessions/stockton-2026", "sessions/stockton-b")
    forge(shared.b / "sessions" / "stockton-b" / "decisions.toml", 2)
    git(shared.b, "add", "-A")
    git(shared.b, "commit", "-q", "-m", "rename again")
    git(shared.b, "push", "-q", "origin", "main")
    r = cli("sync", moved)
    assert r.returncode == 2 and "drops entry 3" in r.stderr, r.stderr
    clone = shared.remote.parent / "fresh"
    git(shared.remote.parent, "clone", "-q", str(shared.remote), str(clone))
    r = cli("verify", clone / "sessions" / "stockton-b")
    assert r.returncode == 1 and "drops entry 3" in r.stderr, r.stdout + r.stderr


def test_the_fault_is_named_by_content_when_a_forger_recomputes_every_hash() -> None:
    """Issue 23: 'reorders entries (entry 9 is now at position 9)' was said of an entry whose text
    was changed; drops, changes and reorders are told apart by what the entries say."""
    from panel_tui.core.gitstore import LogVersion, extension_problem

    header = {"format": "x"}
    e = [
        {"seq": i, "kind": "dissent", "member": "A", "reason": f"reason {i}", "prev": f"p{i}", "hash": f"h{i}"}
        for i in range(1, 5)
    ]

    def chained(entries: list[dict]) -> list[dict]:  # a forger's chain: seq, prev and hash recomputed after 1
        return [entries[0]] + [{**x, "seq": i, "prev": f"q{i}", "hash": f"g{i}"} for i, x in enumerate(entries[1:], 2)]

    old = LogVersion(header, e)
    assert (
        extension_problem(old, LogVersion(header, chained([e[0], e[2], e[1], e[3]])))
        == "reorders entries (entry 2 is now at position 3)"
    )
    changed = chained([e[0], {**e[1], "reason": "a reason never given"}, e[2], e[3]])
    assert extension_problem(old, LogVersion(header, changed)).startswith("changes entry 2 (was: entry 2 dissent")
    assert extension_problem(old, LogVersion(header, chained([e[0], e[2], e[3]]))).startswith(
        "drops entry 2 (entry 3 follows entry 1 directly"
    )
    assert extension_problem(old, LogVersion(header, chained(e))).startswith("re-chains entry 2")


def test_the_audit_shows_kept_aside_entries_and_accepted_rewrites(shared: Shared) -> None:
    import json

    sa, sb = conflicted(shared)
    sha = git(shared.b, "rev-parse", "HEAD")
    (shared.b / gitstore.ACCEPTED_FILE).write_text(
        f'[[rewrite]]\npath = "{LOG}"\ncommit = "{"0" * 40}"\nreason = "nothing: accepts no commit here"\n'
    )
    r = cli("audit", shared.b, "--json")
    assert r.returncode == 0, r.stderr
    row = next(s for s in json.loads(r.stdout)["sessions"] if s["path"].endswith("stockton"))
    assert row["kept_aside"] == 1 and row["accepted_rewrites"] == [] and row["log_status"] == "intact"
    text = (sb / "decisions.toml").read_text()
    (sb / "decisions.toml").write_text(text[: text.rindex("\n[[entry]]\n")])
    drop = commit_as(shared.b, "Mallory", "drop")
    (shared.b / gitstore.ACCEPTED_FILE).write_text(
        f'[[rewrite]]\npath = "{LOG}"\ncommit = "{drop}"\nreason = "the panel agreed to withdraw it"\n'
    )
    git(shared.b, "add", gitstore.ACCEPTED_FILE)
    git(shared.b, "commit", "-q", "-m", "accept")
    row = next(
        s for s in json.loads(cli("audit", shared.b, "--json").stdout)["sessions"] if s["path"].endswith("stockton")
    )
    assert row["accepted_rewrites"] == [f"{drop[:10]}: the panel agreed to withdraw it"], (row, sha)


def test_rate_and_export_of_a_rewritten_history_say_so_first(shared: Shared) -> None:
    """Issue 23: a log whose history was rewritten (a dissent dropped, the chain re-hashed so the
    file verifies on its own) was rated and exported with no word."""
    sa, sb = pushed_three(shared)
    forge(sa / "decisions.toml", 2)
    commit_as(shared.a, "Mallory", "tidy")
    r = cli("rate", sa)
    assert r.returncode == 1 and r.stderr.startswith("panel-tui: warning: history rewritten")
    r = cli("export", sa, "--format", "md")
    assert r.returncode == 1 and "not exported" in r.stderr and r.stdout == ""
    r = cli("export", sa, "--format", "md", "--even-if-broken")
    assert r.returncode == 0 and r.stdout.startswith("> **WARNING: this record comes from a log whose history")
    assert cli("rate", sb).returncode == 0  # the other office's clone is untouched
