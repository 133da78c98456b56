"""A framework's rules as data: standards, bands, scores, overall thresholds, discretion triggers.

The engine knows no rule of its own; every one it applies is a field of these frozen objects,
built only by ``reader.parse_framework`` from a file that passed every check.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from pathlib import Path

NOT_RATED = "Not rated"
MAX_FRAMEWORK_BYTES = 1024 * 1024  # a framework is a few kilobytes; bigger is not one

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # a framework id (and its file name's stem)
ITEM_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")  # a domain, standard or key question id
SAMPLE_ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")  # a sample's id: a key of [inspection] sample
MAX_NAME = 200
MAX_TEXT = 2000
MAX_ITEMS = 500  # bands, standards, key questions of one standard, rules: far above any framework


@dataclass(frozen=True)
class Band:
    name: str
    min_percent: Fraction
    score: int
    label: str


@dataclass(frozen=True)
class OverallBand:
    name: str
    min_score: int


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    # the sample this key question's cases come from: its own, else its standard's, else its domain's
    # (None for a judgement standard's key questions, which are never counted)
    sample: str | None = None


@dataclass(frozen=True)
class Standard:
    id: str
    domain: str
    name: str
    kind: str  # "cases" or "judgement"
    counted: bool
    questions: tuple[Question, ...]
    sample: str | None = None  # the standard's sample: its own, else its domain's (cases only)

    @property
    def is_cases(self) -> bool:
        return self.kind == "cases"


@dataclass(frozen=True)
class Discretion:
    near_boundary_points: Fraction
    one_case: bool
    small_sample_cases: int
    steps: int
    # where a % is published without its base and one answer flips the band for only some of
    # the bases it allows: "note" (told in the evidence, no flag) or "flag" (a one-case flag)
    one_case_possible: str = "note"


OWNERS = ("inspectorate", "panel-tui")


@dataclass(frozen=True)
class RuleNote:
    """Whose a rule is: the inspectorate's (with its published source) or this tool's policy."""

    id: str
    owner: str  # "inspectorate" | "panel-tui"
    source: str = ""
    in_force: str = ""  # from when the sources show the rule applied ("" where they do not say)
    note: str = ""


@dataclass(frozen=True)
class Panel:
    """Who must be present for the panel's decisions to stand (this tool's policy, as data)."""

    quorum_members: int  # members present besides the chair
    timezone: str  # the meeting clock: entries are stored in UTC and shown in this zone


@dataclass(frozen=True)
class InForce:
    """When a framework applied: from the first day to the last (both included; None = open)."""

    start: dt.date | None
    until: dt.date | None
    source: str = ""
    note: str = ""
    file: Path | None = None  # where the dates are written

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or day >= self.start) and (self.until is None or day <= self.until)

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """In force on some day from ``first`` to ``last`` (a fieldwork month)."""
        return (self.start is None or last >= self.start) and (self.until is None or first <= self.until)

    @property
    def text(self) -> str:
        if self.start and self.until:
            return f"{self.start.isoformat()} to {self.until.isoformat()}"
        if self.start:
            return f"from {self.start.isoformat()}"
        return f"until {self.until.isoformat()}" if self.until else "no dates given"


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    bands: tuple[Band, ...]  # lowest first
    overall: tuple[OverallBand, ...]  # lowest first
    discretion: Discretion
    panel: Panel
    domains: dict[str, str]
    standards: tuple[Standard, ...]
    sha256: str
    path: Path
    # domain id -> which published sample its cases come from ("court", "out_of_court")
    domain_samples: dict[str, str] = field(default_factory=dict)
    rules: tuple[RuleNote, ...] = ()
    samples: dict[str, str] = field(default_factory=dict)  # sample id -> its name ("victims": "Victims' cases")
    in_force: InForce | None = None
    # "bundled" (panel_tui/frameworks), "folder" (a frameworks/ folder), "session" (a session's own copy,
    # framework.toml) or "released" (a released version of a bundled one, by hash: frameworks/released/)
    origin: str = "bundled"

    def rule(self, rid: str) -> RuleNote | None:
        return next((r for r in self.rules if r.id == rid), None)

    @property
    def band_names(self) -> list[str]:
        return [b.name for b in self.bands]

    def standard(self, sid: str) -> Standard | None:
        return next((s for s in self.standards if s.id == sid), None)

    @property
    def sample_names(self) -> list[str]:
        """The samples an inspection may give the size of (``[inspection] sample`` keys)."""
        return sorted(self.samples)

    def sample_of(self, sid: str, qid: str | None = None) -> str | None:
        """The sample a case-based standard's key question (or the standard) draws its cases from."""
        return (
            self._drawn_on.get((sid, qid))
            if qid is not None and (sid, qid) in self._drawn_on
            else self._drawn_on.get((sid, None))
        )

    @cached_property
    def _drawn_on(self) -> dict[tuple[str, str | None], str | None]:
        out: dict[tuple[str, str | None], str | None] = {}
        for s in self.standards:
            if s.is_cases:
                out[(s.id, None)] = s.sample
                out.update({(s.id, q.id): q.sample for q in s.questions})
        return out

    def band_index(self, name: str) -> int:
        """The index of a band by name; ValueError for a name that is not a band (as list.index)."""
        found = self._band_indexes.get(name)
        if found is None:
            raise ValueError(f"{name!r} is not a band of {self.id}")
        return found

    @cached_property
    def _band_indexes(self) -> dict[str, int]:
        return {b.name: i for i, b in enumerate(self.bands)}

    @cached_property
    def _band_mins(self) -> tuple[tuple[int, int], ...]:
        return tuple((b.min_percent.numerator, b.min_percent.denominator) for b in self.bands)

    def band_for(self, percent: Fraction) -> int:
        """Index of the band a % 'Yes' falls in, on the exact value (no rounding first).

        Compared as integer cross-products: exact like Fraction comparison, without its cost
        (the audit rates thousands of sessions).
        """
        return self.band_for_ratio(percent.numerator, percent.denominator)

    def band_for_ratio(self, n: int, d: int) -> int:
        """Band index of the percentage n/d (e.g. 100*yes / relevant), without building a Fraction."""
        idx = 0
        for i, (mn, md) in enumerate(self._band_mins):
            if n * md >= mn * d:
                idx = i
        return idx

    def band_for_float(self, percent: float) -> int:
        """Band index for an approximate figure (an interval end), not for rating."""
        idx = 0
        for i, low in enumerate(self._float_mins):
            if percent >= low:
                idx = i
        return idx

    @cached_property
    def _float_mins(self) -> tuple[float, ...]:
        return tuple(float(b.min_percent) for b in self.bands)

    @property
    def boundaries(self) -> list[Fraction]:
        return [b.min_percent for b in self.bands[1:]]

    @cached_property
    def near_windows(self) -> tuple[tuple[int, int, int, int], ...]:
        """Each boundary less and plus the near-boundary points, as (numerator, denominator) pairs: the
        flag's first test made with integers (rating thousands of sessions, Fractions were its cost)."""
        pts = self.discretion.near_boundary_points
        out = []
        for b in self.boundaries:
            lo, hi = b - pts, b + pts
            out.append((lo.numerator, lo.denominator, hi.numerator, hi.denominator))
        return tuple(out)

    @property
    def max_score(self) -> int:
        return sum(self.bands[-1].score for s in self.standards if s.counted)

    def overall_for(self, score: int) -> str:
        name = self.overall[0].name
        for ob in self.overall:
            if score >= ob.min_score:
                name = ob.name
        return name
