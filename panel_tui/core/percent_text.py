"""Percentages as text: the exact figure a flag's reason quotes, and the rounded one a table shows.

The engine works on exact Fractions; these are the only two places a percentage is rounded, so
every screen, export and reason agrees on how a figure reads.
"""

from __future__ import annotations

from fractions import Fraction

from panel_tui.core.stats import round_half_up


def pct_text(p: Fraction) -> str:
    """Exact percentage, shortest honest form: 62.5, 66.67, 75 (to two decimals, half to even,
    as ``round(p, 2)``; worked in integers: every flag's text has several)."""
    q, r = divmod(abs(p.numerator) * 100, p.denominator)
    if 2 * r > p.denominator or (2 * r == p.denominator and q % 2):
        q += 1
    text = f"{'-' if p < 0 and q else ''}{q // 100}.{q % 100:02d}"
    return text.rstrip("0").rstrip(".")


def display_percent(p: Fraction) -> str:
    """Whole-percent display, half up: 62.5 -> '63%'."""
    return f"{round_half_up(p)}%"
