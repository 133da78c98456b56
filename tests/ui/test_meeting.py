"""Pilot tests for the meeting screen: every binding and form path, refusals included."""

from __future__ import annotations

import re
import tomllib

from panel_tui.modals.entry_form import EntryForm
from panel_tui.screens.help import HelpScreen
from panel_tui.screens.log_view import LogScreen
from panel_tui.screens.meeting import MeetingScreen
from panel_tui.widgets.detail import StandardDetail
from panel_tui.widgets.standards_table import StandardsTable
from tests.ui.pilot import (
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

WHY = "Planning for safety fell short only on contingency; the rest was good."


def entries(d):
    p = d / "decisions.toml"
    return tomllib.loads(p.read_text(encoding="utf-8")).get("entry", []) if p.exists() else []


def test_attendance_is_asked_first_and_recorded_before_notify(stockton_fresh):
    async def script(app, pilot):
        assert isinstance(app.screen, EntryForm)
        await dismiss_attendance(pilot)
        assert isinstance(app.screen, MeetingScreen)

    app = run_app(stockton_fresh, script)
    es = entries(stockton_fresh)
    assert es[0]["kind"] == "attendance" and es[0]["chair"] == "Helen Davies"
    assert es[0]["members"] == ["Maria Jerram", "Sam Okafor"]
    msg, on_disk = app.seen[-1]
    assert "Recorded entry 1 (attendance)" in msg and b'kind = "attendance"' in on_disk


def test_cancel_writes_nothing(stockton_fresh):
    async def script(app, pilot):
        await fill(pilot, "chair", "Someone")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)

    run_app(stockton_fresh, script)
    assert not (stockton_fresh / "decisions.toml").exists()


def test_discretion_uplift_updates_score_live(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        form = await open_form(pilot, "2.2", "d")
        assert form.query_one("#f-to").value == "Good"
        assert form.query_one("#f-by").value == "Helen Davies"  # defaults to the chair
        assert not form.row_shown("other_evidence")  # not a small sample
        assert not form.row_shown("outside_reason")
        await fill(pilot, "rationale", WHY)
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)
        summary = str(app.screen.query_one("#summary").render())
        assert "Final 32/36 Outstanding" in summary and "computed 31/36" in summary

    app = run_app(stockton_fresh, script)
    e = entries(stockton_fresh)[-1]
    assert (e["kind"], e["standard"], e["from"], e["to"], e["rationale"]) == (
        "discretion",
        "2.2",
        "Requires improvement",
        "Good",
        WHY,
    )
    msg, on_disk = app.seen[-1]
    assert "Recorded entry 2 (discretion, 2.2)" in msg and WHY.encode() in on_disk


