"""The inspection file (``inspection.toml``): what inspectors found, validated against a framework.

Validation is strict on purpose: a typo in a key or a count that contradicts its percentage would
silently change a rating, so each is an error that names the file, the place and the fix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from panel_tui.core.display import has_visible_text, one_line, shown
from panel_tui.core.errors import InputError
from panel_tui.core.framework import Framework
from panel_tui.core.framework.session_copy import session_framework
from panel_tui.core.tomlfile import line_of, load_toml

INSPECTION_FILE = "inspection.toml"
LOG_FILE = "decisions.toml"
CONTRADICTION_POINTS = Fraction(1, 2)  # counts and a published percent may differ by rounding only
MAX_COUNT = 100_000  # cases in one inspection's sample: real ones hold tens; more is a typo or an attack

_INSPECTION_KEYS = {"service", "framework", "fieldwork", "published", "lead_inspector", "source", "sample"}
_STANDARD_KEYS = {"id", "proposed", "not_rated", "question", "rationale", "evidence"}
_CASE_KEYS = ("rationale", "evidence")  # the lead inspector's case for a judgement standard's proposed band
_QUESTION_KEYS = {"id", "relevant", "yes", "percent"}


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


class _Place:
    """Where in the file, worked out only when an error is actually reported (line search is slow)."""

    def __init__(self, text: str, item_id: str, label: str) -> None:
        self.text, self.item_id, self.label = text, item_id, label

    def __str__(self) -> str:
        line = line_of(self.text, "id", self.item_id)
        return (f"line {line}, " if line else "") + self.label


def resolve_inspection_path(path: Path | str) -> Path:
    """Accept a session folder or its inspection.toml."""
    p = Path(path)
    if p.is_dir():
        return p / INSPECTION_FILE
    return p


def _date_text(value: Any, path: Path, place: object, key: str) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        return value  # a month, where the report gives no day ("Fieldwork started: June 2019")
    raise InputError(
        path,
        place,
        f"'{key}' must be a date such as 2020-09-07 (or a month as \"2019-06\").",
        f"write {key} = 2020-09-07.",
    )


def _check_keys(table: dict[str, Any], allowed: set[str], path: Path, place: object) -> None:
    for key in table:
        if key not in allowed:
            raise InputError(
                path, place, f"unknown key '{one_line(key, 40)}'.", f"use only: {', '.join(sorted(allowed))}."
            )


def _count(q: dict[str, Any], key: str, path: Path, place: object) -> int | None:
    if key not in q:
        return None
    v = q[key]
    if isinstance(v, bool) or not isinstance(v, int):
        raise InputError(path, place, f"'{key}' must be a whole number of cases, not {shown(v)}.")
    if v < 0:
        raise InputError(path, place, f"'{key}' is negative ({v}).", "counts are zero or more.")
    if v > MAX_COUNT:
        raise InputError(
            path,
            place,
            f"'{key}' is {v:,}, over the {MAX_COUNT:,}-case limit.",
            "give the number of cases in the inspection's sample.",
        )
    return v


def _case_text(s: dict[str, Any], key: str, path: Path, place: object) -> str | None:
    """The lead inspector's rationale or evidence for a judgement standard: text with something
    visible in it (a case of spaces or zero-width characters reads as none to the panel)."""
    if key not in s:
        return None
    v = s[key]
    if not isinstance(v, str) or not has_visible_text(v):
        raise InputError(
            path,
            place,
            f"'{key}' must be the lead inspector's {key} as text, not {shown(v)}.",
            f'write {key} = "..." (a multi-line string with three quotes is fine), or leave it out.',
        )
    return v


def _band(value: Any, fw: Framework, path: Path, place: object, key: str) -> str:
    if not isinstance(value, str) or value not in fw.band_names:
        raise InputError(
            path, place, f"'{key}' is {shown(value)}, not a band name.", f"use one of: {', '.join(fw.band_names)}."
        )
    return value


MAX_SAMPLE = 1_000  # far above any inspection's case sample (Leeds: 42); bounds the search over bases
AWAITING = "awaiting"  # a key question listed by id alone: its figures are still to come


def _samples(value: Any, fw: Framework, path: Path) -> dict[str, int]:
    """[inspection.sample]: cases inspected per sample, as the report gives them."""
    names = fw.sample_names
    if not isinstance(value, dict):
        raise InputError(
            path, "[inspection] sample", "'sample' must be a table such as { court = 13, out_of_court = 13 }."
        )
    out = {}
    for key, n in value.items():
        if key not in names:
            raise InputError(
                path,
                "[inspection.sample]",
                f"unknown sample '{key}' for framework {fw.id}.",
                f"use only: {', '.join(names)}.",
            )
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_SAMPLE:
            raise InputError(
                path,
                "[inspection.sample]",
                f"sample {key} must be a whole number of cases from 1 to {MAX_SAMPLE:,}, not {n!r}.",
                "give the number of cases the report says were inspected.",
            )
        out[key] = n
    return out


def _question(q: Any, fw_std: Any, path: Path, text: str) -> QuestionData | str | None:
    if not isinstance(q, dict) or not isinstance(q.get("id"), str):
        raise InputError(path, f"standard {fw_std.id}", "each [[standard.question]] needs an id string.")
    qid = q["id"]
    place = _Place(text, qid, f"standard {fw_std.id}, question {one_line(qid, 40)}")
    valid = [x.id for x in fw_std.questions]
    if qid not in valid:
        raise InputError(
            path,
            place,
            f"unknown key question '{one_line(qid, 40)}' for standard {fw_std.id}.",
            f"use one of: {', '.join(valid)}.",
        )
    _check_keys(q, _QUESTION_KEYS, path, place)
    if set(q) == {"id"}:
        return AWAITING  # figures not in yet: shown as "awaiting figures", never rated
    relevant = _count(q, "relevant", path, place)
    yes = _count(q, "yes", path, place)
    pct: Fraction | None = None
    if "percent" in q:
        v = q["percent"]
        if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
            raise InputError(path, place, f"'percent' must be a number, not {shown(v)}.")
        if not 0 <= v <= 100:  # compared before Fraction(): the boundary has bounded its digits
            raise InputError(path, place, f"percent {v} is outside 0-100.", "give % 'Yes' from 0 to 100.")
        pct = Fraction(v)
    if yes is not None and relevant is None:
        raise InputError(
            path, place, "'yes' is given without 'relevant'.", "add relevant = number of cases the question applied to."
        )
    if relevant is not None and yes is not None and yes > relevant:
        raise InputError(
            path,
            place,
            f"yes ({yes}) is more than relevant ({relevant}).",
            "yes counts cases answered 'Yes' among the relevant ones.",
        )
    if relevant == 0:
        if yes or pct is not None:
            raise InputError(
                path,
                place,
                "relevant = 0 (question did not apply) but a result is given.",
                "remove yes/percent, or correct relevant.",
            )
        return None
    if relevant is not None and yes is not None:
        exact = Fraction(100 * yes, relevant)
        if pct is not None and abs(pct - exact) >= CONTRADICTION_POINTS:
            raise InputError(
                path,
                place,
                f"percent {float(pct):g} contradicts {yes} of {relevant} ({float(exact):.2f}%).",
                "correct the counts or the percent, or give only one of them.",
            )
        return QuestionData(qid, exact, relevant, yes)
    if pct is None:
        raise InputError(
            path,
            place,
            "no result: give relevant and yes, or percent.",
            "add relevant = N and yes = N (or percent = P).",
        )
    return QuestionData(qid, pct, relevant, None)


def parse_inspection(doc: dict[str, Any], data: bytes, text: str, path: Path) -> Inspection:
    """Validate a parsed inspection file against its framework."""
    _check_keys(doc, {"inspection", "standard"}, path, "top level")
    head = doc.get("inspection")
    if not isinstance(head, dict):
        raise InputError(
            path, None, "missing [inspection] table.", "add [inspection] with service, framework and fieldwork."
        )
    _check_keys(head, _INSPECTION_KEYS, path, "[inspection]")
    for key in ("service", "framework", "fieldwork"):
        if key not in head:
            raise InputError(path, "[inspection]", f"missing '{key}'.", f"add {key} = ... to [inspection].")
    if not isinstance(head["service"], str) or not has_visible_text(head["service"]):
        raise InputError(
            path,
            "[inspection]",
            "'service' must be the service's name (visible text).",
            'write service = "<the name on the report>".',
        )
    if not isinstance(head["framework"], str):
        raise InputError(path, "[inspection]", "'framework' must be a framework id string.")
    try:
        # with a log: the rules it was decided under (the session's copy, or a released version by
        # hash); else the frameworks folders at or above the session's folder, then the bundled ones
        fw = session_framework(head["framework"], path.parent)
    except InputError as exc:
        if exc.file is not None:  # the framework file (or its in-force file) itself is at fault: name it
            raise
        raise InputError(path, "[inspection] framework", exc.problem, exc.fix) from None
    fieldwork = _date_text(head["fieldwork"], path, "[inspection]", "fieldwork")
    published = _date_text(head["published"], path, "[inspection]", "published") if "published" in head else None
    for key in ("lead_inspector", "source"):
        if key in head and not isinstance(head[key], str):
            raise InputError(path, "[inspection]", f"'{key}' must be a string.")
        if key == "lead_inspector" and key in head and not has_visible_text(head[key]):
            raise InputError(
                path,
                "[inspection]",
                "'lead_inspector' has no visible text.",
                "write the inspector's name, or leave the key out.",
            )
    samples = _samples(head["sample"], fw, path) if "sample" in head else {}

    standards: dict[str, StandardData] = {}
    raw = doc.get("standard", [])
    if not isinstance(raw, list):
        raise InputError(path, "standard", "'standard' must be an array of tables ([[standard]]).")
    valid_ids = [s.id for s in fw.standards]
    for s in raw:
        if not isinstance(s, dict) or not isinstance(s.get("id"), str):
            raise InputError(path, "[[standard]]", "each [[standard]] needs an id string.")
        sid = s["id"]
        place = _Place(text, sid, f"standard {one_line(sid, 40)}")
        fs = fw.standard(sid)
        if fs is None:
            raise InputError(
                path,
                place,
                f"unknown standard '{one_line(sid, 40)}' for framework {fw.id}.",
                f"use one of: {', '.join(valid_ids)}.",
            )
        if sid in standards:
            raise InputError(path, place, f"standard {sid} is given twice.", "merge the two [[standard]] tables.")
        _check_keys(s, _STANDARD_KEYS, path, place)
        not_rated = s.get("not_rated")
        if not_rated is not None:
            if fs.counted:
                raise InputError(
                    path,
                    place,
                    f"standard {sid} counts towards the overall score and cannot be left unrated.",
                    "give its findings, or remove not_rated.",
                )
            if not isinstance(not_rated, str) or not has_visible_text(not_rated):
                raise InputError(path, place, "'not_rated' must give the reason as text.")
            if "proposed" in s or "question" in s or any(k in s for k in _CASE_KEYS):
                raise InputError(
                    path,
                    place,
                    "a standard left unrated has no proposed band, case or questions.",
                    "remove not_rated or the findings.",
                )
            standards[sid] = StandardData(sid, not_rated=not_rated)
            continue
        if fs.kind == "judgement":
            if "question" in s:
                raise InputError(
                    path,
                    place,
                    f"{sid} is a judgement standard; it has no key question counts.",
                    'give proposed = "<band>" only.',
                )
            if "proposed" not in s:
                if any(k in s for k in _CASE_KEYS):
                    raise InputError(
                        path,
                        place,
                        f"{sid} has a case ({' and '.join(k for k in _CASE_KEYS if k in s)}) but no proposed band.",
                        'add proposed = "<band>" above it.',
                    )
                standards[sid] = StandardData(sid)  # awaiting the lead inspector's proposal
                continue
            standards[sid] = StandardData(
                sid,
                proposed=_band(s["proposed"], fw, path, place, "proposed"),
                rationale=_case_text(s, "rationale", path, place),
                evidence=_case_text(s, "evidence", path, place),
            )
            continue
        if any(k in s for k in _CASE_KEYS):
            raise InputError(
                path,
                place,
                f"{sid} is case-based: the lead inspector's case for it is a proposal in the decision log.",
                f"remove {' and '.join(k for k in _CASE_KEYS if k in s)}; record it with "
                f"panel-tui propose SESSION --standard {one_line(sid, 20)} --to BAND --rationale TEXT.",
            )
        if "proposed" in s:
            raise InputError(
                path, place, f"{sid} is case-based: its band comes from the key questions.", "remove proposed."
            )
        qs_raw = s.get("question")
        if not isinstance(qs_raw, list) or not qs_raw:
            raise InputError(
                path,
                place,
                f"case-based standard {sid} has no key questions.",
                f"add [[standard.question]] tables for {', '.join(q.id for q in fs.questions)}.",
            )
        seen: dict[str, QuestionData | str | None] = {}
        for q in qs_raw:
            qd = _question(q, fs, path, text)
            qid = q["id"]
            if qid in seen:
                raise InputError(path, place, f"key question {qid} is given twice.")
            seen[qid] = qd
        missing = [q.id for q in fs.questions if q.id not in seen]
        if missing:
            raise InputError(
                path,
                place,
                f"key question(s) missing: {', '.join(missing)}.",
                "add them (relevant = 0 if a question did not apply).",
            )
        waiting = tuple(q.id for q in fs.questions if seen[q.id] == AWAITING)
        present = tuple(qd for q in fs.questions if isinstance(qd := seen[q.id], QuestionData))
        for qd in present:
            drawn_on = fw.sample_of(sid, qd.id) or ""  # the sample this key question's cases come from
            sample = samples.get(drawn_on)
            if sample is not None and qd.relevant is not None and qd.relevant > sample:
                raise InputError(
                    path,
                    _Place(text, qd.id, f"standard {sid}, question {qd.id}"),
                    f"relevant ({qd.relevant}) is more than the {sample} cases in the {drawn_on} sample.",
                    "correct relevant or [inspection.sample].",
                )
        if waiting:
            standards[sid] = StandardData(
                sid,
                questions=present,
                awaiting=waiting,
                not_applicable=tuple(q.id for q in fs.questions if seen[q.id] is None),
            )
            continue
        if not present:
            raise InputError(
                path,
                place,
                f"no key question of {sid} applied (all relevant = 0).",
                "a case-based standard needs at least one applicable key question.",
            )
        excluded = tuple(q.id for q in fs.questions if seen[q.id] is None)
        standards[sid] = StandardData(sid, questions=present, not_applicable=excluded)
    missing_std = [x for x in valid_ids if x not in standards]
    if missing_std:
        raise InputError(
            path,
            None,
            f"standard(s) missing: {', '.join(missing_std)}.",
            f"add a [[standard]] for each ({fw.id} has {len(valid_ids)}).",
        )
    ordered = {sid: standards[sid] for sid in valid_ids}
    return Inspection(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        service=head["service"],
        framework=fw,
        fieldwork=fieldwork,
        published=published,
        lead_inspector=head.get("lead_inspector"),
        source=head.get("source"),
        standards=ordered,
        samples=samples,
    )


def load_inspection(path: Path | str) -> Inspection:
    """Load and validate ``inspection.toml`` from a session folder or the file itself."""
    p = resolve_inspection_path(path)
    doc, data, text = load_toml(p, "inspection file", parse_float=Decimal)
    return parse_inspection(doc, data, text, p)
