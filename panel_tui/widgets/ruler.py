"""A small band ruler: where a % 'Yes' and its Wilson interval sit against the band boundaries."""

from __future__ import annotations

from fractions import Fraction

from rich.text import Text

WIDTH = 21  # 0..100 in steps of 5 points: short enough for a narrow evidence pane


def _pos(pct: float) -> int:
    return max(0, min(WIDTH - 1, round(pct / 100 * (WIDTH - 1))))


def ruler(percent: Fraction, boundaries: list[Fraction], interval: tuple[float, float] | None) -> Text:
    """``0 ····|···══●══|···· 100``: '|' boundaries, '═' the 95% interval, '●' the value."""
    cells = ["·"] * WIDTH
    if interval:
        for i in range(_pos(interval[0]), _pos(interval[1]) + 1):
            cells[i] = "═"
    for b in boundaries:
        cells[_pos(float(b))] = "|"
    cells[_pos(float(percent))] = "●"
    out = Text("0 ", style="dim")
    for c in cells:
        out.append(c, style="bold" if c == "●" else ("dim" if c == "·" else ""))
    out.append(" 100", style="dim")
    return out
