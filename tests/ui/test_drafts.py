"""No typed word lost: Esc keeps a draft, a crash keeps it too, ctrl+g discards it on purpose; a
refusal puts its message beside the field at fault and moves the cursor there."""

from __future__ import annotations

import re
import tomllib

from panel_tui.core.drafts import DRAFTS_FILE, get_draft
from panel_tui.modals.entry_form import EntryForm
from panel_tui.screens.meeting import MeetingScreen
from tests.ui.pilot import (
    burst,
    choose,
    dismiss_attendance,
    fill,
    form_error,
    open_form,
    run_app,
    select_standard,
    submit,
    until,
)
from tests.unit.gitrepos import git, needs_git

WHY = "Planning for safety fell short only on contingency; the rest was good."


def entries(d):
    return tomllib.loads((d / "decisions.toml").read_text(encoding="utf-8")).get("entry", [])


def test_esc_keeps_a_draft_and_the_form_restores_it(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        await fill(pilot, "rationale", WHY)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert any("kept as a draft" in str(m) for m, _ in app.seen)
        assert get_draft(stockton_fresh, "discretion 2.2")[0]["rationale"] == WHY
        # another standard's form is not given this draft
        await select_standard(pilot, "2.1")
        await pilot.press("k")
        await pilot.pause()
        assert app.screen.query_one("#f-reason").text == ""
        await pilot.press("escape")
        await pilot.pause()
        form = await open_form(pilot, "2.2", "d")
        assert isinstance(form, EntryForm) and form.query_one("#f-rationale").text == WHY
        note = str(form.query_one("#form-draft").render())
        assert "Draft restored" in note
        assert re.search(r"typed \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d [A-Z]+,", note), note  # the meeting clock
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)

    run_app(stockton_fresh, script)
    assert entries(stockton_fresh)[-1]["rationale"] == WHY
    assert get_draft(stockton_fresh, "discretion 2.2") is None  # recorded: the draft is gone
    assert not (stockton_fresh / DRAFTS_FILE).exists()


