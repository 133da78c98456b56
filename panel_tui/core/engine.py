"""The rating engine: rates an inspection against its framework, standard by standard.

Pure functions over an Inspection and its Framework. Everything numeric is exact (Fractions);
rounding happens only for display. The UI and the command line call this; neither computes a band.
This module assembles a rating; its parts live beside it, one job each: ``results`` (the data a
rating is), ``flags`` (one function per discretion trigger), ``flips`` (answers to a change of
band), ``targets`` (where discretion may go) and ``percent_text`` (how a figure reads). Their
public names are re-exported here, so callers may keep importing them from the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction

from panel_tui.core.flags import FlagInput, flags_for
from panel_tui.core.flips import flip_distance, overall_flip
from panel_tui.core.framework import NOT_RATED, Framework, Standard
from panel_tui.core.inspection import Inspection, QuestionData, StandardData
from panel_tui.core.percent_text import display_percent, pct_text
from panel_tui.core.results import (
    AWAITING_FIGURES,
    AWAITING_PROPOSAL,
    CERTAIN,
    INCOMPLETE,
    LOWERING,
    POSSIBLE,
    UPLIFT,
    Flag,
    QuestionResult,
    Rating,
    StandardResult,
)
from panel_tui.core.stats import Z80, wilson, yes_lost_to_fall_below, yes_needed_to_reach
from panel_tui.core.targets import Target, direction, discretion_targets, leaning

__all__ = [
    "AWAITING_FIGURES",
    "AWAITING_PROPOSAL",
    "CERTAIN",
    "INCOMPLETE",
    "LOWERING",
    "POSSIBLE",
    "UPLIFT",
    "Flag",
    "QuestionResult",
    "Rating",
    "StandardResult",
    "Target",
    "direction",
    "discretion_targets",
    "display_percent",
    "leaning",
    "pct_text",
    "rate",
    "rate_standard",
    "with_finals",
]


def _question_result(
    fw: Framework, fs: Standard, q: QuestionData, lowest: Fraction, light: bool = False
) -> QuestionResult:
    b = fw.band_for(q.percent)
    top = len(fw.bands) - 1
    n = q.relevant
    interval = spans = interval80 = None
    if n and not light:
        successes = q.yes if q.yes is not None else q.percent / 100 * n
        interval = wilson(successes, n)
        interval80 = wilson(successes, n, Z80)
        lo_b, hi_b = fw.band_for_float(interval[0]), fw.band_for_float(interval[1])
        spans = fw.band_names[lo_b : hi_b + 1]
    to_next = to_drop = None
    if q.has_counts and not light:
        if b < top:
            to_next = yes_needed_to_reach(fw.bands[b + 1].min_percent, q.yes, q.relevant)  # type: ignore[arg-type]
        if b > 0:
            to_drop = yes_lost_to_fall_below(fw.bands[b].min_percent, q.yes, q.relevant)  # type: ignore[arg-type]
    text = next((x.text for x in fs.questions if x.id == q.id), "")
    return QuestionResult(
        q.id,
        text,
        q.percent,
        q.yes,
        q.relevant,
        fw.bands[b].name,
        q.percent == lowest,
        interval,
        spans,
        to_next,
        to_drop,
        interval80,
    )


def rate_standard(
    fw: Framework,
    fs: Standard,
    sd: StandardData,
    sample: int | None = None,
    light: bool = False,
    question_samples: Mapping[str, int | None] | None = None,
) -> StandardResult:
    """Rate one standard; its final band starts as the computed one (``with_finals`` applies the log).

    ``sample`` is the published number of cases in the standard's sample: with it, a question known
    only by its % 'Yes' is checked for one-case against every base that percent allows.
    ``question_samples``: the same for key questions the framework draws on another sample
    (question id -> its sample's published size, None when not published).
    ``light``: without the figures only shown to a reader (see ``rate``).
    """
    if sd.not_rated is not None:
        return StandardResult(
            fs.id, fs.name, fs.domain, fs.kind, fs.counted, NOT_RATED, NOT_RATED, None, None, not_rated=sd.not_rated
        )
    if sd.awaiting or sd.awaiting_proposal:
        label = AWAITING_FIGURES if sd.awaiting else AWAITING_PROPOSAL
        return StandardResult(
            fs.id,
            fs.name,
            fs.domain,
            fs.kind,
            fs.counted,
            label,
            label,
            None,
            None,
            awaiting=list(sd.awaiting) or ["proposal"],
        )
    if fs.kind == "judgement":
        b = fw.band_index(sd.proposed)  # type: ignore[arg-type]
        return StandardResult(
            fs.id,
            fs.name,
            fs.domain,
            fs.kind,
            fs.counted,
            fw.bands[b].name,
            fw.bands[b].name,
            fw.bands[b].score,
            fw.bands[b].score,
            proposed=sd.proposed,
        )
    lowest = min(q.percent for q in sd.questions)
    lowest_qs = [q for q in sd.questions if q.percent == lowest]
    b = fw.band_for(lowest)
    counts = [q.relevant for q in lowest_qs if q.relevant is not None]
    notes: list[str] = []
    flags = flags_for(FlagInput(fw, sd, b, lowest, lowest_qs, sample, question_samples, notes))
    return StandardResult(
        fs.id,
        fs.name,
        fs.domain,
        fs.kind,
        fs.counted,
        fw.bands[b].name,
        fw.bands[b].name,
        fw.bands[b].score,
        fw.bands[b].score,
        lowest_percent=lowest,
        lowest_questions=[q.id for q in lowest_qs],
        cases=min(counts) if len(counts) == len(lowest_qs) else None,
        flags=flags,
        flip_distance=flip_distance(fw, sd.questions, b),
        questions=[_question_result(fw, fs, q, lowest, light) for q in sd.questions],
        not_applicable=list(sd.not_applicable),
        notes=notes,
    )


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
    flip, flip_to = overall_flip(fw, insp, results, computed) if not light else (None, None)
    overall = INCOMPLETE if any(r.awaiting and r.counted for r in results) else fw.overall_for(computed)
    return Rating(insp, fw, results, computed, overall, computed, fw.max_score, overall, flip, flip_to)


def _with_final(s: StandardResult, final: str, score: int) -> StandardResult:
    """``replace(s, final=final, score=score)``, without running ``__init__`` over its twenty fields
    (a plain dataclass, no ``__post_init__``: a copy of its fields is the same object; the audit
    makes one for every decided standard of every session)."""
    new = object.__new__(StandardResult)
    new.__dict__.update(s.__dict__)
    new.final, new.score = final, score
    return new


def with_finals(r: Rating, finals: Mapping[str, str]) -> Rating:
    """The same analysis with the final bands a decision log set (cheap: nothing is re-analysed)."""
    fw = r.framework
    standards = []
    for s in r.standards:
        band = finals.get(s.id)
        if band is not None and not s.not_rated and not s.awaiting:
            s = _with_final(s, band, fw.bands[fw.band_index(band)].score)
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
