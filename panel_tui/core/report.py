"""The ``rate --json`` document: a contract read by scripts, tests and the audit.

Format ``panel-tui/rate/1``. Keys are added, never renamed or removed, without a new version.
"""

from __future__ import annotations

from typing import Any

from panel_tui.core.engine import Rating, StandardResult
from panel_tui.core.stats import two_dp

RATE_FORMAT = "panel-tui/rate/1"


def standard_json(s: StandardResult) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "domain": s.domain,
        "kind": s.kind,
        "counted": s.counted,
        "computed": s.computed,
        "final": s.final,
        "computed_score": s.computed_score,
        "score": s.score,
        "proposed": s.proposed,
        "not_rated": s.not_rated,
        "lowest_percent": two_dp(s.lowest_percent) if s.lowest_percent is not None else None,
        "lowest_questions": s.lowest_questions,
        "cases": s.cases,
        "flags": s.flag_names,
        "reasons": [f.reason for f in s.flags],
        "flag_directions": {f.name: list(f.directions) for f in s.flags},
        "flip_distance": s.flip_distance,
        "questions": [
            {
                "id": q.id,
                "percent": two_dp(q.percent),
                "yes": q.yes,
                "relevant": q.relevant,
                "band": q.band,
                "wilson": list(q.wilson) if q.wilson else None,
                "spans": q.spans,
                "to_next_band": q.to_next_band,
                "to_drop": q.to_drop,
            }
            for q in s.questions
        ],
        "not_applicable": s.not_applicable,
    }


def rating_json(r: Rating) -> dict[str, Any]:
    insp = r.inspection
    return {
        "format": RATE_FORMAT,
        "service": insp.service,
        "framework": r.framework.id,
        "fieldwork": insp.fieldwork,
        "standards": [standard_json(s) for s in r.standards],
        "computed_score": r.computed_score,
        "computed_overall": r.computed_overall,
        "score": r.score,
        "max_score": r.max_score,
        "overall": r.overall,
        "overall_flip_distance": r.overall_flip_distance,
        "overall_flip_to": r.overall_flip_to,
    }
