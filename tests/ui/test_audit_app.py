"""Pilot tests for the audit screen: scanning, filters, detail, drill-down read-only."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from textual.widgets import DataTable, Select

from panel_tui.audit_app import AuditApp
from panel_tui.screens.meeting import MeetingScreen

ROOT = Path(__file__).resolve().parents[2]


def make_root(tmp_path: Path) -> Path:
    root = tmp_path / "all"
    root.mkdir()
    for slug in ("stockton-2021", "leeds-2019", "hammersmith-2022", "lincolnshire-2023"):
        shutil.copytree(ROOT / "sessions" / slug, root / slug)
    shutil.copytree(ROOT / "sessions" / "stockton-2021", root / "tampered")
    log = root / "tampered" / "decisions.toml"
    log.write_text(log.read_text().replace("eight cases", "all cases"))
    return root


def run(root: Path, script) -> AuditApp:
    app = AuditApp(root)

    async def go():
        async with app.run_test(size=(160, 45)) as pilot:
            for _ in range(50):
                await pilot.pause(0.05)
                if app.audit is not None:
                    break
            await pilot.pause()
            await script(app, pilot)

    asyncio.run(go())
    return app


def test_sessions_listed_with_log_status(tmp_path):
    async def script(app, pilot):
        table = app.query_one("#sessions", DataTable)
        assert table.row_count == 5
        assert "✗ broken at entry 7" in str(table.get_cell("tampered", "Log"))
        assert "✓ intact" in str(table.get_cell("stockton-2021", "Log"))
        assert "32/36" in str(table.get_cell("stockton-2021", "Score"))

    run(make_root(tmp_path), script)


def test_filters_and_detail(tmp_path):
    async def script(app, pilot):
        await pilot.press("2")  # Decisions tab
        await pilot.pause()
        table = app.query_one("#decisions", DataTable)
        total = table.row_count
        assert total == 36  # the four example logs; the tampered log's decisions are left out
        app.query_one("#filter-kind", Select).value = "discretion"
        await pilot.pause()
        assert table.row_count == 1
        detail = str(app.query_one("#decision-body").render())
        assert "stockton-2021 entry 7: discretion on 2.2" in detail and "eight cases" in detail
        app.query_one("#filter-direction", Select).value = "lowering"
        await pilot.pause()
        assert table.row_count == 0
        await pilot.press("c")
        await pilot.pause()
        assert table.row_count == total

    run(make_root(tmp_path), script)


def test_filter_counts(tmp_path):
    async def script(app, pilot):
        table = app.query_one("#decisions", DataTable)
        app.query_one("#filter-flag", Select).value = "small-sample"
        await pilot.pause()
        assert table.row_count == 5
        app.query_one("#filter-lead_inspector", Select).value = "Mike Lane"
        await pilot.pause()
        assert table.row_count == 0
        await pilot.press("c")
        app.query_one("#filter-standard", Select).value = "3.3"
        app.query_one("#filter-year", Select).value = "2022"
        await pilot.pause()
        assert table.row_count == 1 and "hammersmith" in str(table.get_row_at(0)[0])

    run(make_root(tmp_path), script)


def test_drill_down_opens_read_only(tmp_path):
    async def script(app, pilot):
        await pilot.press("2")
        await pilot.pause()
        app.query_one("#filter-kind", Select).value = "discretion"
        await pilot.pause()
        app.query_one("#decisions", DataTable).focus()
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen) and screen.read_only
        assert screen.session.rating.score == 32
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)  # no form: read-only
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, type(app.screen)) and not isinstance(app.screen, MeetingScreen)

    before = sorted(p.name for p in make_root(tmp_path).rglob("*"))
    run(tmp_path / "all", script)
    assert sorted(p.name for p in (tmp_path / "all").rglob("*")) == before  # nothing written