def test_refused_rationale_is_shown_in_the_form_and_kept(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        await fill(pilot, "rationale", "tbc")
        await submit(pilot)
        assert isinstance(app.screen, EntryForm)  # still open
        assert "placeholder" in form_error(app)
        assert app.screen.query_one("#f-rationale").text == "tbc"  # nothing lost

    run_app(stockton_fresh, script)
    assert [e["kind"] for e in entries(stockton_fresh)] == ["attendance"]


def test_small_sample_needs_other_evidence(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        form = await open_form(pilot, "3.2", "d")
        assert form.row_shown("other_evidence")
        # 3.2 is flagged for lowering (▼65, one case ▼): the form starts there, not on the uplift
        assert form.query_one("#f-to").value == "Requires improvement"
        await fill(pilot, "rationale", WHY)
        await submit(pilot)
        assert "other compelling evidence" in form_error(app)
        await fill(pilot, "other_evidence", "The service's own audit found the same contingency gap.")
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)

    run_app(stockton_fresh, script)
    e = entries(stockton_fresh)[-1]
    assert e["standard"] == "3.2" and e["to"] == "Requires improvement" and "audit" in e["other_evidence"]


def test_unflagged_standard_warns_and_needs_outside_reason(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        form = await open_form(pilot, "2.3", "d")
        assert form.row_shown("outside_reason")  # the only target is outside the criteria
        assert "WARNING" in str(form.query_one("#note-outside_reason").render())
        assert "No discretion flag" in str(form.query_one("#form-intro").render())
        await fill(pilot, "rationale", WHY)
        await submit(pilot)
        assert "outside-criteria reason" in form_error(app)
        assert "--outside-criteria" not in form_error(app)  # a command-line flag means nothing in the form
        await fill(pilot, "outside_reason", "Wider evidence of inconsistent delivery in the interviews.")
        await submit(pilot)

    run_app(stockton_fresh, script)
    e = entries(stockton_fresh)[-1]
    assert e["outside_criteria"] is True and e["standard"] == "2.3"


def test_discretion_on_a_judgement_standard_points_to_ratify(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "1.1")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)

    app = run_app(stockton_fresh, script)
    assert "use r to ratify" in app.seen[-1][0]


def test_ratify_and_change_with_keyboard(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        form = await open_form(pilot, "1.1", "r")
        assert not form.row_shown("reason")  # confirming the proposed band needs no reason
        form.query_one("#f-to").focus()
        await pilot.press("enter", "down", "enter")  # Good -> Outstanding
        await pilot.pause()
        assert form.query_one("#f-to").value == "Outstanding"
        assert form.row_shown("reason")
        await submit(pilot)
        assert "reason for changing" in form_error(app)
        await fill(pilot, "reason", "Board evidence showed stronger leadership than proposed.")
        await submit(pilot)
        await select_standard(pilot, "1.2")
        await pilot.press("r")
        await submit(pilot)

    run_app(stockton_fresh, script)
    es = entries(stockton_fresh)
    assert (es[1]["standard"], es[1]["to"]) == ("1.1", "Outstanding")
    assert (es[2]["standard"], es[2]["from"], es[2]["to"]) == ("1.2", "Outstanding", "Outstanding")


def test_a_field_shown_later_takes_its_place_and_keeps_its_text(stockton_fresh):
    """A field that shows only for some choices is mounted when first shown, between the fields
    around it, and only hidden after that: text typed in it comes back with it."""

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        form = await open_form(pilot, "1.1", "r")
        assert not form.query("#f-reason")  # not mounted until it shows
        await choose(pilot, "to", "Outstanding")
        order = [w.id for w in form.query_one("#form-body").children if w.id]
        assert (
            order.index("label-to")
            < order.index("f-to")
            < order.index("label-reason")
            < order.index("f-reason")
            < order.index("label-by")
        ), order
        await fill(pilot, "reason", "Board evidence showed stronger leadership than proposed.")
        await choose(pilot, "to", "Good")  # the proposed band: no reason asked
        assert not form.row_shown("reason") and not form.query_one("#label-reason").display
        await choose(pilot, "to", "Outstanding")
        assert form.row_shown("reason")
        assert form.query_one("#f-reason").text.startswith("Board evidence")

    run_app(stockton_fresh, script)


def test_a_message_goes_with_its_field_when_the_field_hides(stockton_fresh):
    """Found by a chair in tmux: a refusal under a field that was then hidden (by choosing another
    band) came back beside a newer message when the field showed again, and the line above the
    buttons still pointed at the hidden field."""

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        form = await open_form(pilot, "1.1", "r")
        await choose(pilot, "to", "Outstanding")
        await submit(pilot)
        assert form.query_one("#err-reason").has_class("-shown")
        assert "Reason for changing" in str(form.query_one("#form-error").render())
        await choose(pilot, "to", "Good")  # the proposed band: the reason field hides
        assert not form.query_one("#err-reason").has_class("-shown")
        assert not form.query_one("#form-error").has_class("-shown")
        await choose(pilot, "to", "Outstanding")  # shown again: empty, no old message
        assert form.row_shown("reason")
        assert not [w for w in form.query(".field-error") if w.has_class("-shown")]
        assert isinstance(app.screen, type(form))

    run_app(stockton_fresh, script)


def test_keep_propose_dissent_and_retract(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "2.1")
        await pilot.press("k")
        await pilot.pause()
        await fill(pilot, "reason", "Good reflects the assessments seen.")
        await submit(pilot)
        await select_standard(pilot, "2.2")
        await pilot.press("p")
        await pilot.pause()
        assert app.screen.query_one("#f-by").value == "Maria Jerram"  # the lead inspector
        await fill(pilot, "rationale", WHY)
        await submit(pilot)
        table = app.screen.query_one(StandardsTable)
        assert "proposed" in str(table.get_cell("2.2", "status"))
        await pilot.press("x")
        await pilot.pause()
        await choose(pilot, "member", "Sam Okafor")
        await fill(pilot, "reason", "I would keep Requires improvement on 2.2.")
        await submit(pilot)
        await pilot.press("u")
        await pilot.pause()
        # the selected standard's latest entry first (2.2's proposal), not the newest (the dissent)
        assert app.screen.query_one("#f-retracts").value == "3"
        await choose(pilot, "retracts", "4")
        await fill(pilot, "reason", "Dissent was recorded against the wrong entry.")
        await submit(pilot)

    run_app(stockton_fresh, script)
    kinds = [(e["kind"], e.get("retracts")) for e in entries(stockton_fresh)]
    assert kinds == [("attendance", None), ("declined", None), ("proposal", None), ("dissent", None), ("retraction", 4)]


def test_next_walks_the_agenda(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "1.4")
        await pilot.press("n")
        await pilot.pause()
        table = app.screen.query_one(StandardsTable)
        assert table.selected_id == "2.1"
        await pilot.press("n")
        await pilot.pause()
        assert table.selected_id == "2.2"
        await pilot.press("n")
        await pilot.pause()
        assert table.selected_id == "2.4"  # 2.3 needs nothing

    run_app(stockton_fresh, script)


def test_log_view_and_help(stockton_copy):
    async def script(app, pilot):
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LogScreen)
        status = str(app.screen.query_one("#log-status").render())
        assert "✓ intact" in status and "13 entries" in status and "head " in status
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)

    run_app(stockton_copy, script)


