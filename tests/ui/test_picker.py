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
        await app.workers.wait_for_complete()
        await pilot.pause()
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0].startswith("leeds-2019 · Leeds") and "fieldwork 2019-06" in labels[0]
        assert "SIGNED OFF" in labels[1] and "32/36 Outstanding" in labels[1] and "Stockton" in labels[1]
        assert any("linked" in lab and "refused" in lab for lab in labels)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.session.inspection.service.startswith("Stockton")
        await pilot.press("escape")  # back to the list
        await pilot.pause()
        assert app.screen.query_one(OptionList) is options

    run_app(None, script, sessions_root=root)


def test_picker_help_and_an_empty_folder(tmp_path):
    from panel_tui.screens.help import HelpScreen

    async def script(app, pilot):
        options = app.screen.query_one(OptionList)
        text = str(options.get_option_at_index(0).prompt)
        assert "No sessions under" in text and "panel-tui new" in text
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and "choosing a session" in app.screen.text

    run_app(None, script, sessions_root=tmp_path)
