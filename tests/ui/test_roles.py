"""Roles in the meeting app (issue 27): a follower writes nothing, a member records only as that
member, drafts are kept per person, the chair (and the terminal) keeps every action."""

from __future__ import annotations

from pathlib import Path

from panel_tui.core.drafts import load_drafts
from panel_tui.core.session import load_session
from panel_tui.modals.entry_form import EntryForm
from panel_tui.roles import Role
from panel_tui.screens.meeting import MeetingScreen
from tests.ui.pilot import fill, run_app, select_standard, submit

WRITING_KEYS = ("d", "k", "r", "R", "p", "u", "a", "x", "s", "e")


def footer_keys(app) -> set[str]:
    """The actions the footer offers now (what a user can see and press)."""
    return {b.action for _, b, enabled, _ in app.screen.active_bindings.values() if enabled and b.show}


def test_a_follower_sees_following_and_no_key_opens_a_form_or_writes(stockton_met: Path):
    log = stockton_met / "decisions.toml"
    before = log.read_bytes()

    async def script(app, pilot):
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        line = str(screen.query_one("#role-line").render())
        assert "following" in line and "read-only" in line
        assert not footer_keys(app) & {"discretion", "keep", "ratify", "sign_off"}
        assert "next" in footer_keys(app)  # reading keys stay
        for key in WRITING_KEYS:
            await select_standard(pilot, "2.2")
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, EntryForm), f"{key!r} opened a form for a follower"
        app.exit()

    app = run_app(stockton_met, script, role=Role("follower"))
    assert log.read_bytes() == before
    assert not (stockton_met / "panel-record.md").exists()  # e (export) wrote nothing either
    assert not any("Recorded" in m for m, _ in app.seen)


def test_a_follower_on_a_fresh_session_gets_no_attendance_form(stockton_fresh: Path):
    async def script(app, pilot):
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert "following" in str(app.screen.query_one("#role-line").render())
        app.exit()

    run_app(stockton_fresh, script, role=Role("follower"))
    assert not (stockton_fresh / "decisions.toml").exists()


def test_a_member_records_a_dissent_only_as_that_member(stockton_met: Path):
    async def script(app, pilot):
        assert "member B" in str(app.screen.query_one("#role-line").render())
        await select_standard(pilot, "2.2")
        await pilot.press("d")  # discretion is the chair's
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("x")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EntryForm)
        from textual.widgets import Select

        member = form.query_one("#f-member", Select)
        assert [v for _, v in member._options] == ["B"]  # only themselves on offer
        await fill(pilot, "reason", "I would have kept the computed band on this evidence.")
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)
        app.exit()

    app = run_app(stockton_met, script, role=Role("member", "B"))
    last = load_session(stockton_met).log.entries[-1]
    assert (last["kind"], last["member"], last["by"]) == ("dissent", "B", "B")
    assert any("Recorded entry 2 (dissent" in m for m, _ in app.seen)


def test_a_member_entry_names_the_member_whatever_the_form_held(stockton_met: Path):
    """Behind the form: values naming someone else (a tampered form) are recorded as the member,
    and a kind the member may not record is refused before anything is written."""
    from panel_tui.core.errors import RuleRefused

    role = Role("member", "B")
    fields = role.own_entry("dissent", {"member": "A", "by": "Chair", "reason": "x" * 30, "about": None})
    assert (fields["member"], fields["by"]) == ("B", "B")
    for kind in ("discretion", "attendance", "sign-off", "ratification"):
        try:
            role.own_entry(kind, {"by": "B"})
        except RuleRefused as exc:
            assert "B" in str(exc)
        else:
            raise AssertionError(f"a member recorded a {kind}")


def test_drafts_are_kept_per_person(stockton_met: Path):
    async def type_and_leave(app, pilot):
        await pilot.press("x")
        await pilot.pause()
        await fill(pilot, "reason", "A's words, not yet recorded")
        await pilot.press("escape")
        await pilot.pause()
        app.exit()

    run_app(stockton_met, type_and_leave, role=Role("member", "A"))
    assert set(load_drafts(stockton_met)) == {"dissent @A"}

    seen: dict[str, str] = {}

    async def other_member(app, pilot):
        await pilot.press("x")
        await pilot.pause()
        seen["B"] = app.screen.query_one("#f-reason").text
        app.exit()

    run_app(stockton_met, other_member, role=Role("member", "B"))
    assert seen["B"] == ""  # B's form does not open with A's words

    async def same_member(app, pilot):
        await pilot.press("x")
        await pilot.pause()
        seen["A"] = app.screen.query_one("#f-reason").text
        app.exit()

    run_app(stockton_met, same_member, role=Role("member", "A"))
    assert seen["A"] == "A's words, not yet recorded"


def test_the_chair_keeps_every_action(stockton_met: Path):
    async def script(app, pilot):
        assert not app.screen.query("#role-line")
        assert {"discretion", "keep", "ratify", "sign_off"} <= footer_keys(app)
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, EntryForm)
        app.exit()

    run_app(stockton_met, script, role=Role())


def test_role_from_environment_never_grants_more_than_asked():
    assert Role.from_environment({}) == Role()
    assert Role.from_environment({"PANEL_TUI_ROLE": "chair"}) == Role()
    assert Role.from_environment({"PANEL_TUI_ROLE": "member", "PANEL_TUI_MEMBER": "Sam"}) == Role("member", "Sam")
    # a member without a name, or a role the app does not know, is a follower, never the chair
    assert Role.from_environment({"PANEL_TUI_ROLE": "member"}) == Role("follower")
    assert Role.from_environment({"PANEL_TUI_ROLE": "Chair "}) == Role("follower")
    assert Role.from_environment({"PANEL_TUI_ROLE": "follower"}) == Role("follower")


def test_a_member_s_name_is_shown_literally(stockton_met: Path):
    """The name comes from the server's --member (checked there), but the line never trusts it."""

    async def script(app, pilot):
        line = str(app.screen.query_one("#role-line").render())
        assert "␛[2J[bold]X[/]" in line
        app.exit()

    run_app(stockton_met, script, role=Role("member", "\x1b[2J[bold]X[/]"))


def test_the_palette_offers_a_follower_no_writing_command(stockton_met: Path):
    titles: dict[str, list[str]] = {}

    def grab(name):
        async def script(app, pilot):
            titles[name] = [c.title for c in app.get_system_commands(app.screen)]
            app.exit()

        return script

    run_app(stockton_met, grab("follower"), role=Role("follower"))
    run_app(stockton_met, grab("chair"), role=Role())
    writing = {"Panel: Discretion", "Panel: Keep", "Panel: Ratify", "Panel: Sign off", "Panel: Export"}
    assert writing <= set(titles["chair"])
    assert not writing & set(titles["follower"])
    assert "Panel: Log" in titles["follower"]
