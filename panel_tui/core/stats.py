"""Small exact helpers: rounding for display, the Wilson interval, and case counts to a threshold."""

from __future__ import annotations

import math
from fractions import Fraction

Z95 = 1.959963984540054  # this tool's interval (Wilson, 95%): not the inspectorate's statistic
Z80 = 1.2815515655446004  # the inspectorate sets case samples for 80% confidence, a 5-point margin
DESIGN_MARGIN_POINTS = 5


def round_half_up(value: Fraction) -> int:
    """Whole-percent display rounding, half up (62.5 -> 63), on the exact value."""
    return math.floor(value + Fraction(1, 2))


def two_dp(value: Fraction) -> float:
    """Exact value to two decimals for JSON (2/3 of 100 -> 66.67)."""
    return float(round(value, 2))


def wilson(successes: Fraction | int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion, as percentages (two decimals)."""
    p = float(successes) / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return round(max(0.0, centre - half) * 100, 2), round(min(1.0, centre + half) * 100, 2)


def _ceil_share(min_percent: Fraction, relevant: int) -> int:
    """ceil(min_percent * relevant / 100) in integers (exact, and fast)."""
    num = min_percent.numerator * relevant
    den = min_percent.denominator * 100
    return -(-num // den)


def yes_needed_to_reach(min_percent: Fraction, yes: int, relevant: int) -> int | None:
    """Further 'Yes' answers (No -> Yes) for yes/relevant to reach min_percent; None if impossible."""
    target = _ceil_share(min_percent, relevant)
    if target > relevant:
        return None
    return max(0, target - yes)


def yes_lost_to_fall_below(min_percent: Fraction, yes: int, relevant: int) -> int | None:
    """Fewer 'Yes' answers (Yes -> No) for yes/relevant to fall below min_percent; None if impossible."""
    highest_below = _ceil_share(min_percent, relevant) - 1
    if highest_below < 0:
        return None
    return max(0, yes - highest_below)
