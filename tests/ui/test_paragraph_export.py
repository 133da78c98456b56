"""c: the report paragraph of the selected standard's decision; e: the record written beside the log."""

from __future__ import annotations

import shutil

from panel_tui.screens.meeting import MeetingScreen
from panel_tui.screens.paragraph import ParagraphScreen
from tests.ui.pilot import run_app, select_standard


def test_paragraph_and_export_on_a_signed_off_session(tmp_path, sessions_dir):
    d = tmp_path / "stockton"
    shutil.copytree(sessions_dir / "stockton-2021", d, ignore=shutil.ignore_patterns("*.lock"))
    log_before = (d / "decisions.toml").read_bytes()
    copied: list[str] = []

    async def script(app, pilot):
        app.copy_to_clipboard = copied.append  # what the terminal would be sent
        await select_standard(pilot, "2.2")
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ParagraphScreen)
        text = str(screen.query_one("#paragraph-text").render())
        assert "originally assessed as 'Requires improvement'" in text
        assert "we applied professional discretion to this score, uplifting it to 'Good'" in text.replace(
            "We a", "we a"
        )
        assert "5 of 8 cases (62.5%)" in text
        await pilot.press("escape")
        await pilot.pause()
        await select_standard(pilot, "2.3")  # nothing decided: nothing to report
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("e")
        await pilot.pause()

    app = run_app(d, script)
    assert copied and copied[0].startswith("Planning (court disposals) was originally assessed")
    assert any("no standing decision" in str(m) for m, _ in app.seen)
    md = (d / "panel-record.md").read_text(encoding="utf-8")
    assert "32 of 36, Outstanding" in md and (d / "panel-record.html").exists()
    assert (d / "decisions.toml").read_bytes() == log_before
