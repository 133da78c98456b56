"""The meeting app on a session kept in git: entries committed, the header's sync state, palette sync."""

from __future__ import annotations

import os
import tomllib

from panel_tui.core import gitstore
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry
from panel_tui.widgets.summary import SessionSummary
from tests.ui.pilot import dismiss_attendance, run_app
from tests.unit.gitrepos import Shared, git, isolated_git, needs_git, shared  # noqa: F401 (fixtures)

pytestmark = needs_git


def header(app) -> str:
    from panel_tui.screens.meeting import MeetingScreen

    meeting = next(s for s in app.screen_stack if isinstance(s, MeetingScreen))
    return str(meeting.query_one(SessionSummary).render())


async def settled_header(app, pilot) -> str:
    """The header once its sync state has been read (a thread worker: '⇅ …' until then)."""
    from panel_tui.screens.meeting import MeetingScreen

    meeting = next(s for s in app.screen_stack if isinstance(s, MeetingScreen))
    await wait_for(pilot, lambda: not meeting.query_one(SessionSummary).is_running_sync())
    return header(app)


async def wait_for(pilot, condition, tries: int = 100) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


def test_an_entry_recorded_in_the_app_is_a_commit_and_the_header_says_ahead(shared: Shared) -> None:
    s = shared.session(shared.a)
    seen = {}

    async def script(app, pilot):
        seen["before"] = await settled_header(app, pilot)
        await dismiss_attendance(pilot)
        seen["after"] = await settled_header(app, pilot)

    run_app(s, script)
    assert "⇅ in step" in seen["before"]
    assert "⇅ 1 ahead" in seen["after"]
    assert git(shared.a, "log", "-1", "--format=%s|%an") == "sessions/stockton: entry 1 attendance|Helen Davies"


def test_palette_sync_pulls_the_other_offices_entries_into_the_open_session(shared: Shared) -> None:
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    entry = append_entry(sa, load_inspection(sa), "attendance", {"chair": "Ann Chair", "members": ["Bob", "Cat"],
                                                                  "by": "Ann Chair"})
    assert gitstore.commit_entry(sa, entry).status == "committed"
    gitstore.sync(sa)
    seen = {}

    async def script(app, pilot):
        seen["before"] = await settled_header(app, pilot)
        await pilot.press("escape")  # the fresh session asks for attendance first: the other office has it
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Git: Sync")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Git sync" == (n.title or "") for n in app._notifications))
        await pilot.pause()
        seen["after"] = await settled_header(app, pilot)
        seen["notes"] = [n.message for n in app._notifications]

    run_app(sb, script)
    assert "no decisions yet" in seen["before"]
    assert "log intact, 1 entry" in seen["after"] and "⇅ in step" in seen["after"]
    assert any("pulled sessions/stockton/decisions.toml: entry 1 attendance" in m for m in seen["notes"])
    assert tomllib.loads((sb / "decisions.toml").read_text())["entry"][0]["chair"] == "Ann Chair"


def test_palette_sync_refusal_is_shown_and_changes_nothing(shared: Shared) -> None:
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    for s, who in ((sa, "Ann Chair"), (sb, "Bea Chair")):
        entry = append_entry(s, load_inspection(s), "attendance", {"chair": who, "members": ["Bob", "Cat"], "by": who})
        gitstore.commit_entry(s, entry)
    gitstore.sync(sa)
    before = (sb / "decisions.toml").read_bytes()
    seen = {}

    async def script(app, pilot):
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Git: Sync")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Git sync" == (n.title or "") for n in app._notifications))
        seen["notes"] = [(n.message, n.severity) for n in app._notifications if n.title == "Git sync"]

    run_app(sb, script)
    message, severity = seen["notes"][0]
    assert severity == "error" and "diverged" in message and "sync --replay" in message
    assert (sb / "decisions.toml").read_bytes() == before


def test_no_git_sync_command_outside_git(stockton_fresh, isolated_git) -> None:
    seen = {}

    async def script(app, pilot):
        seen["header"] = await settled_header(app, pilot)
        seen["commands"] = [c.title for c in app.get_system_commands(app.screen)]

    run_app(stockton_fresh, script)
    assert "⇅ not in git" in seen["header"]
    assert "Git: Sync" not in seen["commands"]
    assert os.environ.get("PANEL_TUI_GIT") is None


def test_palette_sync_that_only_pushes_updates_the_header(shared: Shared) -> None:
    sa = shared.session(shared.a)
    entry = append_entry(sa, load_inspection(sa), "attendance", {"chair": "Ann Chair", "members": ["Bob", "Cat"],
                                                                  "by": "Ann Chair"})
    gitstore.commit_entry(sa, entry)
    seen = {}

    async def script(app, pilot):
        seen["before"] = await settled_header(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Git: Sync")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Git sync" == (n.title or "") for n in app._notifications))
        await pilot.pause()
        seen["after"] = await settled_header(app, pilot)

    run_app(sa, script)
    assert "⇅ 1 ahead" in seen["before"] and "⇅ in step" in seen["after"]
    assert git(shared.remote, "log", "-1", "--format=%s", "main") == "sessions/stockton: entry 1 attendance"
