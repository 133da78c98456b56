"""Inspection frameworks as data: standards, bands, scores, overall thresholds, discretion triggers.

Every rule the engine applies comes from a framework file in ``panel_tui/frameworks``; the code
only knows how to read them. A framework is never edited in place: a changed one is a new id,
and decision logs record the SHA-256 of the file they were made under.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from panel_tui.core.errors import InputError
from panel_tui.core.tomlfile import decode_text, parse_toml

FRAMEWORK_DIR = Path(__file__).resolve().parent.parent / "frameworks"
NOT_RATED = "Not rated"


@dataclass(frozen=True)
class Band:
    name: str
    min_percent: Fraction
    score: int
    label: str


@dataclass(frozen=True)
class OverallBand:
    name: str
    min_score: int


@dataclass(frozen=True)
class Question:
    id: str
    text: str


@dataclass(frozen=True)
class Standard:
    id: str
    domain: str
    name: str
    kind: str  # "cases" or "judgement"
    counted: bool
    questions: tuple[Question, ...]

    @property
    def is_cases(self) -> bool:
        return self.kind == "cases"


@dataclass(frozen=True)
class Discretion:
    near_boundary_points: Fraction
    one_case: bool
    small_sample_cases: int
    steps: int
    # where a % is published without its base and one answer flips the band for only some of
    # the bases it allows: "note" (told in the evidence, no flag) or "flag" (a one-case flag)
    one_case_possible: str = "note"


OWNERS = ("inspectorate", "panel-tui")


@dataclass(frozen=True)
class RuleNote:
    """Whose a rule is: the inspectorate's (with its published source) or this tool's policy."""

    id: str
    owner: str  # "inspectorate" | "panel-tui"
    source: str = ""
    in_force: str = ""  # from when the sources show the rule applied ("" where they do not say)
    note: str = ""


@dataclass(frozen=True)
class Panel:
    """Who must be present for the panel's decisions to stand (this tool's policy, as data)."""

    quorum_members: int  # members present besides the chair
    timezone: str  # the meeting clock: entries are stored in UTC and shown in this zone


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    bands: tuple[Band, ...]  # lowest first
    overall: tuple[OverallBand, ...]  # lowest first
    discretion: Discretion
    panel: Panel
    domains: dict[str, str]
    standards: tuple[Standard, ...]
    sha256: str
    path: Path
    # domain id -> which published sample its cases come from ("court", "out_of_court")
    domain_samples: dict[str, str] = field(default_factory=dict)
    rules: tuple[RuleNote, ...] = ()

    def rule(self, rid: str) -> RuleNote | None:
        return next((r for r in self.rules if r.id == rid), None)

    @property
    def band_names(self) -> list[str]:
        return [b.name for b in self.bands]

    def standard(self, sid: str) -> Standard | None:
        return next((s for s in self.standards if s.id == sid), None)

    def band_index(self, name: str) -> int:
        """The index of a band by name; ValueError for a name that is not a band (as list.index)."""
        found = self._band_indexes.get(name)
        if found is None:
            raise ValueError(f"{name!r} is not a band of {self.id}")
        return found

    @cached_property
    def _band_indexes(self) -> dict[str, int]:
        return {b.name: i for i, b in enumerate(self.bands)}

    @cached_property
    def _band_mins(self) -> tuple[tuple[int, int], ...]:
        return tuple((b.min_percent.numerator, b.min_percent.denominator) for b in self.bands)

    def band_for(self, percent: Fraction) -> int:
        """Index of the band a % 'Yes' falls in, on the exact value (no rounding first).

        Compared as integer cross-products: exact like Fraction comparison, without its cost
        (the audit rates thousands of sessions).
        """
        return self.band_for_ratio(percent.numerator, percent.denominator)

    def band_for_ratio(self, n: int, d: int) -> int:
        """Band index of the percentage n/d (e.g. 100*yes / relevant), without building a Fraction."""
        idx = 0
        for i, (mn, md) in enumerate(self._band_mins):
            if n * md >= mn * d:
                idx = i
        return idx

    def band_for_float(self, percent: float) -> int:
        """Band index for an approximate figure (an interval end), not for rating."""
        idx = 0
        for i, low in enumerate(self._float_mins):
            if percent >= low:
                idx = i
        return idx

    @cached_property
    def _float_mins(self) -> tuple[float, ...]:
        return tuple(float(b.min_percent) for b in self.bands)

    @property
    def boundaries(self) -> list[Fraction]:
        return [b.min_percent for b in self.bands[1:]]

    @property
    def max_score(self) -> int:
        return sum(self.bands[-1].score for s in self.standards if s.counted)

    def overall_for(self, score: int) -> str:
        name = self.overall[0].name
        for ob in self.overall:
            if score >= ob.min_score:
                name = ob.name
        return name


def available() -> list[str]:
    """Ids of the bundled frameworks."""
    return sorted(p.stem for p in FRAMEWORK_DIR.glob("*.toml"))


def _req(table: dict[str, Any], key: str, typ: type | tuple[type, ...], path: Path, place: str) -> Any:
    if key not in table:
        raise InputError(path, place, f"missing key '{key}'.", f"add {key} to the framework file.")
    value = table[key]
    if not isinstance(value, typ) or isinstance(value, bool) and typ is not bool:
        raise InputError(path, place, f"'{key}' has the wrong type ({type(value).__name__}).")
    return value


def _one_of(value: object, allowed: tuple[str, ...], path: Path, place: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InputError(path, place, f"{value!r} is not one of: {', '.join(allowed)}.")
    return value


def _rule_notes(doc: dict[str, Any], path: Path) -> tuple[RuleNote, ...]:
    notes: list[RuleNote] = []
    for r in doc.get("rule", []):
        rid = _req(r, "id", str, path, "[[rule]]")
        place = f"rule {rid}"
        owner = _one_of(_req(r, "owner", str, path, place), OWNERS, path, place)
        extra = {k: r.get(k, "") for k in ("source", "in_force", "note")}
        if any(not isinstance(v, str) for v in extra.values()):
            raise InputError(path, place, "source, in_force and note must be strings.")
        if owner == "inspectorate" and not extra["source"]:
            raise InputError(path, place, "an inspectorate rule needs its source.", "cite the published document.")
        if any(n.id == rid for n in notes):
            raise InputError(path, place, f"rule {rid} is given twice.")
        notes.append(RuleNote(rid, owner, **extra))
    return tuple(notes)


def parse_framework(data: bytes, path: Path) -> Framework:
    """Build a Framework from file bytes, checking the structure the engine relies on."""
    doc = parse_toml(decode_text(data, path, "framework file"), path, "framework file")
    head = _req(doc, "framework", dict, path, "[framework]")
    bands = tuple(
        Band(
            _req(b, "name", str, path, "[[band]]"),
            Fraction(str(_req(b, "min_percent", (int, float), path, "[[band]]"))),
            _req(b, "score", int, path, "[[band]]"),
            b.get("label", ""),
        )
        for b in _req(doc, "band", list, path, "[[band]]")
    )
    if not bands or bands[0].min_percent != 0 or any(a.min_percent >= b.min_percent for a, b in zip(bands, bands[1:])):
        raise InputError(path, "[[band]]", "bands must start at 0% and rise strictly.")
    overall = tuple(
        OverallBand(_req(o, "name", str, path, "[[overall]]"), _req(o, "min_score", int, path, "[[overall]]"))
        for o in _req(doc, "overall", list, path, "[[overall]]")
    )
    disc = _req(doc, "discretion", dict, path, "[discretion]")
    discretion = Discretion(
        Fraction(str(_req(disc, "near_boundary_points", (int, float), path, "[discretion]"))),
        bool(disc.get("one_case", True)),
        _req(disc, "small_sample_cases", int, path, "[discretion]"),
        int(disc.get("steps", 1)),
        _one_of(disc.get("one_case_possible", "note"), ("note", "flag"), path, "[discretion] one_case_possible"),
    )
    panel_t = _req(doc, "panel", dict, path, "[panel]")
    panel = Panel(_req(panel_t, "quorum_members", int, path, "[panel]"), _req(panel_t, "timezone", str, path, "[panel]"))
    try:
        ZoneInfo(panel.timezone)
    except (ValueError, KeyError, OSError):
        raise InputError(path, "[panel]", f"timezone {panel.timezone!r} is not a known time zone.",
                         "use an IANA name such as Europe/London.") from None
    domains = {d["id"]: d["name"] for d in doc.get("domain", [])}
    domain_samples = {d["id"]: d["sample"] for d in doc.get("domain", []) if isinstance(d.get("sample"), str)}
    standards = []
    for s in _req(doc, "standard", list, path, "[[standard]]"):
        sid = _req(s, "id", str, path, "[[standard]]")
        place = f"standard {sid}"
        kind = _req(s, "kind", str, path, place)
        if kind not in ("cases", "judgement"):
            raise InputError(path, place, f"kind '{kind}' is not 'cases' or 'judgement'.")
        qs = tuple(Question(_req(q, "id", str, path, place), q.get("text", "")) for q in s.get("question", []))
        if kind == "cases" and not qs:
            raise InputError(path, place, "a case-based standard needs key questions.")
        standards.append(
            Standard(sid, str(s.get("domain", sid.split(".")[0])), _req(s, "name", str, path, place), kind,
                     bool(s.get("counted", True)), qs)
        )
    return Framework(
        id=_req(head, "id", str, path, "[framework]"),
        title=head.get("title", ""),
        bands=bands,
        overall=overall,
        discretion=discretion,
        panel=panel,
        domains=domains,
        standards=tuple(standards),
        sha256=hashlib.sha256(data).hexdigest(),
        path=path,
        domain_samples=domain_samples,
        rules=_rule_notes(doc, path),
    )


@lru_cache(maxsize=None)
def load_framework(framework_id: str) -> Framework:
    """Load a bundled framework by id; an unknown id names the ones that exist."""
    path = FRAMEWORK_DIR / f"{framework_id}.toml"
    if "/" in framework_id or "\\" in framework_id or not path.is_file():
        raise InputError(
            None, None, f"unknown framework '{framework_id}'.",
            f"use one of: {', '.join(available())}.",
        )
    fw = parse_framework(path.read_bytes(), path)
    if fw.id != framework_id:
        raise InputError(path, "[framework]", f"id '{fw.id}' does not match the file name.")
    return fw
