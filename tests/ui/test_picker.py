"""The session picker (``panel-tui`` alone): lists sessions, refuses symlinked folders, opens one."""

from __future__ import annotations

import shutil

from textual.widgets import OptionList

from panel_tui.screens.meeting import MeetingScreen
from tests.ui.pilot import run_app


def test_picker_lists_and_opens(tmp_path, sessions_dir):
    root = tmp_path / "sessions"
    root.mkdir()
    for slug in ("leeds-2019", "stockton-2021"):
        shutil.copytree(sessions_dir / slug, root / slug)
    (root / "linked").symlink_to(root / "leeds-2019")

    async def script(app, pilot):
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[:2] == ["leeds-2019", "stockton-2021"]
        assert any("linked" in lab and "refused" in lab for lab in labels)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.session.inspection.service.startswith("Stockton")

    run_app(None, script, sessions_root=root)