def test_sign_off_refused_then_sealed_then_reopened(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert "Not ready to sign off" in str(app.screen.query_one("#form-intro").render())
        await submit(pilot)
        assert "1.1 is not ratified" in form_error(app)
        await pilot.press("escape")
        for sid in ("1.1", "1.2", "1.3", "1.4"):
            await select_standard(pilot, sid)
            await pilot.press("r")
            await submit(pilot)
        for sid in ("2.1", "2.4", "3.1", "3.2", "3.3", "3.4"):
            await select_standard(pilot, sid)
            await pilot.press("k")
            await pilot.pause()
            await fill(pilot, "reason", "The computed band reflects the evidence.")
            await submit(pilot)
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        await fill(pilot, "rationale", WHY)
        await submit(pilot)
        await pilot.press("s")
        await pilot.pause()
        intro = str(app.screen.query_one("#form-intro").render())
        assert "Final ratings: 32/36, Outstanding" in intro and "✓ Everything" in intro
        await submit(pilot)
        header = str(app.screen.query_one("#summary").render())
        assert re.search(r"SIGNED OFF by Helen Davies, \d+ \w+ \d{4} \d\d:\d\d (GMT|BST) \(entry \d+\)", header), header
        await pilot.press("k")  # read-only now
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert "Read-only: signed off" in app.seen[-1][0]
        await pilot.press("o")
        await pilot.pause()
        await fill(pilot, "reason", "The service reported a data error in one case.")
        await submit(pilot)
        assert "open" in str(app.screen.query_one("#summary").render())

    run_app(stockton_fresh, script)
    es = entries(stockton_fresh)
    so = next(e for e in es if e["kind"] == "sign-off")
    assert (so["score"], so["overall"], so["entry_count"]) == (32, "Outstanding", so["seq"] - 1)
    assert es[-1]["kind"] == "reopen"


def test_tampered_log_opens_read_only_with_the_problem(stockton_copy):
    log = stockton_copy / "decisions.toml"
    log.write_text(log.read_text().replace("eight cases", "all cases"))

    async def script(app, pilot):
        banner = str(app.screen.query_one("#banner").render())
        assert "does not verify" in banner and "hash mismatch" in banner
        assert "LOG DOES NOT VERIFY" in str(app.screen.query_one("#summary").render())
        await select_standard(pilot, "2.1")
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)

    before = log.read_bytes()
    app = run_app(stockton_copy, script)
    assert "Read-only" in app.seen[-1][0] and log.read_bytes() == before


def test_user_text_is_shown_literally(stockton_fresh):
    hostile = "[bold red]X[/] [@click=app.quit]q[/] \x1b[2J\x1b]0;title\x07 done with it"

    async def script(app, pilot):
        await dismiss_attendance(pilot, chair="[b]Chair[/b]")
        await select_standard(pilot, "2.2")
        await pilot.press("d")
        await pilot.pause()
        await fill(pilot, "rationale", hostile)
        await submit(pilot)
        detail = str(app.screen.query_one("#detail").text)
        assert "[bold red]X[/]" in detail and "[@click=app.quit]q[/]" in detail
        assert "␛[2J" in detail and "\x1b" not in detail
        assert "[b]Chair[/b]" in detail

    run_app(stockton_fresh, script)
    assert entries(stockton_fresh)[-1]["rationale"] == hostile  # stored exactly


