"""Dismissing an entry kept aside (issue 20 item 4): "from which the chair re-records one or
dismisses it; a dismissal is an entry".

A ``dismissal`` (decision log format 3 only) names an entry a ``sync --replay`` kept aside in
``decisions.refused.toml`` by its hash (``kept_aside``), with a ``reason`` and a ``by`` who is present.
The hash must be a kept-aside entry whose own hash verifies; an entry is dismissed once while a
dismissal stands, and a retracted dismissal leaves it pending again. ``log``, ``log --json``
(``dismissed_by``), ``verify``, the exports and the audit (``kept_aside`` pending,
``kept_aside_dismissed``) say which are dismissed.

The golden bytes of a format-3 log with dismissals are ``tests/unit/golden/log-v3-dismissal.toml``, its
tables (and the two kept-aside entries) ``inputs-v3-dismissal.json``, and the kept-aside file they
name ``log-v3-dismissal.refused.toml``: made once on 3 Dec 2026 with ``render_log`` (checked equal to
tomli-w 1.x's rendering and read back by tomllib) on Stockton's real ``[log]`` table: attendance, a
dismissal (text with a tab, quotes and an emoji), its retraction, a replayed dismissal with
``decided_at``, and the first entry dismissed again. Never regenerated.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from panel_tui.cli import main
from panel_tui.core import gitstore
from panel_tui.core.errors import RuleRefused
from panel_tui.core.inspection import load_inspection
from panel_tui.core.kept_aside import KeptAside, resolve_kept_aside
from panel_tui.core.log import append_entry, canonical_hash, read_state
from panel_tui.core.log.chain import _render, ordered_entry, render_entry, render_header, render_log
from panel_tui.core.log.entries import ALL_KINDS, DISMISSAL, KINDS, entry_line
from panel_tui.core.log.schema import ShapeError, check_entry
from tests.unit.gitrepos import Shared, git, needs_git
from tests.unit.test_gitstore import cli, log_entries
from tests.unit.test_history_attacks import commit_as
from tests.unit.test_sync_conflicts import KEEP, UPLIFT, both_present, record

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "unit" / "golden"
JS = ROOT / "tests" / "js"
CASE: dict[str, Any] = json.loads((GOLDEN / "inputs-v3-dismissal.json").read_text(encoding="utf-8"))["log-v3-dismissal"]
WHY = "The panel read both entries and the uplift stands"
AGAIN = "Dismissed too soon; the panel looks at it again"


@pytest.fixture(autouse=True)
def no_identity_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test says who enters; none inherits the shell's PANEL_TUI_ENTERED_BY."""
    monkeypatch.delenv("PANEL_TUI_ENTERED_BY", raising=False)


def conflict(shared: Shared) -> tuple[Path, Path, dict[str, Any]]:
    """A real kept-aside conflict: A moves 2.1 up and syncs; B keeps it and replays (its keep kept
    aside). Returns A's session, B's session and the entry kept aside in B."""
    sa, sb = both_present(shared)
    record(sa, "discretion", standard="2.1", to="Outstanding", rationale=UPLIFT, by="Bob Member")
    assert cli("sync", sa).returncode == 0
    mine = record(sb, "declined", standard="2.1", reason=KEEP, by="Ann Chair")
    r = cli("sync", sb, "--replay")
    assert r.returncode == 0, r.stderr
    aside = tomllib.loads((sb / gitstore.REFUSED_FILE).read_text())["refused"]
    assert [x["entry"] for x in aside] == [mine]
    return sa, sb, mine


