"""Pilot tests for the audit screen while its scan is still reading (issue 26 item 3): rows shown
before the scan ends, the progress wording, filters, the cursor and a sort mid-scan, leaving or
rescanning mid-scan; and the Sessions tab at 80x24, the ratification's rationale line.

The scan is held mid-way by a gate in its per-session progress callback (the real run_audit runs):
the test waits on the gate being reached and on conditions of the screen, never on a sleep.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

import pytest
from textual.widgets import DataTable, Select, Static

import panel_tui.screens.audit as screen_module
import panel_tui.screens.audit_scan as scan_module
from panel_tui.app import PanelApp
from panel_tui.core.audit import SessionRecord
from panel_tui.screens.audit import AuditScreen
from panel_tui.screens.audit_scan import ScanRows
from panel_tui.screens.audit_tables import SESSION_COLUMNS
from tests.ui.pilot import until
from tests.ui.test_audit_app import ROOT, make_root

ORDER = ["hammersmith-2022", "leeds-2019", "lincolnshire-2023", "stockton-2021", "tampered"]  # as read


class Gate:
    """Holds the first scan after chosen sessions: ``reached[n]`` is set once session n's batch has
    been posted, and the scan waits there until ``release(n)``. ``read`` lists each session loaded,
    ``ended`` how the held scan ended ("done" or the exception's name)."""

    def __init__(self, monkeypatch, *holds: int) -> None:
        self.reached = {n: threading.Event() for n in holds}
        self.gates = {n: threading.Event() for n in holds}
        self.read: list[str] = []
        self.ended: list[str] = []
        self.calls = 0
        real = screen_module.run_audit
        monkeypatch.setattr(scan_module, "BATCH_EVERY", 0.0)  # every session its own batch: deterministic

        def gated(root, progress=None, rows=None, canonical=None, record=None):
            self.calls += 1
            if self.calls > 1:  # a rescan reads freely
                return real(root, progress, rows, canonical, record=record)

            def on_record(rec):
                self.read.append(rec.path)
                record(rec)

            def on_progress(done, total):
                progress(done, total)
                if done in self.gates:
                    self.reached[done].set()
                    assert self.gates[done].wait(20), "the test never released the scan"

            try:
                audit = real(root, on_progress, rows, canonical, record=on_record)
            except BaseException as exc:
                self.ended.append(type(exc).__name__)
                raise
            self.ended.append("done")
            return audit

        monkeypatch.setattr(screen_module, "run_audit", gated)

    async def held(self, pilot, n: int) -> None:
        await until(pilot, self.reached[n].is_set, 10, f"the scan to reach session {n}")

    def release(self, n: int) -> None:
        self.gates[n].set()


def run(root: Path, script, size=(160, 45)) -> PanelApp:
    app = PanelApp(audit=root)

    async def go():
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda: isinstance(app.screen, AuditScreen), 10, "the audit screen")
            await script(app.screen, pilot)

    asyncio.run(go())
    return app


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def keys(table: DataTable) -> list[str]:
    return [str(k.value) for k in table.rows]


def test_rows_show_before_the_scan_ends_with_words_that_say_so_far(tmp_path, monkeypatch):
    gate = Gate(monkeypatch, 2)

    async def script(screen, pilot):
        await gate.held(pilot, 2)
        sessions, decisions = screen.query_one("#sessions", DataTable), screen.query_one("#decisions", DataTable)
        await until(pilot, lambda: sessions.row_count == 2, what="the first two sessions in the table")
        assert screen.audit is None and gate.ended == []  # mid-scan, observably
        assert keys(sessions) == ORDER[:2]
        rows_so_far = [d for s in screen.records for d in s.rows]
        assert rows_so_far and decisions.row_count == len(rows_so_far)
        assert {k.split("#")[0] for k in keys(decisions)} == set(ORDER[:2])
        status = text(screen, "#audit-status")
        assert f"Reading 2 of 5 sessions… {len(rows_so_far):,} decisions so far; figures when the scan ends" in status
        count = text(screen, "#decision-count")
        assert count == f"{len(rows_so_far)} of {len(rows_so_far)} decisions so far, still reading"
        assert "wait for the end of the scan" in text(screen, "#figures") and "2 of 5 sessions read" in text(
            screen, "#figures"
        )
        assert "hammersmith-2022 entry" in text(screen, "#decision-body")  # the pane follows the first row
        gate.release(2)
        await until(pilot, lambda: screen.audit is not None, 10, "the end of the scan")
        assert keys(sessions) == ORDER and gate.ended == ["done"]
        total = len(screen.audit.decisions)
        assert decisions.row_count == total == len(screen.rows)
        assert text(screen, "#decision-count") == f"{total} of {total} decisions"  # final: no "so far"
        status = text(screen, "#audit-status")
        assert "so far" not in status and "5 sessions (4 signed off, 1 ✗ not counted)" in status
        assert "Totals" in text(screen, "#figures") and "wait for" not in text(screen, "#figures")

    run(make_root(tmp_path), script)


