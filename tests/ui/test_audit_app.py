"""Pilot tests for the audit screen of PanelApp: every key, the status column, the filters, the
drill-down read-only and back, help and the palette, and progress from the worker."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from textual.widgets import DataTable, Select, TabbedContent

from panel_tui.app import PanelApp
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry
from panel_tui.screens.audit import AuditScreen
from panel_tui.screens.audit_tables import DECISION_COLUMNS
from panel_tui.screens.help import HelpScreen
from panel_tui.screens.meeting import MeetingScreen
from tests.ui.pilot import until

ROOT = Path(__file__).resolve().parents[2]
WHY = "The panel weighed the case files and the interviews together."


def make_root(tmp_path: Path) -> Path:
    root = tmp_path / "all"
    root.mkdir()
    for slug in ("stockton-2021", "leeds-2019", "hammersmith-2022", "lincolnshire-2023"):
        shutil.copytree(ROOT / "sessions" / slug, root / slug)
    shutil.copytree(ROOT / "sessions" / "stockton-2021", root / "tampered")
    log = root / "tampered" / "decisions.toml"
    log.write_text(log.read_text().replace("eight cases", "all cases"))
    return root


def add_open_meeting(root: Path) -> dict[str, int]:
    """A meeting in progress: a proposal, a retracted keep, a discretion, a superseded ratification, a dissent."""
    d = root / "open-meeting"
    d.mkdir()
    shutil.copy(ROOT / "sessions" / "stockton-2021" / "inspection.toml", d)
    insp = load_inspection(d)

    def rec(kind, **fields):
        return append_entry(d, insp, kind, {"by": "Chair", **fields})["seq"]

    rec("attendance", chair="Chair", members=["A", "B"])
    seq = {"p22": rec("proposal", standard="2.2", to="Good", rationale=WHY, by="Lead")}
    seq["kept"] = rec("declined", standard="2.2", reason="Kept at first, in error.")
    seq["undo"] = rec("retraction", retracts=seq["kept"], reason="Recorded before the discussion ended.")
    seq["up"] = rec("discretion", standard="2.2", to="Good", rationale=WHY)
    seq["r11"] = rec("ratification", standard="1.1")
    seq["r11b"] = rec("ratification", standard="1.1", to="Outstanding", reason="The panel saw stronger leadership.")
    seq["dis"] = rec("dissent", member="B", about=seq["up"], reason="I would have kept Requires improvement.", by="B")
    return seq


def run(root: Path, script, size=(160, 45)) -> PanelApp:
    app = PanelApp(audit=root)

    async def go():
        async with app.run_test(size=size) as pilot:
            await until(
                pilot, lambda: isinstance(app.screen, AuditScreen) and app.screen.audit is not None, 10, "the scan"
            )
            await script(app.screen, pilot)

    asyncio.run(go())
    return app


def options(screen: AuditScreen, key: str) -> list[str]:
    return [value for _, value in screen.query_one(f"#filter-{key}", Select)._options if isinstance(value, str)]


def test_the_audit_is_a_screen_of_panel_app_listing_sessions(tmp_path):
    async def script(screen, pilot):
        assert isinstance(screen, AuditScreen) and isinstance(screen.app, PanelApp)
        table = screen.query_one("#sessions", DataTable)
        assert table.row_count == 5
        assert "✗ broken at entry 7" in str(table.get_cell("tampered", "Log"))
        assert "✓ intact" in str(table.get_cell("stockton-2021", "Log"))
        assert "32/36" in str(table.get_cell("stockton-2021", "Score"))

    run(make_root(tmp_path), script)


def test_number_keys_switch_tabs(tmp_path):
    async def script(screen, pilot):
        tabs = screen.query_one(TabbedContent)
        for key, tab in (("2", "tab-decisions"), ("3", "tab-figures"), ("1", "tab-sessions")):
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == tab

        await pilot.press("2")
        await pilot.pause()
        screen.query_one("#filter-kind", Select).focus()  # from a filter too, the keys switch tabs
        await pilot.pause()
        for key, tab in (("3", "tab-figures"), ("2", "tab-decisions"), ("1", "tab-sessions")):
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == tab

    run(make_root(tmp_path), script)


def test_status_column_and_kind_filter_over_every_kind(tmp_path):
    root = make_root(tmp_path)
    seq = add_open_meeting(root)

    async def script(screen, pilot):
        await pilot.press("2")
        await pilot.pause()
        table = screen.query_one("#decisions", DataTable)
        assert table.row_count == 36 + 7  # the four examples, and the open meeting's seven rows
        # every kind present can be chosen, in the log's order
        assert options(screen, "kind") == [
            "proposal",
            "discretion",
            "declined",
            "ratification",
            "retraction",
            "dissent",
        ]
        assert options(screen, "status") == ["stands", "superseded", "retracted"]
        kept = f"open-meeting#{seq['kept']}"
        assert str(table.get_cell(kept, "Status")) == f"✗ retracted by {seq['undo']}"
        assert all(c.style == "dim" for c in table.get_row(kept)[:7])  # it does not look like it stands
        assert [str(table.get_cell(kept, c)) for c in ("Session", "#", "Kind", "Status")] == [
            "open-meeting",
            str(seq["kept"]),
            "declined",
            f"✗ retracted by {seq['undo']}",
        ]
        assert str(table.get_cell(f"open-meeting#{seq['r11']}", "Status")) == "– superseded"
        assert str(table.get_cell(f"open-meeting#{seq['r11b']}", "Status")) == "✓ stands"
        assert str(table.get_cell(f"open-meeting#{seq['p22']}", "Status")) == "✓ stands, ✓ accepted"
        for kind, count in (("dissent", 1), ("retraction", 1), ("proposal", 1), ("ratification", 22)):
            screen.query_one("#filter-kind", Select).value = kind
            await pilot.pause()
            assert table.row_count == count, kind
        screen.query_one("#filter-kind", Select).value = "dissent"
        await pilot.pause()
        body = str(screen.query_one("#decision-body").render())
        assert f"B dissents from entry {seq['up']} (discretion, 2.2)" in body and "kept Requires" in body
        screen.query_one("#filter-kind", Select).value = "retraction"
        await pilot.pause()
        body = str(screen.query_one("#decision-body").render())
        assert f"Retracts entry {seq['kept']} (declined, 2.2)" in body and "Reason: Recorded before" in body
        await pilot.press("c")
        await pilot.pause()
        screen.query_one("#filter-status", Select).value = "retracted"
        await pilot.pause()
        assert table.row_count == 1 and str(table.get_cell_at((0, DECISION_COLUMNS.index("#")))) == str(seq["kept"])
        await pilot.press("3")
        await pilot.pause()
        figures = str(screen.query_one("#figures").render())
        assert "not yet considered" in figures and "◐ open-meeting 3.2" in figures
        assert "✗ open-meeting" not in figures  # an open meeting is not a failure

    run(root, script)


def test_filters_detail_and_c_clears(tmp_path):
    async def script(screen, pilot):
        await pilot.press("2")
        await pilot.pause()
        table = screen.query_one("#decisions", DataTable)
        total = table.row_count
        assert total == 36  # the four example logs; the tampered log's decisions are left out
        screen.query_one("#filter-kind", Select).value = "discretion"
        await pilot.pause()
        assert table.row_count == 1
        detail = str(screen.query_one("#decision-body").render())
        assert "stockton-2021 entry 7: discretion on 2.2" in detail and "eight cases" in detail
        assert "Status: ✓ stands" in detail
        assert options(screen, "direction") == ["uplift", "none"]  # only what is present: no lowerings here
        screen.query_one("#filter-direction", Select).value = "none"
        await pilot.pause()
        assert table.row_count == 0
        assert "No decision matches" in str(screen.query_one("#decision-body").render())
        await pilot.press("c")
        await pilot.pause()
        assert table.row_count == total
        assert all(screen.current_filters()[k] is None for k in screen.current_filters())

    run(make_root(tmp_path), script)


def test_filter_counts(tmp_path):
    async def script(screen, pilot):
        table = screen.query_one("#decisions", DataTable)
        screen.query_one("#filter-flag", Select).value = "small-sample"
        await pilot.pause()
        assert table.row_count == 5
        screen.query_one("#filter-lead_inspector", Select).value = "Mike Lane"
        await pilot.pause()
        assert table.row_count == 0
        await pilot.press("c")
        screen.query_one("#filter-standard", Select).value = "3.3"
        screen.query_one("#filter-year", Select).value = "2022"
        await pilot.pause()
        assert table.row_count == 1 and "hammersmith" in str(table.get_cell_at((0, DECISION_COLUMNS.index("Session"))))

    run(make_root(tmp_path), script)


def test_o_opens_read_only_and_esc_comes_back(tmp_path):
    async def script(screen, pilot):
        app = screen.app
        await pilot.press("2")
        await pilot.pause()
        screen.query_one("#filter-kind", Select).value = "discretion"
        await pilot.pause()
        screen.query_one("#decisions", DataTable).focus()
        await pilot.press("o")
        await pilot.pause()
        meeting = app.screen
        assert isinstance(meeting, MeetingScreen) and meeting.read_only
        assert meeting.session.rating.score == 32
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is meeting  # no form: read-only
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen  # back on the audit, as it was left
        assert screen.query_one(TabbedContent).active == "tab-decisions"
        assert screen.query_one("#filter-kind", Select).value == "discretion"

    before = sorted(p.name for p in make_root(tmp_path).rglob("*"))
    run(tmp_path / "all", script)
    assert sorted(p.name for p in (tmp_path / "all").rglob("*")) == before  # nothing written


def test_enter_on_a_session_opens_it(tmp_path):
    async def script(screen, pilot):
        table = screen.query_one("#sessions", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("leeds-2019"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(screen.app.screen, MeetingScreen)
        assert screen.app.screen.session.inspection.service == "Leeds Youth Justice Service"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.app.screen is screen

    run(make_root(tmp_path), script)


def test_help_is_the_audit_s_own(tmp_path):
    async def script(screen, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = screen.app.screen
        assert isinstance(help_screen, HelpScreen)
        assert "the audit" in help_screen.text and "✗ retracted by N" in help_screen.text
        await pilot.press("escape")
        await pilot.pause()
        assert screen.app.screen is screen

    run(make_root(tmp_path), script)


def test_palette_lists_the_audit_commands_and_runs_them(tmp_path):
    async def script(screen, pilot):
        app = screen.app
        commands = {c.title: c for c in app.get_system_commands(screen)}
        audit = sorted(t for t in commands if t.startswith("Audit: "))
        assert audit == [
            "Audit: Clear filters",
            "Audit: Decisions",
            "Audit: Figures",
            "Audit: Filters",
            "Audit: Open session",
            "Audit: Rescan",
            "Audit: Sessions",
            "Audit: Sort",
        ]
        assert "Panel: Help" in commands and not any(t.startswith("Git:") for t in commands)
        commands["Audit: Figures"].callback()
        await pilot.pause()
        assert screen.query_one(TabbedContent).active == "tab-figures"
        commands["Audit: Open session"].callback()
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)

    run(make_root(tmp_path), script)


def test_r_reads_every_session_again(tmp_path):
    root = make_root(tmp_path)

    async def script(screen, pilot):
        table = screen.query_one("#sessions", DataTable)
        assert table.row_count == 5
        shutil.copytree(ROOT / "sessions" / "leeds-2019", root / "leeds-again")
        await pilot.press("r")
        await until(pilot, lambda: table.row_count == 6, what="the new session read")
        # a copy of leeds-2019's folder: one record in two places, counted once (attack report, finding 13)
        assert "✗ one record in two places" in str(table.get_cell("leeds-again", "Log"))

    run(root, script)


def test_q_quits(tmp_path):
    async def script(screen, pilot):
        await pilot.press("q")
        await pilot.pause()
        assert not screen.app.is_running

    app = run(make_root(tmp_path), script)
    assert not app.return_code


def test_a_thousand_sessions_come_as_a_few_batches(tmp_path, monkeypatch):
    """A thousand sessions reach the UI thread as a handful of batch messages, not one each, and
    every session read is in the table once the scan has ended."""
    import time

    import panel_tui.screens.audit as screen_module
    from panel_tui.core.audit import SessionRecord, run_audit
    from panel_tui.screens.audit_scan import ScanRows

    root = make_root(tmp_path)
    batches: list[int] = []
    original_init = ScanRows.__init__

    def counting_init(self, scan, records, done, total):
        batches.append(len(records))
        original_init(self, scan, records, done, total)

    def slow_audit(folder, progress=None, rows=None, canonical=None, record=None):
        for i in range(1, 1001):
            if i % 250 == 0:
                time.sleep(0.12)  # four pauses longer than the 0.1 s between two batches
            record(SessionRecord(f"read-{i:04d}"))
            progress(i, 1000)
        return run_audit(folder)

    monkeypatch.setattr(ScanRows, "__init__", counting_init)
    monkeypatch.setattr(screen_module, "run_audit", slow_audit)

    async def script(screen, pilot):
        table = screen.query_one("#sessions", DataTable)
        assert table.row_count == 1000 and str(table.get_row_at(999)[0]) == "read-1000"
        # the first at once, one after each pause, the last; not one for each session in between
        assert batches[0] == 1 and sum(batches) == 1000 and 4 <= len(batches) <= 10, batches

    run(root, script)


def test_the_batcher_sends_the_first_session_at_once_then_batches_and_stops_when_cancelled(monkeypatch):
    import panel_tui.screens.audit_scan as scan_module
    from panel_tui.core.audit import SessionRecord

    posted = []
    cancelled = [False]
    monkeypatch.setattr(scan_module, "BATCH_EVERY", 3600.0)  # no batch goes on time alone in this test
    b = scan_module.Batcher(7, posted.append, lambda: cancelled[0])
    for i in range(1, 5):
        b.record(SessionRecord(f"s{i}"))
        b.progress(i, 5)
    assert [[r.path for r in m.records] for m in posted] == [["s1"]]  # the first at once, the rest held
    b.record(SessionRecord("s5"))
    b.progress(5, 5)
    assert [[r.path for r in m.records] for m in posted] == [["s1"], ["s2", "s3", "s4", "s5"]]  # the last flushes
    assert all(m.scan == 7 for m in posted) and (posted[-1].done, posted[-1].total) == (5, 5)
    cancelled[0] = True
    with pytest.raises(scan_module.Cancelled):
        b.record(SessionRecord("s6"))
    with pytest.raises(scan_module.Cancelled):
        b.progress(6, 6)


def test_the_sessions_tab_shows_only_sessions_not_counted_or_with_entries_kept_aside(tmp_path):
    """Issue 20/23: a filter on the Sessions tab finds the ✗ sessions and those with entries kept aside."""
    import shutil

    from textual.widgets import DataTable, Select

    from panel_tui.app import PanelApp
    from tests.conftest import SESSIONS

    for name in ("good", "broken"):
        shutil.copytree(SESSIONS / "stockton-2021", tmp_path / name)
    log = tmp_path / "broken" / "decisions.toml"
    log.write_text(log.read_text().replace("Ratings panel chair", "Ratings panel chief", 1))
    seen = {}

    async def go():
        app = PanelApp(audit=tmp_path)
        async with app.run_test(size=(160, 40)) as pilot:
            screen = app.screen
            await app.workers.wait_for_complete()
            await pilot.pause()
            table = screen.query_one("#sessions", DataTable)
            seen["all"] = table.row_count
            screen.query_one("#session-filter", Select).value = "broken"
            await pilot.pause()
            seen["broken"] = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
            screen.query_one("#session-filter", Select).value = "kept"
            await pilot.pause()
            seen["kept"] = table.row_count

    import asyncio

    asyncio.run(go())
    assert seen["all"] == 2 and seen["broken"] == ["broken"] and seen["kept"] == 0
