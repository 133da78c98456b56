"""The rating engine's behaviour that mutation testing (issue 22, item 7) found no test asserting.

Each test states a rule of the engine: the published ratings rated in-process (the CLI tests run the
engine in a child process, where a mutant is invisible to a per-test coverage map), the flags' words
as the panel reads them (on the four published reports' own figures), the flip distances, the
per-question figures, the standards not rated or awaiting, the overall rating, and the helpers the
app's discretion form uses (``direction``, ``leaning``, ``discretion_targets``).
"""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from panel_tui.core.engine import (
    AWAITING_FIGURES,
    AWAITING_PROPOSAL,
    CERTAIN,
    INCOMPLETE,
    LOWERING,
    UPLIFT,
    Flag,
    StandardResult,
    Target,
    direction,
    discretion_targets,
    leaning,
    pct_text,
    rate,
    with_finals,
)
from panel_tui.core.inspection import load_inspection
from panel_tui.core.session import load_session
from tests.helpers import all_good_cases, inspection_text, write_inspection
from tests.unit.test_published import PUBLISHED

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = ROOT / "sessions"
FIXTURE_FRAMEWORKS = ROOT / "tests" / "fixtures" / "frameworks"
O, G, RI, I = "Outstanding", "Good", "Requires improvement", "Inadequate"  # noqa: E741 (the bands by initial, as the reports abbreviate them)


def published(slug: str):
    return load_session(SESSIONS / slug).rating


def standard(tmp_path, sid, qs, head="", name="s", **kw):
    d = write_inspection(tmp_path, inspection_text(all_good_cases({sid: qs}), head_extra=head, **kw), name)
    return rate(load_inspection(d)).standard(sid)


def flag(s, name):
    return next((f for f in s.flags if f.name == name), None)


# --- the published reports, rated in this process --------------------------------------------------


THIS_TOOLS_SUM = {"leeds-2019": 16}  # where the report publishes no score: this tool's sum


@pytest.mark.parametrize("slug", sorted(PUBLISHED))
def test_published_reports_with_their_logs_give_the_published_ratings(slug):
    """The published figures, one table for every test (tests/unit/test_published.py), rated in this process."""
    p = PUBLISHED[slug]
    score = p["score"] if p["score"] is not None else THIS_TOOLS_SUM[slug]
    r = published(slug)
    assert {s.id: s.final for s in r.standards} == p["ratings"]
    assert (r.score, r.overall, r.max_score) == (score, p["overall"], 36)


def test_resettlement_is_rated_but_never_counted_in_the_score():
    """Hammersmith's 4.1 (Outstanding, not counted): 31 with the log's finals applied, not 34."""
    r = published("hammersmith-2022")
    assert not r.standard("4.1").counted and r.standard("4.1").final == O and r.standard("4.1").score == 3
    assert r.score == 31 and with_finals(r, {"2.1": O}).score == 31


def test_stockton_before_the_panel_is_31_outstanding_one_answer_from_good():
    """Computed, Stockton sums to 31: exactly the lowest Outstanding score. One 'Yes' fewer in 2.1's
    lowest questions makes 2.1 Requires improvement (30, Good): the overall is one answer from Good."""
    r = rate(load_inspection(SESSIONS / "stockton-2021"))
    assert (r.computed_score, r.computed_overall) == (31, O)
    assert (r.score, r.overall) == (31, O)  # no finals: the rating is the computed one
    assert (r.overall_flip_distance, r.overall_flip_to) == (1, G)


def test_finals_that_cross_an_overall_boundary_change_the_overall(tmp_path):
    d = write_inspection(tmp_path, inspection_text(all_good_cases()))  # 8 cases at 80% (3 each) + 4 Good = 32
    r = rate(load_inspection(d))
    assert (r.score, r.overall) == (32, O)
    lowered = with_finals(r, {"2.1": G, "2.2": G})
    assert (lowered.score, lowered.overall) == (30, G)
    assert (r.score, r.overall) == (32, O)  # the computed rating is untouched


