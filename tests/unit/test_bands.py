"""Bands at their edges, ties, percent-only data and display rounding."""

from __future__ import annotations

from fractions import Fraction

import pytest

from panel_tui.core.engine import display_percent, rate
from panel_tui.core.framework import load_framework
from panel_tui.core.inspection import load_inspection
from tests.helpers import all_good_cases, inspection_text, write_inspection

FW = load_framework("hmip-yos-2018")


@pytest.mark.parametrize(
    "pct,band",
    [
        ("0", "Inadequate"),
        ("49.99", "Inadequate"),
        ("50", "Requires improvement"),
        ("64.99", "Requires improvement"),
        ("65", "Good"),
        ("79.99", "Good"),
        ("80", "Outstanding"),
        ("100", "Outstanding"),
    ],
)
def test_band_edges(pct, band):
    assert FW.bands[FW.band_for(Fraction(pct))].name == band


def test_exact_fraction_is_banded_before_rounding(tmp_path):
    # 5/8 = 62.5% is Requires improvement though it displays as 63%; 13/20 = 65% is Good.
    d = write_inspection(tmp_path, inspection_text(all_good_cases({"2.2": [(8, 8), (8, 5), (20, 13)]})))
    s = rate(load_inspection(d)).standard("2.2")
    assert s.computed == "Requires improvement"
    assert display_percent(s.lowest_percent) == "63%"


def test_percent_just_below_boundary_from_counts(tmp_path):
    # 64/99 = 64.65% stays Requires improvement (would be 65% if rounded first)
    d = write_inspection(tmp_path, inspection_text(all_good_cases({"2.1": [(99, 64), (10, 9), (10, 9)]})))
    s = rate(load_inspection(d)).standard("2.1")
    assert s.computed == "Requires improvement"
    assert display_percent(s.lowest_percent) == "65%"


def test_ties_for_lowest_are_all_named(tmp_path):
    d = write_inspection(tmp_path, inspection_text(all_good_cases({"2.3": [(8, 6), (4, 3), (10, 9)]})))
    s = rate(load_inspection(d)).standard("2.3")
    assert s.lowest_questions == ["2.3.1", "2.3.2"]
    assert s.cases == 4  # smallest relevant among the lowest


def test_percent_only_question_uses_the_published_figure(tmp_path):
    d = write_inspection(tmp_path, inspection_text(all_good_cases({"2.1": [64.5, 90, 90]})))
    s = rate(load_inspection(d)).standard("2.1")
    assert s.computed == "Requires improvement" and s.cases is None
    q = s.questions[0]
    assert q.to_next_band is None and q.wilson is None


def test_percent_with_relevant_gives_interval_but_no_counts(tmp_path):
    text = inspection_text(all_good_cases({"2.1": [{"relevant": 13, "percent": 92}, (10, 9), (10, 9)]}))
    d = write_inspection(tmp_path, text)
    q = rate(load_inspection(d)).standard("2.1").questions[0]
    assert q.relevant == 13 and q.yes is None and q.wilson is not None
    assert q.wilson[0] < 92 < q.wilson[1]


def test_relevant_zero_question_is_left_out(tmp_path):
    d = write_inspection(tmp_path, inspection_text(all_good_cases({"3.4": [(5, 5), (0, 0)]})))
    s = rate(load_inspection(d)).standard("3.4")
    assert [q.id for q in s.questions] == ["3.4.1"] and s.not_applicable == ["3.4.2"]


def test_scores_and_overall_thresholds():
    assert [FW.overall_for(n) for n in (0, 6, 7, 18, 19, 30, 31, 36)] == [
        "Inadequate",
        "Inadequate",
        "Requires improvement",
        "Requires improvement",
        "Good",
        "Good",
        "Outstanding",
        "Outstanding",
    ]
    assert FW.max_score == 36
    assert load_framework("hmip-yjs-2021").max_score == 36  # 4.1 is not counted


def test_display_rounds_half_up():
    assert display_percent(Fraction(125, 2)) == "63%"
    assert display_percent(Fraction(129, 2)) == "65%"
    assert display_percent(Fraction(200, 3)) == "67%"
