"""The report paragraph says what the log says, in the report's voice: computed band and its figure, the
panel's act, the new band."""

from __future__ import annotations

from panel_tui.core.inspection import load_inspection
from panel_tui.core.log import append_entry
from panel_tui.core.paragraph import report_paragraph
from panel_tui.core.session import load_session

WHY = "Planning for safety lacked contingency in most cases; Requires improvement is the fairer rating"


def test_lowering_kept_and_ratified_changed(stockton_met):
    d = stockton_met
    insp = load_inspection(d)
    append_entry(
        d,
        insp,
        "discretion",
        {
            "standard": "3.2",
            "to": "Requires improvement",
            "rationale": WHY,
            "by": "A",
            "other_evidence": "The service's own audit found the same gap",
        },
    )
    append_entry(d, insp, "declined", {"standard": "2.1", "reason": "Good reflects the work seen.", "by": "A"})
    append_entry(
        d,
        insp,
        "ratification",
        {"standard": "1.1", "to": "Outstanding", "reason": "Board evidence was stronger", "by": "Chair"},
    )
    s = load_session(d)
    fw, st = s.rating.framework, s.log
    low = report_paragraph(fw, s.rating.standard("3.2"), st.panel["3.2"])
    # the report's voice: the standard and its key question in words, "we applied professional discretion"
    assert low == (
        "Planning (out-of-court disposals) was originally assessed as 'Good': its lowest-scoring key "
        "question, 'Planning concentrates on other people's safety', was answered 'Yes' in 2 of 3 cases "
        "(66.67%). We applied professional discretion to this score, lowering it to 'Requires improvement'. "
        f"{WHY}. Other evidence we took into account: The service's own audit found the same gap."
    )
    assert "Standard 3.2" not in low and "key question 3.2.3" not in low and "ratings panel" not in low
    kept = report_paragraph(fw, s.rating.standard("2.1"), st.panel["2.1"])
    # Stockton 2.1: 2.1.1 and 2.1.3 tie for lowest (6 of 8, 75%): both are named
    assert kept == (
        "Assessment (court disposals) was assessed as 'Good': its lowest-scoring key questions, "
        "'Assessment analyses what supports the child's desistance' and 'Assessment analyses how to keep "
        "other people safe', were each answered 'Yes' in 6 of 8 cases (75%). We considered applying "
        "professional discretion to this score and kept it at 'Good'. Good reflects the work seen."
    )
    rat = report_paragraph(fw, s.rating.standard("1.1"), st.ratified["1.1"])
    assert rat == (
        "We rated Governance and leadership as 'Outstanding', where 'Good' had been proposed. "
        "Board evidence was stronger."
    )
    assert report_paragraph(fw, s.rating.standard("2.3"), None) is None


def test_local_time_and_status_marks():
    from panel_tui.core.display import local_time, status_mark

    assert local_time("2020-10-14T09:04:37Z", "Europe/London") == "14 Oct 2020 10:04 BST"
    assert local_time("2021-01-14T09:04:37Z", "Europe/London") == "14 Jan 2021 09:04 GMT"
    assert local_time("\x1b]0;x\x07", "Europe/London") == "␛]0;x␇"  # not a time: shown, never guessed
    assert [status_mark(s) for s in ("stands", "superseded", "retracted by 5", "pending", "accepted (entry 9)")] == [
        "✓ stands",
        "– superseded",
        "✗ retracted by 5",
        "◐ pending",
        "✓ accepted (entry 9)",
    ]


def test_cli_log_shows_meeting_time_and_proposal_outcome(stockton_met):
    import subprocess
    import sys

    insp = load_inspection(stockton_met)
    append_entry(stockton_met, insp, "proposal", {"standard": "2.2", "to": "Good", "rationale": WHY, "by": "Lead"})
    out = subprocess.run(
        [sys.executable, "-m", "panel_tui", "log", str(stockton_met)], capture_output=True, text=True
    ).stdout
    assert "◐ pending" in out and ("GMT" in out or "BST" in out)


def test_uplift_as_the_report_words_it(stockton_copy):
    """Stockton 2.2, the published uplift: the report's own phrase, the aspect named in words."""
    s = load_session(stockton_copy)
    text = report_paragraph(s.rating.framework, s.rating.standard("2.2"), s.log.panel["2.2"])
    assert text.startswith(
        "Planning (court disposals) was originally assessed as 'Requires improvement': its "
        "lowest-scoring key question, 'Planning concentrates on the child's safety', was answered "
        "'Yes' in 5 of 8 cases (62.5%). We applied professional discretion to this score, "
        "uplifting it to 'Good'. "
    )


def test_tied_questions_with_different_bases_and_a_percent_only_figure():
    from fractions import Fraction

    from panel_tui.core.engine import QuestionResult, StandardResult
    from panel_tui.core.framework import load_framework
    from panel_tui.core.paragraph import _figure

    def q(qid, text, pct, yes, rel):
        return QuestionResult(qid, text, Fraction(pct), yes, rel, "Good", True, None, None, None, None)

    s = StandardResult(
        "2.4",
        "Reviewing",
        "2",
        "cases",
        True,
        "Good",
        "Good",
        2,
        2,
        lowest_percent=Fraction(75),
        lowest_questions=["2.4.1", "2.4.2", "2.4.3"],
        questions=[
            q("2.4.1", "Reviewing is timely.", 75, 6, 8),
            q("2.4.2", "", 75, 3, 4),
            q("2.4.3", "Does reviewing involve the child?", 75, None, None),
        ],
    )
    assert _figure(s) == (
        ": its lowest-scoring key questions, 'Reviewing is timely', key question 2.4.2 and 'Does "
        "reviewing involve the child?', were answered 'Yes' in 6 of 8 cases (75%), 3 of 4 cases "
        "(75%) and 75% of cases respectively"
    )
    fw = load_framework("hmip-yos-2018")
    assert (
        report_paragraph(fw, s, {"kind": "ratification", "from": "Good", "to": "Good"})
        == "We rated Reviewing as 'Good'."
    )
