"""Which cases would flip a band: the evidence names the cases whose one answer, the other way,
would change a standard's band (from the answers kept in ``cases.csv``).
"""

from __future__ import annotations

from fractions import Fraction

from panel_tui.core.cases.table import NO, YES, CaseTable
from panel_tui.core.framework import Framework
from panel_tui.core.results import StandardResult


def cases_that_flip(fw: Framework, s: StandardResult, table: CaseTable | None) -> list[str]:
    """Lines for the evidence: the cases whose one answer, the other way, would change the band.

    ``s`` is the engine's StandardResult. Kept answers are used only where they still give the
    inspection's counts; a mismatch is said, not papered over.
    """
    if table is None or s.kind != "cases" or s.not_rated or s.awaiting:
        return []
    band = fw.band_index(s.computed)
    counts = table.counts()
    lines = []
    for q in s.questions:
        if q.id not in counts or q.yes is None or q.relevant is None:
            continue
        if counts[q.id] != (q.relevant, q.yes):
            lines.append(
                f"{q.id}: cases.csv gives {counts[q.id][1]} of {counts[q.id][0]}, the inspection "
                f"{q.yes} of {q.relevant}: the kept answers are out of date"
            )
            continue
        for delta, answer, other in ((1, NO, YES), (-1, YES, NO)):
            y = q.yes + delta
            if not 0 <= y <= q.relevant:
                continue
            percents = [Fraction(100 * y, q.relevant) if o is q else o.percent for o in s.questions]
            nb = fw.band_for(min(percents))
            if nb != band:
                cases = table.answered(q.id, answer)
                shown = ", ".join(cases[:8]) + (f" and {len(cases) - 8} more" if len(cases) > 8 else "")
                lines.append(
                    f"{q.id}: any one of {shown} ({answer}) answered {other} would make it {fw.bands[nb].name}"
                )
    return lines
