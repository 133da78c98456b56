"""The quality lead's annual questions, counted from the rows as each session is read (the rows
themselves may be written out and let go): decisions by meeting year and by fieldwork year, by the
meeting's chair, and by chair and meeting year.

Also by standard and meeting year (a retraction or dissent under its entry's standard), so the
map of discretion by standard across the years is one lookup. For each group (``YEAR_KEYS``):
standing discretion and declined entries on flagged standards
(``considered``, ``with_discretion``, ``declined`` and ``discretion_rate`` = with discretion /
considered), standing discretion by direction (``uplifts``, ``lowerings``), standing ratifications
and those that moved the lead inspector's proposed band (``ratifications_up``/``_down``), standing
dissents and every retraction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from panel_tui.core.audit.names import Canonical, Names
from panel_tui.core.audit.rows import Row
from panel_tui.core.log.entries import DECLINED, DISCRETION, DISSENT, RATIFICATION, RETRACTION

YEAR_KEYS = (
    "considered",
    "with_discretion",
    "declined",
    "discretion_rate",
    "uplifts",
    "lowerings",
    "outside_criteria",
    "ratifications",
    "ratifications_up",
    "ratifications_down",
    "dissents",
    "retractions",
)
_COUNTED = tuple(k for k in YEAR_KEYS if k != "discretion_rate")
UNKNOWN = "unknown"  # a row with no meeting date
NO_CHAIR = ""  # the key of rows made before any attendance: no name has it (every name has visible text)
NO_CHAIR_SHOWN = "(no chair: before any attendance)"


def _increments(d: Row) -> tuple[str, ...]:
    """The counts one row adds to each group it belongs to."""
    kind, stands = d["kind"], d["status"] == "stands"
    if kind == RETRACTION:
        return ("retractions",)
    if not stands:
        return ()
    if kind == DISSENT:
        return ("dissents",)
    if kind == RATIFICATION:
        moved = {"uplift": "ratifications_up", "lowering": "ratifications_down"}.get(d["direction"] or "")
        return ("ratifications", moved) if moved else ("ratifications",)
    out: list[str] = []
    if kind in (DISCRETION, DECLINED) and d["flags"]:
        out += ["considered", "with_discretion" if kind == DISCRETION else "declined"]
    if kind == DISCRETION:
        if d["direction"] in ("uplift", "lowering"):
            out.append("uplifts" if d["direction"] == "uplift" else "lowerings")
        if d["outside_criteria"]:
            out.append("outside_criteria")
    return tuple(out)


def _finish(counts: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in YEAR_KEYS:
        if k == "discretion_rate":
            out[k] = round(counts["with_discretion"] / counts["considered"], 4) if counts["considered"] else None
        else:
            out[k] = counts[k]
    return out


class Breakdown:
    """Counts by meeting year, fieldwork year, chair, and chair and meeting year."""

    def __init__(self, canonical: Canonical | None = None) -> None:
        self.names = Names(canonical)
        self.meeting: dict[str, dict[str, int]] = {}
        self.fieldwork: dict[str, dict[str, int]] = {}
        self.chair: dict[str, dict[str, int]] = {}
        self.chair_year: dict[tuple[str, str], dict[str, int]] = {}
        self.chair_sessions: dict[str, set[str]] = {}
        self.standard_year: dict[tuple[str, str], dict[str, int]] = {}
        self.percent_bins: dict[int, dict[str, int]] = {}  # 5-point bin's lower edge -> uplifts/lowerings/kept

    @staticmethod
    def _bump(groups: dict[Any, dict[str, int]], key: Any, adds: Iterable[str]) -> None:
        counts = groups.get(key)
        if counts is None:
            counts = groups[key] = dict.fromkeys(_COUNTED, 0)
        for k in adds:
            counts[k] += 1

    def add(self, rows: Iterable[Row]) -> None:
        """One session's rows (only from a log that verifies)."""
        for d in rows:
            chair = self.names.key(d["chair"]) if d["chair"] else NO_CHAIR  # every row's spelling counts
            adds = _increments(d)
            if not adds:
                continue
            year = d["meeting_year"] or UNKNOWN
            self._bump(self.meeting, year, adds)
            self._bump(self.fieldwork, d["year"] or UNKNOWN, adds)
            self._bump(self.chair, chair, adds)
            self._bump(self.chair_year, (chair, year), adds)
            self.chair_sessions.setdefault(chair, set()).add(d["session"])
            if d["standard"]:
                self._bump(self.standard_year, (str(d["standard"]), year), adds)
            word = (
                "uplifts"
                if "uplifts" in adds
                else "lowerings"
                if "lowerings" in adds
                else "kept"
                if "declined" in adds
                else None
            )
            if word and isinstance(d["lowest_percent"], (int, float)):
                edge = min(95, int(d["lowest_percent"] // 5 * 5))
                counts = self.percent_bins.setdefault(edge, {"uplifts": 0, "lowerings": 0, "kept": 0})
                counts[word] += 1

    def figures(self) -> dict[str, Any]:
        """``decisions_by_meeting_year``, ``decisions_by_fieldwork_year`` and ``by_chair`` (each chair
        shown by the spelling used most, with every spelling met, its sessions and its years)."""
        by_chair: dict[str, Any] = {}
        for key in sorted(self.chair, key=lambda k: (k == NO_CHAIR, self.names.shown(k).casefold())):
            shown = NO_CHAIR_SHOWN if key == NO_CHAIR else self.names.shown(key)
            years = {y: _finish(c) for (k, y), c in sorted(self.chair_year.items()) if k == key}
            by_chair[shown] = {
                "spellings": [] if key == NO_CHAIR else self.names.spellings(key),
                "sessions": len(self.chair_sessions.get(key, ())),
                **_finish(self.chair[key]),
                "by_meeting_year": years,
            }
        by_standard: dict[str, dict[str, Any]] = {}
        for (sid, year), c in sorted(self.standard_year.items(), key=lambda kv: (_id_order(kv[0][0]), kv[0][1])):
            by_standard.setdefault(sid, {})[year] = _finish(c)
        return {
            "decisions_by_meeting_year": {y: _finish(c) for y, c in sorted(self.meeting.items())},
            "decisions_by_fieldwork_year": {y: _finish(c) for y, c in sorted(self.fieldwork.items())},
            "by_chair": by_chair,
            "decisions_by_standard_and_meeting_year": by_standard,
            "decisions_by_lowest_percent": {f"{e}-{e + 5}": c for e, c in sorted(self.percent_bins.items())},
        }


def _id_order(sid: str) -> tuple[tuple[int, Any], ...]:
    """ "2.10" after "2.9": numeric parts as numbers, any other part as text after them."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in sid.split("."))