def test_the_overall_is_one_answer_from_outstanding_upwards(tmp_path):
    """30 (Good): 2.1 and 2.2 are at 15 of 20 (75%, Good); one more 'Yes' in either (16 of 20, 80%)
    makes 31, Outstanding. Judgement standards cost no answers but are not moved by answers either."""
    cases = all_good_cases({"2.1": [(20, 15), (20, 19), (20, 19)], "2.2": [(20, 15), (20, 19), (20, 19)]})
    r = rate(load_inspection(write_inspection(tmp_path, inspection_text(cases))))
    assert (r.computed_score, r.computed_overall) == (30, G)
    assert (r.overall_flip_distance, r.overall_flip_to) == (1, O)


# --- the flags' words, on the published figures ------------------------------------------------------


def test_stockton_flags_read_as_the_panel_sees_them():
    r = published("stockton-2021")
    s22 = r.standard("2.2")  # 5 of 8 = 62.5%: below 65
    assert [(f.name, f.directions, f.short, f.certainty) for f in s22.flags] == [
        ("near-boundary", (UPLIFT,), "▲ near 65", CERTAIN),
        ("one-case", (UPLIFT,), "1 case ▲", CERTAIN),
    ]
    assert s22.flags[0].reason == (
        "lowest key question 2.2.2 at 62.5% is 2.5 points below the 65% boundary: an uplift to Good is in question"
    )
    assert s22.flags[1].reason == "one more 'Yes' in 2.2.2 would make it Good"
    s21 = r.standard("2.1")  # two key questions tie for lowest at 75%
    assert s21.flags[0].reason == (
        "lowest key question 2.1.1, 2.1.3 at 75% is 5 points below the 80% boundary: "
        "an uplift to Outstanding is in question"
    )
    assert s21.flags[1].reason == (
        "one fewer 'Yes' in 2.1.1 would make it Requires improvement; "
        "one fewer 'Yes' in 2.1.3 would make it Requires improvement"
    )
    assert s21.flags[1].short == "1 case ▼"
    s31 = r.standard("3.1")  # exactly at 80%: a lowering is what is in question
    assert s31.flags[0].directions == (LOWERING,) and s31.flags[0].short == "▼ near 80"
    assert s31.flags[0].reason == (
        "lowest key question 3.1.1, 3.1.2 at 80% is exactly at the 80% boundary: a lowering to Good is in question"
    )
    s32 = r.standard("3.2")  # 2 of 3 = 66.67%: above 65
    assert s32.flags[0].reason == (
        "lowest key question 3.2.3 at 66.67% is 1.67 points above the 65% boundary: "
        "a lowering to Requires improvement is in question"
    )
    assert s32.flags[0].short == "▼ near 65"


def test_small_sample_words_and_directions_on_stockton():
    r = published("stockton-2021")
    f = flag(r.standard("3.3"), "small-sample")
    assert f.reason == (
        "the rating rests on a small sample: lowest key question 3.3.1 on 5 cases, 3.3.2 on 4 cases, "
        "3.3.3 on 3 cases (5 or fewer)"
    )
    assert f.short == "≤5" and f.directions == (LOWERING,)  # Outstanding: only down
    f = flag(r.standard("3.4"), "small-sample")
    assert "3.4.2 on 1 case (5 or fewer)" in f.reason and "1 cases" not in f.reason
    assert flag(r.standard("3.2"), "small-sample").directions == (UPLIFT, LOWERING)  # Good: either way


@pytest.mark.parametrize(
    "qs,band,directions",
    [
        ([(4, 1), (10, 9), (10, 9)], I, (UPLIFT,)),  # Inadequate: only up
        ([(4, 2), (10, 9), (10, 9)], RI, (UPLIFT, LOWERING)),  # Requires improvement: either way
        ([(3, 2), (10, 9), (10, 9)], G, (UPLIFT, LOWERING)),  # Good: either way
    ],
)
def test_small_sample_supports_every_direction_the_bands_allow(tmp_path, qs, band, directions):
    s = standard(tmp_path, "2.1", qs)
    assert s.computed == band and flag(s, "small-sample").directions == directions


