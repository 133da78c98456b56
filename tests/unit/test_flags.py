"""Each discretion flag with a positive and a negative case, and the extra figures."""

from __future__ import annotations

from panel_tui.core.engine import rate
from panel_tui.core.inspection import load_inspection
from tests.helpers import all_good_cases, inspection_text, write_inspection


def standard(tmp_path, sid, qs, name="s"):
    d = write_inspection(tmp_path, inspection_text(all_good_cases({sid: qs})), name)
    return rate(load_inspection(d)).standard(sid)


def flag(s, name):
    return next((f for f in s.flags if f.name == name), None)


def test_near_boundary_below_boundary_is_an_uplift(tmp_path):
    s = standard(tmp_path, "2.2", [(20, 12), (20, 20), (20, 20)])  # 60%: 5 points below 65
    f = flag(s, "near-boundary")
    assert f and f.directions == ("uplift",) and "65%" in f.reason and "Good" in f.reason


def test_near_boundary_above_boundary_is_a_lowering(tmp_path):
    s = standard(tmp_path, "2.2", [(20, 17), (20, 20), (20, 20)])  # 85%: 5 points above 80
    f = flag(s, "near-boundary")
    assert f and f.directions == ("lowering",) and "Good" in f.reason


def test_near_boundary_negative_just_outside_five_points(tmp_path):
    s = standard(tmp_path, "2.2", [(100, 59), (20, 20), (20, 20)])  # 59%: 6 below 65, 9 above 50
    assert flag(s, "near-boundary") is None


def test_one_case_positive_names_question_and_band(tmp_path):
    s = standard(tmp_path, "2.2", [(8, 8), (8, 5), (8, 6)])
    f = flag(s, "one-case")
    assert f and "2.2.2" in f.reason and "Good" in f.reason and "uplift" in f.directions


def test_one_case_negative_with_a_large_sample(tmp_path):
    s = standard(tmp_path, "2.1", [(100, 72), (100, 90), (100, 90)])
    assert flag(s, "one-case") is None


def test_one_case_needs_counts(tmp_path):
    s = standard(tmp_path, "2.1", [66, 90, 90])
    assert flag(s, "one-case") is None


def test_small_sample_positive_and_negative(tmp_path):
    s = standard(tmp_path, "3.4", [(5, 5), (1, 1)], "a")
    f = flag(s, "small-sample")
    assert f and "3.4.2 on 1 case" in f.reason and f.directions == ("lowering",)
    s2 = standard(tmp_path, "3.4", [(6, 6), (6, 6)], "b")
    assert flag(s2, "small-sample") is None


def test_small_sample_only_looks_at_the_lowest_question(tmp_path):
    s = standard(tmp_path, "2.4", [(3, 3), (20, 14), (20, 18)])  # lowest is 2.4.2 on 20 cases
    assert flag(s, "small-sample") is None


def test_to_next_band_and_to_drop(tmp_path):
    s = standard(tmp_path, "2.2", [(8, 8), (8, 5), (8, 6)])
    q = next(q for q in s.questions if q.id == "2.2.2")  # 5/8 = 62.5%
    assert q.to_next_band == 1  # 6/8 = 75% Good
    assert q.to_drop == 2  # 3/8 = 37.5% Inadequate (4/8 = 50% still RI)
    top = next(q for q in s.questions if q.id == "2.2.1")
    assert top.to_next_band is None and top.to_drop == 2  # 6/8 = 75% drops below 80


def test_wilson_interval_and_spans(tmp_path):
    s = standard(tmp_path, "2.2", [(8, 8), (8, 5), (8, 6)])
    q = next(q for q in s.questions if q.id == "2.2.2")
    lo, hi = q.wilson
    assert abs(lo - 30.57) < 0.01 and abs(hi - 86.32) < 0.01
    assert q.spans == ["Inadequate", "Requires improvement", "Good", "Outstanding"]


def test_flip_distance_of_a_standard(tmp_path):
    s = standard(tmp_path, "2.2", [(8, 8), (8, 5), (8, 6)])
    assert s.flip_distance == 1
    s2 = standard(tmp_path, "2.3", [(20, 20), (20, 20), (20, 20)], "b")
    assert s2.flip_distance == 5  # 20/20 -> 15/20 = 75% drops below 80


