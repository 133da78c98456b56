"""``audit DIR --text``: the figures a quality lead reads first, as plain lines for a terminal or an
e-mail (totals, each year by meeting and by fieldwork, each chair, and the four charts as bars of
block characters). User text (chairs' names) is made visible, never interpreted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from panel_tui.core.audit.charts import chart_bars, charts
from panel_tui.core.display import visible


def _group_line(name: str, c: dict[str, Any]) -> str:
    rate = "–" if c["discretion_rate"] is None else f"{c['discretion_rate'] * 100:.0f}%"
    return (
        f"  {visible(name)}: {c['considered']} considered, {c['with_discretion']} with discretion ({rate}), "
        f"{c['uplifts']} up / {c['lowerings']} down, {c['outside_criteria']} outside criteria; "
        f"ratifications {c['ratifications']} ({c['ratifications_up']} up / {c['ratifications_down']} down); "
        f"{c['dissents']} dissents, {c['retractions']} retractions"
    )


def figure_lines(figs: dict[str, Any], width: int = 30) -> Iterator[str]:
    yield (
        f"{figs['sessions']} sessions, {figs['sessions_signed_off']} signed off, "
        f"{figs['sessions_unreadable_or_broken']} not counted (unreadable, or a log or history that does not verify)"
    )
    yield (
        f"flagged standards {figs['flagged_standards']}: {figs['flagged_with_discretion']} with discretion, "
        f"{figs['flagged_declined']} declined, {figs['flagged_never_considered']} never considered, "
        f"{figs['flagged_pending']} pending; uplifts {figs['uplifts']}, lowerings {figs['lowerings']}"
    )
    for title, key in (
        ("By meeting year", "decisions_by_meeting_year"),
        ("By fieldwork year", "decisions_by_fieldwork_year"),
    ):
        yield ""
        yield title
        yield from (_group_line(y, c) for y, c in figs.get(key, {}).items())
    yield ""
    yield "By chair (the chair of the meeting when each entry was recorded)"
    for name, c in figs.get("by_chair", {}).items():
        yield _group_line(name, c) + f"; {c['sessions']} sessions"
    for chart in charts(figs):
        yield ""
        yield chart.title
        rows = chart_bars(chart, width)
        label_w = max((len(visible(label)) for label, _, _ in rows), default=0)
        value_w = max((len(v) for _, v, _ in rows), default=0)
        yield from (f"  {visible(label):<{label_w}} {v:>{value_w}} {bar}" for label, v, bar in rows)
        if not rows:
            yield "  nothing to count yet"