def test_percent_only_one_case_words_on_the_published_reports():
    leeds = published("leeds-2019")
    assert flag(leeds.standard("3.4"), "one-case").reason == (
        "one fewer 'Yes' in 3.4.1 would make it Good (certain: every base 82% of at most 28 cases allows "
        "(9/11, 14/17, 18/22, 23/28)); one fewer 'Yes' in 3.4.2 would make it Inadequate or Requires improvement "
        "or Good (possible: 4 of the 28 bases 100% of at most 28 cases allows (1/1, 2/2, 3/3, 4/4))"
    )
    assert leeds.standard("2.2").notes == [
        "one-case possible, not flagged (the framework's one_case_possible = \"note\"): one fewer 'Yes' in 2.2.2 "
        "would make it Inadequate (possible: 1 of the 10 bases 56% of at most 42 cases allows (5/9)); one fewer 'Yes' "
        "in 2.2.3 would make it Inadequate (possible: 1 of the 9 bases 57% of at most 42 cases allows (4/7))"
    ]
    assert leeds.standard("2.1").notes == [
        "one-case possible, not flagged (the framework's one_case_possible = \"note\"): one more 'Yes' in 2.1.3 "
        "would make it Good (possible: 4 of the 8 bases 62% of at most 42 cases allows (8/13, 13/21, 16/26, 18/29))"
    ]
    ham = published("hammersmith-2022")
    assert flag(ham.standard("3.1"), "one-case").reason == (
        "one more 'Yes' in 3.1.3 would make it Outstanding (certain: 77% of at most 13 cases can only be 10/13)"
    )
    assert flag(ham.standard("3.1"), "one-case").short == "1 case ▲"
    lincs = published("lincolnshire-2023")
    assert flag(lincs.standard("2.1"), "one-case").reason == (
        "one fewer 'Yes' in 2.1.2 would make it Good (certain: every base 83% of at most 18 cases allows "
        "(5/6, 10/12, 15/18))"
    )
    assert lincs.standard("3.3").notes == [
        "one-case possible, not flagged (the framework's one_case_possible = \"note\"): one fewer 'Yes' in 3.3.2 "
        "would make it Requires improvement (possible: 2 of the 3 bases 69% of at most 26 cases allows (9/13, 11/16))"
    ]


@pytest.mark.parametrize(
    "court,listed",
    [
        (24, "5/6, 10/12, 15/18, 19/23, ..."),  # five bases: four named, then "..."
        (29, "5/6, 10/12, 15/18, 19/23, ..."),  # six: 24/29 -> 23/29 = 79.31% is Good too, so every base flips
    ],
)
def test_a_published_83_percent_with_many_bases_lists_four_and_flips_on_all(tmp_path, court, listed):
    s = standard(tmp_path, "2.1", [83, 90, 90], f"sample = {{ court = {court}, out_of_court = 10 }}\n")
    f = flag(s, "one-case")
    assert f.certainty == CERTAIN and f.directions == (LOWERING,)
    assert f.reason == (
        f"one fewer 'Yes' in 2.1.1 would make it Good (certain: every base 83% of at most {court} "
        f"cases allows ({listed}))"
    )


def test_a_published_percent_with_its_relevant_cases_has_one_base(tmp_path):
    """83% of 12 relevant cases can only be 10/12 (5/6 is 83% too, but not of 12 cases)."""
    s = standard(tmp_path, "2.1", [{"relevant": 12, "percent": 83}, (20, 19), (20, 19)])
    assert flag(s, "one-case").reason == (
        "one fewer 'Yes' in 2.1.1 would make it Good (certain: 83% of 12 cases can only be 10/12)"
    )


