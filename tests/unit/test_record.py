"""The one record use case (panel_tui/core/record.py): load the inspection, append on the expected
head, commit in git; and every writer goes through it: each CLI write command, ratify-all, the app."""

from __future__ import annotations

import threading
import tomllib
from pathlib import Path

import pytest

from panel_tui.cli import main
from panel_tui.core import record as record_module
from panel_tui.core.gitstore.commit import CommitOutcome
from panel_tui.core.log import NO_LOG, StaleView
from panel_tui.core.record import Recorded, band_spelling, record, record_all
from tests.unit.gitrepos import git, needs_git

WHY = "Planning for safety fell short only on contingency; the rest was good."
ATTEND = {"chair": "Chair", "members": ["A", "B"], "by": "Chair"}


def entries(d: Path) -> list[dict]:
    p = d / "decisions.toml"
    return tomllib.loads(p.read_text(encoding="utf-8")).get("entry", []) if p.exists() else []


@pytest.fixture(autouse=True)
def outside_git(monkeypatch):
    """Each test says whether git takes part (the tmp folder is outside any work tree anyway)."""
    monkeypatch.delenv("PANEL_TUI_GIT", raising=False)


def test_one_entry_on_disk_with_its_state_and_git_outcome(stockton_fresh):
    done = record(stockton_fresh, "attendance", dict(ATTEND), expect_head=NO_LOG)
    assert isinstance(done, Recorded)
    assert [e["kind"] for e in done.entries] == ["attendance"] and done.entry is done.entries[-1]
    assert entries(stockton_fresh) == done.entries  # on disk, as returned
    assert done.state.head == done.head == done.entry["hash"] and done.state.problem is None
    assert done.session_dir == stockton_fresh
    assert done.git.status == "not-in-git"


def test_the_inspection_file_works_as_the_folder_does(stockton_fresh):
    done = record(stockton_fresh / "inspection.toml", "attendance", dict(ATTEND))
    assert done.session_dir == stockton_fresh and len(entries(stockton_fresh)) == 1


def test_a_band_typed_in_any_case_is_the_frameworks_spelling(stockton_met):
    fields = {"standard": "2.2", "to": "good", "rationale": WHY, "by": "Chair"}
    done = record(stockton_met, "discretion", fields)
    assert done.entry["to"] == "Good"
    assert fields["to"] == "good"  # the caller's fields are left as given
    assert band_spelling(["Good", "Requires improvement"], "requires   IMPROVEMENT") == "Requires improvement"
    assert band_spelling(["Good"], "Great") == "Great"  # unknown: the rules refuse it, listing the bands


def test_several_entries_in_one_write_all_or_none(stockton_met):
    items = [("ratification", {"standard": s, "by": "Chair"}) for s in ("1.1", "1.2", "1.3", "1.4")]
    before = (stockton_met / "decisions.toml").read_bytes()
    bad = [*items[:2], ("ratification", {"standard": "9.9", "by": "Chair"})]
    with pytest.raises(Exception) as refused:
        record_all(stockton_met, bad)
    assert "entry 3 of 3" in str(refused.value)
    assert (stockton_met / "decisions.toml").read_bytes() == before  # none of them written
    done = record_all(stockton_met, items)
    assert [e["standard"] for e in done.entries] == ["1.1", "1.2", "1.3", "1.4"]
    assert [e["seq"] for e in entries(stockton_met)] == [1, 2, 3, 4, 5]


def test_a_stale_view_is_refused_and_nothing_is_committed(stockton_met, monkeypatch):
    commits = []
    monkeypatch.setattr(record_module, "commit_entry", lambda *a: commits.append(a))
    before = (stockton_met / "decisions.toml").read_bytes()
    with pytest.raises(StaleView) as stale:
        record(
            stockton_met,
            "dissent",
            {"member": "A", "reason": "A dissents from the panel here", "by": "A"},
            expect_head=NO_LOG,
        )
    assert "entry 1 attendance" in stale.value.message
    assert (stockton_met / "decisions.toml").read_bytes() == before and commits == []


def test_on_disk_is_told_before_the_commit(stockton_met, monkeypatch):
    order = []

    def commit(session_dir, entry):
        order.append(("commit", entry["seq"], len(entries(session_dir))))
        return CommitOutcome("not-in-git")

    monkeypatch.setattr(record_module, "commit_entry", commit)
    record(
        stockton_met,
        "dissent",
        {"member": "A", "reason": "A dissents from the panel here", "by": "A"},
        on_disk=lambda es: order.append(("on disk", es[0]["seq"], len(entries(stockton_met)))),
    )
    assert order == [("on disk", 2, 2), ("commit", 2, 2)]


@needs_git
def test_in_git_the_entries_are_one_commit(tmp_path, stockton_fresh, isolated_git):  # noqa: F811
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    session = repo / "stockton"
    session.mkdir()
    (session / "inspection.toml").write_bytes((stockton_fresh / "inspection.toml").read_bytes())
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "inspection")
    done = record(session, "attendance", dict(ATTEND))
    assert done.git.status == "committed" and done.git.commit
    assert git(repo, "log", "-1", "--format=%s %an") == "stockton: entry 1 attendance Chair"
    items = [("ratification", {"standard": s, "by": "A"}) for s in ("1.1", "1.2")]
    done = record_all(session, items, expect_head=done.head)
    assert git(repo, "log", "-1", "--format=%s") == "stockton: entries 2-3"
    assert done.git.commit == git(repo, "rev-parse", "HEAD")


