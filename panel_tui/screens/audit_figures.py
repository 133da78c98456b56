"""The audit's Figures tab: the core's figures as short lines and bar rows of block characters.

Every line fits 78 columns, so nothing wraps at 80x24 (the old nine-column tables did). A bar never
stands alone: its number is printed beside it, and each kind has its own symbol and block (▲ █
uplifts, ▼ ▒ lowerings, █ with discretion and ░ without), never colour alone. Groups come from
whichever ``by_*`` tables the core gives (framework, lead inspector, fieldwork year, and any it
adds: meeting year, chair).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text

from panel_tui.core.audit.charts import chart_bars, charts  # the core's charts (audit/4), drawn here as block rows
from panel_tui.widgets.safe import plain

BAR_WIDTH = 30  # cells of the longest bar: with a 22-column label and the figures, under 78
LABEL = 22  # a group's name is cut to this in the bar rows

TOTALS = [
    ("flagged_standards", "Flagged standards (counted sessions)"),
    ("flagged_with_discretion", "… with discretion"),
    ("flagged_declined", "… considered, band kept"),
    ("flagged_never_considered", "… ✗ NEVER CONSIDERED (signed off)"),
    ("flagged_pending", "… ◐ not yet considered (open)"),
    ("uplifts", "▲ Uplifts"),
    ("lowerings", "▼ Lowerings"),
    ("outside_criteria", "Outside the criteria"),
    ("small_sample_without_other_evidence", "Small sample, no other evidence"),
    ("final_differs_from_computed", "Final band differs from computed"),
    ("sessions_signed_off", "Sessions signed off"),
    ("sessions_unreadable_or_broken", "✗ Sessions not counted (unreadable/broken)"),
]
TITLES = {
    "by_framework": "framework",
    "by_inspector": "lead inspector",
    "by_year": "fieldwork year",
    "by_meeting_year": "meeting year",
    "by_chair": "chair",
}
BLOCKS = " ▏▎▍▌▋▊▉█"
WAITING = "Figures wait for the end of the scan: every one of them needs every session"


def bar(value: float, biggest: float, width: int = BAR_WIDTH, full: str = "█") -> str:
    """``value`` as a row of blocks scaled so ``biggest`` fills ``width`` cells (eighths of a cell
    for the last one; a non-zero value shows at least a sliver)."""
    if value <= 0 or biggest <= 0:
        return ""
    eighths = max(1, round(min(value, biggest) / biggest * width * 8))
    whole, part = divmod(eighths, 8)
    return full * whole + (BLOCKS[part] if part and full == "█" else "")


def _line(t: Text, label: str, value: int, biggest: int, mark: str, fill: str) -> None:
    t.append_text(plain(f"  {label[:LABEL]:<{LABEL}}"))
    t.append(f" {mark} {value:>5} ")
    t.append(bar(value, biggest, full=fill))
    t.append("\n")


def _groups(f: Mapping[str, Any]) -> list[tuple[str, dict[str, dict[str, Any]]]]:
    """The session-count tables (``by_*`` groups counting flagged standards), whichever the core gives."""
    return [
        (k, v)
        for k, v in f.items()
        if k.startswith("by_")
        and isinstance(v, dict)
        and v
        and all(isinstance(c, dict) and "flagged_standards" in c for c in v.values())
    ]


def _chart(t: Text, chart: Any) -> None:
    """One of the core's charts: a row per category and series ("2024 uplifts"), its number beside
    its bar, all on one scale."""
    t.append(f"\n{chart.title[:76]}\n", style="bold")
    rows = chart_bars(chart, width=BAR_WIDTH)
    if not rows:
        t.append("  none\n", style="dim")
    for label, value, blocks in rows:
        t.append_text(plain(f"  {label[:30]:<30}"))
        t.append(f" {value:>6} {blocks}\n")


def figures_text(f: Mapping[str, Any]) -> Text:
    t = Text()
    t.append("Totals\n", style="bold")
    biggest = max((int(f.get(k, 0) or 0) for k, _ in TOTALS), default=0)
    for key, label in TOTALS:
        if key in f:
            t.append(f"  {label[:42]:<42} {f[key]:>6} ")
            t.append(bar(int(f[key]), biggest, 22))
            t.append("\n")
    for chart in charts(dict(f)):
        _chart(t, chart)
    for key, groups in _groups(f):
        name = TITLES.get(key, key[3:].replace("_", " "))
        _updown(t, name, groups)
        _discretion(t, name, groups)
    for key, title, mark in (
        ("never_considered", "✗ Never considered (signed off)", "✗"),
        ("not_yet_considered", "◐ Not yet considered (in progress)", "◐"),
    ):
        if f.get(key):
            t.append(f"\n{title}:\n", style="bold")
            for item in f[key]:
                t.append_text(plain(f"  {mark} {item}"[:78]))
                t.append("\n")
    return t


def _updown(t: Text, name: str, groups: dict[str, dict[str, Any]]) -> None:
    """Uplifts (▲) against lowerings (▼), one pair of bars per group."""
    biggest = max((max(int(c.get("uplifts", 0)), int(c.get("lowerings", 0))) for c in groups.values()), default=0)
    t.append(f"\nBy {name}: ▲ uplifts █ and ▼ lowerings ▒ (standing discretion)\n", style="bold")
    if not biggest:
        t.append("  none\n", style="dim")
        return
    for group, c in groups.items():
        _line(t, group, int(c.get("uplifts", 0)), biggest, "▲", "█")
        _line(t, "", int(c.get("lowerings", 0)), biggest, "▼", "▒")


def _discretion(t: Text, name: str, groups: dict[str, dict[str, Any]]) -> None:
    """Flagged standards per group, the part with discretion in █ and the rest in ░, with the rate."""
    biggest = max((int(c.get("flagged_standards", 0)) for c in groups.values()), default=0)
    t.append(f"By {name}: flagged standards, █ with discretion ░ without\n", style="bold")
    if not biggest:
        t.append("  none\n", style="dim")
        return
    for group, c in groups.items():
        flagged, with_d = int(c.get("flagged_standards", 0)), int(c.get("flagged_with_discretion", 0))
        rate = f"{round(100 * with_d / flagged):>3}%" if flagged else "  –"
        t.append_text(plain(f"  {group[:LABEL]:<{LABEL}}"))
        t.append(f" {with_d:>4}/{flagged:<4} {rate} ")
        whole = round(flagged / biggest * BAR_WIDTH) if flagged else 0
        filled = round(with_d / flagged * whole) if flagged else 0
        t.append("█" * filled)
        t.append("░" * (whole - filled), style="dim")
        t.append("\n")
