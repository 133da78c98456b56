"""The engine's results as data: a rated inspection, its standards, their questions and flags.

Kept apart from the code that computes them so the readers (the UI, the CLI, the log's rules, the
audit, the exports) depend on what a rating *is*, not on how it is worked out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from panel_tui.core.framework import Framework
from panel_tui.core.inspection import Inspection
from panel_tui.core.stats import DESIGN_MARGIN_POINTS

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
