"""The rating engine: bands, scores, overall rating, discretion flags and flip distances.

Pure functions over an Inspection and its Framework. Everything numeric is exact (Fractions);
rounding happens only for display. The UI and the command line call this; neither computes a band.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Mapping

from panel_tui.core.bases import Base, consistent_bases
from panel_tui.core.framework import NOT_RATED, Framework, Standard
from panel_tui.core.inspection import Inspection, QuestionData, StandardData
from panel_tui.core.stats import (
    DESIGN_MARGIN_POINTS,
    Z80,
    round_half_up,
    wilson,
    yes_lost_to_fall_below,
    yes_needed_to_reach,
)

UPLIFT = "uplift"
LOWERING = "lowering"
AWAITING_FIGURES = "Awaiting figures"
AWAITING_PROPOSAL = "Awaiting proposal"
INCOMPLETE = "Incomplete"  # the overall rating while any counted standard is awaiting figures or a proposal
CERTAIN = "certain"
POSSIBLE = "possible"


@dataclass(frozen=True)
class Flag:
    """A reason the panel must consider discretion, with the direction(s) it supports."""

    name: str  # near-boundary | one-case | small-sample
    directions: tuple[str, ...]
    reason: str
    short: str  # a word/symbol label for tables: never colour alone
    # "certain" where the counts are known (or every base a published % allows agrees),
    # "possible" where only some of the bases consistent with a published % would change the band
    certainty: str = CERTAIN


@dataclass
class QuestionResult:
    id: str
    text: str
    percent: Fraction
    yes: int | None
    relevant: int | None
    band: str
    lowest: bool
    wilson: tuple[float, float] | None  # this tool's statistic: the 95% Wilson interval
    spans: list[str] | None
    to_next_band: int | None
    to_drop: int | None
    # the 80%-confidence Wilson interval, beside the inspectorate's sample design (80%, 5 points)
    interval80: tuple[float, float] | None = None

    @property
    def within_design_margin(self) -> bool | None:
        """Whether the 80% interval stays within the 5-point margin the samples are designed for."""
        if self.interval80 is None:
            return None
        p = float(self.percent)
        return max(p - self.interval80[0], self.interval80[1] - p) <= DESIGN_MARGIN_POINTS


@dataclass
class StandardResult:
    id: str
    name: str
    domain: str
    kind: str
    counted: bool
    computed: str
    final: str
    computed_score: int | None
    score: int | None
    proposed: str | None = None
    not_rated: str | None = None
    lowest_percent: Fraction | None = None
    lowest_questions: list[str] = field(default_factory=list)
    cases: int | None = None
    flags: list[Flag] = field(default_factory=list)
    flip_distance: int | None = None
    questions: list[QuestionResult] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)
    awaiting: list[str] = field(default_factory=list)  # key questions awaiting figures ("proposal" for judgement)
    notes: list[str] = field(default_factory=list)  # findings below a flag (a one-case that is only possible)

    @property
    def flag_names(self) -> list[str]:
        return [f.name for f in self.flags]

    @property
    def directions(self) -> set[str]:
        """Directions of change any flag supports (what discretion may do within the criteria)."""
        return {d for f in self.flags for d in f.directions}


@dataclass
class Rating:
    inspection: Inspection
    framework: Framework
    standards: list[StandardResult]
    computed_score: int
    computed_overall: str
    score: int
    max_score: int
    overall: str
    overall_flip_distance: int | None
    overall_flip_to: str | None

    def standard(self, sid: str) -> StandardResult:
        return next(s for s in self.standards if s.id == sid)


def pct_text(p: Fraction) -> str:
    """Exact percentage, shortest honest form: 62.5, 66.67, 75 (to two decimals, half to even,
    as ``round(p, 2)``; worked in integers: every flag's text has several)."""
    q, r = divmod(abs(p.numerator) * 100, p.denominator)
    if 2 * r > p.denominator or (2 * r == p.denominator and q % 2):
        q += 1
    text = f"{'-' if p < 0 and q else ''}{q // 100}.{q % 100:02d}"
    return text.rstrip("0").rstrip(".")


# --- per-standard helpers -------------------------------------------------------------------

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


def _flip_distance(fw: Framework, qs: tuple[QuestionData, ...], band: int) -> int | None:
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


def _one_case_from_percent(fw: Framework, sd: StandardData, q: QuestionData, band: int,
                           most: int) -> list[tuple[int, list[int], list[Base], tuple[Base, ...]]]:
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
        return f"certain: {pct_text(q.percent)}% {of} can only be {listed}" if len(bases) == 1 else \
            f"certain: every base {pct_text(q.percent)}% {of} allows ({listed})"
    return f"possible: {len(which)} of the {len(bases)} bases {pct_text(q.percent)}% {of} allows ({listed})"


def _flags(fw: Framework, sd: StandardData, band: int, lowest: Fraction, lowest_qs: list[QuestionData],
           sample: int | None = None, notes: list[str] | None = None,
           question_samples: Mapping[str, int | None] | None = None) -> list[Flag]:
    rules = fw.discretion
    top = len(fw.bands) - 1
    flags: list[Flag] = []
    ids = ", ".join(q.id for q in lowest_qs)
    # near-boundary
    for boundary in fw.boundaries:
        gap = abs(lowest - boundary)
        if gap <= rules.near_boundary_points:
            above = lowest >= boundary
            other = fw.band_for(boundary - Fraction(1, 1000)) if above else fw.band_for(boundary)
            direction = LOWERING if above else UPLIFT
            where = "above" if lowest > boundary else ("at" if lowest == boundary else "below")
            gap_txt = f"{pct_text(gap)} points {where}" if gap else "exactly at"
            flags.append(Flag(
                "near-boundary", (direction,),
                f"lowest key question {ids} at {pct_text(lowest)}% is {gap_txt} the {pct_text(boundary)}% boundary: "
                f"{'an uplift' if direction == UPLIFT else 'a lowering'} to {fw.bands[other].name} is in question",
                f"{'▲' if direction == UPLIFT else '▼'} near {pct_text(boundary)}",
            ))
    # one-case
    if rules.one_case:
        changes: list[tuple[str, int, int]] = []
        derived: list[tuple[str, int, list[int], str, bool]] = []  # qid, delta, bands, why, certain
        # the lowest of the *other* questions is the lowest of all, except for the question that
        # holds it (first of equals): then it is the next lowest. Found once, not per question.
        percents = [o.percent for o in sd.questions]
        at_min = min(range(len(percents)), key=percents.__getitem__) if percents else -1
        rest = percents[:at_min] + percents[at_min + 1:] if percents else []
        next_lowest = min(rest) if rest else None
        for i, q in enumerate(sd.questions):
            if not q.has_counts:
                # the published size of the sample this question's cases come from (its own, where
                # the framework draws it on another sample than the standard's)
                q_sample = question_samples.get(q.id, sample) if question_samples else sample
                if q_sample is not None or q.relevant is not None:
                    most = q.relevant or q_sample
                    for delta, to, which, bases in _one_case_from_percent(fw, sd, q, band, most):  # type: ignore[arg-type]
                        derived.append((q.id, delta, to, _bases_text(q, which, bases, most),  # type: ignore[arg-type]
                                        len(which) == len(bases)))
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
        if changes or derived:
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
            if certain or rules.one_case_possible == "flag":
                flags.append(Flag("one-case", dirs, "; ".join(parts), f"1 case {arrows}" + ("" if certain else "?"),
                                  CERTAIN if certain else POSSIBLE))
            elif notes is not None:
                notes.append("one-case possible, not flagged (the framework's one_case_possible = "
                              f"\"{rules.one_case_possible}\"): " + "; ".join(parts))
    # small-sample
    small = [q for q in lowest_qs if q.relevant is not None and q.relevant <= rules.small_sample_cases]
    if small:
        dirs = tuple(d for d, ok in ((UPLIFT, band < top), (LOWERING, band > 0)) if ok)
        each = ", ".join(f"{q.id} on {q.relevant} case{'s' if q.relevant != 1 else ''}" for q in small)
        flags.append(Flag(
            "small-sample", dirs,
            f"the rating rests on a small sample: lowest key question {each} "
            f"({rules.small_sample_cases} or fewer)",
            f"≤{rules.small_sample_cases}",
        ))
    return flags


def _question_result(fw: Framework, fs: Standard, q: QuestionData, lowest: Fraction,
                     light: bool = False) -> QuestionResult:
    b = fw.band_for(q.percent)
    top = len(fw.bands) - 1
    n = q.relevant
    interval = spans = interval80 = None
    if n and not light:
        successes = q.yes if q.yes is not None else q.percent / 100 * n
        interval = wilson(successes, n)
        interval80 = wilson(successes, n, Z80)
        lo_b, hi_b = fw.band_for_float(interval[0]), fw.band_for_float(interval[1])
        spans = fw.band_names[lo_b: hi_b + 1]
    to_next = to_drop = None
    if q.has_counts and not light:
        if b < top:
            to_next = yes_needed_to_reach(fw.bands[b + 1].min_percent, q.yes, q.relevant)  # type: ignore[arg-type]
        if b > 0:
            to_drop = yes_lost_to_fall_below(fw.bands[b].min_percent, q.yes, q.relevant)  # type: ignore[arg-type]
    text = next((x.text for x in fs.questions if x.id == q.id), "")
    return QuestionResult(q.id, text, q.percent, q.yes, q.relevant, fw.bands[b].name, q.percent == lowest,
                          interval, spans, to_next, to_drop, interval80)


def rate_standard(fw: Framework, fs: Standard, sd: StandardData, sample: int | None = None,
                  light: bool = False, question_samples: Mapping[str, int | None] | None = None) -> StandardResult:
    """Rate one standard; its final band starts as the computed one (``with_finals`` applies the log).

    ``sample`` is the published number of cases in the standard's sample: with it, a question known
    only by its % 'Yes' is checked for one-case against every base that percent allows.
    ``question_samples``: the same for key questions the framework draws on another sample
    (question id -> its sample's published size, None when not published).
    ``light``: without the figures only shown to a reader (see ``rate``).
    """
    if sd.not_rated is not None:
        return StandardResult(fs.id, fs.name, fs.domain, fs.kind, fs.counted, NOT_RATED, NOT_RATED, None, None,
                              not_rated=sd.not_rated)
    if sd.awaiting or sd.awaiting_proposal:
        label = AWAITING_FIGURES if sd.awaiting else AWAITING_PROPOSAL
        return StandardResult(fs.id, fs.name, fs.domain, fs.kind, fs.counted, label, label, None, None,
                              awaiting=list(sd.awaiting) or ["proposal"])
    if fs.kind == "judgement":
        b = fw.band_index(sd.proposed)  # type: ignore[arg-type]
        return StandardResult(fs.id, fs.name, fs.domain, fs.kind, fs.counted, fw.bands[b].name, fw.bands[b].name,
                              fw.bands[b].score, fw.bands[b].score, proposed=sd.proposed)
    lowest = min(q.percent for q in sd.questions)
    lowest_qs = [q for q in sd.questions if q.percent == lowest]
    b = fw.band_for(lowest)
    counts = [q.relevant for q in lowest_qs if q.relevant is not None]
    notes: list[str] = []
    flags = _flags(fw, sd, b, lowest, lowest_qs, sample, notes, question_samples)
    return StandardResult(
        fs.id, fs.name, fs.domain, fs.kind, fs.counted, fw.bands[b].name, fw.bands[b].name,
        fw.bands[b].score, fw.bands[b].score,
        lowest_percent=lowest,
        lowest_questions=[q.id for q in lowest_qs],
        cases=min(counts) if len(counts) == len(lowest_qs) else None,
        flags=flags,
        flip_distance=_flip_distance(fw, sd.questions, b),
        questions=[_question_result(fw, fs, q, lowest, light) for q in sd.questions],
        not_applicable=list(sd.not_applicable),
        notes=notes,
    )


def _overall_flip(fw: Framework, insp: Inspection, results: list[StandardResult], score: int) -> tuple[int | None, str | None]:
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


def _published_samples(insp: Inspection, fs: Standard) -> tuple[int | None, Mapping[str, int | None] | None]:
    """The published size of the sample a standard draws on, and of any other sample one of its key
    questions draws on (by question id), as the framework says which (data: domain, standard, question)."""
    own = insp.samples.get(fs.sample) if fs.sample else None
    other = {q.id: insp.samples.get(q.sample) if q.sample else None for q in fs.questions if q.sample != fs.sample}
    return own, other or None


def _rate_computed(insp: Inspection, light: bool = False) -> Rating:
    fw = insp.framework
    results = []
    for fs in fw.standards:
        sample, question_samples = _published_samples(insp, fs)
        results.append(rate_standard(fw, fs, insp.standards[fs.id], sample, light, question_samples))
    computed = sum(r.computed_score for r in results if r.counted and r.computed_score is not None)
    flip, flip_to = _overall_flip(fw, insp, results, computed) if not light else (None, None)
    overall = INCOMPLETE if any(r.awaiting and r.counted for r in results) else fw.overall_for(computed)
    return Rating(insp, fw, results, computed, overall, computed, fw.max_score, overall, flip, flip_to)


def with_finals(r: Rating, finals: Mapping[str, str]) -> Rating:
    """The same analysis with the final bands a decision log set (cheap: nothing is re-analysed)."""
    fw = r.framework
    standards = []
    for s in r.standards:
        band = finals.get(s.id)
        if band is not None and not s.not_rated and not s.awaiting:
            s = replace(s, final=band, score=fw.bands[fw.band_index(band)].score)
        standards.append(s)
    score = sum(s.score for s in standards if s.counted and s.score is not None)
    overall = INCOMPLETE if r.computed_overall == INCOMPLETE else fw.overall_for(score)
    return replace(r, standards=standards, score=score, overall=overall)


def rate(insp: Inspection, finals: Mapping[str, str] | None = None, light: bool = False) -> Rating:
    """Rate an inspection. ``finals`` maps standard id -> band set by the decision log.

    The analysis of an inspection is computed once and kept on it; finals are applied on top.
    ``light`` (the audit, which reads thousands of sessions and shows none of them in detail): every
    band, score, flag and the evidence a decision records, without the figures only shown to a
    reader: each question's intervals and answers to the next band, and the overall rating's
    distance to a change (a third of the rating's time, measured). A full rating already made
    serves a light request.
    """
    computed = insp.cache.get("rating")
    if computed is None and light:
        computed = insp.cache.get("rating-light")
        if computed is None:
            computed = insp.cache["rating-light"] = _rate_computed(insp, light=True)
    elif computed is None:
        computed = insp.cache["rating"] = _rate_computed(insp)
    return with_finals(computed, finals) if finals else computed


def direction(fw: Framework, frm: str, to: str) -> str:
    """'uplift', 'lowering' or 'none' for a change of band from ``frm`` to ``to``."""
    step = fw.band_index(to) - fw.band_index(frm)
    return UPLIFT if step > 0 else (LOWERING if step < 0 else "none")



def leaning(s: StandardResult) -> str | None:
    """The direction a standard's flags point to most (UPLIFT or LOWERING); None when they do not
    lean either way (a flag for both directions, such as a small sample, counts for neither). A
    form offering a one-step move starts on this side, so a chair never records an uplift by default
    on a standard flagged for lowering."""
    votes = {UPLIFT: 0, LOWERING: 0}
    for f in s.flags:
        if len(f.directions) == 1 and f.directions[0] in votes:
            votes[f.directions[0]] += 1
    if votes[UPLIFT] == votes[LOWERING]:
        return None
    return UPLIFT if votes[UPLIFT] > votes[LOWERING] else LOWERING

@dataclass(frozen=True)
class Target:
    """A band discretion may move a standard to, and whether any flag supports that direction."""

    band: str
    direction: str
    supported: bool


def discretion_targets(fw: Framework, s: StandardResult) -> list[Target]:
    """Bands within the framework's step limit of the computed band, up first."""
    if s.kind != "cases" or s.not_rated or s.awaiting:
        return []
    b = fw.band_index(s.computed)
    out = []
    for step in range(fw.discretion.steps, 0, -1):
        if b + step < len(fw.bands):
            out.append(Target(fw.bands[b + step].name, UPLIFT, UPLIFT in s.directions))
    for step in range(1, fw.discretion.steps + 1):
        if b - step >= 0:
            out.append(Target(fw.bands[b - step].name, LOWERING, LOWERING in s.directions))
    return out


def display_percent(p: Fraction) -> str:
    """Whole-percent display, half up: 62.5 -> '63%'."""
    return f"{round_half_up(p)}%"
