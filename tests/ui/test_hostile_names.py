"""Folder names and file values that try to steer the terminal (issue 10): shown, never sent.

A session folder named ``evil\\x1b]0;PWNED\\x07\\x1b[2J`` would set the terminal's title and clear
the screen if any widget passed it through raw. Each place the issue names is checked here: the
audit screen's tables and decision pane, the precedents in the discretion form, the picker's
error toast; and a broken sibling or audit folder is shown as such, never a crash.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from textual.widgets import DataTable

from panel_tui.app import PanelApp
from panel_tui.modals.entry_form import EntryForm
from panel_tui.screens.audit import AuditScreen
from tests.ui.pilot import dismiss_attendance, run_app, select_standard, until

ROOT = Path(__file__).resolve().parents[2]
EVIL = "evil\x1b]0;PWNED\x07\x1b[2J[bold]x[@click=app.quit]q"  # no "/": it cannot be in a name
SHOWN = "evil␛]0;PWNED␇␛[2J[bold]x[@click=app.quit]q"


def _no_raw_control(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text, repr(text)


def run_audit_app(root: Path, script) -> PanelApp:
    """PanelApp on the audit screen; ``script(screen, pilot)`` once the scan has ended or failed."""
    app = PanelApp(audit=root)
    app.seen = []
    original = app.notify

    def notify(message, **kw):
        app.seen.append(message)
        return original(message, **kw)

    app.notify = notify  # type: ignore[method-assign]

    async def go():
        async with app.run_test(size=(160, 45)) as pilot:

            def ended() -> bool:
                screen = app.screen
                return isinstance(screen, AuditScreen) and (
                    screen.audit is not None or "failed" in str(screen.query_one("#audit-status").render())
                )

            await until(pilot, ended, timeout=10, what="the audit scan to end or fail")
            await script(app.screen, pilot)

    asyncio.run(go())
    return app


def test_audit_screen_shows_a_hostile_folder_name_literally(tmp_path):
    root = tmp_path / "all"
    root.mkdir()
    shutil.copytree(ROOT / "sessions" / "stockton-2021", root / EVIL)

    async def script(screen, pilot):
        sessions = screen.query_one("#sessions", DataTable)
        cell = str(sessions.get_cell(EVIL, "Session"))  # cut in the middle to fit 80 columns
        assert cell.startswith(SHOWN[:5]) and cell.endswith(SHOWN[-11:]) and "…" in cell and len(cell) < len(SHOWN)
        _no_raw_control(cell)
        assert SHOWN in str(screen.query_one("#session-body").render())  # the pane names it whole
        await pilot.press("2")
        await pilot.pause()
        decisions = screen.query_one("#decisions", DataTable)
        assert decisions.row_count > 0
        row = decisions.get_row_at(0)
        for c in row:
            _no_raw_control(str(c))
        body = str(screen.query_one("#decision-body").render())
        assert SHOWN in body
        _no_raw_control(body)

    run_audit_app(root, script)


def test_audit_screen_lists_a_broken_session_and_goes_on(tmp_path):
    root = tmp_path / "all"
    root.mkdir()
    shutil.copytree(ROOT / "sessions" / "stockton-2021", root / "good")
    bad = root / "deep"
    shutil.copytree(ROOT / "sessions" / "stockton-2021", bad)
    (bad / "inspection.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")

    async def script(screen, pilot):
        sessions = screen.query_one("#sessions", DataTable)
        assert sessions.row_count == 2
        # the table shows the problem's start (no folder, file or line); the pane below, all of it
        log = str(sessions.get_cell("deep", "Log"))  # 20 columns at most, so Overall fits at 80x24
        assert log.startswith("✗ unreadable: insp") and "toml" not in log and "deep" not in log
        sessions.move_cursor(row=sessions.get_row_index("deep"))
        await pilot.pause()
        assert "nested too deeply" in str(screen.query_one("#session-body").render())
        assert "✓ intact" in str(sessions.get_cell("good", "Log"))

    app = run_audit_app(root, script)
    assert not app.return_code


def test_audit_app_survives_a_scan_that_fails(tmp_path, monkeypatch):
    """A failure of the scan itself is shown in the status line; the app does not crash."""
    import panel_tui.screens.audit as audit_screen

    def broken(root, progress=None, rows=None, canonical=None, record=None):
        raise PermissionError(13, "Permission denied", str(root))

    monkeypatch.setattr(audit_screen, "run_audit", broken)

    async def script(screen, pilot):
        status = str(screen.query_one("#audit-status").render())
        assert "failed" in status and "Permission denied" in status
        assert any("failed" in m for m in screen.app.seen)
        await pilot.press("2", "3", "o", "c")  # every key still works on an empty audit
        await pilot.pause()

    app = run_audit_app(tmp_path, script)
    assert not app.return_code


def test_picker_error_toast_shows_the_name_literally(tmp_path):
    root = tmp_path / "sessions"
    root.mkdir()
    d = root / EVIL
    d.mkdir()
    (d / "inspection.toml").write_text("not = [valid\n")

    async def script(app, pilot):
        await pilot.press("enter")
        await pilot.pause()
        assert app.seen, "no toast shown"
        message = app.seen[-1][0]
        assert SHOWN in message and "not valid TOML" in message
        _no_raw_control(message)

    run_app(None, script, sessions_root=root)


def test_precedents_show_a_hostile_sibling_name_and_skip_a_broken_sibling(tmp_path):
    root = tmp_path / "sessions"
    root.mkdir()
    shutil.copytree(ROOT / "sessions" / "stockton-2021", root / EVIL)
    broken = root / "broken"
    shutil.copytree(ROOT / "sessions" / "stockton-2021", broken)
    (broken / "inspection.toml").write_text("percent = nan\n" + (broken / "inspection.toml").read_text())
    deep = root / "deep"
    deep.mkdir()
    (deep / "inspection.toml").write_text("x = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n")
    d = root / "another"
    d.mkdir()
    shutil.copy(ROOT / "sessions" / "stockton-2021" / "inspection.toml", d)

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, EntryForm)
        await app.workers.wait_for_complete()  # the precedents scan runs in a worker
        await pilot.pause()
        intro = str(app.screen.query_one("#form-intro").render())
        assert f"{SHOWN} #7 discretion" in intro
        _no_raw_control(intro)

    run_app(d, script)
