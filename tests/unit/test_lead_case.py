"""Issue 24 item 2: the lead inspector's case for every standard. A judgement standard's case is its
proposed band with a rationale and evidence in inspection.toml (written there by hand or through
panel-tui propose before the log begins); the panel answers it by ratifying, and the record keeps it."""

from __future__ import annotations

import csv
import io

import pytest

from panel_tui.cli import main
from panel_tui.core.errors import InputError
from panel_tui.core.export import build_record, render
from panel_tui.core.inspection import load_inspection
from panel_tui.core.lead_case import lead_case
from panel_tui.core.log import read_state
from panel_tui.core.record import record

WHY = "Leadership knows its partnership well; the board holds every service to account."
EVIDENCE = "Board minutes, March to August 2020.\nInterviews with 4 board members."


def with_case(folder, sid="1.1", extra=f'rationale = "{WHY}"\nevidence = """{EVIDENCE}"""\n'):
    p = folder / "inspection.toml"
    text = p.read_text(encoding="utf-8")
    marker = f'id = "{sid}"\n'
    at = text.index(marker) + len(marker)
    p.write_text(text[:at] + extra + text[at:], encoding="utf-8")
    return p


def test_the_new_keys_load_and_old_files_still_do(stockton_fresh):
    assert load_inspection(stockton_fresh).standards["1.1"].rationale is None  # an old file: no case
    with_case(stockton_fresh)
    sd = load_inspection(stockton_fresh).standards["1.1"]
    assert (sd.proposed, sd.rationale, sd.evidence) == ("Good", WHY, EVIDENCE)


@pytest.mark.parametrize(
    "sid, extra, words",
    [
        (
            "2.2",
            f'rationale = "{WHY}"\n',
            "2.2 is case-based: the lead inspector's case for it is a proposal in the decision log",
        ),
        ("1.1", 'rationale = "\u200b\u200b"\n', "'rationale' must be the lead inspector's rationale as text"),
        ("1.1", "evidence = 3\n", "'evidence' must be the lead inspector's evidence as text, not 3"),
    ],
)
def test_a_case_where_it_cannot_be_is_refused_naming_the_place_and_the_fix(stockton_fresh, sid, extra, words):
    with_case(stockton_fresh, sid, extra)
    with pytest.raises(InputError) as got:
        load_inspection(stockton_fresh)
    assert words in str(got.value) and f"standard {sid}" in str(got.value) and "Fix:" in str(got.value)


def test_a_case_without_a_band_is_refused(stockton_fresh):
    p = stockton_fresh / "inspection.toml"
    p.write_text(
        p.read_text(encoding="utf-8").replace('proposed = "Good"\n', f'rationale = "{WHY}"\n', 1), encoding="utf-8"
    )
    with pytest.raises(InputError, match="has a case \\(rationale\\) but no proposed band"):
        load_inspection(stockton_fresh)


def test_ratifying_as_proposed_answers_the_case_and_the_record_keeps_it(stockton_fresh):
    with_case(stockton_fresh)
    record(stockton_fresh, "attendance", {"chair": "Chair", "members": ["A", "B"], "by": "Chair"})
    insp = load_inspection(stockton_fresh)
    case = lead_case(insp, read_state(stockton_fresh, insp), "1.1")
    assert (case.outcome, case.outcome_words()) == ("pending", "not yet answered by the panel")
    done = record(stockton_fresh, "ratification", {"standard": "1.1", "by": "A"})
    case = lead_case(insp, done.state, "1.1")
    assert (case.outcome, case.outcome_words()) == ("accepted", f"ratified as proposed (entry {done.entry['seq']})")
    assert lead_case(insp, done.state, "1.2") is None  # a band alone is no case to show

    rec = build_record(stockton_fresh)
    md = render(rec, "md").replace("\\", "")
    assert "## The lead inspector's case for the judgement standards" in md
    assert f"### 1.1 Governance and leadership: proposed Good, ratified as proposed (entry {done.entry['seq']})" in md
    assert f"Rationale: {WHY}" in md and "Evidence: Board minutes, March to August 2020.<br>Interviews" in md
    row = next(
        r
        for r in csv.DictReader(io.StringIO(render(rec, "csv"), newline=""))
        if r["row"] == "standard" and r["standard"] == "1.1"
    )
    assert (row["case_rationale"], row["case_evidence"]) == (WHY, EVIDENCE)


