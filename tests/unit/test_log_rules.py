"""The rules the log enforces, shared by the command line and the app."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from panel_tui.core.errors import RuleRefused
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry, read_state
from panel_tui.core.session import load_session

WHY = "Planning for safety fell short only on contingency; the rest was good."


def rec(d, kind, **fields):
    fields.setdefault("by", "Chair")
    return append_entry(d, load_inspection(d), kind, fields)


def state(d):
    return read_state(d / "decisions.toml", load_inspection(d))


def refused(d, kind, rule, **fields):
    before = (d / "decisions.toml").read_bytes() if (d / "decisions.toml").exists() else None
    with pytest.raises(RuleRefused) as exc:
        rec(d, kind, **fields)
    assert exc.value.rule == rule, exc.value.message
    after = (d / "decisions.toml").read_bytes() if (d / "decisions.toml").exists() else None
    assert before == after  # nothing written
    return exc.value.message


def meeting(d):
    """Everything Stockton needs before sign-off, except 2.2."""
    rec(d, "attendance", chair="Chair", members=["A", "B"])
    for sid in ("1.1", "1.2", "1.3", "1.4"):
        rec(d, "ratification", standard=sid)
    for sid in ("2.1", "2.4", "3.1", "3.2", "3.3", "3.4"):
        rec(d, "declined", standard=sid, reason="Considered; the computed band stands.")


def test_discretion_changes_the_final_rating(stockton_met):
    e = rec(stockton_met, "discretion", standard="2.2", to="Good", rationale=WHY)
    assert e["from"] == "Requires improvement" and e["evidence"]["lowest_percent"] == "62.50"
    assert e["evidence"]["flags"] == ["near-boundary", "one-case"]
    s = load_session(stockton_met)
    assert s.rating.standard("2.2").final == "Good" and s.rating.score == 32


def test_discretion_more_than_one_step_is_refused(stockton_met):
    msg = refused(stockton_met, "discretion", "one-step", standard="2.2", to="Outstanding", rationale=WHY)
    assert "Good or Inadequate" in msg


@pytest.mark.parametrize(
    "text,rule",
    [
        ("n/a", "text-placeholder"),
        ("TBC", "text-placeholder"),
        ("   ", "text-required"),
        ("too short", "text-too-short"),
        ("a\x00" * 20, "text-nul"),
        ("x" * 10_001, "text-too-long"),
    ],
)
def test_rationale_must_be_real(stockton_met, text, rule):
    refused(stockton_met, "discretion", rule, standard="2.2", to="Good", rationale=text)


def test_by_is_required(stockton_fresh):
    refused(stockton_fresh, "discretion", "by-required", standard="2.2", to="Good", rationale=WHY, by=" ")


def test_small_sample_needs_other_evidence(stockton_met):
    msg = refused(stockton_met, "discretion", "text-required", standard="3.2", to="Requires improvement", rationale=WHY)
    assert "other compelling evidence" in msg
    rec(
        stockton_met,
        "discretion",
        standard="3.2",
        to="Requires improvement",
        rationale=WHY,
        other_evidence="Case audit by the service showed the same gap in contingency planning.",
    )


def test_unflagged_standard_needs_outside_criteria(stockton_met):
    msg = refused(stockton_met, "discretion", "outside-criteria", standard="2.3", to="Good", rationale=WHY)
    assert "no discretion flag" in msg
    e = rec(
        stockton_met,
        "discretion",
        standard="2.3",
        to="Good",
        rationale=WHY,
        outside_reason="The panel found wider evidence of inconsistent delivery.",
    )
    assert e["outside_criteria"] is True


def test_direction_no_flag_supports_is_refused(stockton_met):
    # 2.2 is flagged for an uplift only; a lowering is outside the criteria
    msg = refused(stockton_met, "discretion", "outside-criteria", standard="2.2", to="Inadequate", rationale=WHY)
    assert "lowering" in msg


def test_judgement_standard_is_ratified_not_discretioned(stockton_met):
    refused(stockton_met, "discretion", "judgement-standard", standard="1.1", to="Outstanding", rationale=WHY)
    refused(stockton_met, "ratification", "text-required", standard="1.1", to="Outstanding")
    e = rec(
        stockton_met,
        "ratification",
        standard="1.1",
        to="Outstanding",
        reason="Board evidence was stronger than proposed.",
    )
    assert e["from"] == "Good" and load_session(stockton_met).rating.standard("1.1").final == "Outstanding"


def test_unknown_standard_and_band(stockton_met):
    assert "use one of: 1.1" in refused(
        stockton_met, "discretion", "unknown-standard", standard="9.9", to="Good", rationale=WHY
    )
    assert "Requires improvement" in refused(
        stockton_met, "discretion", "unknown-band", standard="2.2", to="Goood", rationale=WHY
    )


def test_later_decision_supersedes_and_retraction_restores(stockton_met):
    d = stockton_met
    first = rec(d, "declined", standard="2.2", reason="Requires improvement fairly reflects planning.")
    second = rec(d, "discretion", standard="2.2", to="Good", rationale=WHY)
    assert second["supersedes"] == first["seq"]
    st = state(d)
    assert not st.is_effective(st.entry(first["seq"])) and st.finals["2.2"] == "Good"
    rec(d, "retraction", retracts=second["seq"], reason="Recorded against the wrong standard.")
    st = state(d)
    assert st.panel["2.2"]["seq"] == first["seq"] and "2.2" not in st.finals
    refused(d, "retraction", "retracted", retracts=second["seq"], reason="Recorded against the wrong standard.")


def test_sign_off_names_what_is_missing_then_seals(stockton_fresh):
    d = stockton_fresh
    msg = refused(d, "sign-off", "sign-off-incomplete")
    assert "attendance is not recorded" in msg and "1.1 is not ratified" in msg and "2.2 is flagged" in msg
    meeting(d)
    msg = refused(d, "sign-off", "sign-off-incomplete")
    assert "2.2 is flagged" in msg and "2.1" not in msg
    rec(d, "discretion", standard="2.2", to="Good", rationale=WHY)
    so = rec(d, "sign-off")
    assert (so["score"], so["overall"], so["entry_count"]) == (32, "Outstanding", so["seq"] - 1)
    assert so["ratings"]["2.2"] == "Good"
    refused(d, "declined", "signed-off", standard="2.1", reason="Second thoughts after the meeting.")
    refused(d, "retraction", "signed-off", retracts=2, reason="Second thoughts after the meeting.")
    rec(d, "reopen", reason="The service reported a data error in one case.")
    refused(d, "retraction", "unretractable", retracts=so["seq"], reason="Undo the sign-off entirely.")
    refused(d, "reopen", "not-signed-off", reason="Reopen again for no reason.")


def test_retracting_attendance_blocks_sign_off(stockton_fresh):
    d = stockton_fresh
    meeting(d)
    rec(d, "discretion", standard="2.2", to="Good", rationale=WHY)
    rec(d, "retraction", retracts=1, reason="Wrong members were listed.")
    assert "attendance is not recorded" in refused(d, "sign-off", "sign-off-incomplete")


def test_dissent_is_recorded_without_changing_ratings(stockton_met):
    d = stockton_met
    e = rec(d, "discretion", standard="2.2", to="Good", rationale=WHY)
    rec(d, "dissent", member="B", about=e["seq"], reason="I would have kept Requires improvement.", by="B")
    assert load_session(d).rating.score == 32


@pytest.mark.parametrize(
    "text",
    [
        '"\n[[entry]]\nseq = 999',
        "a\r\nb and some more words to pass",
        "\x1b[2J\x1b]0;title\x07 escape text here",
        "[bold red]X[/] [link='https://x']x[/link] [@click=app.quit]x[/]",
        "ends with a backslash \\",
        "\u202eright-to-left override text here",
    ],
)
def test_hostile_text_is_stored_exactly(stockton_met, text):
    text = text if len(text.strip()) >= 20 else text + " padding to twenty chars"
    e = rec(stockton_met, "discretion", standard="2.2", to="Good", rationale=text)
    doc = tomllib.loads((stockton_met / "decisions.toml").read_text(encoding="utf-8"))
    assert len(doc["entry"]) == 2 and doc["entry"][-1]["rationale"] == text
    assert state(stockton_met).problem is None and e["rationale"] == text


def test_refused_command_exits_2_and_writes_nothing(stockton_met):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "panel_tui",
            "decide",
            str(stockton_met),
            "--standard",
            "2.2",
            "--to",
            "Outstanding",
            "--rationale",
            WHY,
            "--by",
            "Chair",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "one-step" in proc.stderr and "Traceback" not in proc.stderr
    assert len(state(stockton_met).entries) == 1


def test_a_refusal_names_the_option_on_the_command_line_only(stockton_met):
    """The core names the field at fault in words (the app shows it beside the field); the command
    line adds the option that gives it."""
    msg = refused(stockton_met, "discretion", "outside-criteria", standard="2.2", to="Inadequate", rationale=WHY)
    assert "--" not in msg
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "panel_tui",
            "decide",
            str(stockton_met),
            "--standard",
            "2.2",
            "--to",
            "Inadequate",
            "--rationale",
            WHY,
            "--by",
            "Chair",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "outside-criteria reason" in proc.stderr
    assert "(give it with --outside-criteria REASON)" in proc.stderr


def test_cli_records_and_prints_seq_and_hash(stockton_fresh):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "panel_tui",
            "attend",
            str(stockton_fresh),
            "--chair",
            "C",
            "--member",
            "M1",
            "--member",
            "M2",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("recorded entry 1 (attendance) hash ")
    assert state(stockton_fresh).attendance["members"] == ["M1", "M2"]


# --- attendance is the source of names (format 2) ------------------------------------------------


def format_2_log(d):
    """An empty format-2 log (its rules, not format 3's) for the session at ``d``."""
    from panel_tui.core.log.chain import render_log
    from panel_tui.core.log.entries import LOG_FORMAT_V2
    from panel_tui.core.log.writer import new_header

    (d / "decisions.toml").write_bytes(render_log({**new_header(load_inspection(d)), "format": LOG_FORMAT_V2}, []))


def test_quorum_is_framework_data_and_refused_below_it_in_format_2(stockton_fresh):
    format_2_log(stockton_fresh)
    msg = refused(stockton_fresh, "attendance", "quorum", chair="Chair", members=["A"])
    assert "at least 2 members" in msg and "hmip-yos-2018" in msg
    refused(stockton_fresh, "attendance", "quorum", chair="Chair", members=[])
    assert "named twice" in refused(
        stockton_fresh, "attendance", "attendance-duplicate", chair="Tom Baker", members=["A", "tom  baker"]
    )
    rec(stockton_fresh, "attendance", chair="Chair", members=["A", "B"])


def test_names_present_once_each_in_format_3_too(stockton_fresh):
    assert "named twice" in refused(
        stockton_fresh, "attendance", "attendance-duplicate", chair="Tom Baker", members=["A", "tom  baker"]
    )


def test_before_attendance_only_proposals(stockton_fresh):
    assert "record who is present first" in refused(
        stockton_fresh, "declined", "no-attendance", standard="2.1", reason="Kept after discussion."
    )
    refused(stockton_fresh, "dissent", "no-attendance", member="B", reason="I disagree with this outcome.")
    rec(stockton_fresh, "proposal", standard="2.2", to="Good", rationale=WHY, by="Maria Jerram")


def test_names_must_be_present(stockton_met):
    msg = refused(
        stockton_met, "discretion", "not-present", standard="2.2", to="Good", rationale=WHY, by="Someone Else"
    )
    assert "the panel present is: Chair, A, B" in msg
    msg = refused(
        stockton_met, "dissent", "not-present", member="Tom Bakr", reason="I disagree with this outcome.", by="A"
    )
    assert "member 'Tom Bakr'" in msg
    # present, but spelt otherwise: refused on writing (issue 23), as the log would hold two spellings
    assert "did you mean 'Chair'?" in refused(
        stockton_met, "discretion", "name-spelling", standard="2.2", to="Good", rationale=WHY, by="chair"
    )
    rec(stockton_met, "discretion", standard="2.2", to="Good", rationale=WHY, by="Chair")
    rec(stockton_met, "attendance", chair="Chair", members=["A", "B", "Tom Baker"], by="Chair")  # an arrival
    rec(stockton_met, "dissent", member="Tom Baker", reason="I would have kept it as computed.", by="Tom Baker")
    rec(stockton_met, "attendance", chair="Chair", members=["A", "Tom Baker"], by="Chair")  # B left
    refused(stockton_met, "declined", "not-present", standard="2.1", reason="Kept after discussion.", by="B")


def test_cli_lists_the_names_present(stockton_met):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "panel_tui",
            "decline",
            str(stockton_met),
            "--standard",
            "2.1",
            "--reason",
            "Kept after discussion.",
            "--by",
            "Tom Bakr",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "not-present" in proc.stderr and "Chair, A, B" in proc.stderr


# --- proposals answered ------------------------------------------------------------------------


def test_a_decision_answers_the_standing_proposal(stockton_met):
    d = stockton_met
    p = rec(d, "proposal", standard="2.2", to="Good", rationale=WHY, by="Maria Jerram")
    assert state(d).outcome_of(state(d).entry(p["seq"])) == "pending"
    kept = rec(d, "declined", standard="2.2", reason="Requires improvement fairly reflects planning.")
    assert kept["answers"] == p["seq"]
    st = state(d)
    assert st.outcome_of(st.entry(p["seq"])) == "declined"
    up = rec(d, "discretion", standard="2.2", to="Good", rationale=WHY)
    assert up["answers"] == p["seq"] and up["supersedes"] == kept["seq"]
    st = state(d)
    assert st.outcome_of(st.entry(p["seq"])) == "accepted"
    rec(d, "retraction", retracts=up["seq"], reason="Recorded in error.")
    st = state(d)
    assert st.outcome_of(st.entry(p["seq"])) == "declined"  # the keep stands again
    rec(d, "retraction", retracts=p["seq"], reason="The lead inspector withdrew it.")
    st = state(d)
    assert st.outcome_of(st.entry(p["seq"])) == "withdrawn"
    later = rec(d, "declined", standard="2.2", reason="Kept, with no case before the panel.")
    assert "answers" not in later


def test_no_answers_without_a_proposal(stockton_met):
    e = rec(stockton_met, "declined", standard="2.1", reason="Kept after discussion.")
    assert "answers" not in e


@pytest.mark.parametrize("text", ["\u200b" * 25, "\u2060\ufeff" * 12 + " ", "\u202e\u202d" * 15])
def test_invisible_text_is_refused_as_blank(stockton_met, text):
    assert "blank" in refused(stockton_met, "discretion", "text-required", standard="2.2", to="Good", rationale=text)
    refused(stockton_met, "attendance", "by-required", chair=text, members=["A", "B"])
    refused(stockton_met, "declined", "by-required", standard="2.1", reason="Kept after discussion.", by=text)


def test_cli_ratify_all_proposed_in_one_write(stockton_met):
    run = lambda *a: subprocess.run([sys.executable, "-m", "panel_tui", *map(str, a)], capture_output=True, text=True)  # noqa: E731
    assert run("ratify", stockton_met, "--standard", "1.2", "--by", "Chair").returncode == 0
    proc = run("ratify", stockton_met, "--all-proposed", "--by", "A")
    assert proc.returncode == 0, proc.stderr
    assert [ln.split()[3:5] for ln in proc.stdout.splitlines()] == [
        ["(ratification", "1.1"],
        ["(ratification", "1.3"],
        ["(ratification", "1.4"],
    ]
    st = state(stockton_met)
    assert sorted(st.ratified) == ["1.1", "1.2", "1.3", "1.4"] and st.ratified["1.1"]["by"] == "A"
    again = run("ratify", stockton_met, "--all-proposed", "--by", "A")
    assert again.returncode == 0 and "nothing to ratify" in again.stdout


def test_cli_ratify_all_is_all_or_nothing(stockton_met):
    before = (stockton_met / "decisions.toml").read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "panel_tui", "ratify", str(stockton_met), "--all-proposed", "--by", "Not Present"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "entry 1 of 4" in proc.stderr and "Nothing was written" in proc.stderr
    assert (stockton_met / "decisions.toml").read_bytes() == before


def test_cli_band_names_in_any_case(stockton_met):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "panel_tui",
            "decide",
            str(stockton_met),
            "--standard",
            "2.2",
            "--to",
            "good",
            "--rationale",
            WHY,
            "--by",
            "Chair",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert state(stockton_met).panel["2.2"]["to"] == "Good"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "panel_tui",
            "ratify",
            str(stockton_met),
            "--standard",
            "1.1",
            "--to",
            "OUTSTANDING",
            "--reason",
            "Board evidence was stronger.",
            "--by",
            "Chair",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and state(stockton_met).ratified["1.1"]["to"] == "Outstanding"


def test_no_entry_on_an_incomplete_inspection(tmp_path):
    """A log freezes its inspection by hash: nothing is recorded while figures or proposals are awaited."""
    d = tmp_path / "new"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "panel_tui",
            "new",
            str(d),
            "--framework",
            "hmip-yos-2018",
            "--service",
            "Test YOS",
            "--fieldwork",
            "2026-01-12",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    for kind, fields in (
        ("attendance", {"chair": "C", "members": ["A", "B"]}),
        ("proposal", {"standard": "2.2", "to": "Good", "rationale": WHY}),
        ("ratification", {"standard": "1.1"}),
    ):
        msg = refused(d, kind, "inspection-incomplete", **fields)
        assert "awaiting" in msg and "panel-tui check" in msg
    assert not (d / "decisions.toml").exists()


def test_what_stands_is_asked_again_after_every_entry(stockton_met):
    """The standing entries are worked out once per entry folded in (LogState.standing_memo): each
    new entry, and each retraction, must show in the next answer."""
    st = state(stockton_met)
    assert "2.2" not in st.panel and "1.1" not in st.ratified
    rec(stockton_met, "discretion", standard="2.2", to="Good", rationale=WHY)
    st = state(stockton_met)
    first = st.panel
    assert first["2.2"]["kind"] == "discretion" and st.panel is first  # asked twice, worked out once
    e = rec(stockton_met, "retraction", retracts=first["2.2"]["seq"], reason="Recorded on the wrong standard.")
    st.apply(e)  # as a writer folds in what it wrote
    assert "2.2" not in st.panel
    rec(stockton_met, "ratification", standard="1.1")
    assert "1.1" in state(stockton_met).ratified


# --- quorum as the meeting lives it (format 3, issue 24) ---------------------------------------


def test_a_late_member_does_not_block_the_start_but_no_decision_is_taken_inquorate(stockton_fresh):
    from panel_tui.core.log.rules import quorum_shortfall

    rec(stockton_fresh, "attendance", chair="Chair", members=["A"])  # the third person is late
    msg = refused(
        stockton_fresh,
        "declined",
        "inquorate",
        standard="2.1",
        reason="The panel kept the band on the evidence it read",
        by="Chair",
    )
    assert "inquorate" in msg and "1 more member would complete it" in msg and "hmip-yos-2018" in msg
    rec(stockton_fresh, "dissent", member="A", reason="A records a view before the meeting starts", by="A")
    rec(stockton_fresh, "attendance", chair="Chair", members=["A", "B"])  # B arrives: an attendance entry
    from panel_tui.core.engine import rate

    assert quorum_shortfall(state(stockton_fresh), rate(load_inspection(stockton_fresh))) is None
    rec(stockton_fresh, "declined", standard="2.1", reason="The panel kept the band on the evidence it read", by="B")
    rec(stockton_fresh, "attendance", chair="Chair", members=["B"])  # A leaves
    msg = refused(
        stockton_fresh,
        "declined",
        "inquorate",
        standard="2.4",
        reason="The panel kept the band on the evidence it read",
        by="Chair",
    )
    assert "present earlier: A" in msg
