"""The discretion triggers: one function per flag the framework's ``[discretion]`` table sets.

Each trigger reads the same facts about a rated standard (``FlagInput``) and returns its flags;
``TRIGGERS`` lists them in the order their flags are shown, each with the framework setting that
switches it on, so a framework's data (not this code) decides which apply and with what limits.
The words of every reason are part of what the panel reads and what tests pin: change with care.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from panel_tui.core.bases import Base, consistent_bases
from panel_tui.core.framework import Discretion, Framework
from panel_tui.core.inspection import QuestionData, StandardData
from panel_tui.core.percent_text import pct_text
from panel_tui.core.results import CERTAIN, LOWERING, POSSIBLE, UPLIFT, Flag


@dataclass(frozen=True)
class FlagInput:
    """What every trigger may look at: a case-based standard, its computed band and lowest question.

    ``sample``/``question_samples``: published sample sizes, for questions known only by a %.
    ``notes``: where a trigger records a finding that stays below a flag (None: not wanted).
    """

    fw: Framework
    sd: StandardData
    band: int
    lowest: Fraction
    lowest_qs: list[QuestionData]
    sample: int | None = None
    question_samples: Mapping[str, int | None] | None = None
    notes: list[str] | None = field(default=None, compare=False)


def near_boundary(inp: FlagInput) -> list[Flag]:
    """The lowest key question within the framework's points of a band boundary (inclusive)."""
    fw, lowest = inp.fw, inp.lowest
    ids = ", ".join(q.id for q in inp.lowest_qs)
    flags = []
    n, d = lowest.numerator, lowest.denominator
    for boundary, (lo_n, lo_d, hi_n, hi_d) in zip(fw.boundaries, fw.near_windows, strict=True):
        if n * lo_d < lo_n * d or n * hi_d > hi_n * d:  # outside boundary ± points: integers, no Fraction
            continue
        gap = abs(lowest - boundary)
        if gap <= fw.discretion.near_boundary_points:
            above = lowest >= boundary
            other = fw.band_for(boundary - Fraction(1, 1000)) if above else fw.band_for(boundary)
            direction = LOWERING if above else UPLIFT
            where = "above" if lowest > boundary else ("at" if lowest == boundary else "below")
            gap_txt = f"{pct_text(gap)} point{'' if gap == 1 else 's'} {where}" if gap else "exactly at"
            flags.append(
                Flag(
                    "near-boundary",
                    (direction,),
                    f"lowest key question {ids} at {pct_text(lowest)}% is {gap_txt} "
                    f"the {pct_text(boundary)}% boundary: "
                    f"{'an uplift' if direction == UPLIFT else 'a lowering'} to {fw.bands[other].name} is in question",
                    f"{'▲' if direction == UPLIFT else '▼'} near {pct_text(boundary)}",
                )
            )
    return flags


def _one_case_from_percent(
    fw: Framework, sd: StandardData, q: QuestionData, band: int, most: int
) -> list[tuple[int, list[int], list[Base], tuple[Base, ...]]]:
    """For a question known only by its published %: per direction, the bases where one answer flips.

    Returns (delta, bands it would become, flipping bases, all consistent bases) for each
    direction where at least one base consistent with the percent and ``most`` cases flips.
    """
    bases = consistent_bases(q.percent, most, q.relevant)
    others = [o.percent for o in sd.questions if o is not q]
    cap = fw.band_for(min(others)) if others else len(fw.bands) - 1  # the other questions' ceiling
    out = []
    for delta in (1, -1):
        flips: list[Base] = []
        to: set[int] = set()
        for base in bases:
            y = base.yes + delta
            if not 0 <= y <= base.relevant:
                continue
            nb = min(cap, fw.band_for_ratio(100 * y, base.relevant))
            if nb != band:
                flips.append(base)
                to.add(nb)
        if flips:
            out.append((delta, sorted(to), flips, bases))
    return out


def _bases_text(q: QuestionData, which: list[Base], bases: tuple[Base, ...], most: int) -> str:
    """Why a percent-only one-case is certain or only possible, naming the bases."""
    of = f"of {q.relevant} cases" if q.relevant else f"of at most {most} cases"
    listed = ", ".join(map(str, which[:4])) + (", ..." if len(which) > 4 else "")
    if len(which) == len(bases):
        return (
            f"certain: {pct_text(q.percent)}% {of} can only be {listed}"
            if len(bases) == 1
            else f"certain: every base {pct_text(q.percent)}% {of} allows ({listed})"
        )
    return f"possible: {len(which)} of the {len(bases)} bases {pct_text(q.percent)}% {of} allows ({listed})"