def test_a_lone_applicable_question_flips_both_ways_on_its_only_base(tmp_path):
    """2.1.2 and 2.1.3 did not apply: 3 of 4 (75%) moves to 4 of 4 (Outstanding) or 2 of 4 (RI)."""
    s = standard(tmp_path, "2.1", [{"relevant": 4, "percent": 75}, {"relevant": 0}, {"relevant": 0}])
    f = flag(s, "one-case")
    assert f.directions == (UPLIFT, LOWERING) and f.short == "1 case ▲▼"
    assert f.reason == (
        "one more 'Yes' in 2.1.1 would make it Outstanding (certain: 75% of 4 cases can only be 3/4); "
        "one fewer 'Yes' in 2.1.1 would make it Requires improvement (certain: 75% of 4 cases can only "
        "be 3/4)"
    )


def test_one_case_both_ways_from_counts(tmp_path):
    s = standard(tmp_path, "2.1", [(4, 3), (4, 4), (4, 4)])
    f = flag(s, "one-case")
    assert f.short == "1 case ▲▼" and f.directions == (UPLIFT, LOWERING)
    assert f.reason == (
        "one more 'Yes' in 2.1.1 would make it Outstanding; one fewer 'Yes' in 2.1.1 would make it Requires improvement"
    )


def test_one_fewer_yes_just_under_a_boundary_changes_the_band(tmp_path):
    """24 of 29 (82.76%) less one is 23 of 29 (79.31%): Good, by under one point."""
    f = flag(standard(tmp_path, "2.1", [(29, 24), (29, 28), (29, 28)]), "one-case")
    assert f.reason == "one fewer 'Yes' in 2.1.1 would make it Good"


def test_a_question_tied_for_lowest_is_judged_against_the_other(tmp_path):
    """2.1.1 (13 of 20) and 2.1.2 (130 of 200) are both at 65%: one fewer in either is under 65."""
    f = flag(standard(tmp_path, "2.1", [(20, 13), (200, 130), (20, 19)]), "one-case")
    assert f.reason == (
        "one fewer 'Yes' in 2.1.1 would make it Requires improvement; "
        "one fewer 'Yes' in 2.1.2 would make it Requires improvement"
    )


def test_raising_the_lowest_question_reaches_only_the_next_lowests_band(tmp_path):
    """2 of 4 (50%) is lowest, 6 of 10 (60%) next: one more in 2.1.1 is 75%, but the standard would
    still be Requires improvement (2.1.2's 60%), so one case changes it only downwards."""
    s = standard(tmp_path, "2.1", [(4, 2), (10, 6), (10, 9)])
    f = flag(s, "one-case")
    assert (s.computed, f.directions) == (RI, (LOWERING,))
    assert f.reason == "one fewer 'Yes' in 2.1.1 would make it Inadequate"


# --- a key question drawn on another sample than its standard's (2025 shape, TEST framework) ---------


def _fixture_session(tmp_path, cases, samples="children = 20, victims = 10"):
    root = tmp_path / "panels"
    if not (root / "frameworks").exists():
        shutil.copytree(FIXTURE_FRAMEWORKS, root / "frameworks")
    judgement = {"1.1": G, "1.2": G, "1.3": G, "2.3": G}
    text = inspection_text(cases, judgement, framework="test-yjs-2025-full", head_extra=f"sample = {{ {samples} }}\n")
    return rate(load_inspection(write_inspection(root, text, f"s{len(list(root.glob('s*')))}")))


def test_a_percent_only_question_is_judged_on_its_own_samples_bases(tmp_path):
    """2.1.5 draws on the 10 victims' cases: 70% can only be 7 of 10 (not 14 of 20 children's)."""
    r = _fixture_session(tmp_path, {"2.1": [90, 90, 90, 90, 70], "2.2": [90, 90, 90]})
    assert flag(r.standard("2.1"), "one-case").reason == (
        "one fewer 'Yes' in 2.1.5 would make it Requires improvement (certain: 70% of at most 10 cases can only "
        "be 7/10)"
    )


