"""Conflicts shown, not settled by who syncs second (issue 20): a replay keeps aside every local
entry about a standard the other office settled since the fork, and every sign-off, and says so."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from panel_tui.core import gitstore
from tests.unit.gitrepos import Shared, git, needs_git
from tests.unit.test_gitstore import attend, cli, complete_meeting, log_entries, record

pytestmark = needs_git

KEEP = "The panel kept the band on the evidence it read"
UPLIFT = "Practice seen in the cases was consistently strong on the whole"


def both_present(shared: Shared) -> tuple[Path, Path]:
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    attend(sa)
    assert cli("sync", sa).returncode == 0
    assert cli("sync", sb).returncode == 0
    return sa, sb


def aside(session: Path) -> list[dict]:
    return tomllib.loads((session / gitstore.REFUSED_FILE).read_text())["refused"]


def test_a_keep_replayed_after_the_other_offices_uplift_is_a_conflict_kept_aside(shared: Shared) -> None:
    sa, sb = both_present(shared)
    record(sa, "discretion", standard="2.1", to="Outstanding", rationale=UPLIFT, by="Bob Member")
    assert cli("sync", sa).returncode == 0
    mine = record(sb, "declined", standard="2.1", reason=KEEP, by="Ann Chair")
    r = cli("sync", sb)
    assert r.returncode == 2 and "diverged" in r.stderr  # without --replay: nothing settled
    r = cli("sync", sb, "--replay")
    assert r.returncode == 0, r.stderr
    assert (
        "conflict on 2.1: here kept Good by Ann Chair; there moved to Outstanding by Bob Member (entry 2)" in r.stderr
    )
    entries = log_entries(sb)
    assert len(entries) == 2 and entries[-1]["to"] == "Outstanding"  # the keep did not supersede it silently
    kept = aside(sb)
    assert kept[0]["entry"] == mine and kept[0]["reason"].startswith("conflict on 2.1")
    assert cli("verify", sb).returncode == 0
    # the other office hears of it on its next sync
    r = cli("sync", sa)
    assert r.returncode == 0 and "kept aside" in r.stderr and "2.1" in r.stderr
    r = cli("verify", sa)
    assert r.returncode == 0 and "1 entry kept aside in decisions.refused.toml" in r.stdout
    doc = json.loads(cli("log", sa, "--json").stdout)
    assert doc["format"] == "panel-tui/log/3" and doc["kept_aside"][0]["entry"] == mine
    assert doc["kept_aside"][0]["intact"] is True
    assert "⚑ entry 2 declined 2.1" in cli("log", sa).stdout
    # the chair settles it knowingly, on the merged log
    assert cli("decline", sb, "--standard", "2.1", "--reason", KEEP, "--by", "Ann Chair").returncode == 0
    # a kept-aside entry changed afterwards is named, entry by entry
    aside_file = sb / gitstore.REFUSED_FILE
    aside_file.write_text(aside_file.read_text().replace(KEEP, "The panel never read the evidence at all"))
    r = cli("verify", sb)
    assert r.returncode == 1 and "changed after being kept aside" in r.stderr


def test_the_same_the_other_way_round_is_the_same_conflict(shared: Shared) -> None:
    sa, sb = both_present(shared)
    record(sb, "declined", standard="2.1", reason=KEEP, by="Ann Chair")
    assert cli("sync", sb).returncode == 0
    mine = record(sa, "discretion", standard="2.1", to="Outstanding", rationale=UPLIFT, by="Bob Member")
    r = cli("sync", sa, "--replay")
    assert r.returncode == 0, r.stderr
    assert "conflict on 2.1: here moved to Outstanding by Bob Member; there kept Good by Ann Chair" in r.stderr
    assert aside(sa)[0]["entry"] == mine
    assert log_entries(sa)[-1]["kind"] == "declined"


def test_a_sign_off_is_never_replayed_and_its_tag_is_never_pushed(shared: Shared) -> None:
    sa, sb = both_present(shared)
    complete_meeting(sa)
    assert cli("sync", sa).returncode == 0
    assert cli("sync", sb).returncode == 0
    record(sa, "dissent", member="Bob Member", reason="Bob disagrees with the rating of 2.2", by="Bob Member")
    assert cli("sync", sa).returncode == 0
    r = cli("sign-off", sb, "--by", "Ann Chair")
    assert r.returncode == 0 and "tagged" in r.stdout
    r = cli("sync", sb, "--replay")
    assert r.returncode == 0, r.stderr
    assert "a sign-off is never replayed" in r.stderr and "removed the local tag" in r.stderr
    assert log_entries(sb)[-1]["kind"] == "dissent"
    assert git(shared.b, "tag", "--list", "panel/*") == ""
    assert git(shared.remote, "tag", "--list") == ""
    assert cli("verify", sb).returncode == 0
    # the chair signs off again on the merged log, and that tag is pushed with it
    assert cli("sign-off", sb, "--by", "Ann Chair").returncode == 0
    assert cli("sync", sb).returncode == 0
    assert git(shared.remote, "tag", "--list") == f"panel/sessions/stockton/sign-off-{len(log_entries(sb))}"


def test_verify_names_a_sign_off_tag_that_names_no_sign_off(shared: Shared) -> None:
    sa, _ = both_present(shared)
    git(
        shared.a,
        "tag",
        "-a",
        "-m",
        "sessions/stockton: sign-off at entry 1 by Mallory\n\nhead " + "ab" * 32,
        "panel/sessions/stockton/sign-off-1",
    )
    r = cli("verify", sa)
    assert r.returncode == 1 and "tag panel/sessions/stockton/sign-off-1 names a sign-off (entry 1" in r.stderr


def test_a_decision_over_a_withdrawn_proposal_replays_with_its_answer_worked_out_afresh(shared: Shared) -> None:
    sa, sb = both_present(shared)
    proposal = record(sa, "proposal", standard="2.2", to="Good", rationale=UPLIFT, by="Ann Chair")
    assert cli("sync", sa).returncode == 0
    assert cli("sync", sb).returncode == 0
    record(sa, "retraction", retracts=proposal["seq"], reason="The lead withdrew the proposal", by="Ann Chair")
    assert cli("sync", sa).returncode == 0
    mine = record(sb, "discretion", standard="2.2", to="Good", rationale=UPLIFT, by="Cat Member")
    assert mine.get("answers") == proposal["seq"]
    r = cli("sync", sb, "--replay")
    assert r.returncode == 0, r.stderr
    again = log_entries(sb)[-1]
    assert again["replayed_from"] == mine["hash"] and "answers" not in again
    assert not (sb / gitstore.REFUSED_FILE).exists()


def test_every_export_carries_the_entries_kept_aside(shared: Shared) -> None:
    sa, sb = both_present(shared)
    record(sa, "discretion", standard="2.1", to="Outstanding", rationale=UPLIFT, by="Bob Member")
    assert cli("sync", sa).returncode == 0
    record(sb, "declined", standard="2.1", reason=KEEP, by="Ann Chair")
    assert cli("sync", sb, "--replay").returncode == 0
    for fmt in ("md", "html", "csv"):
        r = cli("export", sb, "--format", fmt)
        assert r.returncode == 0, r.stderr
        assert "conflict on 2.1" in r.stdout and "kept the band on the evidence" in r.stdout, fmt
    assert "Entries kept aside for the panel" in cli("export", sb, "--format", "md").stdout
