"""Decision log format 3 (issue 20, items 5 and part of 3): who entered an entry, and when a replayed
entry was decided.

Every new entry records ``entered_by`` (``--entered-by``, else ``PANEL_TUI_ENTERED_BY``, else git's
``user.name`` for the session's clone, else the login name), hashed with it; a ``sync --replay`` onto a
format-3 log gives the re-recorded entry the replay's own ``at`` and keeps the original time as
``decided_at``. Format-2 logs (the four examples among them) keep verifying and are appended to in
format 2. The golden bytes of a format-3 log are ``tests/unit/golden/log-v3.toml``, its tables
``inputs-v3.json``: made on 2 Dec 2026 with ``render_log`` from the log-v2 case's entries (format 3,
an ``entered_by`` on each, two replayed with ``decided_at``, every chain re-hashed), read back with
tomllib and checked by hand (``entered_by`` after ``by``, ``decided_at`` after ``replayed_from``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from panel_tui.core.audit import run_audit
from panel_tui.core.gitstore import replay_fields
from panel_tui.core.gitstore.accounting import same_content
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import (
    LOG_FORMAT,
    LOG_FORMAT_V2,
    LOG_FORMAT_V3,
    LOG_FORMAT_V4,
    append_entry,
    canonical_hash,
    canonical_json,
    entered_for,
    read_state,
)
from panel_tui.core.log.chain import _render, ordered_entry, render_entry, render_header, render_log
from panel_tui.core.log.writer import new_header
from tests.unit.gitrepos import Shared, git, needs_git
from tests.unit.test_gitstore import cli, diverge, log_entries
from tests.unit.test_hash_vectors import node_verifier
from tests.unit.test_history_attacks import LOG, commit_as, git_show

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "unit" / "golden"
JS = ROOT / "tests" / "js"
WHY = "The panel weighed the case files and the interviews together."
SLUGS = ["stockton-2021", "leeds-2019", "hammersmith-2022", "lincolnshire-2023"]


@pytest.fixture(autouse=True)
def no_identity_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test says who enters; none inherits the shell's PANEL_TUI_ENTERED_BY."""
    monkeypatch.delenv("PANEL_TUI_ENTERED_BY", raising=False)


def entries_of(session: Path) -> list[dict[str, Any]]:
    return tomllib.loads((session / "decisions.toml").read_text(encoding="utf-8")).get("entry", [])


def run(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "panel_tui", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "220", **(env or {})},
    )


def attend(session: Path, entered_by: str | None = "Chair") -> dict[str, Any]:
    fields: dict[str, Any] = {"chair": "Chair", "members": ["A", "B"], "by": "Chair"}
    if entered_by is not None:
        fields["entered_by"] = entered_by
    return append_entry(session, load_inspection(session), "attendance", fields)


def dissent(session: Path, who: str = "A", **extra: Any) -> dict[str, Any]:
    return append_entry(
        session,
        load_inspection(session),
        "dissent",
        {"member": who, "reason": f"{who} records a dissent for the minutes", "by": who, **extra},
    )


def rewrite(session: Path, change: Any) -> None:
    """Change the log's last entry with ``change(entry)`` and re-hash it: a valid chain, made by hand."""
    path = session / "decisions.toml"
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    last = doc["entry"][-1]
    change(last)
    last.pop("hash")
    last["hash"] = canonical_hash(last)
    path.write_bytes(render_log(doc["log"], doc["entry"]))


# --- the format ------------------------------------------------------------------------------------


def test_new_logs_are_format_3_and_record_who_entered_every_entry(stockton_fresh: Path) -> None:
    """New logs are format 4 (issue 25: the session keeps its rules), whose entries are format 3's."""
    assert LOG_FORMAT == LOG_FORMAT_V4 == "panel-tui/decisions/4" and LOG_FORMAT_V3 == "panel-tui/decisions/3"
    attend(stockton_fresh, entered_by="Sam Lee")
    e = dissent(stockton_fresh, entered_by="Priya Shah")
    data = (stockton_fresh / "decisions.toml").read_bytes()
    assert b'\nformat = "panel-tui/decisions/4"\n' in data
    assert b'\nby = "A"\nentered_by = "Priya Shah"\nprev = "' in data  # its canonical place: after by
    assert e["entered_by"] == "Priya Shah" and e["hash"] == canonical_hash(e)  # hashed with the entry
    assert run("verify", stockton_fresh).returncode == 0