def test_command_palette_offers_the_panel_actions(stockton_copy):
    async def script(app, pilot):
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        log = next(c for c in commands if c.title == "Panel: Log")
        assert log.help.endswith("(key: l)"), log.help  # the palette teaches the key
        assert "Panel: Discretion" in titles and "Panel: Sign off" not in titles  # signed off already
        assert "Panel: Reopen" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Panel: Log")
        await pilot.wait_for_scheduled_animations()  # the palette's search has run (a worker)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LogScreen)

    run_app(stockton_copy, script)


def test_narrow_terminal_compacts_the_table(stockton_copy):
    """At 80x24 every row keeps id, lowest % and cases, the final band in full words, flags and status,
    nothing cut; Computed goes and names are shortened with a visible '…' (both in full in the
    evidence pane: a chair at 80x24 missed the names when they were left out altogether)."""

    async def script(app, pilot):
        table = app.screen.query_one(StandardsTable)
        keys = ["id", "name", "lowest", "final", "flags", "status"]
        assert [c.value for c in table.columns] == keys
        assert "-narrow" in app.screen.classes
        widths = {c.key.value: c.width for c in table.columns.values()}
        for s in app.screen.session.rating.standards:
            row = [str(x) for x in table.get_row(s.id)]
            assert s.final in row[3] and row[5].split(" ", 1)[1] in ("ratified", "declined", "decided", "none")
            assert row[1] == s.name or (row[1].endswith("…") and s.name.startswith(row[1][:-1]))
            assert all(len(cell) <= widths[key] for cell, key in zip(row, keys, strict=True))
        assert sum(widths.values()) + 2 * len(widths) <= 80 - 2  # room kept for a scrollbar
        footer = app.screen.query_one("Footer")
        keys = [k for k, b in footer.screen.active_bindings.items() if b.binding.show]  # shown in the footer
        assert {"s", "q", "question_mark"} <= set(keys) or {"o", "q", "question_mark"} <= set(keys)

    run_app(stockton_copy, script, size=(80, 24))


def test_the_table_is_not_squashed_after_the_attendance_form(stockton_fresh):
    """The rows painted behind the attendance form keep their full widths once it closes."""

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        table = app.screen.query_one(StandardsTable)
        line = table.render_line(1).text  # the first row, as painted
        assert "Governance…" in line and "to ratify" in line and "proposed" in line  # cut at a word

    run_app(stockton_fresh, script, size=(100, 30))


def test_quit(stockton_copy):
    async def script(app, pilot):
        await pilot.press("q")
        await pilot.pause()

    app = run_app(stockton_copy, script)
    assert app.return_code == 0


def test_discretion_form_shows_precedents_from_sibling_sessions(tmp_path, sessions_dir):
    import shutil

    root = tmp_path / "sessions"
    root.mkdir()
    shutil.copytree(sessions_dir / "stockton-2021", root / "stockton-2021")
    d = root / "another"
    d.mkdir()
    shutil.copy(sessions_dir / "stockton-2021" / "inspection.toml", d)

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        form = await open_form(pilot, "2.2", "d")
        assert isinstance(form, EntryForm)  # open at once; the scan runs in a worker
        await app.workers.wait_for_complete()
        await pilot.pause()
        found = str(form.query_one("#form-intro").render())
        assert "Precedents" in found and "stockton-2021 #7 discretion Requires improvement → Good (62.5% of 8)" in found

    run_app(d, script)


def test_precedents_scan_never_blocks_and_is_dropped_when_the_form_closes(stockton_fresh, monkeypatch):
    import threading

    import panel_tui.core.audit as audit

    release = threading.Event()

    def slow(*args, **kwargs):
        release.wait(5)
        return [], None

    monkeypatch.setattr(audit, "sibling_precedents", slow)

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        form = await open_form(pilot, "2.2", "d")
        assert isinstance(form, EntryForm)  # the form is up while the scan is still running
        assert "looking in sibling sessions" in str(form.query_one("#form-intro").render())
        await fill(pilot, "rationale", WHY)  # and typing works meanwhile
        await pilot.press("escape")
        await pilot.pause()
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)

    run_app(stockton_fresh, script)


def test_retract_choices_show_user_text_literally(stockton_fresh):
    async def script(app, pilot):
        await dismiss_attendance(pilot, chair="[@click=app.quit]Chair[/]")
        await pilot.press("u")
        await pilot.pause()
        select = app.screen.query_one("#f-retracts")
        prompt = str(select._options[0][0])
        assert "[@click=app.quit]Chair[/]" in prompt

    run_app(stockton_fresh, script)


