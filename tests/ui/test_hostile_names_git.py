"""The meeting app records in a session whose folder name is hostile, inside git (issue 21: one
space in the name crashed the app on its first recorded entry)."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import SESSIONS
from tests.ui.pilot import dismiss_attendance, run_app
from tests.unit.gitrepos import Shared, git, needs_git

pytestmark = needs_git

NAMES = {
    "one space": "Leeds YOS",
    "newline": "Leeds\nYOS",
    "escape": "Leeds\x1b[2JYOS",
    "glob": "-Leeds*?[x]",
    "non-ascii": "Dún Laoghaire — Siobhán",
}


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_the_app_records_and_commits_in_a_hostile_folder(shared: Shared, name: str) -> None:
    folder = shared.a / "2026" / name
    folder.mkdir(parents=True)
    shutil.copy(SESSIONS / "stockton-2021" / "inspection.toml", folder / "inspection.toml")
    git(shared.a, "add", "--", ".")
    git(shared.a, "commit", "-q", "-m", "an inspection")
    seen = {}

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        seen["notes"] = [n.message for n in app._notifications]

    run_app(folder, script)
    assert (folder / "decisions.toml").exists()
    assert git(shared.a, "status", "--porcelain") == ""  # committed, nothing left over
    subject = git(shared.a, "log", "-1", "--format=%s")
    assert subject.endswith("entry 1 attendance") and "\x1b" not in subject and "\n" not in subject
    assert not any("\x1b" in str(n) for n in seen["notes"])
