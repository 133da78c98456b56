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


def test_discretion_changes_the_final_rating(stockton_fresh):
    e = rec(stockton_fresh, "discretion", standard="2.2", to="Good", rationale=WHY)
    assert e["from"] == "Requires improvement" and e["evidence"]["lowest_percent"] == "62.50"
    assert e["evidence"]["flags"] == ["near-boundary", "one-case"]
    s = load_session(stockton_fresh)
    assert s.rating.standard("2.2").final == "Good" and s.rating.score == 32


def test_discretion_more_than_one_step_is_refused(stockton_fresh):
    msg = refused(stockton_fresh, "discretion", "one-step", standard="2.2", to="Outstanding", rationale=WHY)
    assert "Good or Inadequate" in msg


@pytest.mark.parametrize("text,rule", [("n/a", "text-placeholder"), ("TBC", "text-placeholder"), ("   ", "text-required"),
                                       ("too short", "text-too-short"), ("a\x00" * 20, "text-nul"),
                                       ("x" * 10_001, "text-too-long")])
def test_rationale_must_be_real(stockton_fresh, text, rule):
    refused(stockton_fresh, "discretion", rule, standard="2.2", to="Good", rationale=text)


def test_by_is_required(stockton_fresh):
    refused(stockton_fresh, "discretion", "by-required", standard="2.2", to="Good", rationale=WHY, by=" ")


def test_small_sample_needs_other_evidence(stockton_fresh):
    msg = refused(stockton_fresh, "discretion", "text-required", standard="3.2", to="Requires improvement", rationale=WHY)
    assert "other compelling evidence" in msg
    rec(stockton_fresh, "discretion", standard="3.2", to="Requires improvement", rationale=WHY,
        other_evidence="Case audit by the service showed the same gap in contingency planning.")


def test_unflagged_standard_needs_outside_criteria(stockton_fresh):
    msg = refused(stockton_fresh, "discretion", "outside-criteria", standard="2.3", to="Good", rationale=WHY)
    assert "no discretion flag" in msg
    e = rec(stockton_fresh, "discretion", standard="2.3", to="Good", rationale=WHY,
            outside_reason="The panel found wider evidence of inconsistent delivery.")
    assert e["outside_criteria"] is True


def test_direction_no_flag_supports_is_refused(stockton_fresh):
    # 2.2 is flagged for an uplift only; a lowering is outside the criteria
    msg = refused(stockton_fresh, "discretion", "outside-criteria", standard="2.2", to="Inadequate", rationale=WHY)
    assert "lowering" in msg


def test_judgement_standard_is_ratified_not_discretioned(stockton_fresh):
    refused(stockton_fresh, "discretion", "judgement-standard", standard="1.1", to="Outstanding", rationale=WHY)
    refused(stockton_fresh, "ratification", "text-required", standard="1.1", to="Outstanding")
    e = rec(stockton_fresh, "ratification", standard="1.1", to="Outstanding", reason="Board evidence was stronger than proposed.")
    assert e["from"] == "Good" and load_session(stockton_fresh).rating.standard("1.1").final == "Outstanding"


def test_unknown_standard_and_band(stockton_fresh):
    assert "use one of: 1.1" in refused(stockton_fresh, "discretion", "unknown-standard", standard="9.9", to="Good", rationale=WHY)
    assert "Requires improvement" in refused(stockton_fresh, "discretion", "unknown-band", standard="2.2", to="Goood", rationale=WHY)


def test_later_decision_supersedes_and_retraction_restores(stockton_fresh):
    d = stockton_fresh
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


def test_dissent_is_recorded_without_changing_ratings(stockton_fresh):
    d = stockton_fresh
    e = rec(d, "discretion", standard="2.2", to="Good", rationale=WHY)
    rec(d, "dissent", member="B", about=e["seq"], reason="I would have kept Requires improvement.", by="B")
    assert load_session(d).rating.score == 32


@pytest.mark.parametrize("text", [
    '"\n[[entry]]\nseq = 999', "a\r\nb and some more words to pass", "\x1b[2J\x1b]0;title\x07 escape text here",
    "[bold red]X[/] [link='https://x']x[/link] [@click=app.quit]x[/]", "ends with a backslash \\",
    "\u202eright-to-left override text here",
])
def test_hostile_text_is_stored_exactly(stockton_fresh, text):
    text = text if len(text.strip()) >= 20 else text + " padding to twenty chars"
    e = rec(stockton_fresh, "discretion", standard="2.2", to="Good", rationale=text)
    doc = tomllib.loads((stockton_fresh / "decisions.toml").read_text(encoding="utf-8"))
    assert len(doc["entry"]) == 1 and doc["entry"][0]["rationale"] == text
    assert state(stockton_fresh).problem is None and e["rationale"] == text


def test_refused_command_exits_2_and_writes_nothing(stockton_fresh):
    proc = subprocess.run([sys.executable, "-m", "panel_tui", "decide", str(stockton_fresh), "--standard", "2.2",
                           "--to", "Outstanding", "--rationale", WHY, "--by", "Chair"], capture_output=True, text=True)
    assert proc.returncode == 2 and "one-step" in proc.stderr and "Traceback" not in proc.stderr
    assert not (stockton_fresh / "decisions.toml").exists()


def test_cli_records_and_prints_seq_and_hash(stockton_fresh):
    proc = subprocess.run([sys.executable, "-m", "panel_tui", "attend", str(stockton_fresh), "--chair", "C",
                           "--member", "M1", "--member", "M2"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("recorded entry 1 (attendance) hash ")
    assert state(stockton_fresh).attendance["members"] == ["M1", "M2"]
