"""Inspection frameworks as data: standards, bands, scores, overall thresholds, discretion triggers.

Every rule the engine applies comes from a framework file; the code only knows how to read them.
Frameworks are found where the inspectorate keeps them: a ``frameworks/`` folder in the session's
folder or any folder above it (the shared repository), then the ones bundled in
``panel_tui/frameworks``. An id is unique across all of them: two files giving one id are refused,
naming both. A framework is never edited in place: a changed one is a new id, and decision logs
record the SHA-256 of the file they were made under.

A framework file from a folder is hostile input like any other: every key, type and rule is
checked (``framework_problems`` lists each problem; loading refuses the first with file, place and
fix), and nothing in it can make the reader fail another way. When a framework applied (its dates
in force) is written in its own ``[framework.in_force]`` table or, for files whose bytes are pinned
by decision logs (the bundled ones), in ``in_force.toml`` beside them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from panel_tui.core.display import has_visible_text, one_line, shown
from panel_tui.core.errors import InputError
from panel_tui.core.tomlfile import decode_text, line_of, parse_toml, read_bytes

FRAMEWORK_DIR = Path(__file__).resolve().parent.parent / "frameworks"
FOLDER_NAME = "frameworks"  # the folder an inspectorate keeps its frameworks in, at any level above a session
IN_FORCE_FILE = "in_force.toml"  # dates in force for the frameworks of the folder it is in (not a framework)
NOT_RATED = "Not rated"
MAX_FRAMEWORK_BYTES = 1024 * 1024  # a framework is a few kilobytes; bigger is not one

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # a framework id (and its file name's stem)
ITEM_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")  # a domain, standard or key question id
SAMPLE_ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")  # a sample's id: a key of [inspection] sample
MAX_NAME = 200
MAX_TEXT = 2000
MAX_ITEMS = 500  # bands, standards, key questions of one standard, rules: far above any framework


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
    # the sample this key question's cases come from: its own, else its standard's, else its domain's
    # (None for a judgement standard's key questions, which are never counted)
    sample: str | None = None


@dataclass(frozen=True)
class Standard:
    id: str
    domain: str
    name: str
    kind: str  # "cases" or "judgement"
    counted: bool
    questions: tuple[Question, ...]
    sample: str | None = None  # the standard's sample: its own, else its domain's (cases only)

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
class InForce:
    """When a framework applied: from the first day to the last (both included; None = open)."""

    start: dt.date | None
    until: dt.date | None
    source: str = ""
    note: str = ""
    file: Path | None = None  # where the dates are written

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or day >= self.start) and (self.until is None or day <= self.until)

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """In force on some day from ``first`` to ``last`` (a fieldwork month)."""
        return (self.start is None or last >= self.start) and (self.until is None or first <= self.until)

    @property
    def text(self) -> str:
        if self.start and self.until:
            return f"{self.start.isoformat()} to {self.until.isoformat()}"
        if self.start:
            return f"from {self.start.isoformat()}"
        return f"until {self.until.isoformat()}" if self.until else "no dates given"


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
    samples: dict[str, str] = field(default_factory=dict)  # sample id -> its name ("victims": "Victims' cases")
    in_force: InForce | None = None
    origin: str = "bundled"  # "bundled" (panel_tui/frameworks) or "folder" (a frameworks/ folder)

    def rule(self, rid: str) -> RuleNote | None:
        return next((r for r in self.rules if r.id == rid), None)

    @property
    def band_names(self) -> list[str]:
        return [b.name for b in self.bands]

    def standard(self, sid: str) -> Standard | None:
        return next((s for s in self.standards if s.id == sid), None)

    @property
    def sample_names(self) -> list[str]:
        """The samples an inspection may give the size of (``[inspection] sample`` keys)."""
        return sorted(self.samples)

    def sample_of(self, sid: str, qid: str | None = None) -> str | None:
        """The sample a case-based standard's key question (or the standard) draws its cases from."""
        return self._drawn_on.get((sid, qid)) if qid is not None and (sid, qid) in self._drawn_on \
            else self._drawn_on.get((sid, None))

    @cached_property
    def _drawn_on(self) -> dict[tuple[str, str | None], str | None]:
        out: dict[tuple[str, str | None], str | None] = {}
        for s in self.standards:
            if s.is_cases:
                out[(s.id, None)] = s.sample
                out.update({(s.id, q.id): q.sample for q in s.questions})
        return out

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


# --- reading one file: every problem found, none of them a crash ---------------------------------