def test_a_filter_chosen_mid_scan_applies_to_the_rows_read_and_to_those_that_follow(tmp_path, monkeypatch):
    gate = Gate(monkeypatch, 2)

    async def script(screen, pilot):
        await gate.held(pilot, 2)
        decisions = screen.query_one("#decisions", DataTable)
        await until(pilot, lambda: decisions.row_count > 0, what="rows mid-scan")
        kind = screen.query_one("#filter-kind", Select)
        offered = [v for _, v in kind._options if isinstance(v, str)]
        assert "ratification" in offered  # the values seen so far are offered
        kind.value = "ratification"
        await until(pilot, lambda: all(k in screen.shown for k in keys(decisions)) and len(screen.shown) > 0)
        mid = [d for d in screen.rows if d["kind"] == "ratification"]
        assert decisions.row_count == len(mid) and all(d["kind"] == "ratification" for d in screen.shown.values())
        count = text(screen, "#decision-count")
        assert count == f"{len(mid)} of {len(screen.rows)} decisions so far, still reading (filtered: c clears)"
        assert len(count) <= 76  # one line at 80 columns
        gate.release(2)
        await until(pilot, lambda: screen.audit is not None, 10, "the end of the scan")
        every = [d for d in screen.audit.decisions if d["kind"] == "ratification"]
        assert len(every) > len(mid) and decisions.row_count == len(every)  # later sessions filtered as they came
        assert kind.value == "ratification"  # the choice survived every new list of values
        assert text(screen, "#decision-count") == (
            f"{len(every)} of {len(screen.audit.decisions)} decisions (filtered: c clears)"
        )
        await pilot.press("c")
        await until(pilot, lambda: decisions.row_count == len(screen.audit.decisions), what="c to clear")

    run(make_root(tmp_path), script)


def test_an_open_filter_list_does_not_change_under_the_user_and_catches_up_at_the_end(tmp_path, monkeypatch):
    from tests.ui.test_audit_app import add_open_meeting

    root = make_root(tmp_path)
    add_open_meeting(root)  # read fourth: brings proposals, retractions and dissents
    gate = Gate(monkeypatch, 2, 4)

    def offered(select: Select) -> list[str]:
        return [v for _, v in select._options if isinstance(v, str)]

    async def script(screen, pilot):
        await gate.held(pilot, 2)
        kind = screen.query_one("#filter-kind", Select)
        await until(pilot, lambda: "ratification" in offered(kind), what="the kinds read so far offered")
        before = offered(kind)
        assert "proposal" not in before
        await pilot.press("2")
        kind.focus()
        kind.expanded = True  # the user has the list open
        await pilot.pause()
        gate.release(2)
        await gate.held(pilot, 4)
        await until(pilot, lambda: any(r.path == "open-meeting" for r in screen.records), what="open-meeting read")
        assert offered(kind) == before and kind.expanded  # not moved while open
        gate.release(4)
        await until(pilot, lambda: screen.audit is not None, 10, "the end of the scan")
        assert {"proposal", "retraction", "dissent"} <= set(offered(kind))  # caught up at the end

    run(root, script)


def test_the_cursor_stays_where_the_user_put_it_as_rows_append(tmp_path, monkeypatch):
    gate = Gate(monkeypatch, 1, 3)

    async def script(screen, pilot):
        await gate.held(pilot, 1)
        decisions = screen.query_one("#decisions", DataTable)
        await until(pilot, lambda: decisions.row_count > 3, what="the first session's rows")
        await pilot.press("2")
        decisions.move_cursor(row=3)
        await pilot.pause()
        chosen = keys(decisions)[3]
        assert text(screen, "#decision-body").startswith(chosen.replace("#", " entry "))
        first = decisions.row_count
        gate.release(1)
        await gate.held(pilot, 3)
        await until(pilot, lambda: decisions.row_count > first, what="rows appended")
        assert decisions.cursor_row == 3 and keys(decisions)[3] == chosen
        assert text(screen, "#decision-body").startswith(chosen.replace("#", " entry "))
        gate.release(3)
        await until(pilot, lambda: screen.audit is not None, 10, "the end of the scan")
        assert decisions.cursor_row == 3 and keys(decisions)[3] == chosen

    run(make_root(tmp_path), script)