def test_the_other_questions_use_their_standards_sample(tmp_path):
    """2.1.1 draws on the standard's own sample (20 children's cases), beside 2.1.5 on victims'."""
    r = _fixture_session(tmp_path, {"2.1": [71, 90, 90, 90, 90], "2.2": [90, 90, 90]})
    assert flag(r.standard("2.1"), "one-case").reason == (
        "one more 'Yes' in 2.1.1 would make it Outstanding (possible: 1 of the 3 bases 71% of at most 20 cases "
        "allows (5/7)); one fewer 'Yes' in 2.1.1 would make it Requires improvement (certain: every base 71% of "
        "at most 20 cases allows (5/7, 10/14, 12/17))"
    )


# --- distances to a change of band -------------------------------------------------------------------


@pytest.mark.parametrize(
    "qs,band,distance",
    [
        ([(10, 4), (10, 3), (10, 9)], I, 3),  # up only: 1 more in 2.1.1 and 2 more in 2.1.2 reach 50%
        ([(10, 5), (10, 9), (10, 9)], RI, 1),  # down 1 (4 of 10) is nearer than up 2 (7 of 10)
        ([(20, 15), (20, 19), (20, 19)], G, 1),  # up 1 (16 of 20) is nearer than down 3 (12 of 20)
        ([(10, 6), 90, 90], RI, 1),  # up 1 is known; down is not, but nothing is nearer than 1
        ([(10, 6), 65, 90], RI, 1),  # 2.1.2's published 65% is already Good: up is still 1
        ([(10, 5), 90, 90], RI, None),  # up 2 is known, down unknown and could be 1: no guess
    ],
)
def test_flip_distance(tmp_path, qs, band, distance):
    s = standard(tmp_path, "2.1", qs)
    assert (s.computed, s.flip_distance) == (band, distance)


# --- each key question's own figures --------------------------------------------------------------------


def test_question_figures(tmp_path):
    s = standard(tmp_path, "2.2", [(20, 15), (20, 19), (20, 10)])
    assert (s.id, s.name, s.domain, s.kind, s.counted, s.computed) == ("2.2", "Planning", "2", "cases", True, RI)
    q1, q2, q3 = s.questions
    assert [q.text for q in s.questions] == [
        "Planning concentrates on supporting desistance",
        "Planning concentrates on the child's safety",
        "Planning concentrates on other people's safety",
    ]
    assert [(q.band, q.lowest) for q in s.questions] == [(G, False), (O, False), (RI, True)]
    assert (q1.to_next_band, q1.to_drop) == (1, 3)  # 16 of 20 is 80%; 12 of 20 is 60%
    assert (q2.to_next_band, q2.to_drop) == (None, 4)  # 16 of 20 is still 80%; 15 of 20 is 75%
    # the 95% Wilson interval (this tool's) and the 80% one beside the inspectorate's sample design
    assert q1.wilson == (53.13, 88.81) and q1.interval80 == (61.02, 85.18)
    assert q1.spans == [RI, G, O] and q1.within_design_margin is False
    assert q3.wilson == (29.93, 70.07) and q3.spans == [I, RI, G]
    assert q2.wilson == (76.39, 99.11) and q2.interval80 == (84.68, 98.49)


def test_percent_with_relevant_gives_its_intervals(tmp_path):
    s = standard(tmp_path, "2.1", [{"relevant": 13, "percent": 92}, (10, 9), (10, 9)])
    q = s.questions[0]
    assert q.yes is None and q.wilson == (66.31, 98.53) and q.interval80 == (77.05, 97.52)  # 92% of 13: 11.96
    assert q.spans == [G, O]


# --- standards not rated, awaiting figures or a proposal ----------------------------------------------


def _yjs(tmp_path, extra: str, cases=None, judgement=None):
    judgement = {"1.1": G, "1.2": G, "1.3": G, "1.4": G, "3.4": G} if judgement is None else judgement
    cases = (
        {sid: [(10, 8)] * 3 for sid in ("2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3")} if cases is None else cases
    )
    text = inspection_text(cases, judgement, framework="hmip-yjs-2021") + extra
    return rate(load_inspection(write_inspection(tmp_path, text)))


