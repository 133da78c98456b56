"""Case counts a published percentage can stand for, when a report gives % 'Yes' but not the base.

Reports of the 2019-2023 inspections publish each key question's % 'Yes' rounded to a whole
percent, and the number of cases inspected per domain, but not how many of those cases each
question applied to. Every (yes, relevant) pair with relevant no larger than the domain's sample
and a percentage that rounds (half up) to the published figure is a possible truth; the engine
asks whether one answer would change the band for all of them ("certain") or only some
("possible"), instead of guessing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache


@dataclass(frozen=True)
class Base:
    """One (yes, relevant) pair consistent with a published percentage."""

    yes: int
    relevant: int

    @property
    def percent(self) -> Fraction:
        return Fraction(100 * self.yes, self.relevant)

    def __str__(self) -> str:
        return f"{self.yes}/{self.relevant}"


@lru_cache(maxsize=4096)  # the same published figures recur across questions and sessions
def consistent_bases(percent: Fraction, max_relevant: int, exact_relevant: int | None = None) -> tuple[Base, ...]:
    """Every yes/relevant (1 <= relevant <= max_relevant) consistent with a published percent.

    A whole-number percent is taken as rounded half up (84.6 and 85.4 both publish as 85); any
    other percent (62.5) is taken as exact. ``exact_relevant`` fixes the base where the report
    gives it. Smallest bases first.
    """
    whole = percent.denominator == 1
    sizes = [exact_relevant] if exact_relevant else range(1, max_relevant + 1)
    out: list[Base] = []
    if whole:
        p2 = 2 * percent.numerator  # integers only: this runs for every question of every session
        for n in sizes:
            # p - 1/2 <= 100 y / n < p + 1/2  <=>  (2p - 1) n <= 200 y < (2p + 1) n
            first = max(0, -(-((p2 - 1) * n) // 200))
            last = min(n, ((p2 + 1) * n - 1) // 200)
            out.extend(Base(y, n) for y in range(first, last + 1))
        return tuple(out)
    for n in sizes:
        y = percent * n / 100
        if y.denominator == 1 and 0 <= y <= n:
            out.append(Base(int(y), n))
    return tuple(out)