def test_a_sort_mid_scan_is_said_to_be_partial_and_completed_at_the_end_keeping_the_cursor(tmp_path, monkeypatch):
    gate = Gate(monkeypatch, 2)

    async def script(screen, pilot):
        await gate.held(pilot, 2)
        sessions = screen.query_one("#sessions", DataTable)
        await until(pilot, lambda: sessions.row_count == 2, what="two sessions")
        sessions.focus()
        await pilot.press("s")  # log status, ✗ first
        await pilot.pause()
        assert "log status, ✗ first — sessions read since are added below until the scan ends" in text(
            screen, "#session-sort"
        )
        sessions.move_cursor(row=sessions.get_row_index("leeds-2019"))
        gate.release(2)
        await until(pilot, lambda: screen.audit is not None, 10, "the end of the scan")
        assert keys(sessions)[0] == "tampered"  # the ✗ session first once the scan has ended
        assert sessions.coordinate_to_cell_key(sessions.cursor_coordinate).row_key.value == "leeds-2019"
        assert text(screen, "#session-sort") == "Sort (s): log status, ✗ first"
        assert "leeds-2019" in text(screen, "#session-body")

    run(make_root(tmp_path), script)


def test_o_mid_scan_opens_a_session_read_only_and_the_scan_goes_on_behind_it(tmp_path, monkeypatch):
    from panel_tui.screens.meeting import MeetingScreen

    gate = Gate(monkeypatch, 2)

    async def script(screen, pilot):
        await gate.held(pilot, 2)
        sessions = screen.query_one("#sessions", DataTable)
        await until(pilot, lambda: sessions.row_count == 2, what="two sessions")
        sessions.focus()
        sessions.move_cursor(row=sessions.get_row_index("leeds-2019"))
        await pilot.press("o")
        await until(pilot, lambda: isinstance(screen.app.screen, MeetingScreen), what="the session opened")
        assert screen.app.screen.read_only
        gate.release(2)
        await until(pilot, lambda: screen.audit is not None, 10, "the scan to end behind the meeting screen")
        await pilot.press("escape")
        await until(pilot, lambda: screen.app.screen is screen, what="back on the audit")
        assert keys(sessions) == ORDER and gate.ended == ["done"]
        assert sessions.coordinate_to_cell_key(sessions.cursor_coordinate).row_key.value == "leeds-2019"

    run(make_root(tmp_path), script)


def test_leaving_the_screen_mid_scan_stops_the_scan(tmp_path, monkeypatch):
    gate = Gate(monkeypatch, 2)

    async def script(screen, pilot):
        await gate.held(pilot, 2)
        app = screen.app
        app.pop_screen()
        await until(pilot, lambda: not screen.is_attached, what="the audit screen gone")
        gate.release(2)
        await until(pilot, lambda: gate.ended, 10, "the scan to stop")
        assert gate.ended == ["Cancelled"]  # stopped at the next session, not read to the end
        assert gate.read == ORDER[:3] and screen.audit is None

    app = run(make_root(tmp_path), script)
    assert not app.return_code


def test_q_mid_scan_quits_and_the_scan_stops(tmp_path, monkeypatch):
    gate = Gate(monkeypatch, 2)

    async def script(screen, pilot):
        await gate.held(pilot, 2)
        await pilot.press("q")
        gate.release(2)
        await until(pilot, lambda: not screen.app.is_running, what="the app to quit")

    app = run(make_root(tmp_path), script)
    assert not app.return_code and len(gate.read) < len(ORDER)


