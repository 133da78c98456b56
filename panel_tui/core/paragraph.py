"""The paragraph a published report gives a panel's decision on one standard, in this tool's words.

Reports say, for a standard the panel moved, what the figures first gave, that the panel applied
professional discretion, and what it rated instead; for a kept one, that the panel considered it
and why the rating stands. Built from the standing entry and the engine's figures only, so the
paragraph in the report is the decision in the log.
"""

from __future__ import annotations

from typing import Any

from panel_tui.core.engine import UPLIFT, StandardResult, direction, pct_text
from panel_tui.core.framework import Framework


def _figure(s: StandardResult) -> str:
    lowest = [q for q in s.questions if q.id in s.lowest_questions]
    if not lowest:
        return ""
    q = min(lowest, key=lambda q: q.relevant if q.relevant is not None else 10**9)
    if q.yes is not None and q.relevant is not None:
        cases = "case" if q.relevant == 1 else "cases"
        return f": key question {q.id} was answered 'Yes' in {q.yes} of {q.relevant} {cases} ({pct_text(q.percent)}%)"
    return f": key question {q.id} was answered 'Yes' in {pct_text(q.percent)}% of cases"


def _sentence(text: Any) -> str:
    t = " ".join(str(text).split())
    return t if t.endswith((".", "!", "?")) else t + "."


def report_paragraph(fw: Framework, s: StandardResult, entry: dict[str, Any] | None) -> str | None:
    """The report's paragraph for the standing decision on ``s``, or None when there is none to report."""
    if entry is None:
        return None
    name = f"Standard {s.id} '{s.name}'"
    if entry["kind"] == "discretion":
        way = "uplifting" if direction(fw, s.computed, str(entry["to"])) == UPLIFT else "lowering"
        out = (f"{name} was originally assessed as '{s.computed}'{_figure(s)}. The ratings panel applied "
               f"professional discretion, {way} the rating to '{entry['to']}'. {_sentence(entry['rationale'])}")
        if entry.get("other_evidence"):
            out += f" Other evidence the panel relied on: {_sentence(entry['other_evidence'])}"
        return out
    if entry["kind"] == "declined":
        return (f"{name} was assessed as '{s.computed}'{_figure(s)}. The ratings panel considered whether to apply "
                f"professional discretion and kept the rating. {_sentence(entry['reason'])}")
    if entry["kind"] == "ratification":
        changed = entry.get("to") != entry.get("from")
        out = f"The ratings panel rated {name} '{entry['to']}'"
        out += f", changing the lead inspector's proposed '{entry['from']}'. {_sentence(entry['reason'])}" if changed \
            else ", as the lead inspector proposed."
        return out
    return None