def test_a_proposal_prefills_discretion_and_is_answered(stockton_fresh):
    """The lead inspector proposed lowering 3.2: d opens on that band with the case to adopt or edit,
    and the decision records which proposal it answers."""
    from panel_tui.core.inspection import load_inspection
    from panel_tui.core.log import append_entry

    case = "Contingency planning was missing in most out-of-court cases; Requires improvement is fairer."

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        append_entry(
            stockton_fresh,
            load_inspection(stockton_fresh),
            "proposal",
            {"standard": "3.2", "to": "Requires improvement", "rationale": case, "by": "Maria Jerram"},
        )
        # the screen picks up the proposal recorded elsewhere (its disk check, once a second)
        await until(pilot, lambda: len(app.screen.session.log.entries) >= 2, what="the proposal picked up")
        form = await open_form(pilot, "3.2", "d")
        assert form.query_one("#f-to").value == "Requires improvement"
        assert form.query_one("#f-rationale").text == case
        assert "The lead inspector proposed Requires improvement (entry 2" in str(
            form.query_one("#form-intro").render()
        )
        await fill(pilot, "other_evidence", "The service's own audit found the same gap.")
        await submit(pilot)
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.session.log.outcome_of(app.screen.session.log.entry(2)) == "accepted"
        await pilot.pause()
        pane = app.screen.query_one(StandardDetail).text.plain
        assert "#2 proposal [✓ accepted (entry 3)]" in pane  # the evidence pane answers the proposal too
        assert "#3 discretion [✓ stands]" in pane

    run_app(stockton_fresh, script)
    e = entries(stockton_fresh)[-1]
    assert (e["kind"], e["to"], e["answers"], e["rationale"]) == ("discretion", "Requires improvement", 2, case)


def test_a_dissent_starts_on_a_member_and_the_standing_decision_and_shows_with_it(stockton_fresh):
    """A chair found the dissent form starting on the chair and 'the panel generally', and the dissent
    missing from the standard's evidence: it starts on the first member and on the decision standing
    on the selected standard, and the evidence pane lists it (and a retraction of it) under that standard."""

    async def script(app, pilot):
        await dismiss_attendance(pilot)
        await select_standard(pilot, "3.4")
        await pilot.press("k")
        await pilot.pause()
        await fill(pilot, "reason", "Joint working was sound in the one case seen.")
        await submit(pilot)
        await pilot.press("x")
        await pilot.pause()
        form = app.screen
        present = app.screen_stack[-2].session.log.present
        assert form.query_one("#f-member").value == present[1]  # a member, not the chair
        assert form.query_one("#f-about").value == "2"  # the keep standing on 3.4
        await fill(pilot, "reason", "One case cannot carry Outstanding.")
        await submit(pilot)
        await pilot.pause()
        pane = app.screen.query_one(StandardDetail).text.plain
        assert "#2 declined [✓ stands]" in pane
        assert "#3 dissent [✓ stands]" in pane and "dissents from entry 2" in pane

    run_app(stockton_fresh, script)


def test_log_view_keeps_each_entrys_status_on_screen_at_80x24(stockton_copy):
    """A chair at 80x24 needed 65 presses of Right to reach the Status column: it now comes before
    the long columns, and the highlighted entry's status heads the pane below."""

    async def script(app, pilot):
        await pilot.press("l")
        await pilot.pause()
        table = app.screen.query_one("#log-table")
        assert [c.value for c in table.columns][:4] == ["#", "At", "Kind", "Status"]
        x = sum(c.get_render_width(table) for c in list(table.columns.values())[:4])
        assert x <= 80, x
        assert str(table.get_row("13")[3]) == "✓ stands"  # the sign-off
        body = str(app.screen.query_one("#log-entry-body").render())
        assert body.startswith("status: ✓ stands")

    run_app(stockton_copy, script, size=(80, 24))


def test_help_does_not_wrap_at_80_columns(stockton_copy):
    """A chair at 80x24 found help lines wrapped mid-phrase ('next standard needing the' / 'panel')."""
    from textual.widgets import Static

    from panel_tui.screens.help import HELP

    async def script(app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        body = app.screen.query_one("#help-box").query_one(Static)
        assert body.virtual_size.height == len(HELP.splitlines()), (body.virtual_size, body.size)

    run_app(stockton_copy, script, size=(80, 24))
