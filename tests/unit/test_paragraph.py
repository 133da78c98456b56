"""The report paragraph says what the log says: computed band and its figure, the panel's act, the new band."""

from __future__ import annotations

from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry
from panel_tui.core.paragraph import report_paragraph
from panel_tui.core.session import load_session

WHY = "Planning for safety lacked contingency in most cases; Requires improvement is the fairer rating"


def test_lowering_kept_and_ratified_changed(stockton_met):
    d = stockton_met
    insp = load_inspection(d)
    append_entry(d, insp, "discretion", {"standard": "3.2", "to": "Requires improvement", "rationale": WHY, "by": "A",
                                         "other_evidence": "The service's own audit found the same gap"})
    append_entry(d, insp, "declined", {"standard": "2.1", "reason": "Good reflects the work seen.", "by": "A"})
    append_entry(d, insp, "ratification", {"standard": "1.1", "to": "Outstanding", "reason": "Board evidence was stronger",
                                           "by": "Chair"})
    s = load_session(d)
    fw, st = s.rating.framework, s.log
    low = report_paragraph(fw, s.rating.standard("3.2"), st.panel["3.2"])
    assert low == ("Standard 3.2 'Planning' was originally assessed as 'Good': key question 3.2.3 was answered 'Yes' "
                   "in 2 of 3 cases (66.67%). The ratings panel applied professional discretion, lowering the rating to "
                   f"'Requires improvement'. {WHY}. Other evidence the panel relied on: The service's own audit found the "
                   "same gap.")
    kept = report_paragraph(fw, s.rating.standard("2.1"), st.panel["2.1"])
    assert "considered whether to apply professional discretion and kept the rating. Good reflects" in kept
    rat = report_paragraph(fw, s.rating.standard("1.1"), st.ratified["1.1"])
    assert rat == ("The ratings panel rated Standard 1.1 'Governance and leadership' 'Outstanding', changing the lead "
                   "inspector's proposed 'Good'. Board evidence was stronger.")
    assert report_paragraph(fw, s.rating.standard("2.3"), None) is None


def test_local_time_and_status_marks():
    from panel_tui.core.display import local_time, status_mark

    assert local_time("2020-10-14T09:04:37Z", "Europe/London") == "14 Oct 2020 10:04 BST"
    assert local_time("2021-01-14T09:04:37Z", "Europe/London") == "14 Jan 2021 09:04 GMT"
    assert local_time("\x1b]0;x\x07", "Europe/London") == "␛]0;x␇"  # not a time: shown, never guessed
    assert [status_mark(s) for s in ("stands", "superseded", "retracted by 5", "pending", "accepted (entry 9)")] == [
        "✓ stands", "– superseded", "✗ retracted by 5", "◐ pending", "✓ accepted (entry 9)"]


def test_cli_log_shows_meeting_time_and_proposal_outcome(stockton_met):
    import subprocess
    import sys

    insp = load_inspection(stockton_met)
    append_entry(stockton_met, insp, "proposal", {"standard": "2.2", "to": "Good", "rationale": WHY, "by": "Lead"})
    out = subprocess.run([sys.executable, "-m", "panel_tui", "log", str(stockton_met)], capture_output=True,
                         text=True).stdout
    assert "◐ pending" in out and ("GMT" in out or "BST" in out)
