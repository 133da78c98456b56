"""The audit's four charts, drawn by the project: as SVG for the HTML report, and as rows of block
characters for a terminal. Nothing is fetched (no script, no font): a report opened in ten years,
offline, looks the same.

Each chart is a :class:`Chart`: categories (years, chairs) and one or two series of values. No
series is told apart by colour alone: each has its own fill pattern, its name in the legend, and
every bar its number written beside it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from panel_tui.core.display import visible

BLOCKS = " ▏▎▍▌▋▊▉█"  # eighths of a cell


@dataclass(frozen=True)
class Chart:
    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]  # (name, one value per category)
    percent: bool = False  # values are shares (0-1), written as percentages


def _year_chart(title: str, years: dict[str, Any], series: Sequence[tuple[str, str]]) -> Chart:
    cats = list(years)
    return Chart(title, cats, [(name, [float(years[y][key] or 0) for y in cats]) for name, key in series])


def charts(figs: dict[str, Any]) -> list[Chart]:
    """The quality lead's four: uplifts and lowerings by meeting year, ratifications that moved the
    lead inspector's band (up, down), dissents and retractions by meeting year, discretion rate by
    chair; and a fifth: uplifts and lowerings by the lowest % (5-point bins: near 50, 65, 80?)."""
    years = figs.get("decisions_by_meeting_year", {})
    chairs = {k: v for k, v in figs.get("by_chair", {}).items() if v.get("discretion_rate") is not None}
    return [
        _year_chart(
            "Discretion: uplifts and lowerings by meeting year",
            years,
            (("uplifts", "uplifts"), ("lowerings", "lowerings")),
        ),
        _year_chart(
            "Ratifications that changed the lead inspector's band, by meeting year",
            years,
            (("up", "ratifications_up"), ("down", "ratifications_down")),
        ),
        _year_chart(
            "Dissents and retractions by meeting year",
            years,
            (("dissents", "dissents"), ("retractions", "retractions")),
        ),
        Chart(
            "Discretion rate by chair (discretion / flagged standards considered)",
            list(chairs),
            [("discretion rate", [float(c["discretion_rate"]) for c in chairs.values()])],
            percent=True,
        ),
        _year_chart(
            "Uplifts and lowerings by the lowest % of the standard's key questions",
            figs.get("decisions_by_lowest_percent", {}),
            (("uplifts", "uplifts"), ("lowerings", "lowerings")),
        ),
    ]


def _shown(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{value:g}"


def figure_bars(
    labels: Sequence[str], values: Sequence[float], width: int = 30, percent: bool = False, top: float | None = None
) -> list[tuple[str, str, str]]:
    """Bars of block characters for a terminal: (label, value as text, bar), the bar of ``top``
    (default: the largest value; a share's: 100%) ``width`` cells long. The value is always written
    beside its bar: never length alone."""
    if top is None:
        top = 1.0 if percent else max([*values, 0.0])
    out = []
    for label, v in zip(labels, values, strict=True):
        eighths = round(min(v / top, 1.0) * width * 8) if top > 0 else 0
        bar = "█" * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")
        out.append((label, _shown(v, percent), bar))
    return out


def chart_bars(chart: Chart, width: int = 30) -> list[tuple[str, str, str]]:
    """A chart as terminal rows, one per category and series ("2024 uplifts"), on one scale."""
    top = 1.0 if chart.percent else max([v for _, vals in chart.series for v in vals] + [0.0])
    labels, values = [], []
    for i, cat in enumerate(chart.categories):
        for name, vals in chart.series:
            labels.append(cat if len(chart.series) == 1 else f"{cat} {name}")
            values.append(vals[i])
    return figure_bars(labels, values, width, chart.percent, top)


TOP = 44  # room above the plot for the legend and the tallest bar's number
_FILLS = ("#1f5f99", "url(#hatch)")  # a solid and a hatched series: told apart in grey print too


def _e(text: str) -> str:
    return html.escape(visible(text))


def svg(chart: Chart, width: int = 640) -> str:
    """One chart as inline SVG: vertical bars per category, a legend naming each series, the value
    above each bar, the categories below; horizontal bars when there is one series of shares."""
    if chart.percent:
        return _svg_horizontal(chart, width)
    n, k = max(len(chart.categories), 1), len(chart.series)
    top = max([v for _, vals in chart.series for v in vals] + [1.0])
    left, bottom, plot_h = 40, 40, 180
    height = plot_h + bottom + TOP + 20
    slot = (width - left - 10) / n
    bar = min(40.0, slot * 0.8 / k)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{_e(chart.title)}</title>",
        _DEFS,
        f'<line x1="{left}" y1="{TOP + plot_h}" x2="{width - 10}" y2="{TOP + plot_h}" stroke="#000"/>',
    ]
    for j, (name, _) in enumerate(chart.series):  # the legend: a swatch and the series' name
        lx = left + j * 160
        parts.append(
            f'<rect x="{lx}" y="4" width="14" height="14" fill="{_FILLS[j % 2]}" stroke="#000"/>'
            f'<text x="{lx + 20}" y="16">{_e(name)}</text>'
        )
    for i, cat in enumerate(chart.categories):
        x0 = left + i * slot + (slot - bar * k) / 2
        for j, (name, vals) in enumerate(chart.series):
            v = vals[i]
            h = plot_h * v / top
            x, y = x0 + j * bar, TOP + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                f'fill="{_FILLS[j % 2]}" stroke="#000"><title>{_e(f"{cat} {name}: {v:g}")}</title></rect>'
                f'<text x="{x + bar / 2 - 1:.1f}" y="{y - 3:.1f}" text-anchor="middle">{v:g}</text>'
            )
        parts.append(
            f'<text x="{left + i * slot + slot / 2:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{_e(cat)}</text>'
        )
    if not chart.categories:
        parts.append(f'<text x="{left}" y="{TOP + plot_h / 2}">nothing to count yet</text>')
    parts.append("</svg>")
    return "".join(parts)


_DEFS = (
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="3"/></pattern></defs>'
)


def _svg_horizontal(chart: Chart, width: int) -> str:
    name, vals = chart.series[0]
    label_w, row_h = 200, 22
    height = 20 + row_h * max(len(vals), 1) + 10
    plot_w = width - label_w - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{_e(chart.title)}</title>",
        f'<line x1="{label_w}" y1="10" x2="{label_w}" y2="{height - 10}" stroke="#000"/>',
    ]
    for i, (cat, v) in enumerate(zip(chart.categories, vals, strict=True)):
        y = 14 + i * row_h
        shown = visible(cat)
        shown = shown if len(shown) <= 28 else shown[:27] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{html.escape(shown)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{plot_w * v:.1f}" height="{row_h - 6}" fill="{_FILLS[0]}" '
            f'stroke="#000"><title>{_e(f"{cat}: {_shown(v, True)}")}</title></rect>'
            f'<text x="{label_w + plot_w * v + 6:.1f}" y="{y + 13}">{_shown(v, True)}</text>'
        )
    if not vals:
        parts.append(f'<text x="{label_w + 10}" y="30">no flagged standard considered yet</text>')
    parts.append("</svg>")
    return "".join(parts)
