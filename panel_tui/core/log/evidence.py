"""The figures an entry carries: a decision's evidence and a sign-off's record, computed from the
rating, and the stored percentages read back.

Split from ``rules`` because these are computations, not rules: the writer stores what they return,
the rules recompute them to refuse forged figures (one computation for both), and the audit reads
the percentages back with ``percent_value``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from panel_tui.core.engine import Rating, StandardResult, with_finals
from panel_tui.core.log.entries import LOG_FORMAT_V1
from panel_tui.core.log.state import LogState
from panel_tui.core.stats import two_dp


def percent_text(value: Fraction) -> str:
    """An exact percentage as a two-decimal string, rounded half up (2/3 of 100 -> "66.67")."""
    # floor(value * 100 + 1/2) in integers (a Fraction here cost a tenth of reading a log)
    hundredths = (200 * value.numerator + value.denominator) // (2 * value.denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def percent_value(value: Any) -> float | None:
    """A stored percentage as a number for figures and JSON: format 2 keeps "62.50", format 1 62.5."""
    if isinstance(value, bool) or value is None:
        return None
    return float(value) if isinstance(value, (int, float, str)) else None


def evidence_of(s: StandardResult, log_format: str) -> dict[str, Any]:
    """The figures a decision was made on, stored with it: no floats in format 2."""
    v1 = log_format == LOG_FORMAT_V1
    ev: dict[str, Any] = {"computed": s.computed}
    if s.lowest_percent is not None:
        ev["lowest_percent"] = two_dp(s.lowest_percent) if v1 else percent_text(s.lowest_percent)
        ev["lowest_questions"] = list(s.lowest_questions)
    if s.cases is not None:
        ev["cases"] = s.cases
    ev["flags"] = s.flag_names
    if s.flip_distance is not None:
        ev["flip_distance"] = s.flip_distance
    if not v1 and s.questions:
        qs = []
        for q in s.questions:
            qe: dict[str, Any] = {"id": q.id, "percent": percent_text(q.percent)}
            if q.yes is not None:
                qe["yes"] = q.yes
            if q.relevant is not None:
                qe["relevant"] = q.relevant
            qs.append(qe)
        ev["questions"] = qs
    return ev


def sign_off_record(state: LogState, rating: Rating) -> dict[str, Any]:
    """What a sign-off seals: final ratings, score, overall and the entries before it."""
    final = with_finals(rating, state.finals)  # the replay's own rating (light in the audit)
    return {
        "ratings": {s.id: s.final for s in final.standards},
        "score": final.score,
        "max_score": final.max_score,
        "overall": final.overall,
        "entry_count": len(state.entries),
    }