def _counted_changes(inp: FlagInput) -> list[tuple[str, int, int]]:
    """(question, +1/-1, new band) for each single answer, in a question with counts, that moves the band."""
    fw, sd, band = inp.fw, inp.sd, inp.band
    changes: list[tuple[str, int, int]] = []
    # the lowest of the *other* questions is the lowest of all, except for the question that
    # holds it (first of equals): then it is the next lowest. Found once, not per question.
    percents = [o.percent for o in sd.questions]
    at_min = min(range(len(percents)), key=percents.__getitem__) if percents else -1
    rest = percents[:at_min] + percents[at_min + 1 :] if percents else []
    next_lowest = min(rest) if rest else None
    for i, q in enumerate(sd.questions):
        if not q.has_counts:
            continue
        # the band with one answer changed is the band of the lower of the changed question and
        # the lowest of the others (compared as integers: no Fraction built per change)
        others = next_lowest if i == at_min else percents[at_min]
        for delta in (1, -1):
            y = q.yes + delta  # type: ignore[operator]
            if not 0 <= y <= q.relevant:  # type: ignore[operator]
                continue
            if others is not None and others.numerator * q.relevant < 100 * y * others.denominator:  # type: ignore[operator]
                nb = fw.band_for(others)
            else:
                nb = fw.band_for_ratio(100 * y, q.relevant)  # type: ignore[arg-type]
            if nb != band:
                changes.append((q.id, delta, nb))
    return changes


def _percent_only_changes(inp: FlagInput) -> list[tuple[str, int, list[int], str, bool]]:
    """(question, +1/-1, bands, why, certain) for questions known only by a published %: checked
    against every base that % and the published sample size allow."""
    derived: list[tuple[str, int, list[int], str, bool]] = []
    for q in inp.sd.questions:
        if q.has_counts:
            continue
        # the published size of the sample this question's cases come from (its own, where
        # the framework draws it on another sample than the standard's)
        q_sample = inp.question_samples.get(q.id, inp.sample) if inp.question_samples else inp.sample
        if q_sample is not None or q.relevant is not None:
            most = q.relevant or q_sample
            for delta, to, which, bases in _one_case_from_percent(inp.fw, inp.sd, q, inp.band, most):  # type: ignore[arg-type]
                derived.append(
                    (
                        q.id,
                        delta,
                        to,
                        _bases_text(q, which, bases, most),  # type: ignore[arg-type]
                        len(which) == len(bases),
                    )
                )
    return derived


def one_case(inp: FlagInput) -> list[Flag]:
    """One more or one fewer 'Yes' in any key question would change the band. Where that holds for
    only some of the bases a published % allows, the framework's ``one_case_possible`` says whether
    it is a flag ("flag") or a note in the evidence ("note")."""
    fw, band = inp.fw, inp.band
    changes = _counted_changes(inp)
    derived = _percent_only_changes(inp)
    if not (changes or derived):
        return []
    moves = [nb for _, _, nb in changes] + [nb for _, _, to, _, _ in derived for nb in to]
    dirs = tuple(d for d in (UPLIFT, LOWERING) if any((nb > band) == (d == UPLIFT) for nb in moves))
    parts = [
        f"one {'more' if delta > 0 else 'fewer'} 'Yes' in {qid} would make it {fw.bands[nb].name}"
        for qid, delta, nb in changes
    ] + [
        f"one {'more' if delta > 0 else 'fewer'} 'Yes' in {qid} would make it "
        f"{' or '.join(fw.bands[nb].name for nb in to)} ({why})"
        for qid, delta, to, why, _ in derived
    ]
    certain = bool(changes) or any(c for *_, c in derived)
    arrows = "".join(a for d, a in ((UPLIFT, "▲"), (LOWERING, "▼")) if d in dirs)
    if certain or fw.discretion.one_case_possible == "flag":
        return [
            Flag(
                "one-case",
                dirs,
                "; ".join(parts),
                f"1 case {arrows}" + ("" if certain else "?"),
                CERTAIN if certain else POSSIBLE,
            )
        ]
    if inp.notes is not None:
        inp.notes.append(
            "one-case possible, not flagged (the framework's one_case_possible = "
            f'"{fw.discretion.one_case_possible}"): ' + "; ".join(parts)
        )
    return []


def small_sample(inp: FlagInput) -> list[Flag]:
    """The lowest key question rests on the framework's number of relevant cases or fewer."""
    fw, band = inp.fw, inp.band
    cases = fw.discretion.small_sample_cases
    small = [q for q in inp.lowest_qs if q.relevant is not None and q.relevant <= cases]
    if not small:
        return []
    dirs = tuple(d for d, ok in ((UPLIFT, band < len(fw.bands) - 1), (LOWERING, band > 0)) if ok)
    each = ", ".join(f"{q.id} on {q.relevant} case{'s' if q.relevant != 1 else ''}" for q in small)
    return [
        Flag(
            "small-sample",
            dirs,
            f"the rating rests on a small sample: lowest key question {each} ({cases} or fewer)",
            f"≤{cases}",
        )
    ]


@dataclass(frozen=True)
class Trigger:
    """A flag kind, the ``[discretion]`` key that sets it, and whether that setting switches it on."""

    name: str
    setting: str
    run: Callable[[FlagInput], list[Flag]]
    on: Callable[[Discretion], bool] = lambda rules: True


# in the order a standard's flags are listed
TRIGGERS: tuple[Trigger, ...] = (
    Trigger("near-boundary", "near_boundary_points", near_boundary),
    Trigger("one-case", "one_case", one_case, lambda rules: rules.one_case),
    Trigger("small-sample", "small_sample_cases", small_sample),
)


def flags_for(inp: FlagInput) -> list[Flag]:
    """Every flag the framework's triggers raise on one case-based standard, in ``TRIGGERS`` order."""
    rules = inp.fw.discretion
    return [f for t in TRIGGERS if t.on(rules) for f in t.run(inp)]
