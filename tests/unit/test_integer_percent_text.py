"""The percentage texts are worked in integers (the audit writes thousands of them); they must be
exactly what the Fraction definitions gave: half to even for the display text, half up for the
text a log stores. And the one-case check must name the same changes as comparing each question
with every other one."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from panel_tui.core.engine import pct_text
from panel_tui.core.log.rules import percent_text


def fraction_pct_text(p: Fraction) -> str:
    return f"{float(round(p, 2)):.2f}".rstrip("0").rstrip(".")


def fraction_percent_text(p: Fraction) -> str:
    hundredths = (p * 100 + Fraction(1, 2)).__floor__()
    return f"{hundredths // 100}.{hundredths % 100:02d}"


fractions = st.builds(Fraction, st.integers(-(10**7), 10**7), st.integers(1, 10**6))


@given(fractions)
def test_display_text_is_the_fraction_rounding(p):
    assert pct_text(p) == fraction_pct_text(p)


@given(fractions.filter(lambda p: p >= 0))
def test_stored_text_is_the_fraction_rounding(p):
    assert percent_text(p) == fraction_percent_text(p)


def test_the_halves_and_the_edges():
    for p, shown, stored in (
        (Fraction(1, 800), "0", "0.00"),
        (Fraction(1, 200), "0", "0.01"),
        (Fraction(3, 200), "0.02", "0.02"),
        (Fraction(125, 2), "62.5", "62.50"),
        (Fraction(200, 3), "66.67", "66.67"),
        (Fraction(100), "100", "100.00"),
        (Fraction(0), "0", "0.00"),
    ):
        assert (pct_text(p), percent_text(p)) == (shown, stored)


answers = st.lists(
    st.integers(1, 40).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))), min_size=1, max_size=5
)


@given(answers)
def test_one_case_names_every_single_answer_that_changes_the_band(qs):
    """By the definition: change one answer in one question, take the lowest question's band."""
    from panel_tui.core.flags import FlagInput, flags_for
    from panel_tui.core.framework import load_framework
    from panel_tui.core.inspection import QuestionData, StandardData

    fw = load_framework("hmip-yos-2018")
    data = tuple(QuestionData(f"2.2.{i}", Fraction(100 * y, n), n, y) for i, (n, y) in enumerate(qs, 1))
    sd = StandardData("2.2", questions=data)
    lowest = min(q.percent for q in data)
    band = fw.band_for(lowest)
    expected = []
    for i, (n, y) in enumerate(qs):
        for delta in (1, -1):
            if not 0 <= y + delta <= n:
                continue
            changed = [Fraction(100 * (y + delta), n) if j == i else q.percent for j, q in enumerate(data)]
            nb = fw.band_for(min(changed))
            if nb != band:
                expected.append(
                    f"one {'more' if delta > 0 else 'fewer'} 'Yes' in 2.2.{i + 1} would make it {fw.bands[nb].name}"
                )
    found = next(
        (
            f
            for f in flags_for(FlagInput(fw, sd, band, lowest, [q for q in data if q.percent == lowest]))
            if f.name == "one-case"
        ),
        None,
    )
    assert (found.reason.split("; ") if found else []) == expected
