"""Flip distances: the fewest case answers that would change a standard's band or the overall rating.

Shown to the panel beside the flags as a measure of how firmly a rating rests on its cases; never
a reason to change it (the flags are). Apart from the flags because it answers "how far", not "must
the panel consider discretion".
"""

from __future__ import annotations

from panel_tui.core.framework import Framework
from panel_tui.core.inspection import Inspection, QuestionData
from panel_tui.core.results import StandardResult
from panel_tui.core.stats import yes_lost_to_fall_below, yes_needed_to_reach


def cost_up(fw: Framework, qs: tuple[QuestionData, ...], target: int) -> int | None:
    """Fewest No->Yes answers to bring every key question to band ``target`` or above."""
    need = fw.bands[target].min_percent
    total = 0
    for q in qs:
        if q.percent >= need:
            continue
        if not q.has_counts:
            return None
        k = yes_needed_to_reach(need, q.yes, q.relevant)  # type: ignore[arg-type]
        if k is None:
            return None
        total += k
    return total


def cost_down(fw: Framework, qs: tuple[QuestionData, ...], target: int) -> int | None:
    """Fewest Yes->No answers to bring the standard down to band ``target`` or below."""
    if any(not q.has_counts for q in qs):
        return None
    limit = fw.bands[target + 1].min_percent
    options = [yes_lost_to_fall_below(limit, q.yes, q.relevant) for q in qs]  # type: ignore[arg-type]
    known = [k for k in options if k is not None]
    return min(known) if known else None


def flip_distance(fw: Framework, qs: tuple[QuestionData, ...], band: int) -> int | None:
    """Fewest answers that move a standard out of ``band`` either way; None rather than a guess
    when the side that cannot be worked out (a % without counts) could be the nearer one."""
    sides = []
    if band < len(fw.bands) - 1:
        sides.append(cost_up(fw, qs, band + 1))
    if band > 0:
        sides.append(cost_down(fw, qs, band - 1))
    known = [s for s in sides if s is not None]
    if not known:
        return None
    if len(known) < len(sides) and min(known) > 1:
        return None  # the unknown side could be nearer: no guess
    return min(known)


def overall_flip(
    fw: Framework, insp: Inspection, results: list[StandardResult], score: int
) -> tuple[int | None, str | None]:
    """Fewest case answers that would change the computed overall rating, and the rating it would become."""
    options: list[list[tuple[int, int]]] = []  # per standard: (score delta, cost)
    for r in results:
        if r.awaiting:
            return None, None
        if not r.counted or r.kind != "cases" or r.not_rated:
            continue
        qs = insp.standards[r.id].questions
        if any(not q.has_counts for q in qs):
            return None, None
        b = fw.band_index(r.computed)
        opts = [(0, 0)]
        for t in range(len(fw.bands)):
            if t == b:
                continue
            cost = cost_up(fw, qs, t) if t > b else cost_down(fw, qs, t)
            if cost is not None:
                opts.append((fw.bands[t].score - fw.bands[b].score, cost))
        options.append(opts)
    best: dict[int, int] = {0: 0}
    for opts in options:
        nxt: dict[int, int] = {}
        for d0, c0 in best.items():
            for d, c in opts:
                key = d0 + d
                if key not in nxt or c0 + c < nxt[key]:
                    nxt[key] = c0 + c
        best = nxt
    current = fw.overall_for(score)
    found: tuple[int, str] | None = None
    for delta, cost in best.items():
        name = fw.overall_for(score + delta)
        if name != current and (found is None or cost < found[0]):
            found = (cost, name)
    return (found[0], found[1]) if found else (None, None)
