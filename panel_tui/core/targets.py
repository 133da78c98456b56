"""Where discretion may take a standard: the direction of a change, the flags' leaning, the bands
within the framework's step limit.

What the entry forms offer and the log's rules check; apart from the flags, which say *whether*
the panel must consider discretion, because these say *where to*.
"""

from __future__ import annotations

from dataclasses import dataclass

from panel_tui.core.framework import Framework
from panel_tui.core.results import LOWERING, UPLIFT, StandardResult


def direction(fw: Framework, frm: str, to: str) -> str:
    """'uplift', 'lowering' or 'none' for a change of band from ``frm`` to ``to``."""
    step = fw.band_index(to) - fw.band_index(frm)
    return UPLIFT if step > 0 else (LOWERING if step < 0 else "none")


def leaning(s: StandardResult) -> str | None:
    """The direction a standard's flags point to most (UPLIFT or LOWERING); None when they do not
    lean either way (a flag for both directions, such as a small sample, counts for neither). A
    form offering a one-step move starts on this side, so a chair never records an uplift by default
    on a standard flagged for lowering."""
    votes = {UPLIFT: 0, LOWERING: 0}
    for f in s.flags:
        if len(f.directions) == 1 and f.directions[0] in votes:
            votes[f.directions[0]] += 1
    if votes[UPLIFT] == votes[LOWERING]:
        return None
    return UPLIFT if votes[UPLIFT] > votes[LOWERING] else LOWERING


@dataclass(frozen=True)
class Target:
    """A band discretion may move a standard to, and whether any flag supports that direction."""

    band: str
    direction: str
    supported: bool


def discretion_targets(fw: Framework, s: StandardResult) -> list[Target]:
    """Bands within the framework's step limit of the computed band, up first."""
    if s.kind != "cases" or s.not_rated or s.awaiting:
        return []
    b = fw.band_index(s.computed)
    out = []
    for step in range(fw.discretion.steps, 0, -1):
        if b + step < len(fw.bands):
            out.append(Target(fw.bands[b + step].name, UPLIFT, UPLIFT in s.directions))
    for step in range(1, fw.discretion.steps + 1):
        if b - step >= 0:
            out.append(Target(fw.bands[b - step].name, LOWERING, LOWERING in s.directions))
    return out