def test_overall_flip_distance_carries_through_the_score(tmp_path):
    # 2018 framework, judgement all Good (8) + 8 case standards at 80% Outstanding (24) = 32, Outstanding.
    d = write_inspection(tmp_path, inspection_text(all_good_cases()))
    r = rate(load_inspection(d))
    assert r.computed_score == 32 and r.computed_overall == "Outstanding"
    # dropping one standard to Good gives 31 (still Outstanding); two are needed: 1 answer each.
    assert r.overall_flip_distance == 2 and r.overall_flip_to == "Good"


def test_stockton_reasons_are_explained(sessions_dir):
    r = rate(load_inspection(sessions_dir / "stockton-2021"))
    s32 = r.standard("3.2")
    assert set(s32.flag_names) == {"near-boundary", "one-case", "small-sample"}
    assert all(f.reason for f in s32.flags)
    assert r.overall_flip_distance == 1 and r.overall_flip_to == "Good"


def _framework_with(tmp_path, fid, **settings):
    """A copy of hmip-yos-2018 under ``fid`` with [discretion] settings replaced (key -> TOML value)."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "panel_tui" / "frameworks" / "hmip-yos-2018.toml").read_text(
        encoding="utf-8"
    )
    out = text.replace('id = "hmip-yos-2018"', f'id = "{fid}"', 1)
    for key, value in settings.items():
        line = next(x for x in out.splitlines() if x.startswith(f"{key} = "))
        out = out.replace(line, f"{key} = {value}", 1)
    assert out != text
    (tmp_path / "frameworks").mkdir(exist_ok=True)
    (tmp_path / "frameworks" / f"{fid}.toml").write_text(out, encoding="utf-8")


def _rated(tmp_path, fid, qs):
    d = write_inspection(tmp_path, inspection_text(all_good_cases({"2.2": qs}), framework=fid), fid)
    return rate(load_inspection(d)).standard("2.2")


def test_the_frameworks_discretion_table_decides_which_triggers_apply(tmp_path):
    """62.5% on 8 cases: 2.5 points below 65, one answer from Good, 8 cases. The bundled settings
    flag near-boundary and one-case; a framework turning one-case off, narrowing the boundary
    window to 2 points and counting 8 cases as small flags only the small sample."""
    qs = [(8, 8), (8, 5), (8, 6)]
    assert _rated(tmp_path, "hmip-yos-2018", qs).flag_names == ["near-boundary", "one-case"]
    _framework_with(tmp_path, "test-triggers", one_case="false", near_boundary_points="2", small_sample_cases="8")
    s = _rated(tmp_path, "test-triggers", qs)
    assert s.flag_names == ["small-sample"]
    assert s.flags[0].short == "≤8" and "2.2.2 on 8 cases (8 or fewer)" in s.flags[0].reason


def test_every_trigger_names_a_setting_of_the_frameworks_discretion_table():
    from dataclasses import fields

    from panel_tui.core.flags import TRIGGERS
    from panel_tui.core.framework import Discretion

    settings = {f.name for f in fields(Discretion)}
    assert [t.name for t in TRIGGERS] == ["near-boundary", "one-case", "small-sample"]
    assert all(t.setting in settings for t in TRIGGERS)


def test_a_gap_of_exactly_one_point_is_one_point_and_any_other_gap_is_points(tmp_path):
    """The near-boundary reason counts its points in English: 1 point, 2.5 points, 0.5 points."""

    def reason(name, relevant, yes):
        return flag(standard(tmp_path, "2.1", [(relevant, yes), (20, 20), (20, 20)], name), "near-boundary").reason

    assert reason("one", 50, 33) == (
        "lowest key question 2.1.1 at 66% is 1 point above the 65% boundary: "
        "a lowering to Requires improvement is in question"
    )
    assert " at 62.5% is 2.5 points below the 65% boundary" in reason("two-and-a-half", 40, 25)
    assert " at 64.5% is 0.5 points below the 65% boundary" in reason("half", 200, 129)