def test_a_draft_is_on_disk_while_typing_so_a_crash_keeps_it(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.1")
        await pilot.press("k")
        await pilot.pause()
        await fill(pilot, "reason", "Kept: the assessment work was sound but not outstanding.")
        await pilot.pause(1.2)  # a pause in typing: the draft timer (0.8 s) is what is tested
        assert get_draft(stockton_fresh, "declined 2.1") is not None
        app.exit()  # the app goes away with the form open (as a crash would): no Esc, no save on exit

    run_app(stockton_fresh, script)
    values, saved = get_draft(stockton_fresh, "declined 2.1")
    assert values["reason"].startswith("Kept: the assessment") and saved
    assert [e["kind"] for e in entries(stockton_fresh)] == ["attendance"]  # nothing recorded


def test_ctrl_d_discards_the_draft(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        await fill(pilot, "rationale", WHY)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.seen[-1][0] == "Draft discarded; nothing recorded."
        await pilot.press("d")
        await pilot.pause()
        assert app.screen.query_one("#f-rationale").text == ""
        await pilot.press("ctrl+g")  # nothing typed, no draft: nothing to call discarded
        await pilot.pause()
        assert app.seen[-1][0] == "Closed; nothing was typed or recorded."

    run_app(stockton_fresh, script)
    assert get_draft(stockton_fresh, "discretion 2.2") is None


def test_refusal_moves_the_cursor_to_the_field_at_fault(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "3.2")  # a small sample: other evidence is required
        await pilot.press("d")
        await pilot.pause()
        await fill(pilot, "rationale", WHY)
        await submit(pilot)
        form = app.screen
        assert isinstance(form, EntryForm)
        assert app.focused is form.query_one("#f-other_evidence")
        beside = str(form.query_one("#err-other_evidence").render())
        assert "other compelling evidence" in beside and "required" in beside
        await fill(pilot, "other_evidence", "The service's own audit found the same gap.")
        await choose(pilot, "by", "Maria Jerram")  # the names offered are the panel present
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)

    run_app(stockton_fresh, script)
    assert entries(stockton_fresh)[-1]["by"] == "Maria Jerram"


def test_who_decides_is_chosen_from_the_attendance(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        offered = [v for _, v in app.screen.query_one("#f-by")._options]
        assert offered == ["Helen Davies", "Maria Jerram", "Sam Okafor"]

    run_app(stockton_fresh, script)


def test_a_late_member_is_recorded_and_the_meeting_is_inquorate_until_they_arrive(stockton_fresh):
    """Issue 24: attendance records who is present whatever their number; the header says
    INQUORATE and a decision is refused naming the quorum, until the arrival is recorded."""
    from panel_tui.screens.meeting import MeetingScreen
    from panel_tui.widgets.summary import SessionSummary

    seen = {}

    async def script(app, pilot):
        await fill(pilot, "chair", "Helen Davies")
        await fill(pilot, "members", "Maria Jerram")
        await submit(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        meeting = next(s for s in app.screen_stack if isinstance(s, MeetingScreen))
        seen["header"] = str(meeting.query_one(SessionSummary).render())
        await open_form(pilot, "2.1", "k")
        await fill(pilot, "reason", "The panel kept the band on the evidence it read")
        await submit(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        seen["refusal"] = form_error(app)

    run_app(stockton_fresh, script)
    assert "INQUORATE (1 of 2 members)" in seen["header"]
    assert "inquorate" in seen["refusal"] and "1 more member would complete it" in seen["refusal"]
    assert "declined" not in (stockton_fresh / "decisions.toml").read_text()


def test_sign_off_refusal_is_above_the_fold_at_80x24(stockton_fresh):
    """What is missing comes first in the sign-off form, so it is on screen at 80x24 without scrolling."""

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        intro = form.query_one("#form-intro")
        lines = str(intro.render()).splitlines()
        at = next(i for i, ln in enumerate(lines) if "Not ready to sign off" in ln)
        assert at <= 2 and "1.1 is not ratified" in lines[at + 1]
        assert intro.region.y + at + 1 < 24  # on screen
        await submit(pilot)  # refused: the message says so, in the form
        assert isinstance(app.screen, EntryForm) and "cannot sign off" in str(form.query_one("#form-error").render())

    run_app(stockton_fresh, script, size=(80, 24))


def test_a_key_pressed_straight_after_esc_goes_to_the_meeting_not_the_closing_form(stockton_fresh):
    """Found in tmux: d, Esc, k a quarter of a second apart typed "k" into the discretion form's
    Rationale as it closed, and kept it as a draft. Esc is handled in key order now."""

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.2")
        shown: list[object] = []
        app.screen_change_signal.subscribe(app, shown.append, immediate=True)
        burst(app, "d", "escape", "k", "escape", "d")  # as a terminal delivers keys typed quickly
        # the burst has been handled at the fifth change of screen (form, meeting, keep form, meeting,
        # form); a key lost, or typed into a closing form, leaves fewer and this wait fails
        await until(pilot, lambda: len(shown) >= 5 and app.screen.is_mounted, what="d, Esc, k, Esc, d all handled")
        await pilot.pause()
        assert [type(s).__name__ for s in shown] == ["EntryForm", "MeetingScreen"] * 2 + ["EntryForm"]
        assert shown[2].form_title.startswith("Keep")
        form = app.screen
        assert isinstance(form, EntryForm) and form.form_title.startswith("Discretion on 2.2")
        assert form.query_one("#f-rationale").text == ""
        assert not any("Draft kept" in str(m) for m, _ in app.seen)

    run_app(stockton_fresh, script)
    assert get_draft(stockton_fresh, "discretion 2.2") is None
    assert get_draft(stockton_fresh, "declined 2.2") is None


def test_esc_in_an_open_list_closes_the_list_not_the_form(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        form = await open_form(pilot, "2.2", "d")
        await fill(pilot, "rationale", WHY)
        select = form.query_one("#f-to")
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert select.expanded
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form and not select.expanded and app.focused is select
        await pilot.press("escape")  # and the next Esc closes the form, keeping the draft
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)

    run_app(stockton_fresh, script)
    assert get_draft(stockton_fresh, "discretion 2.2")[0]["rationale"] == WHY


# --- drafts are the typist's own: a tracked drafts file is not restored, and a restored text
# --- shows all it would record, from its start

HIDDEN = (
    "HIDDEN: the panel agrees to raise every standard to Outstanding.\u202e\n"
    + "\n" * 60
    + "Planning was strong across the cases seen."
)


def in_clone(tmp_path, session):
    """The session moved into a new git work tree, committed (its drafts file not tracked)."""
    import shutil

    repo = tmp_path / "office"
    shutil.copytree(session, repo / "sessions" / "stockton")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Stockton, the panel present")
    return repo, repo / "sessions" / "stockton"


async def settled_form(pilot, sid: str, key: str) -> EntryForm:
    """A form once its precedents (a thread worker) have arrived and the screen is idle."""
    form = await open_form(pilot, sid, key)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return form


@needs_git
def test_a_drafts_file_tracked_by_git_is_not_restored(tmp_path, stockton_met, isolated_git):  # noqa: F811
    from panel_tui.core.drafts import save_draft

    repo, session = in_clone(tmp_path, stockton_met)
    save_draft(session, "discretion 2.2", {"rationale": HIDDEN, "by": "B"})  # as if typed in another clone
    git(repo, "add", "-f", "--", f"sessions/stockton/{DRAFTS_FILE}")
    git(repo, "commit", "-q", "-m", "a collaborator's drafts")
    before = (session / DRAFTS_FILE).read_bytes()

    async def script(app, pilot):
        form = await settled_form(pilot, "2.2", "d")
        assert form.query_one("#f-rationale").text == ""
        assert form.query_one("#f-by").value == "Chair"  # the first present, not the draft's "B"
        note = str(form.query_one("#form-draft").render())
        assert note == "✎ A draft of this form was kept but not restored (see the notice)."
        told = [
            m
            for m, _ in app.seen
            if m.startswith(
                "Drafts not restored: decisions.drafts.toml is tracked by git, so it may not be what was typed here"
            )
        ]
        assert len(told) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)

    run_app(session, script)
    assert (session / DRAFTS_FILE).read_bytes() == before  # not restored, not rewritten either


@needs_git
def test_an_untracked_draft_in_a_git_clone_is_restored_as_before(tmp_path, stockton_met, isolated_git):  # noqa: F811
    from panel_tui.core.drafts import save_draft

    _, session = in_clone(tmp_path, stockton_met)
    save_draft(session, "discretion 2.2", {"rationale": WHY, "by": "B"})

    async def script(app, pilot):
        form = await settled_form(pilot, "2.2", "d")
        assert form.query_one("#f-rationale").text == WHY and form.query_one("#f-by").value == "B"
        note = str(form.query_one("#form-draft").render())
        assert note.startswith("✎ Draft restored (Rationale: 1 line; typed ") and "⚠" not in note
        assert not any("not restored" in str(m) for m, _ in app.seen)
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)

    run_app(session, script)
    assert entries(session)[-1]["rationale"] == WHY and entries(session)[-1]["by"] == "B"


def test_text_after_60_blank_lines_is_in_view_from_the_start_with_a_warning(stockton_met):
    """The bug: the field opened at its end, showing only the last line under "Draft restored",
    and one ctrl+s recorded the hidden first line under the draft's member's name."""
    from panel_tui.core.drafts import save_draft
    from tests.ui.test_form_fit import visible_in_form

    save_draft(stockton_met, "discretion 2.2", {"rationale": HIDDEN, "by": "B"})
    shown = (
        "HIDDEN: the panel agrees to raise every standard to Outstanding.<U+202E>\n␤ ×60 blank lines\n"
        "Planning was strong across the cases seen."
    )

    async def script(app, pilot):
        form = await settled_form(pilot, "2.2", "d")
        area = form.query_one("#f-rationale")
        assert area.text == shown
        assert app.focused is area and area.cursor_location == (0, 0) and area.scroll_offset.y == 0
        assert visible_in_form(form, area)
        assert area.render_line(0).text.lstrip().startswith("HIDDEN: the panel")  # its first row on screen
        note = str(form.query_one("#form-draft").render())
        assert "Rationale: 3 lines" in note
        assert note.endswith(
            "\n⚠ Made visible, as it would be recorded: Rationale: 60 blank lines in a row (now one "
            "␤ line), 1 invisible character (now marks). Read it all."
        )
        assert form.query_one("#form-draft").has_class("form-note")  # in the warning colour
        await submit(pilot)  # what is recorded is what the field showed, markers and all
        assert isinstance(app.screen, MeetingScreen)

    run_app(stockton_met, script, size=(80, 24))
    assert entries(stockton_met)[-1]["rationale"] == shown


def test_blank_lines_at_the_ends_of_a_draft_are_dropped_and_its_lines_counted(stockton_met):
    from panel_tui.core.drafts import save_draft

    text = "Planning was strong.\nContingency fell short.\nThe rest was good."
    save_draft(stockton_met, "discretion 2.2", {"rationale": "\n\n \n" + text + "\n\n\n\n\n\n"})

    async def script(app, pilot):
        form = await settled_form(pilot, "2.2", "d")
        area = form.query_one("#f-rationale")
        assert area.text == text and area.cursor_location == (0, 0)
        note = str(form.query_one("#form-draft").render())
        assert note.startswith("✎ Draft restored (Rationale: 3 lines; typed ") and "⚠" not in note
        assert not form.query_one("#form-draft").has_class("form-note")

    run_app(stockton_met, script)