_TOP_KEYS = ("framework", "band", "overall", "discretion", "panel", "sample", "domain", "standard", "rule")
_KEYS = {
    "framework": ("id", "title", "in_force"),
    "in_force": ("from", "until", "source", "note"),
    "band": ("name", "min_percent", "score", "label"),
    "overall": ("name", "min_score"),
    "discretion": ("near_boundary_points", "one_case", "small_sample_cases", "steps", "one_case_possible"),
    "panel": ("quorum_members", "timezone"),
    "sample": ("id", "name"),
    "domain": ("id", "name", "sample"),
    "standard": ("id", "domain", "name", "kind", "counted", "sample", "question"),
    "question": ("id", "text", "sample"),
    "rule": ("id", "owner", "source", "in_force", "note"),
}
_MISSING = object()


class _Absent(dict):  # type: ignore[type-arg]
    """A required table that is missing (already a problem): its keys are not reported again."""


class _Reader:
    """Checks a parsed framework document, collecting every problem with its place and fix."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text
        self.problems: list[InputError] = []

    def problem(self, place: str, text: str, fix: str | None = None) -> None:
        self.problems.append(InputError(self.path, place, text, fix))

    def at(self, key: str, value: str, label: str) -> str:
        """A place named by an id or name, with its line when it can be found."""
        line = line_of(self.text, key, value) if self.text else None
        return (f"line {line}, " if line else "") + label

    def keys(self, table: dict[str, Any], allowed: tuple[str, ...], place: str) -> None:
        for key in table:
            if key not in allowed:
                self.problem(place, f"unknown key '{one_line(str(key), 40)}'.", f"use only: {', '.join(allowed)}.")

    def table(self, doc: dict[str, Any], key: str, place: str, required: bool = True) -> dict[str, Any] | None:
        value = doc.get(key, _MISSING)
        if value is _MISSING:
            if required:
                self.problem(place, f"missing table {place}.", f"add {place} to the framework file (docs/frameworks.md).")
            return None
        if not isinstance(value, dict):
            self.problem(place, f"'{key}' must be a table ({place}), not {_kind(value)}.")
            return None
        return value

    def tables(self, doc: dict[str, Any], key: str, required: bool = True) -> list[dict[str, Any]]:
        place = f"[[{key}]]"
        value = doc.get(key, _MISSING)
        if value is _MISSING:
            if required:
                self.problem(place, f"no {place} tables.", f"add at least one {place} (docs/frameworks.md).")
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(place, f"'{key}' must be an array of tables ({place}).", f"write each one as a {place} table.")
            return []
        if len(value) > MAX_ITEMS:
            self.problem(place, f"{len(value)} {place} tables, over the {MAX_ITEMS} limit.")
            return []
        return value

    def get(self, table: dict[str, Any], key: str, kind: str, place: str, *, required: bool = True,
            default: Any = None, low: float | None = None, high: float | None = None) -> Any:
        """One value of the kind expected (None, after noting the problem, when it is not)."""
        if key not in table:
            if required and not isinstance(table, _Absent):
                self.problem(place, f"missing key '{key}'.", f"add {key} = {_KEY_EXAMPLE.get(key, _EXAMPLE[kind])}.")
            return default
        v = table[key]
        ok = {
            "id": isinstance(v, str) and bool(ITEM_ID_RE.fullmatch(v)),
            "sample": isinstance(v, str) and bool(SAMPLE_ID_RE.fullmatch(v)),
            "name": isinstance(v, str) and has_visible_text(v) and len(v) <= MAX_NAME and _plain(v),
            "text": isinstance(v, str) and len(v) <= MAX_TEXT and _plain(v),
            "int": isinstance(v, int) and not isinstance(v, bool),
            "number": isinstance(v, (int, float)) and not isinstance(v, bool),
            "bool": isinstance(v, bool),
            "date": isinstance(v, dt.date) and not isinstance(v, dt.datetime),
        }[kind]
        if not ok:
            self.problem(place, f"'{key}' is {shown(v)}: it must be {_WORDS[kind]}.",
                         f"write {key} = {_KEY_EXAMPLE.get(key, _EXAMPLE[kind])}.")
            return default
        if (low is not None and v < low) or (high is not None and v > high):
            span = f"from {_num(low)} to {_num(high)}" if high is not None else f"{_num(low)} or more"
            self.problem(place, f"'{key}' is {v}: it must be {span}.")
            return default
        return v


_WORDS = {
    "id": "letters, digits, '.', '-' or '_' (starting with a letter or digit, at most 40)",
    "sample": "a sample id: letters, digits, '_' or '-', starting with a letter (it is a key of [inspection] sample)",
    "name": f"visible text on one line, at most {MAX_NAME} characters",
    "text": f"text without control characters, at most {MAX_TEXT} characters",
    "int": "a whole number", "number": "a number", "bool": "true or false",
    "date": "a date such as 2021-10-13 (no quotes)",
}
_KEY_EXAMPLE = {"title": '"Youth justice standards, 2026 revision"', "timezone": '"Europe/London"',
                "min_percent": "50", "score": "1", "min_score": "7", "near_boundary_points": "5",
                "small_sample_cases": "5", "steps": "1", "quorum_members": "2", "label": '"Too few: 50-64%"',
                "text": '"Planning concentrates on the child\'s safety"', "note": '"..."', "source": '"..."'}
_EXAMPLE = {"id": '"2.1"', "sample": '"court"', "name": '"Assessment"', "text": '"..."', "int": "2", "number": "50",
            "bool": "true", "date": "2021-10-13"}


def _plain(text: str) -> bool:
    """No control characters (a tab aside): framework text is shown in terminals and written in comments."""
    return not any((ord(c) < 32 and c != "\t") or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in text)


def _kind(value: object) -> str:
    return {dict: "a table", list: "an array", str: "text", bool: "true or false"}.get(type(value), type(value).__name__)


def _num(x: float | None) -> str:
    return f"{x:g}" if x is not None else ""


def _read_in_force(r: _Reader, t: dict[str, Any], place: str, file: Path) -> InForce | None:
    r.keys(t, _KEYS["in_force"], place)
    start = r.get(t, "from", "date", place, required=False)
    until = r.get(t, "until", "date", place, required=False)
    source = r.get(t, "source", "text", place, required=False, default="")
    note = r.get(t, "note", "text", place, required=False, default="")
    if start is None and until is None and "from" not in t and "until" not in t:
        r.problem(place, "gives neither 'from' nor 'until'.", "add from = 2021-10-13 (and until = ..., when it ended).")
        return None
    if start is not None and until is not None and until < start:
        r.problem(place, f"'until' ({until.isoformat()}) is before 'from' ({start.isoformat()}).", "swap or correct them.")
        return None
    return InForce(start, until, source, note, file)


def _read(doc: dict[str, Any], r: _Reader, sidecar: tuple[dict[str, Any], Path] | None) -> dict[str, Any]:
    """Check every part of a framework document; return the parts that read well, for building."""
    out: dict[str, Any] = {}
    r.keys(doc, _TOP_KEYS, "top level")
    head = r.table(doc, "framework", "[framework]") or _Absent()
    r.keys(head, _KEYS["framework"], "[framework]")
    fid = head.get("id", _MISSING)
    out["id"] = None
    if fid is _MISSING:
        if not isinstance(head, _Absent):
            r.problem("[framework]", "missing key 'id'.", 'add id = "<the file\'s name without .toml>".')
    elif not isinstance(fid, str) or not ID_RE.fullmatch(fid):
        r.problem("[framework]", f"id {shown(fid)} is not a framework id.",
                  "use letters, digits, '.', '-' or '_' (e.g. hmip-yjs-2021), the file's name without .toml.")
    else:
        out["id"] = fid
    out["title"] = r.get(head, "title", "name", "[framework]", default="")
    in_force = None
    if "in_force" in head:
        t = head["in_force"]
        if not isinstance(t, dict):
            r.problem("[framework] in_force", "must be a table such as { from = 2021-10-13, until = 2025-03-31 }.")
        else:
            in_force = _read_in_force(r, t, "[framework.in_force]", r.path)
    if sidecar is not None:
        t, side_path = sidecar
        if in_force is not None:
            r.problem("[framework.in_force]", f"the dates in force are also given in {side_path}.",
                      "give them in one place only.")
        else:
            side = _Reader(side_path, "")
            in_force = _read_in_force(side, t, f"[{out['id']}]", side_path)
            r.problems += side.problems
    out["in_force"] = in_force

    bands: list[Band] = []
    for i, b in enumerate(r.tables(doc, "band"), 1):
        place = f"[[band]] {i}"
        r.keys(b, _KEYS["band"], place)
        name = r.get(b, "name", "name", place)
        low = r.get(b, "min_percent", "number", place, low=0, high=100)
        score = r.get(b, "score", "int", place, low=0, high=1000)
        label = r.get(b, "label", "text", place, required=False, default="")
        if name is not None and low is not None and score is not None:
            bands.append(Band(name, Fraction(str(low)), score, label))
    if bands and len(bands) == len(doc.get("band", [])):
        if bands[0].min_percent != 0:
            r.problem("[[band]] 1", f"the lowest band starts at {pct(bands[0].min_percent)}%, not 0.",
                      "list the bands lowest first, the first with min_percent = 0.")
        for a, b2 in zip(bands, bands[1:]):
            if b2.min_percent <= a.min_percent:
                r.problem(r.at("name", b2.name, f"[[band]] {b2.name}"), f"min_percent {pct(b2.min_percent)} does not "
                          f"rise above {a.name}'s {pct(a.min_percent)}.", "list the bands lowest first, each starting higher.")
            if b2.score < a.score:
                r.problem(r.at("name", b2.name, f"[[band]] {b2.name}"), f"score {b2.score} is below {a.name}'s {a.score}.",
                          "a higher band scores at least as much as a lower one.")
        _duplicates(r, [b.name for b in bands], "band", "name")
        if len(bands) < 2:
            r.problem("[[band]]", "a framework needs at least two bands.")
    out["bands"] = bands

    overall: list[OverallBand] = []
    for i, o in enumerate(r.tables(doc, "overall"), 1):
        place = f"[[overall]] {i}"
        r.keys(o, _KEYS["overall"], place)
        name = r.get(o, "name", "name", place)
        low = r.get(o, "min_score", "int", place, low=0, high=1_000_000)
        if name is not None and low is not None:
            overall.append(OverallBand(name, low))
    if overall and len(overall) == len(doc.get("overall", [])):
        if overall[0].min_score != 0:
            r.problem("[[overall]] 1", f"the lowest overall rating starts at {overall[0].min_score}, not 0.",
                      "list the overall ratings lowest first, the first with min_score = 0.")
        for a2, b3 in zip(overall, overall[1:]):
            if b3.min_score <= a2.min_score:
                r.problem(r.at("name", b3.name, f"[[overall]] {b3.name}"), f"min_score {b3.min_score} does not rise above "
                          f"{a2.name}'s {a2.min_score}.", "list the overall ratings lowest first, each starting higher.")
        _duplicates(r, [o.name for o in overall], "overall", "name")
    out["overall"] = overall

    disc = r.table(doc, "discretion", "[discretion]") or _Absent()
    r.keys(disc, _KEYS["discretion"], "[discretion]")
    near = r.get(disc, "near_boundary_points", "number", "[discretion]", low=0, high=100)
    one_case = r.get(disc, "one_case", "bool", "[discretion]", required=False, default=True)
    small = r.get(disc, "small_sample_cases", "int", "[discretion]", low=0, high=100_000)
    steps = r.get(disc, "steps", "int", "[discretion]", required=False, default=1, low=1, high=max(1, len(bands) - 1))
    possible = disc.get("one_case_possible", "note")
    if possible not in ("note", "flag"):
        r.problem("[discretion] one_case_possible", f"{shown(possible)} is not one of: note, flag.")
        possible = "note"
    out["discretion"] = None if near is None or small is None or not disc else \
        Discretion(Fraction(str(near)), one_case, small, steps, possible)

    panel_t = r.table(doc, "panel", "[panel]") or _Absent()
    r.keys(panel_t, _KEYS["panel"], "[panel]")
    quorum = r.get(panel_t, "quorum_members", "int", "[panel]", low=0, high=100)
    zone = r.get(panel_t, "timezone", "name", "[panel]")
    if isinstance(zone, str):
        try:
            ZoneInfo(zone)
        except (ValueError, KeyError, OSError):
            r.problem("[panel]", f"timezone {shown(zone)} is not a known time zone.",
                      "use an IANA name such as Europe/London.")
            zone = None
    out["panel"] = None if quorum is None or zone is None else Panel(quorum, zone)

    declared: dict[str, str] = {}
    for i, s in enumerate(r.tables(doc, "sample", required=False), 1):
        place = f"[[sample]] {i}"
        r.keys(s, _KEYS["sample"], place)
        sid = r.get(s, "id", "sample", place)
        name = r.get(s, "name", "name", place)
        if sid is not None and name is not None:
            if sid in declared:
                r.problem(r.at("id", sid, f"[[sample]] {sid}"), f"sample {sid} is declared twice.", "declare each once.")
            declared[sid] = name

    domains: dict[str, str] = {}
    domain_samples: dict[str, str] = {}
    for i, d in enumerate(r.tables(doc, "domain", required=False), 1):
        place = f"[[domain]] {i}"
        r.keys(d, _KEYS["domain"], place)
        did = r.get(d, "id", "id", place)
        name = r.get(d, "name", "name", place)
        sample = r.get(d, "sample", "sample", place, required=False)
        if did is None:
            continue
        if did in domains:
            r.problem(r.at("id", did, f"domain {did}"), f"domain {did} is given twice.", "give each domain once.")
        domains[did] = name or ""
        if sample is not None:
            domain_samples[did] = sample

    standards: list[Standard] = []
    used_samples: dict[str, list[str]] = {}
    qids: dict[str, str] = {}  # key question id -> its standard (ids are unique across the framework)
    sids: set[str] = set()
    for i, s in enumerate(r.tables(doc, "standard"), 1):
        sid = s.get("id")
        place = r.at("id", sid, f"standard {sid}") if isinstance(sid, str) and ITEM_ID_RE.fullmatch(sid) \
            else f"[[standard]] {i}"
        r.keys(s, _KEYS["standard"], place)
        sid = r.get(s, "id", "id", place)
        name = r.get(s, "name", "name", place)
        kind = s.get("kind", _MISSING)
        if kind is _MISSING:
            r.problem(place, "missing key 'kind'.", 'add kind = "cases" or kind = "judgement".')
        elif kind not in ("cases", "judgement"):
            r.problem(place, f"kind {shown(kind)} is not 'cases' or 'judgement'.")
        counted = r.get(s, "counted", "bool", place, required=False, default=True)
        domain = r.get(s, "domain", "id", place, required=False)
        if domain is None and sid is not None and "domain" not in s:
            domain = sid.split(".")[0]
        if domain is not None and domains and domain not in domains:
            r.problem(place, f"domain {shown(domain)} is not a [[domain]] of this framework.",
                      f"use one of: {', '.join(domains)} (or add the [[domain]]).")
        own_sample = r.get(s, "sample", "sample", place, required=False)
        if own_sample is not None and kind == "judgement":
            r.problem(place, "a judgement standard draws on no sample.", "remove its sample, or make it kind = \"cases\".")
        std_sample = own_sample or (domain_samples.get(domain) if domain is not None else None)
        raw_qs = s.get("question", [])
        qs: list[Question] = []
        if not isinstance(raw_qs, list) or not all(isinstance(q, dict) for q in raw_qs):
            r.problem(place, "'question' must be an array of tables such as [{ id = \"2.1.1\", text = \"...\" }].")
            raw_qs = []
        elif len(raw_qs) > MAX_ITEMS:
            r.problem(place, f"{len(raw_qs)} key questions, over the {MAX_ITEMS} limit.")
            raw_qs = []
        for q in raw_qs:
            qid_raw = q.get("id")
            qplace = (f"{place}, question {qid_raw}" if isinstance(qid_raw, str) and ITEM_ID_RE.fullmatch(qid_raw)
                      else f"{place}, a question")
            r.keys(q, _KEYS["question"], qplace)
            qid = r.get(q, "id", "id", qplace)
            text = r.get(q, "text", "text", qplace, required=False, default="")
            q_sample = r.get(q, "sample", "sample", qplace, required=False)
            if q_sample is not None and kind == "judgement":
                r.problem(qplace, "a judgement standard's key question draws on no sample.", "remove its sample.")
            if qid is None:
                continue
            if qid in qids:
                r.problem(qplace, f"key question {qid} is also in standard {qids[qid]}.",
                          "key question ids are unique across the framework (import-cases names them alone).")
            qids[qid] = sid or "?"
            sample = (q_sample or std_sample) if kind == "cases" else None
            if sample is not None and sid is not None:
                used_samples.setdefault(sample, []).append(sid)
            qs.append(Question(qid, text, sample))
        if kind == "cases" and not raw_qs:
            r.problem(place, "a case-based standard needs key questions.",
                      'add question = [{ id = "...", text = "..." }, ...].')
        if sid is not None:
            if sid in sids:
                r.problem(place, f"standard {sid} is given twice.", "give each standard once.")
            sids.add(sid)
        if sid is not None and name is not None and kind in ("cases", "judgement") and domain is not None:
            standards.append(Standard(sid, domain, name, str(kind), counted, tuple(qs),
                                      std_sample if kind == "cases" else None))
    if standards and not any(s.counted for s in standards):
        r.problem("[[standard]]", "no standard is counted towards the overall rating.",
                  "set counted = true on the standards the overall rating is over.")
    clashes = sids & set(qids)
    for x in sorted(clashes):
        r.problem(f"standard {x}", f"{x} is both a standard's and a key question's id.", "give them different ids.")

    # samples: every one named must be declared (when any are), and every one must be drawn on
    for name, whom in sorted(used_samples.items()):
        if declared and name not in declared:
            r.problem(f"standard {whom[0]}", f"sample {name} is not a declared [[sample]].",
                      f"declare it, or use one of: {', '.join(declared)}.")
    for sid_ in sorted(set(declared) | set(domain_samples.values())):
        if sid_ not in used_samples:
            r.problem(r.at("id", sid_, f"[[sample]] {sid_}") if sid_ in declared else f"[[domain]] sample {sid_}",
                      f"sample {sid_} is drawn on by no case-based standard.",
                      "remove it, or name it on the standards (or key questions) whose cases come from it.")
    out["samples"] = {s_: declared.get(s_, s_) for s_ in sorted(set(declared) | set(used_samples))}
    out["domains"], out["domain_samples"], out["standards"] = domains, domain_samples, standards

    max_score = sum(bands[-1].score for s in standards if s.counted) if bands else 0
    if overall and standards and bands and overall[-1].min_score > max_score:
        r.problem(r.at("name", overall[-1].name, f"[[overall]] {overall[-1].name}"),
                  f"min_score {overall[-1].min_score} can never be reached: the counted standards score at most "
                  f"{max_score}.", "lower it, or count more standards.")

    notes: list[RuleNote] = []
    for i, rule in enumerate(r.tables(doc, "rule", required=False), 1):
        rid = rule.get("id")
        place = f"rule {rid}" if isinstance(rid, str) and ITEM_ID_RE.fullmatch(rid) else f"[[rule]] {i}"
        r.keys(rule, _KEYS["rule"], place)
        rid = r.get(rule, "id", "id", place)
        owner = rule.get("owner", _MISSING)
        if owner is _MISSING:
            r.problem(place, "missing key 'owner'.", 'add owner = "inspectorate" or owner = "panel-tui".')
        elif owner not in OWNERS:
            r.problem(place, f"{shown(owner)} is not one of: {', '.join(OWNERS)}.")
        extra = {k: r.get(rule, k, "text", place, required=False, default="") for k in ("source", "in_force", "note")}
        if owner == "inspectorate" and not extra["source"]:
            r.problem(place, "an inspectorate rule needs its source.", "cite the published document.")
        if rid is not None and any(n.id == rid for n in notes):
            r.problem(place, f"rule {rid} is given twice.")
        if rid is not None and owner in OWNERS:
            notes.append(RuleNote(rid, str(owner), **extra))
    out["rules"] = tuple(notes)
    return out


def _duplicates(r: _Reader, names: list[str], table: str, key: str) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            r.problem(r.at(key, n, f"[[{table}]] {n}"), f"{key} {shown(n)} is given twice.", "give each once.")
        seen.add(n)


def pct(p: Fraction) -> str:
    return f"{float(p):g}"


def framework_problems(data: bytes, path: Path, sidecar: tuple[dict[str, Any], Path] | None = None,
                       expect_id: str | None = None) -> list[InputError]:
    """Every problem of a framework file, each with its place and fix (empty: the file is good)."""
    try:
        text = decode_text(data, path, "framework file")
        doc = parse_toml(text, path, "framework file")
    except InputError as exc:
        return [exc]
    r = _Reader(path, text)
    parts = _read(doc, r, sidecar)
    if expect_id is not None and isinstance(parts.get("id"), str) and parts["id"] != expect_id:
        r.problem("[framework]", f"id '{parts['id']}' does not match the file name ({expect_id}.toml).",
                  f"name the file {parts['id']}.toml, or set id = \"{expect_id}\".")
    return r.problems


def parse_framework(data: bytes, path: Path, sidecar: tuple[dict[str, Any], Path] | None = None,
                    origin: str = "bundled") -> Framework:
    """Build a Framework from file bytes; the first problem is refused with its place and fix."""
    text = decode_text(data, path, "framework file")
    doc = parse_toml(text, path, "framework file")
    r = _Reader(path, text)
    parts = _read(doc, r, sidecar)
    if r.problems:
        first = r.problems[0]
        more = len(r.problems) - 1
        if more:
            first = InputError(first.file, first.place, f"{first.problem.rstrip('.')} (and {more} more problem"
                               f"{'s' if more != 1 else ''}: panel-tui framework check {path} lists them).", first.fix)
        raise first
    return Framework(
        id=parts["id"], title=parts["title"], bands=tuple(parts["bands"]), overall=tuple(parts["overall"]),
        discretion=parts["discretion"], panel=parts["panel"], domains=parts["domains"],
        standards=tuple(parts["standards"]), sha256=hashlib.sha256(data).hexdigest(), path=path,
        domain_samples=parts["domain_samples"], rules=parts["rules"], samples=parts["samples"],
        in_force=parts["in_force"], origin=origin,
    )


# --- where frameworks are kept -------------------------------------------------------------------

def framework_folders(near: Path | str | None) -> list[Path]:
    """The ``frameworks/`` folders in ``near`` (a session, or any folder) and every folder above it,
    nearest first. The bundled folder is not among them (it comes last, in ``_places``).
    Worked on strings, one stat per level: the audit looks a framework up for every session."""
    if near is None:
        return []
    folder = os.path.abspath(near)
    if os.path.isfile(folder):
        folder = os.path.dirname(folder)
    bundled = os.path.normcase(os.path.abspath(FRAMEWORK_DIR))
    out = []
    while True:
        cand = os.path.join(folder, FOLDER_NAME)
        if os.path.isdir(cand) and os.path.normcase(cand) != bundled:  # isdir: False where it cannot look
            out.append(Path(cand))
        parent = os.path.dirname(folder)
        if parent == folder:
            return out
        folder = parent


def _places(near: Path | str | None) -> list[tuple[Path, str]]:
    return [(f, "folder") for f in framework_folders(near)] + [(FRAMEWORK_DIR, "bundled")]


def _framework_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.glob("*.toml") if p.name != IN_FORCE_FILE)
    except OSError:
        return []


Signature = tuple[int, int, int, int]


def _signature(path: str) -> Signature | None:
    """What tells a file's versions apart without reading it (None: no regular file there)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)