# --- every CLI write goes through it, with the same lines and exit codes ---------------------


@pytest.fixture
def spied(monkeypatch):
    calls = []
    real = record_module.record_all

    def spy(path, items, expect_head=None, **kw):
        calls.append([kind for kind, _ in items])
        return real(path, items, expect_head, **kw)

    monkeypatch.setattr(record_module, "record_all", spy)
    return calls


def test_cli_writes_go_through_the_use_case(stockton_fresh, spied, capsys):
    d = str(stockton_fresh)
    assert main(["attend", d, "--chair", "Chair", "--member", "A", "--member", "B", "--expect-head", "none"]) == 0
    first = entries(stockton_fresh)[0]
    assert capsys.readouterr().out == f"recorded entry 1 (attendance) hash {first['hash']}\n"
    assert main(["ratify", d, "--all-proposed", "--by", "A"]) == 0
    out = capsys.readouterr().out.splitlines()
    es = entries(stockton_fresh)
    assert out == [
        f"recorded entry {e['seq']} (ratification {e['standard']} {e['to']}) hash {e['hash']}" for e in es[1:]
    ]
    assert main(["ratify", d, "--all-proposed", "--by", "A"]) == 0  # nothing left: no write
    assert capsys.readouterr().out == "nothing to ratify: every judgement standard is ratified already\n"
    assert (
        main(
            ["decide", d, "--standard", "2.2", "--to", "good", "--rationale", WHY, "--by", "B", "--expect-head", "none"]
        )
        == 2
    )  # stale: refused, nothing written
    assert "the log changed after this was prepared" in capsys.readouterr().err
    assert main(["decide", d, "--standard", "2.2", "--to", "good", "--rationale", WHY, "--by", "B"]) == 0
    assert entries(stockton_fresh)[-1]["to"] == "Good"
    assert spied == [["attendance"], ["ratification"] * 4, ["discretion"], ["discretion"]]


def test_cli_says_when_the_commit_failed_after_the_entry_is_on_disk(stockton_met, monkeypatch, capsys):
    monkeypatch.setattr(
        record_module,
        "commit_entry",
        lambda *a: CommitOutcome("failed", "not committed: git commit failed: disk full."),
    )
    assert main(["dissent", str(stockton_met), "--member", "A", "--reason", "A dissents from the panel here"]) == 0
    got = capsys.readouterr()
    assert got.out.startswith("recorded entry 2 (dissent) hash ")
    assert got.err == "panel-tui: warning: entry 2 is recorded, but not committed: git commit failed: disk full.\n"


def test_cli_prints_the_commit_line_when_committed(stockton_met, monkeypatch, capsys):
    monkeypatch.setattr(
        record_module,
        "commit_entry",
        lambda *a: CommitOutcome("committed", "committed 0123456789: s: entry 2 dissent", commit="0" * 40),
    )
    assert main(["dissent", str(stockton_met), "--member", "A", "--reason", "A dissents from the panel here"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "committed 0123456789: s: entry 2 dissent"


# --- the app: the write in a worker, the result as a message on the UI thread ------------------


def test_the_app_records_in_a_worker_and_takes_the_result_in_on_the_ui_thread(stockton_met, spied, monkeypatch):
    from panel_tui.screens.meeting import MeetingScreen
    from tests.ui.pilot import fill, open_form, run_app, submit

    threads: dict[str, int] = {}
    monkeypatch.setattr(
        record_module,
        "commit_entry",
        lambda *a: CommitOutcome("failed", "not committed: git commit failed: disk full."),
    )
    real_record, real_written = MeetingScreen.record, MeetingScreen.on_meeting_screen_written

    def record_in(self, *args):
        threads["record"] = threading.get_ident()
        return real_record(self, *args)

    def written(self, message):
        threads["written"] = threading.get_ident()
        threads["lock held"] = self._write_lock.locked()  # the disk check waits until this is done
        return real_written(self, message)

    monkeypatch.setattr(MeetingScreen, "record", record_in)
    monkeypatch.setattr(MeetingScreen, "on_meeting_screen_written", written)

    async def script(app, pilot):
        threads["ui"] = threading.get_ident()
        await open_form(pilot, "2.2", "d")
        await fill(pilot, "rationale", WHY)
        await submit(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        assert screen.session.log.head == entries(stockton_met)[-1]["hash"]  # the screen shows the new log
        assert not screen._write_lock.locked()
        assert not hasattr(screen, "git_outcome") and not hasattr(screen, "writing")

    app = run_app(stockton_met, script)
    assert threads["record"] != threads["ui"] and threads["written"] == threads["ui"] and threads["lock held"]
    assert spied == [["discretion"]]
    shown = [(m, on_disk) for m, on_disk in app.seen if "entry 2" in str(m).lower()]
    assert [m for m, _ in shown] == [
        "Recorded entry 2 (discretion, 2.2). Saved to disk.",
        "Entry 2 is on disk, but not committed: git commit failed: disk full.",
    ]
    assert all(WHY.encode() in on_disk for _, on_disk in shown)  # said only once it was on disk