def log_json(session: Path) -> dict[str, Any]:
    r = cli("log", session, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def audit_row(clone: Path) -> dict[str, Any]:
    r = cli("audit", clone, "--json")
    assert r.returncode == 0, r.stderr
    return next(s for s in json.loads(r.stdout)["sessions"] if s["path"].endswith("stockton"))


# --- the CLI on a real conflict, and every view -----------------------------------------------------


@needs_git
def test_a_kept_aside_conflict_dismissed_through_the_cli_shows_in_every_view(shared: Shared, tmp_path: Path) -> None:
    _, sb, mine = conflict(shared)
    h = str(mine["hash"])
    assert audit_row(shared.b)["kept_aside"] == 1 and audit_row(shared.b)["kept_aside_dismissed"] == 0
    assert "1 entry kept aside in decisions.refused.toml, 0 dismissed; 1 for the panel" in cli("verify", sb).stdout
    head = log_json(sb)["head"]
    r = cli(
        "dismiss",
        sb,
        "--kept-aside",
        h[:12].upper(),
        "--reason",
        WHY,
        "--by",
        "Cat Member",
        "--entered-by",
        "Sam Lee",
        "--expect-head",
        head,
    )
    assert r.returncode == 0, r.stderr
    seq = len(log_entries(sb))
    assert f"recorded entry {seq} (dismissal)" in r.stdout and "committed" in r.stdout
    e = log_entries(sb)[-1]
    assert (e["kind"], e["kept_aside"], e["reason"], e["by"], e["entered_by"]) == (
        "dismissal",
        h,
        WHY,
        "Cat Member",
        "Sam Lee",
    )
    assert git(shared.b, "log", "-1", "--format=%an %s") == (
        f"Cat Member sessions/stockton: entry {seq} dismissal of kept-aside {h[:12]}"
    )
    # log: the list of kept-aside entries says who dismissed it, in which entry, and why
    text = cli("log", sb, env={**os.environ, "COLUMNS": "300"}).stdout
    assert "(0 for the panel to settle, 1 dismissed)" in text
    assert "✓ entry 2 declined 2.1" in text
    assert f"dismissed by Cat Member (entry {seq}; entered by Sam Lee for Cat Member): {WHY}" in text
    assert f"dismisses kept-aside {h[:12]}" in text  # the entry itself in the table
    doc = log_json(sb)
    assert doc["format"] == "panel-tui/log/3" and doc["kept_aside"][0]["dismissed_by"] == seq
    assert doc["entries"][-1]["kept_aside"] == h and doc["verified"] is True
    # verify: intact, the note counts them
    r = cli("verify", sb)
    assert r.returncode == 0, r.stderr
    assert "1 entry kept aside in decisions.refused.toml, 1 dismissed" in r.stdout and "for the panel" not in r.stdout
    # the exports, in every format
    for fmt in ("md", "html", "csv"):
        r = cli("export", sb, "--format", fmt)
        assert r.returncode == 0, r.stderr
        assert f"dismissed by Cat Member (entry {seq}" in r.stdout and WHY in r.stdout, fmt
    rows = list(csv.DictReader(io.StringIO(cli("export", sb, "--format", "csv").stdout)))
    aside_row = next(x for x in rows if x["row"] == "kept-aside")
    assert aside_row["status"].startswith("kept aside: conflict on 2.1") and f"(entry {seq}," in aside_row["status"]
    entry_row = next(x for x in rows if x["row"] == "entry" and x["seq"] == str(seq))
    assert entry_row["decision"] == "Dismissed an entry kept aside" and entry_row["text"] == WHY
    # the audit: no longer pending, counted as dismissed (json and sessions.csv)
    row = audit_row(shared.b)
    assert (row["kept_aside"], row["kept_aside_dismissed"], row["log_status"]) == (0, 1, "intact")
    assert cli("audit", shared.b, "--csv", tmp_path / "out").returncode == 0
    sessions = list(csv.DictReader((tmp_path / "out" / "sessions.csv").open(encoding="utf-8-sig")))
    mine_row = next(s for s in sessions if s["path"].endswith("stockton"))
    assert (mine_row["kept_aside"], mine_row["kept_aside_dismissed"]) == ("0", "1")


@needs_git
def test_refusals_on_a_real_conflict(shared: Shared) -> None:
    _, sb, mine = conflict(shared)
    h = str(mine["hash"])
    before = (sb / "decisions.toml").read_bytes()
    # unknown hash: refused, listing the entries kept aside
    r = cli("dismiss", sb, "--kept-aside", "0" * 12, "--reason", WHY, "--by", "Ann Chair")
    assert (
        r.returncode == 2
        and "no entry kept aside in decisions.refused.toml has a hash starting 000000000000" in r.stderr
        and h in r.stderr
        and "entry 2 declined 2.1" in r.stderr
    ), r.stderr
    # too short a prefix, or not hex
    for bad in (h[:11], "not-a-hash-at-all"):
        r = cli("dismiss", sb, "--kept-aside", bad, "--reason", WHY, "--by", "Ann Chair")
        assert r.returncode == 2 and "at least its first 12 hex digits" in r.stderr and h in r.stderr, r.stderr
    # by someone not present
    r = cli("dismiss", sb, "--kept-aside", h, "--reason", WHY, "--by", "Dan Nobody")
    assert r.returncode == 2 and "'Dan Nobody' is not recorded as present" in r.stderr, r.stderr
    # a reason that is no reason
    r = cli("dismiss", sb, "--kept-aside", h, "--reason", "n/a", "--by", "Ann Chair")
    assert r.returncode == 2 and "placeholder" in r.stderr, r.stderr
    assert (sb / "decisions.toml").read_bytes() == before  # nothing was written
    # once is allowed; twice is not
    assert cli("dismiss", sb, "--kept-aside", h, "--reason", WHY, "--by", "Ann Chair").returncode == 0
    seq = len(log_entries(sb))
    r = cli("dismiss", sb, "--kept-aside", h[:16], "--reason", WHY, "--by", "Bob Member")
    assert r.returncode == 2 and f"already dismissed by entry {seq}" in r.stderr, r.stderr
    assert len(log_entries(sb)) == seq


@needs_git
def test_a_retracted_dismissal_leaves_the_entry_pending_again(shared: Shared) -> None:
    _, sb, mine = conflict(shared)
    h = str(mine["hash"])
    assert cli("dismiss", sb, "--kept-aside", h[:12], "--reason", WHY, "--by", "Ann Chair").returncode == 0
    seq = len(log_entries(sb))
    r = cli("retract", sb, "--seq", seq, "--reason", AGAIN, "--by", "Ann Chair")
    assert r.returncode == 0, r.stderr
    doc = log_json(sb)
    assert doc["kept_aside"][0]["dismissed_by"] is None
    assert "1 entry kept aside in decisions.refused.toml, 0 dismissed" in cli("verify", sb).stdout
    assert "(1 for the panel to settle, 0 dismissed)" in cli("log", sb).stdout
    assert (audit_row(shared.b)["kept_aside"], audit_row(shared.b)["kept_aside_dismissed"]) == (1, 0)
    assert "— now pending" in cli("export", sb, "--format", "md").stdout
    # pending again: it may be dismissed again
    r = cli("dismiss", sb, "--kept-aside", h[:12], "--reason", WHY, "--by", "Bob Member")
    assert r.returncode == 0, r.stderr
    assert log_json(sb)["kept_aside"][0]["dismissed_by"] == seq + 2
    assert cli("verify", sb).returncode == 0


@needs_git
def test_a_commit_that_removes_the_dismissed_entry_from_the_kept_aside_file_is_named(shared: Shared) -> None:
    _, sb, mine = conflict(shared)
    assert (
        cli("dismiss", sb, "--kept-aside", str(mine["hash"])[:12], "--reason", WHY, "--by", "Ann Chair").returncode == 0
    )
    seq = len(log_entries(sb))
    path = sb / gitstore.REFUSED_FILE
    path.write_text("# nothing was ever kept aside here\n")
    bad = commit_as(shared.b, "Mallory", "tidy the kept-aside file")
    r = cli("verify", sb)
    assert r.returncode == 1
    assert f"commit {bad[:10]} by Mallory" in r.stderr and "drops kept-aside entry 1" in r.stderr, r.stderr
    # and the log itself no longer verifies: its dismissal names no entry kept aside
    assert f"entry {seq}: breaks the log's rules: there is no entry kept aside in decisions.refused.toml" in r.stderr


@needs_git
def test_a_dismissal_arriving_with_its_kept_aside_file_is_adopted_by_sync(shared: Shared) -> None:
    sa, sb, mine = conflict(shared)  # A has not synced since B's replay: the kept-aside file is new to it
    assert (
        cli("dismiss", sb, "--kept-aside", str(mine["hash"])[:12], "--reason", WHY, "--by", "Ann Chair").returncode == 0
    )
    assert cli("sync", sb).returncode == 0
    r = cli("sync", sa)
    assert r.returncode == 0, r.stderr
    assert log_json(sa)["kept_aside"][0]["dismissed_by"] == len(log_entries(sb))


@needs_git
def test_both_offices_dismissing_the_same_entry_replays_and_verifies(shared: Shared) -> None:
    sa, sb, mine = conflict(shared)
    h = str(mine["hash"])[:12]
    assert cli("sync", sa).returncode == 0  # A has the kept-aside file
    assert cli("dismiss", sa, "--kept-aside", h, "--reason", WHY, "--by", "Ann Chair").returncode == 0
    assert cli("sync", sa).returncode == 0
    assert cli("dismiss", sb, "--kept-aside", h, "--reason", AGAIN, "--by", "Bob Member").returncode == 0
    r = cli("sync", sb, "--replay")
    assert r.returncode == 0 and "conflict on the kept-aside entry" in r.stderr, r.stderr
    r = cli("verify", sb)
    assert r.returncode == 0, r.stderr


# --- refusals without git: the format, the sign-off, the hash, the prefix ---------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def kept_aside_file(session: Path, entries: list[dict[str, Any]]) -> None:
    """A kept-aside file as a replay writes it, holding these entries (each with its own hash)."""
    tomli_w = pytest.importorskip("tomli_w")
    items = [
        {
            "at": "2026-12-02T16:00:00Z",
            "reason": "conflict on 2.1: kept aside for the test",
            "replayed_onto": "2" * 64,
            "entry": e,
        }
        for e in entries
    ]
    (session / gitstore.REFUSED_FILE).write_text(tomli_w.dumps({"refused": items}), encoding="utf-8")


def kept(kind: str = "dissent", **fields: Any) -> dict[str, Any]:
    e = {
        "seq": 2,
        "at": "2026-12-02T14:00:00Z",
        "kind": kind,
        "member": "Bob Member",
        "reason": "Bob disagrees with the rating of 2.1",
        "by": "Bob Member",
        "entered_by": "Bob Member",
        "prev": "1" * 64,
        **fields,
    }
    e["hash"] = canonical_hash(e)
    return e


def present(session: Path) -> None:
    append_entry(
        session,
        load_inspection(session),
        "attendance",
        {"chair": "Ann Chair", "members": ["Bob Member", "Cat Member"], "by": "Ann Chair", "entered_by": "Ann Chair"},
    )


def test_a_format_2_log_refuses_a_dismissal(stockton_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    e = kept()
    kept_aside_file(stockton_copy, [e])
    before = (stockton_copy / "decisions.toml").read_bytes()
    code, _, err = run(
        capsys, "dismiss", stockton_copy, "--kept-aside", e["hash"][:12], "--reason", WHY, "--by", "Ann Chair"
    )
    assert code == 2 and "a dismissal is an entry of decision-log format 3" in err and "decisions/2" in err, err
    assert (stockton_copy / "decisions.toml").read_bytes() == before
    # and one put there by hand is no writer's: refused as its shape, before any rule
    log = stockton_copy / "decisions.toml"
    entries = tomllib.loads(log.read_text(encoding="utf-8"))["entry"]
    forged = {
        "seq": len(entries) + 1,
        "at": "2026-12-03T10:00:00Z",
        "kind": "dismissal",
        "kept_aside": e["hash"],
        "reason": WHY,
        "by": "Ann Chair",
        "prev": entries[-1]["hash"],
    }
    forged["hash"] = canonical_hash(forged)
    log.write_bytes(before + b"\n" + render_entry(forged))
    code, _, err = run(capsys, "verify", stockton_copy)
    assert code == 1 and "a 'dismissal' entry is a kind of format 3" in err and "No writer of panel-tui" in err, err


def test_after_sign_off_only_a_reopen(stockton_fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = stockton_fresh
    e = kept()
    kept_aside_file(s, [e])
    present(s)
    insp = load_inspection(s)
    who = {"by": "Ann Chair", "entered_by": "Ann Chair"}
    for sid in ("1.1", "1.2", "1.3", "1.4"):
        append_entry(s, insp, "ratification", {"standard": sid, **who})
    append_entry(s, insp, "discretion", {"standard": "2.2", "to": "Good", "rationale": UPLIFT, **who})
    for sid in ("2.1", "2.4", "3.1", "3.2", "3.3", "3.4"):
        append_entry(s, insp, "declined", {"standard": sid, "reason": KEEP, **who})
    append_entry(s, insp, "sign-off", who)
    code, _, err = run(capsys, "dismiss", s, "--kept-aside", e["hash"][:12], "--reason", WHY, "--by", "Ann Chair")
    assert code == 2 and "signed off at entry 13" in err and "only 'reopen'" in err, err
    code, _, err = run(capsys, "reopen", s, "--reason", "The panel meets again about it", "--by", "Ann Chair")
    assert code == 0, err
    code, out, err = run(capsys, "dismiss", s, "--kept-aside", e["hash"][:12], "--reason", WHY, "--by", "Ann Chair")
    assert code == 0 and "recorded entry 15 (dismissal)" in out, err


def test_an_ambiguous_prefix_is_refused_naming_each_match(
    stockton_met: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = "abcdef012345" + "0" * 52, "abcdef012345" + "1" * 52
    items = [
        KeptAside("2026-12-02T16:00:00Z", "conflict", "2" * 64, {"seq": n, "kind": "dissent", "hash": h}, True)
        for n, h in ((2, a), (3, b))
    ]
    with pytest.raises(RuleRefused) as refused:
        resolve_kept_aside(items, "ABCDEF012345")
    assert "starts the hashes of 2 entries kept aside" in refused.value.message
    assert a in refused.value.message and b in refused.value.message
    assert resolve_kept_aside(items, "abcdef0123450") == a and resolve_kept_aside(items, b) == b
    monkeypatch.setattr("panel_tui.core.kept_aside.load_kept_aside", lambda _dir: (items, None))
    code, _, err = run(
        capsys, "dismiss", stockton_met, "--kept-aside", "abcdef012345", "--reason", WHY, "--by", "Chair"
    )
    assert code == 2 and "starts the hashes of 2 entries kept aside; give more digits" in err, err


def test_no_kept_aside_file_at_all(stockton_met: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "dismiss", stockton_met, "--kept-aside", "ab" * 6, "--reason", WHY, "--by", "Chair")
    assert code == 2 and "none (this session has no decisions.refused.toml)" in err, err


def test_a_hand_made_dismissal_of_an_unknown_hash_does_not_verify(
    stockton_fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = stockton_fresh
    kept_aside_file(s, [kept()])
    present(s)
    log = s / "decisions.toml"
    base = log.read_bytes()
    first = tomllib.loads(base.decode("utf-8"))["entry"][0]

    def forge(kept_hash: str) -> None:
        forged = {
            "seq": 2,
            "at": "2026-12-03T10:00:00Z",
            "kind": "dismissal",
            "kept_aside": kept_hash,
            "reason": WHY,
            "by": "Ann Chair",
            "entered_by": "Ann Chair",
            "prev": first["hash"],
        }
        forged["hash"] = canonical_hash(forged)
        log.write_bytes(base + b"\n" + render_entry(forged))

    forge(kept()["hash"])
    assert run(capsys, "verify", s)[0] == 0  # the one kept aside: the same entry verifies
    forge("ab" * 32)
    code, _, err = run(capsys, "verify", s)
    assert code == 1 and "entry 2: breaks the log's rules: there is no entry kept aside" in err, err
    assert "no writer of panel-tui records one for any other" in err
    # nor one whose kept-aside entry was changed after it was kept aside (its own hash no longer matches)
    changed = {**kept(), "reason": "A reason Bob never gave for the rating"}
    kept_aside_file(s, [changed])
    forge(changed["hash"])
    code, _, err = run(capsys, "verify", s)
    assert code == 1 and "entry 2: breaks the log's rules: there is no entry kept aside" in err, err
    assert "changed after being kept aside" in err


def test_the_writer_refuses_an_unknown_hash_and_a_second_dismissal(stockton_met: Path) -> None:
    s = stockton_met
    e = kept()
    kept_aside_file(s, [e])
    insp = load_inspection(s)
    with pytest.raises(RuleRefused) as refused:
        append_entry(s, insp, "dismissal", {"kept_aside": "cd" * 32, "reason": WHY, "by": "Chair"})
    assert refused.value.rule == "kept-aside" and refused.value.field == "kept_aside"
    first = append_entry(s, insp, "dismissal", {"kept_aside": e["hash"], "reason": WHY, "by": "A"})
    with pytest.raises(RuleRefused) as refused:
        append_entry(s, insp, "dismissal", {"kept_aside": e["hash"], "reason": WHY, "by": "B"})
    assert refused.value.rule == "dismissed" and f"already dismissed by entry {first['seq']}" in refused.value.message
    state = read_state(s / "decisions.toml", insp)
    assert state.problem is None and state.dismissed == {e["hash"]: first["seq"]}
    assert state.dismissal_of(e["hash"]) == first


def test_a_log_without_dismissals_never_reads_the_kept_aside_file(stockton_met: Path) -> None:
    (stockton_met / gitstore.REFUSED_FILE).write_text("this is = = not a kept-aside file\n")
    state = read_state(stockton_met / "decisions.toml", load_inspection(stockton_met))
    assert state.problem is None and state.kept_aside_hashes is None


# --- the format: kinds, shape, key order ------------------------------------------------------------------


def test_the_kind_is_format_3_only() -> None:
    assert DISMISSAL not in KINDS and DISMISSAL in ALL_KINDS  # formats 1 and 2 keep their kinds
    e = dict(CASE["entries"][1])
    check_entry(e, 2, "panel-tui/decisions/3")
    for fmt in ("panel-tui/decisions/2", "panel-tui/decisions/1"):
        with pytest.raises(ShapeError, match="a 'dismissal' entry is a kind of format 3"):
            check_entry({k: v for k, v in e.items() if k != "entered_by"}, 2, fmt)
    with pytest.raises(ShapeError, match="'kept_aside' must be 64 lowercase hex digits"):
        check_entry({**e, "kept_aside": e["kept_aside"][:12]}, 2, "panel-tui/decisions/3")
    with pytest.raises(ShapeError, match="missing key"):
        check_entry({k: v for k, v in e.items() if k != "kept_aside"}, 2, "panel-tui/decisions/3")
    assert list(ordered_entry({k: e[k] for k in reversed(list(e))})) == [
        "seq",
        "at",
        "kind",
        "kept_aside",
        "reason",
        "by",
        "entered_by",
        "prev",
        "hash",
    ]
    assert entry_line(e) == f"entry 2 dismissal of kept-aside {e['kept_aside'][:12]}"


def test_format_3_golden_bytes_with_dismissals() -> None:
    golden = (GOLDEN / "log-v3-dismissal.toml").read_bytes()
    header, entries = CASE["header"], CASE["entries"]
    assert header["format"] == "panel-tui/decisions/3"
    assert render_log(header, entries) == golden
    assert render_log(header, entries, evidence_verified=True) == golden
    data = render_header(header)  # the writer's way
    for e in entries:
        data += b"\n" + render_entry(e)
    assert data == golden
    plain = [_render(ordered_entry(header), "log", False)] + [_render(ordered_entry(e), "entry", True) for e in entries]
    assert "\n".join(plain).encode("utf-8") == golden
    backwards = [{k: e[k] for k in reversed(list(e))} for e in entries]
    assert render_log({k: header[k] for k in reversed(list(header))}, backwards) == golden
    assert tomllib.loads(golden.decode("utf-8")) == {"log": header, "entry": entries}
    prev = canonical_hash(header)
    for e in entries:
        assert (e["prev"], e["hash"]) == (prev, canonical_hash(e))
        prev = e["hash"]
    assert [e["kind"] for e in entries].count("dismissal") == 3 and "decided_at" in entries[3]
    assert b'kept_aside = "' in golden and b"\t" in golden and "🙂".encode() in golden


def test_format_3_golden_bytes_with_dismissals_are_what_tomli_w_1_wrote() -> None:
    tomli_w = pytest.importorskip("tomli_w")
    golden = (GOLDEN / "log-v3-dismissal.toml").read_text(encoding="utf-8")
    ordered = [ordered_entry(e) for e in CASE["entries"]]
    assert tomli_w.dumps({"log": ordered_entry(CASE["header"]), "entry": ordered}) == golden


def golden_session(tmp_path: Path) -> Path:
    """The golden log as Stockton's own, with the kept-aside file it names: it verifies in full."""
    s = tmp_path / "golden-session"
    s.mkdir()
    shutil.copy(ROOT / "sessions" / "stockton-2021" / "inspection.toml", s / "inspection.toml")
    shutil.copy(GOLDEN / "log-v3-dismissal.toml", s / "decisions.toml")
    shutil.copy(GOLDEN / "log-v3-dismissal.refused.toml", s / gitstore.REFUSED_FILE)
    return s


def test_the_golden_log_verifies_under_every_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = golden_session(tmp_path)
    k1, k2 = (k["hash"] for k in CASE["kept_aside"])
    state = read_state(s / "decisions.toml", load_inspection(s))
    assert state.problem is None and state.dismissed == {k1: 5, k2: 4} and state.retracted == {2: 3}
    code, out, err = run(capsys, "verify", s)
    assert code == 0 and "2 entries kept aside in decisions.refused.toml, 2 dismissed" in out, err
    doc = json.loads(run(capsys, "log", s, "--json")[1])
    assert [k["dismissed_by"] for k in doc["kept_aside"]] == [5, 4]
    (s / gitstore.REFUSED_FILE).unlink()
    code, _, err = run(capsys, "verify", s)
    assert code == 1 and "entry 2: breaks the log's rules: there is no entry kept aside" in err, err


def test_the_javascript_verifier_checks_dismissals(tmp_path: Path) -> None:
    from tests.unit.test_hash_vectors import node_verifier

    node = node_verifier()
    s = golden_session(tmp_path)

    def js() -> str:
        return subprocess.run([node, str(JS / "verify.mjs"), str(s)], capture_output=True, text=True).stdout.strip()

    assert js() == f"ok {len(CASE['entries'])} {CASE['entries'][-1]['hash']}"
    # a dismissal of an entry dismissed already (entry 5, with entry 4 in its place), chained anew
    header, entries = CASE["header"], [dict(e) for e in CASE["entries"][:4]]
    twice = {**CASE["entries"][4], "seq": 5, "kept_aside": entries[3]["kept_aside"], "prev": entries[3]["hash"]}
    twice["hash"] = canonical_hash(twice)
    (s / "decisions.toml").write_bytes(render_log(header, [*entries, twice]))
    assert js() == "entry 5: already dismissed by entry 4"
    assert "already dismissed by entry 4" in str(read_state(s / "decisions.toml", load_inspection(s)).problem)
    # the kept-aside entry changed after it was kept aside: its hash no longer matches, so it names nothing
    shutil.copy(GOLDEN / "log-v3-dismissal.toml", s / "decisions.toml")
    aside = s / gitstore.REFUSED_FILE
    aside.write_text(
        aside.read_text(encoding="utf-8").replace("The panel kept the band", "The panel never kept"), encoding="utf-8"
    )
    assert js() == "entry 2: dismisses no entry kept aside"


def dismissal_vector() -> dict[str, str]:
    from tests.unit.vectors import docs_vector

    return docs_vector("dismissal")


def test_the_dismissal_vector_in_python() -> None:
    from panel_tui.core.log import canonical_json

    v = dismissal_vector()
    table = json.loads(v["table"])
    assert table["kind"] == "dismissal" and "kept_aside" in table
    assert canonical_json(table).hex() == v["canonical-hex"] and canonical_hash(table) == v["hash"]
    check_entry({**table, "hash": v["hash"]}, 4, "panel-tui/decisions/3")  # a writer's shape


def test_the_dismissal_vector_in_javascript() -> None:
    from tests.unit.vectors import js_vector_check

    js_vector_check("dismissal")