# parsed files, kept while their signature holds (a changed file is read again)
_SIDECARS: dict[str, tuple[Signature, dict[str, Any] | InputError]] = {}
_PARSED: dict[str, tuple[Signature, Signature | None, str, Framework]] = {}


def read_sidecar(folder: Path) -> dict[str, Any] | None:
    """``in_force.toml`` of a frameworks folder: framework id -> its dates table (None when absent).
    A malformed one is refused (InputError), as any file we read is."""
    path = folder / IN_FORCE_FILE
    sig = _signature(str(path))
    if sig is None:
        if path.exists():  # a folder or a device where the file belongs: refused as any such input
            read_bytes(path, "in-force file", MAX_FRAMEWORK_BYTES)
        return None
    cached = _SIDECARS.get(str(path))
    if cached is not None and cached[0] == sig:
        found = cached[1]
    else:
        data = read_bytes(path, "in-force file", MAX_FRAMEWORK_BYTES)
        try:
            doc = parse_toml(decode_text(data, path, "in-force file"), path, "in-force file")
            bad = next((k for k, v in doc.items() if not isinstance(v, dict)), None)
            found = InputError(path, f"[{one_line(bad, 40)}]", "each entry must be a table named by a framework id.",
                               "write [hmip-yjs-2021] then from = ..., until = ...") if bad is not None else doc
        except InputError as exc:
            found = exc
        _SIDECARS[str(path)] = (sig, found)
    if isinstance(found, InputError):
        raise found
    return found