def test_a_standard_not_rated(tmp_path):
    r = _yjs(tmp_path, '\n[[standard]]\nid = "4.1"\nnot_rated = "No resettlement cases in the sample."\n')
    s = r.standard("4.1")
    assert (s.id, s.name, s.domain, s.kind, s.counted) == (
        "4.1",
        "Resettlement policy and provision",
        "4",
        "judgement",
        False,
    )
    assert (s.computed, s.final, s.score, s.not_rated) == (
        "Not rated",
        "Not rated",
        None,
        "No resettlement cases in the sample.",
    )
    assert discretion_targets(r.framework, s) == []
    assert (r.computed_score, r.overall) == (7 * 3 + 5 * 2, O)  # 4.1 counts for nothing either way


def test_standards_awaiting_figures_or_a_proposal_leave_the_overall_incomplete(tmp_path):
    cases = {sid: [(10, 8)] * 3 for sid in ("2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3")}
    cases["2.2"] = [(10, 8), "awaiting", (10, 8)]
    text = inspection_text(cases, {"1.1": G, "1.2": G, "1.3": G, "3.4": G, "4.1": G}, framework="hmip-yjs-2021")
    text = text.replace("percent = awaiting\n", "") + '\n[[standard]]\nid = "1.4"\n'
    r = rate(load_inspection(write_inspection(tmp_path, text)))
    s22, s14 = r.standard("2.2"), r.standard("1.4")
    assert (s22.name, s22.domain, s22.kind, s22.counted) == ("Planning", "2", "cases", True)
    assert (s22.computed, s22.final, s22.score, s22.awaiting) == (AWAITING_FIGURES, AWAITING_FIGURES, None, ["2.2.2"])
    assert (s14.computed, s14.final, s14.awaiting) == (AWAITING_PROPOSAL, AWAITING_PROPOSAL, ["proposal"])
    assert r.overall == r.computed_overall == INCOMPLETE
    assert with_finals(r, {"2.1": G}).overall == INCOMPLETE  # finals do not complete it
    assert r.overall_flip_distance is None
    assert discretion_targets(r.framework, s22) == []


def test_a_judgement_standard_carries_its_proposal(tmp_path):
    r = _yjs(tmp_path, '\n[[standard]]\nid = "4.1"\nproposed = "Outstanding"\n')
    s = r.standard("1.2")
    assert (s.name, s.domain, s.computed, s.final, s.score, s.proposed) == ("Staff", "1", G, G, 2, G)
    assert discretion_targets(r.framework, s) == []


def test_a_light_rating_made_first_has_every_band_and_no_reader_figures(tmp_path):
    d = write_inspection(tmp_path, inspection_text(all_good_cases({"2.2": [(8, 8), (8, 5), (8, 6)]})))
    insp = load_inspection(d)
    light = rate(insp, light=True)
    s = light.standard("2.2")
    assert (s.computed, s.flag_names, s.flip_distance) == (RI, ["near-boundary", "one-case"], 1)
    assert s.questions[1].wilson is None and s.questions[1].to_next_band is None
    assert light.overall_flip_distance is None
    full = rate(insp)
    assert full.standard("2.2").questions[1].wilson is not None


# --- exact percentages in the flags' words ----------------------------------------------------------------


@pytest.mark.parametrize(
    "p,text",
    [
        (Fraction(125, 2), "62.5"),
        (Fraction(200, 3), "66.67"),
        (Fraction(75), "75"),
        (Fraction(0), "0"),
        (Fraction(1, 8), "0.12"),  # 0.125: half to even, as round(p, 2)
        (Fraction(29, 200), "0.14"),  # 0.145: half to even
        (Fraction(3, 8), "0.38"),  # 0.375: half to even (up)
    ],
)
def test_pct_text_is_round_to_two_decimals_half_even_without_trailing_zeros(p, text):
    assert pct_text(p) == text


