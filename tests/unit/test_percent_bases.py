"""Percent-only sessions: the bases a published % allows, and one-case 'certain' vs 'possible'."""

from __future__ import annotations

from fractions import Fraction

import pytest

from panel_tui.core.bases import Base, consistent_bases
from panel_tui.core.engine import CERTAIN, POSSIBLE, rate
from panel_tui.core.errors import InputError
from panel_tui.core.inspection import load_inspection
from tests.helpers import all_good_cases, inspection_text, write_inspection


def bases(p, most, exact=None):
    return [str(b) for b in consistent_bases(Fraction(p), most, exact)]


def test_85_percent_of_at_most_13_cases_can_only_be_11_of_13():
    assert bases(85, 13) == ["11/13"]


def test_rounding_is_half_up_at_both_ends():
    # 83.33 rounds to 83; 82.35 (14/17) and 84.6 (11/13) do not
    assert bases(83, 18) == ["5/6", "10/12", "15/18"]
    # 12.5 (1/8) rounds half up to 13, not to 12
    assert "1/8" in bases(13, 8) and "1/8" not in bases(12, 8)


def test_every_base_rounds_to_the_published_figure():
    for p in range(0, 101):
        for b in consistent_bases(Fraction(p), 42):
            exact = Fraction(100 * b.yes, b.relevant)
            assert int(exact + Fraction(1, 2)) == p
            assert 1 <= b.relevant <= 42 and 0 <= b.yes <= b.relevant


def test_all_bases_found_against_a_brute_force_search():
    for p in (0, 7, 50, 56, 62, 77, 92, 100):
        brute = [
            Base(y, n) for n in range(1, 29) for y in range(n + 1) if int(Fraction(100 * y, n) + Fraction(1, 2)) == p
        ]
        assert list(consistent_bases(Fraction(p), 28)) == brute


def test_a_fractional_percent_is_exact_and_a_given_base_fixes_n():
    assert bases("62.5", 16) == ["5/8", "10/16"]
    assert bases(85, 13, exact=13) == ["11/13"]
    assert bases(85, 40, exact=20) == ["17/20"]


def _session(tmp_path, overrides, sample="court = 13, out_of_court = 13", name="s"):
    head = f"sample = {{ {sample} }}\n" if sample else ""
    d = write_inspection(tmp_path, inspection_text(all_good_cases(overrides), head_extra=head), name)
    return rate(load_inspection(d))


def one_case(r, sid):
    return next((f for f in r.standard(sid).flags if f.name == "one-case"), None)


def test_certain_one_case_from_a_percent_and_the_sample(tmp_path):
    r = _session(tmp_path, {"2.3": [85, 92, 100]})
    f = one_case(r, "2.3")
    assert f is not None and f.certainty == CERTAIN and f.directions[0] == "lowering"
    assert "11/13" in f.reason and "certain" in f.reason and "Good" in f.reason


def test_without_a_sample_size_no_base_is_guessed(tmp_path):
    r = _session(tmp_path, {"2.3": [85, 92, 92]}, sample=None)
    assert one_case(r, "2.3") is None


def test_possible_only_is_a_note_not_a_flag(tmp_path):
    # 100% of at most 13: 1/1..4/4 would drop a band with one 'No', 5/5..13/13 would not
    r = _session(tmp_path, {"2.1": [100, 92, 92]})
    s = r.standard("2.1")
    assert one_case(r, "2.1") is None
    assert any("one-case possible" in n and "4 of the 13 bases" in n for n in s.notes)


def test_possible_flags_when_the_framework_says_so(tmp_path):
    from dataclasses import replace

    d = write_inspection(
        tmp_path,
        inspection_text(
            all_good_cases({"2.1": [100, 92, 92]}), head_extra="sample = { court = 13, out_of_court = 13 }\n"
        ),
    )
    insp = load_inspection(d)
    fw = insp.framework
    insp.framework = replace(fw, discretion=replace(fw.discretion, one_case_possible="flag"))
    f = one_case(rate(insp), "2.1")
    assert f is not None and f.certainty == POSSIBLE and f.short.endswith("?")


def test_relevant_above_the_sample_is_refused(tmp_path):
    with pytest.raises(InputError, match="more than the 5 cases in the out_of_court sample"):
        _session(tmp_path, {"3.1": [(8, 8), (5, 5), (5, 5)]}, sample="court = 13, out_of_court = 5")


@pytest.mark.parametrize("sample", ["court = 0", "court = 1.5", "crown = 4", "court = true", "court = 1001"])
def test_bad_sample_sizes_are_refused(tmp_path, sample):
    with pytest.raises(InputError, match="sample"):
        _session(tmp_path, {}, sample=sample)


# The sessions the issue names: these were missed while only counts could raise one-case.
CERTAIN_IN_THE_REPORTS = {
    "hammersmith-2022": {
        "2.3": ("2.3.1", "11/13", "lowering"),
        "3.1": ("3.1.3", "10/13", "uplift"),
        "3.3": ("3.3.1", "11/13", "lowering"),
    },
    "lincolnshire-2023": {"2.1": ("2.1.2", "15/18", "lowering"), "3.2": ("3.2.2", "20/26", "uplift")},
    "leeds-2019": {"3.4": ("3.4.1", "23/28", "lowering")},
}


@pytest.mark.parametrize("slug,sid", [(s, k) for s, v in CERTAIN_IN_THE_REPORTS.items() for k in v])
def test_published_percent_sessions_raise_certain_one_case(sessions_dir, slug, sid):
    qid, base, direction = CERTAIN_IN_THE_REPORTS[slug][sid]
    f = one_case(rate(load_inspection(sessions_dir / slug)), sid)
    assert f is not None and f.certainty == CERTAIN and direction in f.directions
    assert qid in f.reason and base in f.reason


@pytest.mark.parametrize("slug", sorted(CERTAIN_IN_THE_REPORTS))
def test_no_other_certain_one_case_in_the_percent_sessions(sessions_dir, slug):
    r = rate(load_inspection(sessions_dir / slug))
    flagged = {s.id for s in r.standards if any(f.name == "one-case" for f in s.flags)}
    assert flagged == set(CERTAIN_IN_THE_REPORTS[slug])


def test_the_largest_sample_allowed_still_rates(tmp_path):
    r = _session(tmp_path, {"2.3": [85, 92, 100]}, sample="court = 1000, out_of_court = 1000")
    s = r.standard("2.3")
    # with up to 1,000 cases, 85% no longer pins the base: one fewer 'Yes' flips only some bases
    assert one_case(r, "2.3") is None and any("one-case possible" in n for n in s.notes)
