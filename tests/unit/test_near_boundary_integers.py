"""The near-boundary flag's first test, made with integers (each boundary less and plus the points as
numerator and denominator), flags exactly what the definition flags: the gap |lowest - boundary|
within the framework's points, inclusive, worked out with Fractions, on every % a count can give
and at the exact edges, for the bundled frameworks and for points of 0, 2.5 and 5."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from panel_tui.core.flags import FlagInput, near_boundary
from panel_tui.core.framework import Framework
from panel_tui.core.framework.discovery import load_framework
from panel_tui.core.inspection import QuestionData, StandardData
from panel_tui.core.percent_text import pct_text

FRAMEWORKS = ["hmip-yos-2018", "hmip-yjs-2021"]


def by_definition(fw: Framework, lowest: Fraction) -> list[Fraction]:
    """The boundaries within the points of ``lowest``, as the flag's reason defines them."""
    return [b for b in fw.boundaries if abs(lowest - b) <= fw.discretion.near_boundary_points]


def flagged(fw: Framework, lowest: Fraction) -> list[str]:
    q = QuestionData("1.1.1", lowest, None, None)
    return [f.reason for f in near_boundary(FlagInput(fw, StandardData("1.1"), fw.band_for(lowest), lowest, [q]))]


def percents(fw: Framework) -> list[Fraction]:
    """Every % of up to 60 cases, and each boundary's exact edges and a hair either side of them."""
    out = {Fraction(100 * y, n) for n in range(1, 61) for y in range(n + 1)}
    pts = fw.discretion.near_boundary_points
    for b in fw.boundaries:
        for edge in (b - pts, b, b + pts):
            out |= {edge, edge - Fraction(1, 10**9), edge + Fraction(1, 10**9)}
    return sorted(p for p in out if 0 <= p <= 100)


@pytest.mark.parametrize("points", [None, Fraction(0), Fraction(5, 2), Fraction(5)])
@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_the_flag_is_raised_exactly_where_the_definition_says(framework_id: str, points: Fraction | None) -> None:
    fw = load_framework(framework_id)
    if points is not None:
        fw = dataclasses.replace(fw, discretion=dataclasses.replace(fw.discretion, near_boundary_points=points))
    raised = 0
    for lowest in percents(fw):
        near = by_definition(fw, lowest)
        reasons = flagged(fw, lowest)
        assert len(reasons) == len(near), lowest
        for b, reason in zip(near, reasons, strict=True):
            assert f"the {pct_text(b)}% boundary" in reason
        raised += bool(reasons)
    assert raised >= len(fw.boundaries)  # the flag was raised (at least at each boundary), not only refused
