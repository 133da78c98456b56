"""What a validated inspection file is: the dataclasses the parser builds and the engine rates.

Kept apart from the parsing (``inspection``) and the value checks (``inspection_fields``) so the
data a rating is made from reads on its own, without the validation around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from panel_tui.core.framework import Framework


@dataclass(frozen=True)
class QuestionData:
    """One key question's finding. ``percent`` is exact: yes/relevant, or the published figure."""

    id: str
    percent: Fraction
    relevant: int | None
    yes: int | None

    @property
    def has_counts(self) -> bool:
        return self.relevant is not None and self.yes is not None


@dataclass(frozen=True)
class StandardData:
    id: str
    proposed: str | None = None
    not_rated: str | None = None
    questions: tuple[QuestionData, ...] = ()
    not_applicable: tuple[str, ...] = ()  # questions with relevant = 0
    awaiting: tuple[str, ...] = ()  # key questions whose figures are not in yet (id only in the file)
    # the lead inspector's case for a judgement standard's proposed band (issue 24): why, and on what
    rationale: str | None = None
    evidence: str | None = None

    @property
    def awaiting_proposal(self) -> bool:
        """A judgement standard the lead inspector has not yet proposed a band for."""
        return self.not_rated is None and not self.questions and not self.awaiting and self.proposed is None


@dataclass
class Inspection:
    path: Path
    sha256: str
    service: str
    framework: Framework
    fieldwork: str
    published: str | None
    lead_inspector: str | None
    source: str | None
    standards: dict[str, StandardData] = field(default_factory=dict)
    samples: dict[str, int] = field(default_factory=dict)  # cases inspected per sample ("court": 13), as published
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # derived results (the engine's)

    @property
    def session_dir(self) -> Path:
        return self.path.parent

    def missing(self) -> list[str]:
        """What is still to come before the inspection can be rated in full, in framework order.
        Worked out once (like the engine's results in ``cache``): every log entry checks it."""
        found: list[str] | None = self.cache.get("missing")
        if found is None:
            found = self.cache["missing"] = []
            for sid, sd in self.standards.items():
                if sd.awaiting:
                    found.append(f"{sid}: awaiting figures for {', '.join(sd.awaiting)}")
                elif sd.awaiting_proposal:
                    found.append(f"{sid}: awaiting the lead inspector's proposal")
        return list(found)