def _sidecar_entry(folder: Path, framework_id: str) -> tuple[dict[str, Any], Path] | None:
    side = read_sidecar(folder)
    if side is None or framework_id not in side:
        return None
    return side[framework_id], folder / IN_FORCE_FILE


def _load_file(path: Path, folder: Path, origin: str) -> Framework:
    sig = _signature(str(path))
    if sig is None and path.exists():
        raise InputError(path, None, "is not a regular file, so it is not a framework.",
                         "remove it from the frameworks folder, or put the framework's TOML file there.")
    sidecar = _sidecar_entry(folder, path.stem)
    side_sig = _signature(str(folder / IN_FORCE_FILE)) if sidecar is not None else None
    cached = _PARSED.get(str(path))
    if sig is not None and cached is not None and cached[:3] == (sig, side_sig, origin):
        return cached[3]
    data = read_bytes(path, "framework file", MAX_FRAMEWORK_BYTES)
    fw = parse_framework(data, path, sidecar, origin)
    if fw.id != path.stem:
        raise InputError(path, "[framework]", f"id '{fw.id}' does not match the file name.",
                         f"name the file {fw.id}.toml, or set id = \"{path.stem}\".")
    if sig is not None:
        _PARSED[str(path)] = (sig, side_sig, origin, fw)
    return fw