# --- the discretion form's helpers --------------------------------------------------------------------------


def test_direction_of_a_change_of_band():
    fw = published("stockton-2021").framework
    assert direction(fw, RI, G) == UPLIFT and direction(fw, G, I) == LOWERING
    assert direction(fw, G, G) == "none"


def _flagged(*directions: tuple[str, ...]) -> StandardResult:
    flags = [Flag(f"f{i}", d, "why", "x") for i, d in enumerate(directions)]
    return StandardResult("2.1", "Assessment", "2", "cases", True, G, G, 2, 2, flags=flags)


@pytest.mark.parametrize(
    "directions,expected",
    [
        ((), None),
        (((UPLIFT,),), UPLIFT),
        (((LOWERING,),), LOWERING),
        (((UPLIFT, LOWERING),), None),  # a small sample points both ways: neither
        (((UPLIFT,), (LOWERING,)), None),  # one each way: no lean
        (((UPLIFT,), (UPLIFT,), (LOWERING,)), UPLIFT),
        (((UPLIFT,), (LOWERING,), (LOWERING,), (UPLIFT, LOWERING)), LOWERING),
    ],
)
def test_leaning_counts_single_direction_flags(directions, expected):
    assert leaning(_flagged(*directions)) == expected


def test_leaning_on_stockton():
    r = published("stockton-2021")
    assert leaning(r.standard("2.2")) == UPLIFT  # near-boundary and one-case, both up
    assert leaning(r.standard("3.2")) == LOWERING  # two down, and a small sample either way
    assert leaning(r.standard("2.1")) is None  # near-boundary up, one-case down
    assert leaning(r.standard("2.3")) is None  # no flag


def test_discretion_targets_one_step_each_way_up_first():
    r = published("stockton-2021")
    fw = r.framework
    assert discretion_targets(fw, r.standard("2.2")) == [Target(G, UPLIFT, True), Target(I, LOWERING, False)]
    assert discretion_targets(fw, r.standard("3.4")) == [Target(G, LOWERING, True)]  # Outstanding: only down
    assert discretion_targets(fw, r.standard("2.3")) == [Target(G, LOWERING, False)]  # no flag: unsupported
    assert discretion_targets(fw, r.standard("1.1")) == []  # judgement: ratified, not moved by discretion


def test_discretion_targets_from_inadequate(tmp_path):
    d = write_inspection(tmp_path, inspection_text(all_good_cases({"2.1": [(10, 4), (10, 3), (10, 9)]})))
    r = rate(load_inspection(d))
    assert discretion_targets(r.framework, r.standard("2.1")) == [Target(RI, UPLIFT, False)]


def test_discretion_targets_follow_the_frameworks_step_limit(tmp_path):
    """A framework allowing two band steps offers two each way, nearest last up and first down."""
    (tmp_path / "frameworks").mkdir()
    text = (ROOT / "panel_tui" / "frameworks" / "hmip-yos-2018.toml").read_text(encoding="utf-8")
    two = text.replace('id = "hmip-yos-2018"', 'id = "test-two-steps"', 1).replace("steps = 1 ", "steps = 2 ", 1)
    assert two != text
    (tmp_path / "frameworks" / "test-two-steps.toml").write_text(two, encoding="utf-8")
    cases = all_good_cases({"2.2": [(8, 8), (8, 5), (8, 6)], "2.1": [(20, 17), (20, 19), (20, 19)]})
    d = write_inspection(tmp_path, inspection_text(cases, framework="test-two-steps"))
    r = rate(load_inspection(d))
    assert discretion_targets(r.framework, r.standard("2.2")) == [
        Target(O, UPLIFT, True),
        Target(G, UPLIFT, True),
        Target(I, LOWERING, False),
    ]
    assert discretion_targets(r.framework, r.standard("2.1")) == [Target(G, LOWERING, True), Target(RI, LOWERING, True)]