def test_ratifying_another_band_answers_it_as_changed(stockton_fresh):
    with_case(stockton_fresh)
    record(stockton_fresh, "attendance", {"chair": "Chair", "members": ["A", "B"], "by": "Chair"})
    done = record(
        stockton_fresh,
        "ratification",
        {"standard": "1.1", "to": "Outstanding", "by": "A", "reason": "The board's grip on safety is exceptional."},
    )
    case = lead_case(load_inspection(stockton_fresh), done.state, "1.1")
    assert case.outcome_words() == (
        f"changed to Outstanding (entry {done.entry['seq']}): The board's grip on safety is exceptional."
    )


def test_propose_writes_a_judgement_case_before_the_log_and_keeps_every_other_line(stockton_fresh, capsys):
    p = stockton_fresh / "inspection.toml"
    before = p.read_text(encoding="utf-8")
    assert (
        main(
            [
                "propose",
                str(stockton_fresh),
                "--standard",
                "1.2",
                "--to",
                "good",
                "--rationale",
                WHY,
                "--evidence",
                EVIDENCE,
                "--by",
                "Maria Jerram",
            ]
        )
        == 0
    )
    assert "wrote the case for 1.2 (proposed Good)" in capsys.readouterr().out
    sd = load_inspection(stockton_fresh).standards["1.2"]
    assert (sd.proposed, sd.rationale, sd.evidence) == ("Good", WHY, EVIDENCE)
    after = p.read_text(encoding="utf-8")
    case = f'proposed = "Good"\nrationale = "{WHY}"\nevidence = """\n{EVIDENCE}"""\n'
    assert after == before.replace('id = "1.2"\nproposed = "Outstanding"\n', 'id = "1.2"\n' + case)  # all else kept
    # proposing again replaces the case (the multi-line evidence too)
    assert (
        main(
            [
                "propose",
                str(stockton_fresh),
                "--standard",
                "1.2",
                "--to",
                "Outstanding",
                "--rationale",
                "On reflection the partnerships are exceptional.",
                "--by",
                "Maria Jerram",
            ]
        )
        == 0
    )
    sd = load_inspection(stockton_fresh).standards["1.2"]
    assert (sd.proposed, sd.evidence) == ("Outstanding", None)
    assert (
        p.read_text(encoding="utf-8").replace(
            'proposed = "Outstanding"\nrationale = "On reflection the partnerships are exceptional."\n',
            'proposed = "Outstanding"\n',
        )
        == before
    )
    assert not (stockton_fresh / "decisions.toml").exists()  # no log entry for a judgement case


def test_propose_on_a_judgement_standard_is_refused_once_the_log_has_begun(stockton_met, capsys):
    before = (stockton_met / "inspection.toml").read_bytes()
    assert (
        main(
            [
                "propose",
                str(stockton_met),
                "--standard",
                "1.3",
                "--to",
                "Good",
                "--rationale",
                WHY,
                "--by",
                "Maria Jerram",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "inspection.toml: standard 1.3: the decision log has begun" in err and "Fix: prepare judgement cases" in err
    assert (stockton_met / "inspection.toml").read_bytes() == before
    assert (
        main(
            [
                "propose",
                str(stockton_met),
                "--standard",
                "2.2",
                "--to",
                "Good",
                "--rationale",
                WHY,
                "--evidence",
                "x",
                "--by",
                "Maria Jerram",
            ]
        )
        == 2
    )
    assert "--evidence is for a judgement standard's case; 2.2 is case-based" in capsys.readouterr().err