@pytest.mark.parametrize("slug", SLUGS)
def test_the_example_logs_stay_format_2_and_verify(slug: str) -> None:
    path = ROOT / "sessions" / slug / "decisions.toml"
    assert tomllib.loads(path.read_text(encoding="utf-8"))["log"]["format"] == LOG_FORMAT_V2
    assert b"entered_by" not in path.read_bytes()
    assert run("verify", path.parent).returncode == 0


def test_a_format_2_log_is_appended_to_in_format_2_without_entered_by(stockton_copy: Path) -> None:
    before = (stockton_copy / "decisions.toml").read_bytes()
    state = read_state(stockton_copy / "decisions.toml", load_inspection(stockton_copy))
    assert state.header["format"] == LOG_FORMAT_V2 and state.signed_off  # type: ignore[index]
    r = run(
        "reopen",
        stockton_copy,
        "--reason",
        "The panel meets again on 2.2",
        "--by",
        state.entries[-1]["by"],
        env={"PANEL_TUI_ENTERED_BY": "Sam Lee"},
    )
    assert r.returncode == 0, r.stderr
    e = append_entry(
        stockton_copy,
        load_inspection(stockton_copy),
        "dissent",
        {
            "member": state.present[1],
            "reason": "A dissent recorded after the reopen",
            "by": state.present[1],
            "entered_by": "Sam Lee",
        },
    )  # an explicit name too: not recorded
    after = (stockton_copy / "decisions.toml").read_bytes()
    assert after.startswith(before) and b"entered_by" not in after and "entered_by" not in e
    assert [x["kind"] for x in entries_of(stockton_copy)[-2:]] == ["reopen", "dissent"]
    assert run("verify", stockton_copy).returncode == 0
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "unit" / "independent_verifier.py"), str(stockton_copy)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout


# --- who entered it: option, setting, git, login name ------------------------------------------------