def _clash(framework_id: str, paths: list[Path]) -> InputError:
    return InputError(None, None, f"framework id '{framework_id}' is given by {len(paths)} files: "
                      + " and ".join(str(p) for p in paths) + ".",
                      "an id is unique across the frameworks folders and the bundled frameworks: rename one "
                      "(its file and its [framework] id), or remove the copy.")


def available(near: Path | str | None = None) -> list[str]:
    """Ids of the frameworks found from ``near`` (its frameworks folders) and the bundled ones."""
    ids = {p.stem for folder, _ in _places(near) for p in _framework_files(folder) if ID_RE.fullmatch(p.stem)}
    return sorted(ids)


class _Loader:
    """``load_framework(id, near=None)``: the framework with that id, from the frameworks folders at
    or above ``near`` or the bundled ones; an unknown id names the ones that exist, an id two files
    give is refused naming both. Parsed once per file content (``cache_clear`` forgets them)."""

    def __call__(self, framework_id: str, near: Path | str | None = None) -> Framework:
        hits: list[tuple[Path, Path, str]] = []
        if ID_RE.fullmatch(framework_id):
            name = f"{framework_id}.toml"
            for folder, origin in _places(near):
                if os.path.isfile(os.path.join(folder, name)):
                    hits.append((folder / name, folder, origin))
        if not hits:
            raise InputError(None, None, f"unknown framework '{one_line(framework_id, 60)}'.",
                             f"use one of: {', '.join(available(near))}.")
        if len(hits) > 1:
            raise _clash(framework_id, [p for p, _, _ in hits])
        path, folder, origin = hits[0]
        return _load_file(path, folder, origin)

    @staticmethod
    def cache_clear() -> None:
        _PARSED.clear()
        _SIDECARS.clear()


