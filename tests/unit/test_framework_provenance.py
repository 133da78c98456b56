"""Framework data: domain-one key questions, whose rules are whose, and the 80% interval."""

from __future__ import annotations

from fractions import Fraction

import pytest

from panel_tui.core.engine import rate
from panel_tui.core.errors import InputError
from panel_tui.core.framework import load_framework, parse_framework
from panel_tui.core.inspection import load_inspection
from panel_tui.core.stats import Z80, wilson

FRAMEWORKS = ["hmip-yos-2018", "hmip-yjs-2021"]


def qids(fw, sid):
    return [q.id for q in fw.standard(sid).questions]


@pytest.mark.parametrize("fw_id", FRAMEWORKS)
def test_domain_one_key_questions_are_data(fw_id):
    fw = load_framework(fw_id)
    assert qids(fw, "1.1") == ["1.1.1", "1.1.2", "1.1.3"]
    assert qids(fw, "1.3") == ["1.3.1", "1.3.2", "1.3.3"]
    assert qids(fw, "1.4") == ["1.4.1", "1.4.2", "1.4.3", "1.4.4"]
    staff = ["1.2.1", "1.2.2", "1.2.3", "1.2.4"] + (["1.2.5"] if fw_id == "hmip-yjs-2021" else [])
    assert qids(fw, "1.2") == staff
    assert all(q.text for s in fw.standards for q in s.questions)


def test_2021_policy_standards_carry_their_key_questions():
    fw = load_framework("hmip-yjs-2021")
    assert qids(fw, "3.4") == ["3.4.1", "3.4.2", "3.4.3"]
    assert qids(fw, "4.1") == ["4.1.1", "4.1.2", "4.1.3"]
    assert fw.standard("3.4").kind == fw.standard("4.1").kind == "judgement"


@pytest.mark.parametrize("fw_id", FRAMEWORKS)
def test_every_rule_says_whose_it_is(fw_id):
    fw = load_framework(fw_id)
    owners = {r.id: r.owner for r in fw.rules}
    for rid in (
        "bands",
        "lowest-key-question",
        "overall",
        "discretion.near_boundary_points",
        "discretion.one_case",
        "discretion.small_sample_cases",
    ):
        assert owners[rid] == "inspectorate" and fw.rule(rid).source
    for rid in (
        "discretion.steps",
        "flag-directions",
        "panel.quorum_members",
        "discretion.one_case_possible",
        "wilson-interval",
    ):
        assert owners[rid] == "panel-tui" and fw.rule(rid).note
    for rid in ("discretion.near_boundary_points", "discretion.one_case", "discretion.small_sample_cases"):
        assert fw.rule(rid).in_force  # dated per framework


def test_discretion_rules_dated_from_the_sources():
    fw18 = load_framework("hmip-yos-2018")
    assert fw18.rule("discretion.one_case").in_force == "2020-09"
    assert fw18.rule("discretion.small_sample_cases").in_force == "2020-04"
    assert "Leeds" in fw18.rule("discretion.near_boundary_points").note


@pytest.mark.parametrize(
    "bad,message",
    [('owner = "someone"', "is not one of: inspectorate, panel-tui"), ('owner = "inspectorate"', "needs its source")],
)
def test_rule_notes_are_checked(tmp_path, bad, message):
    path = load_framework("hmip-yjs-2021").path
    text = path.read_text(encoding="utf-8") + f'\n[[rule]]\nid = "extra"\n{bad}\n'
    with pytest.raises(InputError, match=message):
        parse_framework(text.encode(), tmp_path / "x.toml")


def test_one_case_possible_must_be_note_or_flag(tmp_path):
    path = load_framework("hmip-yjs-2021").path
    text = path.read_text(encoding="utf-8").replace('one_case_possible = "note"', 'one_case_possible = "maybe"')
    with pytest.raises(InputError, match="one_case_possible"):
        parse_framework(text.encode(), tmp_path / "x.toml")


def test_80_percent_interval_beside_the_95_percent_one(sessions_dir):
    r = rate(load_inspection(sessions_dir / "stockton-2021"))
    q = next(q for q in r.standard("2.2").questions if q.id == "2.2.2")  # 5 of 8
    assert q.interval80 == wilson(Fraction(5), 8, Z80)
    lo95, hi95 = q.wilson
    lo80, hi80 = q.interval80
    assert lo95 < lo80 < 62.5 < hi80 < hi95
    assert q.within_design_margin is False  # 8 cases cannot give a 5-point margin


def test_80_percent_interval_within_five_points_on_a_large_sample():
    from panel_tui.core.engine import QuestionResult

    n, y = 1000, 800
    lo, hi = wilson(Fraction(y), n, Z80)
    q = QuestionResult("x", "", Fraction(80), y, n, "Outstanding", True, None, None, None, None, (lo, hi))
    assert q.within_design_margin is True