def test_r_mid_scan_starts_again_and_a_late_batch_of_the_old_scan_is_dropped(tmp_path, monkeypatch):
    gate = Gate(monkeypatch, 2)

    async def script(screen, pilot):
        await gate.held(pilot, 2)
        sessions = screen.query_one("#sessions", DataTable)
        await until(pilot, lambda: sessions.row_count == 2, what="two sessions")
        old = screen.scan_number
        await pilot.press("r")
        await until(pilot, lambda: screen.audit is not None, 10, "the new scan to end")
        gate.release(2)
        await until(pilot, lambda: gate.ended, 10, "the old scan to stop")
        assert gate.ended == ["Cancelled"] and screen.scan_number == old + 1
        assert keys(sessions) == ORDER  # each session once: nothing of the old scan mixed in
        decisions = screen.query_one("#decisions", DataTable)
        assert list(screen.shown) == keys(decisions) and decisions.row_count == len(screen.audit.decisions)
        screen.post_message(ScanRows(old, [SessionRecord("ghost")], 1, 1))  # as if it came late
        await pilot.pause()
        await pilot.pause()
        assert "ghost" not in keys(sessions) and "Reading" not in text(screen, "#audit-status")

    run(make_root(tmp_path), script)


def archive(tmp_path: Path) -> Path:
    """Thirty sessions two folders down (enough for a vertical scrollbar at 80x24), and a broken one."""
    root = tmp_path / "all"
    for i in range(30):
        shutil.copytree(ROOT / "sessions" / "leeds-2019", root / "2019" / "north-east-region" / f"leeds-{i:02d}")
    shutil.copytree(ROOT / "sessions" / "stockton-2021", root / "tampered")
    log = root / "tampered" / "decisions.toml"
    log.write_text(log.read_text().replace("eight cases", "all cases"))
    return root


def test_the_sessions_tab_shows_every_column_that_matters_at_80x24(tmp_path):
    root = archive(tmp_path)

    async def script(screen, pilot):
        await until(pilot, lambda: screen.audit is not None, 20, "the end of the scan")
        table = screen.query_one("#sessions", DataTable)
        assert str(table.get_cell("2019/north-east-region/leeds-00", "Overall")) == "Requires improvement"
        assert str(table.get_cell("tampered", "Log")).startswith("✗ broken at entry 7")
        upto = SESSION_COLUMNS.index("Overall") + 1
        used = sum(table.columns[k].get_render_width(table) for k in SESSION_COLUMNS[:upto])
        assert table.show_vertical_scrollbar
        assert used <= table.scrollable_content_region.width, (used, table.scrollable_content_region.width)
        cell = str(table.get_cell("2019/north-east-region/leeds-00", "Session"))
        assert "…" in cell and cell.startswith("2019") and cell.endswith("leeds-00")  # cut in the middle
        table.move_cursor(row=table.get_row_index("2019/north-east-region/leeds-00"))
        await pilot.pause()
        assert "2019/north-east-region/leeds-00" in text(screen, "#session-body")  # whole in the pane

    run(root, script, size=(80, 24))


def test_a_wide_screen_shows_the_whole_path_and_more_of_the_log_and_cuts_again_when_narrowed(tmp_path):
    path = "2019/north-east-region/leeds-00"

    async def script(screen, pilot):
        await until(pilot, lambda: screen.audit is not None, 20, "the end of the scan")
        table = screen.query_one("#sessions", DataTable)
        assert str(table.get_cell(path, "Session")) == path
        wide_log = str(table.get_cell("tampered", "Log"))
        assert len(wide_log) > 20 and wide_log.startswith("✗ broken at entry 7: ")
        table.move_cursor(row=table.get_row_index("tampered"))
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: "…" in str(table.get_cell(path, "Session")), what="the rows cut again")
        assert len(str(table.get_cell("tampered", "Log"))) <= 20
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "tampered"  # cursor kept

    run(archive(tmp_path), script, size=(160, 45))


@pytest.mark.parametrize("as_proposed", [True, False])
def test_a_ratification_s_pane_says_why_it_has_no_rationale(tmp_path, as_proposed):
    from tests.ui.test_audit_app import add_open_meeting

    root = tmp_path / "all"
    root.mkdir()
    seq = add_open_meeting(root)

    async def script(screen, pilot):
        await until(pilot, lambda: screen.audit is not None, 10, "the end of the scan")
        decisions = screen.query_one("#decisions", DataTable)
        await pilot.press("2")
        decisions.move_cursor(row=decisions.get_row_index(f"open-meeting#{seq['r11' if as_proposed else 'r11b']}"))
        await pilot.pause()
        body = text(screen, "#decision-body")
        assert "Rationale:" in body and not any(line.strip() == "Rationale:" for line in body.splitlines())
        if as_proposed:
            assert "Rationale: — (ratified as proposed)" in body
        else:
            assert "Rationale: The panel saw stronger leadership." in body

    run(root, script)