load_framework = _Loader()


@dataclass
class Catalogue:
    """Every framework found from one place: the good ones, and each problem with its file."""

    frameworks: list[Framework]
    problems: list[InputError]


def catalogue(near: Path | str | None = None) -> Catalogue:
    """Every framework from the frameworks folders at or above ``near`` and the bundled ones,
    each parsed; malformed files, clashing ids and in-force entries for no framework are problems."""
    by_id: dict[str, list[tuple[Path, Path, str]]] = {}
    problems: list[InputError] = []
    for folder, origin in _places(near):
        for p in _framework_files(folder):
            if not ID_RE.fullmatch(p.stem):
                problems.append(InputError(p, None, "the file name is not a framework id, so no session can name it.",
                                           "rename it to <id>.toml: letters, digits, '.', '-' or '_'."))
                continue
            by_id.setdefault(p.stem, []).append((p, folder, origin))
        try:
            side = read_sidecar(folder)
        except InputError as exc:
            problems.append(exc)
            side = None
        for fid in side or {}:
            if not (folder / f"{fid}.toml").is_file():
                problems.append(InputError(folder / IN_FORCE_FILE, f"[{one_line(fid, 40)}]",
                                           "gives dates for a framework that is not in this folder.",
                                           "remove the entry, or correct the id."))
    found: list[Framework] = []
    for fid, hits in sorted(by_id.items()):
        if len(hits) > 1:
            problems.append(_clash(fid, [p for p, _, _ in hits]))
            continue
        p, folder, origin = hits[0]
        try:
            found.append(_load_file(p, folder, origin))
        except InputError as exc:
            problems.append(exc)
    found.sort(key=lambda f: (f.in_force is None, (f.in_force.start if f.in_force else None) or dt.date.min, f.id))
    unique = list({str(p): p for p in problems}.values())  # a bad in_force.toml fails each file beside it: once
    return Catalogue(found, unique)


