"""The audit's light rating (issue 12) drops only figures shown to a reader: every band, score, flag
and the evidence a decision records must be the same as the full rating's, or the audit would judge
logs on other figures than the meeting did."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel_tui.core.engine import _rate_computed, rate
from panel_tui.core.inspection import load_inspection
from panel_tui.core.log.rules import evidence_of

SESSIONS = sorted(p.parent for p in (Path(__file__).resolve().parents[2] / "sessions").glob("*/inspection.toml"))


@pytest.mark.parametrize("folder", SESSIONS, ids=lambda p: p.name)
def test_light_rating_keeps_every_band_flag_and_evidence(folder):
    insp = load_inspection(folder)
    full, light = _rate_computed(insp), _rate_computed(insp, light=True)
    assert (light.score, light.computed_score, light.overall, light.computed_overall) == (
        full.score,
        full.computed_score,
        full.overall,
        full.computed_overall,
    )
    for f, li in zip(full.standards, light.standards, strict=True):
        assert (li.id, li.computed, li.final, li.score, li.flag_names, li.flip_distance, li.cases) == (
            f.id,
            f.computed,
            f.final,
            f.score,
            f.flag_names,
            f.flip_distance,
            f.cases,
        )
        assert [fl.reason for fl in li.flags] == [fl.reason for fl in f.flags]
        for fmt in ("", "panel-tui/decisions/1"):
            assert evidence_of(li, fmt) == evidence_of(f, fmt)
    # what it leaves out, it leaves out visibly (None), never a wrong figure
    assert all(
        q.wilson is None and q.interval80 is None and q.to_next_band is None and q.to_drop is None
        for s in light.standards
        for q in s.questions
    )
    assert light.overall_flip_distance is None


def test_a_full_rating_made_first_serves_a_light_request(stockton_copy):
    insp = load_inspection(stockton_copy)
    full = rate(insp)
    assert rate(insp, light=True) is full
    assert "rating-light" not in insp.cache