def test_the_fields_entered_by_comes_before_every_default(
    stockton_fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PANEL_TUI_ENTERED_BY", "From The Setting")
    assert attend(stockton_fresh, entered_by="Sam Lee")["entered_by"] == "Sam Lee"
    assert dissent(stockton_fresh)["entered_by"] == "From The Setting"


def test_the_setting_names_who_enters(stockton_fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANEL_TUI_ENTERED_BY", "  Priya Shah ")
    assert attend(stockton_fresh, entered_by=None)["entered_by"] == "Priya Shah"
    r = run("dissent", stockton_fresh, "--member", "A", "--reason", "A dissent for the minutes here")
    assert r.returncode == 0, r.stderr
    assert entries_of(stockton_fresh)[-1]["entered_by"] == "Priya Shah"


def test_the_login_name_outside_git(stockton_fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "jdoe")
    assert attend(stockton_fresh, entered_by=None)["entered_by"] == "jdoe"
    r = run("dissent", stockton_fresh, "--member", "A", "--reason", "A dissent for the minutes here")
    assert r.returncode == 0, r.stderr
    assert entries_of(stockton_fresh)[-1]["entered_by"] == "jdoe"


@pytest.mark.parametrize(
    "command", ["decide", "decline", "ratify", "propose", "attend", "retract", "sign-off", "reopen", "dissent"]
)
def test_every_write_command_takes_entered_by(command: str) -> None:
    from panel_tui.cli import build_parser

    required = {
        "decide": ["--standard", "2.2", "--to", "Good", "--rationale", WHY],
        "decline": ["--standard", "2.1", "--reason", "kept"],
        "ratify": ["--standard", "1.1"],
        "propose": ["--standard", "2.2", "--to", "Good", "--rationale", WHY],
        "attend": ["--chair", "C"],
        "retract": ["--seq", "2", "--reason", "wrong"],
        "reopen": ["--reason", "again"],
        "dissent": ["--member", "A", "--reason", "no"],
    }.get(command, [])
    by = [] if command in ("attend", "dissent") else ["--by", "Priya Shah"]
    args = build_parser().parse_args([command, "S", *required, *by, "--entered-by", "Sam Lee"])
    assert args.entered_by == "Sam Lee"
    assert build_parser().parse_args([command, "S", *required, *by]).entered_by is None


def test_the_entered_by_option_reaches_the_log(stockton_fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANEL_TUI_ENTERED_BY", "From The Setting")
    attend(stockton_fresh)
    r = run(
        "dissent",
        stockton_fresh,
        "--member",
        "A",
        "--reason",
        "A dissent for the minutes here",
        "--entered-by",
        "Sam Lee",
    )
    assert r.returncode == 0, r.stderr
    assert entries_of(stockton_fresh)[-1]["entered_by"] == "Sam Lee"


@needs_git
def test_git_user_name_and_email_in_a_clone(shared: Shared, monkeypatch: pytest.MonkeyPatch) -> None:
    session = shared.session(shared.a)
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "jdoe")
    git(shared.a, "config", "user.name", "Sam Lee")
    assert attend(session, entered_by=None)["entered_by"] == "Sam Lee"
    git(shared.a, "config", "user.email", "sam@example.invalid")
    assert dissent(session)["entered_by"] == "Sam Lee <sam@example.invalid>"
    r = run("dissent", session, "--member", "B", "--reason", "B records a dissent for the minutes")
    assert r.returncode == 0, r.stderr
    assert entries_of(session)[-1]["entered_by"] == "Sam Lee <sam@example.invalid>"
    monkeypatch.setenv("PANEL_TUI_ENTERED_BY", "Priya Shah")  # the setting comes before git
    assert dissent(session)["entered_by"] == "Priya Shah"
    monkeypatch.delenv("PANEL_TUI_ENTERED_BY")
    monkeypatch.setenv("PANEL_TUI_GIT", "0")  # git turned off: the login name
    assert dissent(session)["entered_by"] == "jdoe"
    monkeypatch.delenv("PANEL_TUI_GIT")
    git(shared.a, "config", "--unset", "user.name")  # no name in git: the login name
    assert dissent(session)["entered_by"] == "jdoe"
    assert run("verify", session).returncode == 0


# --- what no writer produces -------------------------------------------------------------------------


def test_a_format_3_entry_without_entered_by_is_refused_by_verify(stockton_fresh: Path) -> None:
    attend(stockton_fresh)
    dissent(stockton_fresh, entered_by="Sam Lee")
    rewrite(stockton_fresh, lambda e: e.pop("entered_by"))
    r = run("verify", stockton_fresh)
    assert r.returncode == 1
    assert (
        "entry 2 (dissent): missing key(s) 'entered_by'" in r.stderr
        and "No writer of panel-tui produces this" in r.stderr
    )
    js = node_verifier()
    proc = subprocess.run([js, str(JS / "verify.mjs"), str(stockton_fresh)], capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stdout.strip() == "entry 2: no entered_by (format 3)"


def test_decided_at_without_replayed_from_is_refused(stockton_fresh: Path) -> None:
    attend(stockton_fresh)
    dissent(stockton_fresh, entered_by="Sam Lee")
    rewrite(stockton_fresh, lambda e: e.update(decided_at="2026-01-01T10:00:00Z"))
    r = run("verify", stockton_fresh)
    assert r.returncode == 1 and "'decided_at' is only for a replayed entry" in r.stderr
    assert "No writer of panel-tui produces this" in r.stderr
    with pytest.raises(Exception, match="decided_at"):  # nor does the writer write one
        dissent(stockton_fresh, decided_at="2026-01-01T10:00:00Z")


def test_format_3_keys_in_a_format_2_log_are_refused(stockton_copy: Path) -> None:
    rewrite(stockton_copy, lambda e: e.update(entered_by="Sam Lee"))
    r = run("verify", stockton_copy)
    assert r.returncode == 1 and "unknown key(s) 'entered_by'" in r.stderr


@pytest.mark.parametrize("name", ["   ", "\u200b", "x" * 201])
def test_entered_by_is_a_name(stockton_fresh: Path, name: str) -> None:
    with pytest.raises(Exception, match="who enters this entry"):
        attend(stockton_fresh, entered_by=name)
    assert not (stockton_fresh / "decisions.toml").exists()


# --- shown where it differs ------------------------------------------------------------------------


def views_session(stockton_fresh: Path) -> Path:
    """A format-3 log where some entries were entered by someone else and some not."""
    attend(stockton_fresh, entered_by="  chair ")  # the same name, but for case and spaces
    dissent(stockton_fresh, "A", entered_by="Priya Shah")  # someone else
    dissent(stockton_fresh, "B", entered_by="b <b@example.invalid>")  # the same person's git identity
    append_entry(
        stockton_fresh,
        load_inspection(stockton_fresh),
        "discretion",
        {"standard": "2.2", "to": "Good", "rationale": WHY, "by": "Chair", "entered_by": "Sam Lee"},
    )
    dissent(stockton_fresh, "A", entered_by="[bold red]Mallory[/]\x1b[2J")  # user text, never markup
    return stockton_fresh


def test_entered_for_compares_names_not_spelling() -> None:
    assert entered_for({"by": "Priya Shah", "entered_by": "Sam Lee"}) == "entered by Sam Lee for Priya Shah"
    for same in ("priya  SHAH", " Priya Shah", "Priya Shah <priya@example.invalid>"):
        assert entered_for({"by": "Priya Shah", "entered_by": same}) is None
    assert entered_for({"by": "Priya Shah"}) is None  # format 1 and 2 entries


def test_log_shows_entered_by_only_where_it_differs(stockton_fresh: Path) -> None:
    s = views_session(stockton_fresh)
    r = run("log", s)
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert "entered by Priya Shah for A" in text and "entered by Sam Lee for Chair" in text
    assert "[bold red]Mallory[/]␛[2J" in text and "\x1b" not in text  # shown as typed, never as markup
    assert text.count("entered by") == 3  # not for entries 1 and 3
    doc = json.loads(run("log", s, "--json").stdout)
    assert [e["entered_by"] for e in doc["entries"]][:4] == [
        "  chair ",
        "Priya Shah",
        "b <b@example.invalid>",
        "Sam Lee",
    ]


def test_exports_show_entered_by_only_where_it_differs(stockton_fresh: Path) -> None:
    s = views_session(stockton_fresh)
    md = run("export", s, "--format", "md").stdout
    assert "Entry 4, entered by Sam Lee for Chair, " in md
    assert "| entered by Priya Shah for A |" in md and "| entered by Sam Lee for Chair |" in md
    assert "\\[bold red\\]Mallory\\[/\\]␛\\[2J" in md  # Markdown syntax escaped, ESC made visible
    # entry 4 as the decision that stands and in the table; entries 2 and 5 as dissents and in the table
    assert md.count("entered by") == 6 and "for B" not in md and "entered by  chair" not in md
    html = run("export", s, "--format", "html").stdout
    assert "<td>entered by Priya Shah for A</td>" in html and "Entry 4, entered by Sam Lee for Chair, " in html
    assert html.count("entered by") == 6
    rows = list(csv.DictReader(io.StringIO(run("export", s, "--format", "csv").stdout)))
    by_seq = {r["seq"]: r["by"] for r in rows if r["row"] == "entry"}
    assert by_seq == {
        "1": "Chair",
        "2": "A (entered by Priya Shah for A)",
        "3": "B",
        "4": "entered by Sam Lee for Chair",
        "5": "A (entered by [bold red]Mallory[/]␛[2J for A)",
    }
    standard = next(r for r in rows if r["row"] == "standard" and r["standard"] == "2.2")
    assert standard["by"] == "entered by Sam Lee for Chair"


def test_the_audit_rows_carry_entered_by(stockton_fresh: Path, tmp_path: Path) -> None:
    s = views_session(stockton_fresh)
    doc = json.loads(run("audit", s.parent, "--json").stdout)
    assert doc["format"] == "panel-tui/audit/5"
    rows = {d["seq"]: d for d in doc["decisions"]}
    assert {n: (d["by"], d["entered_by"], d["decided_at"]) for n, d in rows.items()} == {
        2: ("A", "Priya Shah", None),
        3: ("B", "b <b@example.invalid>", None),
        4: ("Chair", "Sam Lee", None),
        5: ("A", "[bold red]Mallory[/]\x1b[2J", None),
    }
    shown = {d["seq"]: d.by_shown for d in run_audit(s.parent).decisions}
    assert shown == {
        2: "entered by Priya Shah for A",
        3: "B",
        4: "entered by Sam Lee for Chair",
        5: "entered by [bold red]Mallory[/]\x1b[2J for A",
    }
    examples = json.loads(run("audit", ROOT / "sessions", "--json").stdout)
    assert examples["decisions"] and all(d["entered_by"] is None for d in examples["decisions"])  # format 2


# --- replay ------------------------------------------------------------------------------------------

# the replay's own time: later than the entries written at the real time, and within the day's slack a
# verifier allows ahead of its clock (an entry dated further ahead is future-dated: docs/formats.md)
REPLAY_AT = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_replay_fields_in_format_3_move_at_to_decided_at() -> None:
    e = {
        "seq": 5,
        "at": "2026-11-24T10:00:00Z",
        "kind": "dissent",
        "member": "A",
        "reason": "wrong standard",
        "by": "A",
        "entered_by": "Sam Lee",
        "prev": "p" * 64,
        "hash": "h" * 64,
    }
    assert replay_fields(e, {}) == {
        "member": "A",
        "reason": "wrong standard",
        "by": "A",
        "entered_by": "Sam Lee",
        "decided_at": "2026-11-24T10:00:00Z",
        "replayed_from": "h" * 64,
    }
    again = {
        **e,
        "at": "2026-11-25T10:00:00Z",
        "decided_at": "2026-11-24T10:00:00Z",
        "replayed_from": "h" * 64,
        "hash": "i" * 64,
    }
    assert replay_fields(again, {})["decided_at"] == "2026-11-24T10:00:00Z"  # replayed twice: the first time
    v2 = {k: v for k, v in e.items() if k != "entered_by"}
    assert replay_fields(v2, {})["at"] == "2026-11-24T10:00:00Z" and "decided_at" not in replay_fields(v2, {})
    assert "decided_at" not in replay_fields(e, {}, LOG_FORMAT_V2)


def test_same_content_of_a_format_3_replay() -> None:
    old = {
        "seq": 2,
        "at": "2026-11-24T10:00:00Z",
        "kind": "dissent",
        "member": "A",
        "reason": "r",
        "by": "A",
        "entered_by": "Sam Lee",
        "prev": "p" * 64,
        "hash": "h" * 64,
    }
    new = {**old, "seq": 3, "at": REPLAY_AT, "decided_at": old["at"], "replayed_from": "h" * 64, "hash": "n" * 64}
    assert same_content(old, new, {})
    assert not same_content(old, {**new, "decided_at": "2026-11-24T10:00:01Z"}, {})
    assert not same_content(old, {**new, "entered_by": "Mallory"}, {})  # who typed it is content
    again = {**new, "seq": 4, "at": "2031-01-01T00:00:00Z", "replayed_from": "n" * 64}
    assert same_content(new, again, {})  # replayed twice
    assert not same_content(new, {k: v for k, v in again.items() if k != "decided_at"}, {})  # dropped
    assert not same_content(old, {k: v for k, v in new.items() if k != "decided_at"}, {})  # at changed, no decided_at


@needs_git
def test_a_replay_on_a_format_3_log_is_recorded_at_its_own_time(
    shared: Shared, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PANEL_TUI_ENTERED_BY", "Bea's laptop")
    sa, sb = diverge(shared)
    mine = log_entries(sb)[1:]
    assert all(e["entered_by"] == "Bea's laptop" for e in mine)
    r = cli(
        "sync",
        sb,
        "--replay",
        env={**os.environ, "PANEL_TUI_FROZEN_TIME": REPLAY_AT, "PANEL_TUI_ENTERED_BY": "Whoever ran the replay"},
    )
    assert r.returncode == 0, r.stderr
    entries = log_entries(sb)
    replayed = entries[2:]
    assert [e["replayed_from"] for e in replayed] == [e["hash"] for e in mine]
    assert [e["at"] for e in replayed] == [REPLAY_AT, REPLAY_AT]  # the replay's time: the log runs forwards
    assert [e["decided_at"] for e in replayed] == [e["at"] for e in mine]  # when it was decided
    assert [e["entered_by"] for e in replayed] == ["Bea's laptop", "Bea's laptop"]  # who typed it, kept
    assert b"\nreplayed_from = " in (sb / "decisions.toml").read_bytes()
    assert cli("verify", sb).returncode == 0  # the history check accepts the re-recorded entries
    assert cli("sync", sa).returncode == 0 and cli("verify", sa).returncode == 0
    md = run("export", sb, "--format", "md").stdout
    assert md.count(" (decided ") >= 2  # the record names when each replayed entry was decided


@needs_git
@pytest.mark.parametrize("change", ["decided_at", "entered_by", None])
def test_a_merge_that_changes_a_format_3_replayed_entry_is_named(shared: Shared, change: str | None) -> None:
    sa, sb = diverge(shared)
    mine = log_entries(sb)[1:]
    git(shared.b, "fetch", "-q")
    git(shared.b, "merge", "--no-ff", "--no-commit", "-s", "ours", "origin/main", check=False)
    (sb / "decisions.toml").write_bytes(git_show(shared.b, f"origin/main:{LOG}"))
    insp = load_inspection(sb)
    for i, e in enumerate(mine):
        fields = {
            "member": e["member"],
            "by": e["by"],
            "reason": e["reason"],
            "replayed_from": e["hash"],
            "entered_by": e["entered_by"],
            "decided_at": e["at"],
        }
        if i == 0 and change == "decided_at":
            fields["decided_at"] = "2026-01-01T09:00:00Z"  # an earlier time, as if decided before the fork
        if i == 0 and change == "entered_by":
            fields["entered_by"] = "Someone Else"
        append_entry(sb, insp, "dissent", fields)
    git(shared.b, "add", LOG)
    merge = commit_as(shared.b, "Mallory", "replay")
    r = cli("verify", sb)
    if change is None:  # the honest re-recording: same content, its own time
        assert r.returncode == 0, r.stderr
    else:
        assert r.returncode == 1 and f"commit {merge[:10]}" in r.stderr and "changes entry 2" in r.stderr


# --- golden bytes, test vector, the JavaScript verifier -----------------------------------------------

CASE = json.loads((GOLDEN / "inputs-v3.json").read_text(encoding="utf-8"))["log-v3"]


def test_format_3_golden_bytes() -> None:
    golden = (GOLDEN / "log-v3.toml").read_bytes()
    header, entries = CASE["header"], CASE["entries"]
    assert header["format"] == LOG_FORMAT_V3
    assert render_log(header, entries) == golden
    assert render_log(header, entries, evidence_verified=True) == golden
    data = render_header(header)  # the writer's way: the bytes it verified, a blank line, the new chunk
    for e in entries:
        data += b"\n" + render_entry(e)
    assert data == golden
    plain = [_render(ordered_entry(header), "log", False)] + [_render(ordered_entry(e), "entry", True) for e in entries]
    assert "\n".join(plain).encode("utf-8") == golden
    backwards = [{k: e[k] for k in reversed(list(e))} for e in entries]  # the schema's order, whatever comes in
    assert render_log({k: header[k] for k in reversed(list(header))}, backwards) == golden
    assert tomllib.loads(golden.decode("utf-8")) == {"log": header, "entry": entries}
    prev = canonical_hash(header)
    for e in entries:
        assert (e["prev"], e["hash"]) == (prev, canonical_hash(e))
        prev = e["hash"]
    assert all("entered_by" in e for e in entries) and sum("decided_at" in e for e in entries) == 2
    for e in entries:  # entered_by right after by; decided_at right after replayed_from
        keys = list(ordered_entry(e))
        assert keys[keys.index("by") + 1] == "entered_by"
        if "decided_at" in keys:
            assert keys[keys.index("replayed_from") + 1] == "decided_at" and keys[-2:] == ["prev", "hash"]


def test_format_3_golden_bytes_are_what_tomli_w_1_wrote() -> None:
    tomli_w = pytest.importorskip("tomli_w")
    golden = (GOLDEN / "log-v3.toml").read_text(encoding="utf-8")
    ordered = [ordered_entry(e) for e in CASE["entries"]]
    assert tomli_w.dumps({"log": ordered_entry(CASE["header"]), "entry": ordered}) == golden


def v3_vector() -> dict[str, str]:
    from tests.unit.vectors import docs_vector

    return docs_vector("v3")


def test_the_format_3_vector_in_python() -> None:
    v = v3_vector()
    table = json.loads(v["table"])
    assert {"entered_by", "decided_at", "replayed_from"} <= set(table)
    assert canonical_json(table).hex() == v["canonical-hex"] and canonical_hash(table) == v["hash"]


def test_the_format_3_vector_in_javascript() -> None:
    from tests.unit.vectors import js_vector_check

    js_vector_check("v3")


def test_the_javascript_verifier_accepts_a_format_3_log(stockton_fresh: Path) -> None:
    node = node_verifier()
    s = views_session(stockton_fresh)
    state = read_state(s / "decisions.toml", load_inspection(s))
    proc = subprocess.run([node, str(JS / "verify.mjs"), str(s)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.split() == ["ok", str(len(state.entries)), str(state.head)]
    log = s / "decisions.toml"
    log.write_text(
        log.read_text(encoding="utf-8").replace('entered_by = "Sam Lee"', 'entered_by = "Priya Shah"'), encoding="utf-8"
    )
    proc = subprocess.run([node, str(JS / "verify.mjs"), str(s)], capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stdout.strip() == "entry 4: hash"  # entered_by is hashed


def test_the_golden_v3_log_has_a_session_to_verify_in_javascript(tmp_path: Path) -> None:
    """The golden file's chain (not its rules: its entries are shapes, not a meeting) in JavaScript."""
    node = node_verifier()
    shutil.copy(ROOT / "sessions" / "stockton-2021" / "inspection.toml", tmp_path / "inspection.toml")
    shutil.copy(GOLDEN / "log-v3.toml", tmp_path / "decisions.toml")
    proc = subprocess.run([node, str(JS / "verify.mjs"), str(tmp_path)], capture_output=True, text=True)
    assert proc.stdout.split() == ["ok", str(len(CASE["entries"])), CASE["entries"][-1]["hash"]], proc.stdout


def test_the_header_of_a_new_log(stockton_fresh: Path) -> None:
    assert new_header(load_inspection(stockton_fresh))["format"] == "panel-tui/decisions/4"


def test_ratify_all_proposed_takes_entered_by_too(stockton_fresh: Path) -> None:
    attend(stockton_fresh)
    r = run("ratify", stockton_fresh, "--all-proposed", "--by", "Chair", "--entered-by", "Sam Lee")
    assert r.returncode == 0, r.stderr
    assert {e["entered_by"] for e in entries_of(stockton_fresh) if e["kind"] == "ratification"} == {"Sam Lee"}