def check_file(path: Path) -> list[InputError]:
    """Every problem of one framework file (or of an ``in_force.toml``), for ``framework check``."""
    if path.name == IN_FORCE_FILE:
        try:
            side = read_sidecar(path.parent) if path.is_file() else None
        except InputError as exc:
            return [exc]
        if side is None:
            return [InputError(path, None, "not found.", "check the path.")]
        problems: list[InputError] = []
        for fid, t in side.items():
            r = _Reader(path, "")
            _read_in_force(r, t, f"[{one_line(fid, 40)}]", path)
            problems += r.problems
            if not (path.parent / f"{fid}.toml").is_file():
                problems.append(InputError(path, f"[{one_line(fid, 40)}]", "gives dates for a framework that is not "
                                           "in this folder.", "remove the entry, or correct the id."))
        return problems
    try:
        data = read_bytes(path, "framework file", MAX_FRAMEWORK_BYTES)
        sidecar = _sidecar_entry(path.parent, path.stem)
    except InputError as exc:
        return [exc]
    problems = framework_problems(data, path, sidecar, expect_id=path.stem)
    if not ID_RE.fullmatch(path.stem):
        problems.insert(0, InputError(path, None, "the file name is not a framework id, so no session can name it.",
                                      "rename it to <id>.toml: letters, digits, '.', '-' or '_'."))
    return problems
