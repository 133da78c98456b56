"""Screen snapshots on the Stockton session (pytest-textual-snapshot), at explicit sizes.

The clock is frozen and the session is a fixed copy, so the screens are deterministic. Update
with ``pytest tests/ui/test_snapshots.py --snapshot-update`` after a deliberate change, and look
at the report before committing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from panel_tui.app import PanelApp

ROOT = Path(__file__).resolve().parents[2]


async def settled(pilot) -> None:
    """Wait for the screen's workers (the header's sync state, precedents), so pictures are stable."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def fresh(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PANEL_TUI_FROZEN_TIME", "2020-10-20T10:00:00Z")
    d = tmp_path / "stockton"
    d.mkdir()
    shutil.copy(ROOT / "sessions" / "stockton-2021" / "inspection.toml", d)
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import append_entry

    insp = load_inspection(d)
    append_entry(
        d,
        insp,
        "attendance",
        {"chair": "Helen Davies", "members": ["Maria Jerram", "Sam Okafor"], "by": "Helen Davies"},
    )
    return d


class TestStocktonScreens:
    def test_main_screen_wide(self, snap_compare, fresh):
        async def go(pilot):
            await pilot.press("down", "down", "down", "down", "down")  # 2.2 Planning
            await settled(pilot)

        assert snap_compare(PanelApp(fresh), run_before=go, terminal_size=(160, 48))

    def test_main_screen_80x24(self, snap_compare, fresh):
        async def go(pilot):
            await pilot.press("down", "down", "down", "down", "down")
            await settled(pilot)

        assert snap_compare(PanelApp(fresh), run_before=go, terminal_size=(80, 24))

    def test_discretion_form(self, snap_compare, fresh):
        async def go(pilot):
            await pilot.press("down", "down", "down", "down", "down", "d")
            await settled(pilot)  # the precedents scan too, so the picture is stable

        assert snap_compare(PanelApp(fresh), run_before=go, terminal_size=(120, 40))

    def test_sign_off_summary(self, snap_compare, fresh):
        from panel_tui.core.inspection import load_inspection
        from panel_tui.core.log import append_entry

        insp = load_inspection(fresh)
        for sid in ("1.1", "1.2", "1.3", "1.4"):
            append_entry(fresh, insp, "ratification", {"standard": sid, "by": "Helen Davies"})
        for sid in ("2.1", "2.4", "3.1", "3.2", "3.3", "3.4"):
            append_entry(
                fresh, insp, "declined", {"standard": sid, "reason": "The computed band stands.", "by": "Helen Davies"}
            )
        append_entry(
            fresh,
            insp,
            "discretion",
            {
                "standard": "2.2",
                "to": "Good",
                "by": "Helen Davies",
                "rationale": "Safety planning fell short only on contingency.",
            },
        )

        async def go(pilot):
            await pilot.press("s")
            await settled(pilot)

        assert snap_compare(PanelApp(fresh), run_before=go, terminal_size=(120, 40))


class TestThemes:
    def test_main_screen_light_theme(self, snap_compare, fresh):
        async def go(pilot):
            pilot.app.theme = "textual-light"
            await pilot.press("down", "down", "down", "down", "down")
            await settled(pilot)

        assert snap_compare(PanelApp(fresh), run_before=go, terminal_size=(120, 36))


class TestAuditScreen:
    def test_audit_decisions_tab(self, snap_compare, monkeypatch):
        """The audit over the four example sessions: the decisions tab with its Status column."""
        monkeypatch.setenv("PANEL_TUI_GIT", "0")  # the picture must not depend on this clone's git state
        monkeypatch.chdir(ROOT)  # a relative folder: the header names it, and clones live anywhere

        async def go(pilot):
            await settled(pilot)
            await pilot.press("2")
            await settled(pilot)

        assert snap_compare(PanelApp(audit="sessions"), run_before=go, terminal_size=(120, 35))
