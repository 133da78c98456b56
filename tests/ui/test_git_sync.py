"""The meeting app on a session kept in git: entries committed, the header's sync state, palette sync."""

from __future__ import annotations

import os
import tomllib

from panel_tui.core import gitstore
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry
from panel_tui.widgets.summary import SessionSummary
from tests.ui.pilot import dismiss_attendance, run_app, until
from tests.unit.gitrepos import Shared, git, needs_git

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


async def palette(pilot, title: str) -> None:
    """Run a command palette command by its title."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*title)
    await pilot.wait_for_scheduled_animations()  # the palette's search has run (a worker)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("enter")


async def report(app, pilot):
    """The git dialog, once the worker has put it up: (its title, its text)."""
    from panel_tui.modals.git_dialog import GitReportScreen

    # the dialog once it is composed (pushed is not enough: its widgets mount a moment later)
    await wait_for(
        pilot, lambda: isinstance(app.screen, GitReportScreen) and bool(app.screen.query("#git-text")), tries=300
    )
    dialog = app.screen
    return str(dialog.query_one("#git-title").render()), str(dialog.query_one("#git-text").render())


async def wait_for(pilot, condition, tries: int = 400) -> None:
    # the deadline only bounds a failure (the wait ends as soon as the condition holds, 0.6 s when the
    # machine is idle, 1.6 s with eight processes on two cores); 5 s was once too short for the
    # header's git read after a commit while CI shared the machine with a stray busy process
    await until(pilot, condition, timeout=tries * 0.05, what="condition")


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
    entry = append_entry(
        sa, load_inspection(sa), "attendance", {"chair": "Ann Chair", "members": ["Bob", "Cat"], "by": "Ann Chair"}
    )
    assert gitstore.commit_entry(sa, entry).status == "committed"
    gitstore.sync(sa)
    seen = {}

    async def script(app, pilot):
        seen["before"] = await settled_header(app, pilot)
        await pilot.press("escape")  # the fresh session asks for attendance first: the other office has it
        await pilot.pause()
        await palette(pilot, "Git: Sync")
        seen["title"], seen["text"] = await report(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        seen["after"] = await settled_header(app, pilot)

    run_app(sb, script)
    assert "no decisions yet" in seen["before"]
    assert "log intact, 1 entry" in seen["after"] and "⇅ in step" in seen["after"]
    assert seen["title"].startswith("✓ Git sync")
    assert "pulled sessions/stockton/decisions.toml: entry 1 attendance" in seen["text"]
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
        await palette(pilot, "Git: Sync")
        seen["title"], seen["text"] = await report(app, pilot)
        dialog = app.screen
        body, buttons = dialog.query_one("#git-body"), dialog.query_one("#git-buttons")
        seen["fits"] = body.region.bottom <= app.size.height and buttons.region.bottom <= app.size.height
        body.scroll_end(animate=False)
        await pilot.pause()
        seen["scrolled"] = body.scroll_y == body.max_scroll_y

    run_app(sb, script, size=(80, 24))
    assert seen["title"].startswith("✗ Git sync: refused, nothing changed")
    assert "diverged" in seen["text"] and "sync --replay" in seen["text"]
    assert seen["fits"] and seen["scrolled"]  # the whole message reads at 80x24, by scrolling
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
    entry = append_entry(
        sa, load_inspection(sa), "attendance", {"chair": "Ann Chair", "members": ["Bob", "Cat"], "by": "Ann Chair"}
    )
    gitstore.commit_entry(sa, entry)
    seen = {}

    async def script(app, pilot):
        seen["before"] = await settled_header(app, pilot)
        await palette(pilot, "Git: Sync")
        await report(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        seen["after"] = await settled_header(app, pilot)

    run_app(sa, script)
    assert "⇅ 1 ahead" in seen["before"] and "⇅ in step" in seen["after"]
    assert git(shared.remote, "log", "-1", "--format=%s", "main") == "sessions/stockton: entry 1 attendance"


def test_sync_and_replay_previews_then_replays_only_when_confirmed(shared: Shared) -> None:
    """Issue 20: replay from the app, with a preview of what would be re-recorded and kept aside."""
    sa, sb = shared.session(shared.a), shared.session(shared.b)
    entry = append_entry(
        sa, load_inspection(sa), "attendance", {"chair": "Ann Chair", "members": ["Bob", "Cat"], "by": "Ann Chair"}
    )
    gitstore.commit_entry(sa, entry)
    gitstore.sync(sa)
    gitstore.sync(sb)
    for s, fields in (
        (
            sa,
            {
                "standard": "2.1",
                "to": "Outstanding",
                "by": "Bob",
                "rationale": "Practice seen in the cases was consistently strong on the whole",
            },
        ),
        (sb, {"standard": "2.1", "reason": "The panel kept the band on the evidence it read", "by": "Ann Chair"}),
    ):
        e = append_entry(s, load_inspection(s), "discretion" if "to" in fields else "declined", fields)
        gitstore.commit_entry(s, e)
    gitstore.sync(sa)
    before = (sb / "decisions.toml").read_bytes()
    seen = {}

    async def script(app, pilot):
        await settled_header(app, pilot)
        await palette(pilot, "Git: Sync and replay")
        seen["preview"] = await report(app, pilot)
        seen["unchanged"] = (sb / "decisions.toml").read_bytes() == before
        await pilot.press("escape")  # cancel: nothing happens
        await pilot.pause()
        seen["still_unchanged"] = (sb / "decisions.toml").read_bytes() == before
        await palette(pilot, "Git: Sync and replay")
        await report(app, pilot)
        await pilot.press("ctrl+s")  # replay
        from panel_tui.modals.git_dialog import GitReportScreen

        def replayed() -> bool:  # the replay's own report (the preview's title has "replay" in it too)
            screen = app.screen
            return (
                isinstance(screen, GitReportScreen)
                and bool(screen.query("#git-text"))
                and str(screen.query_one("#git-title").render()).startswith("✓ Git sync and replay")
            )

        await wait_for(pilot, replayed, tries=300)
        seen["done"] = str(app.screen.query_one("#git-text").render())
        await pilot.press("escape")
        await pilot.pause()
        seen["header"] = await settled_header(app, pilot)
        seen["commands"] = [c.title for c in app.get_system_commands(app.screen)]

    run_app(sb, script)
    title, text = seen["preview"]
    assert title.startswith("✓ What a replay would do")
    assert "⚑ kept aside: entry 2 declined 2.1" in text and "conflict on 2.1" in text
    assert seen["unchanged"] and seen["still_unchanged"]
    assert "kept aside in decisions.refused.toml" in seen["done"]
    assert "⚑ 1 kept aside" in seen["header"]
    assert "Git: Kept-aside entries" in seen["commands"]
