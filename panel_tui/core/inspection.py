"""The inspection file (``inspection.toml``): what inspectors found, validated against a framework.

Validation is strict on purpose: a typo in a key or a count that contradicts its percentage would
silently change a rating, so each is an error that names the file, the place and the fix.
This module checks the file's tables and assembles the Inspection; its parts live beside it, one job
each: ``inspection_model`` (the dataclasses) and ``inspection_fields`` (one check per kind of value).
Their public names are re-exported here, so callers may keep importing them from this module.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from panel_tui.core.display import has_visible_text, one_line
from panel_tui.core.errors import InputError
from panel_tui.core.framework.session_copy import session_framework
from panel_tui.core.inspection_fields import (
    AWAITING,
    CONTRADICTION_POINTS,
    MAX_COUNT,
    MAX_SAMPLE,
    _band,
    _case_text,
    _check_keys,
    _date_text,
    _Place,
    _question,
    _samples,
)
from panel_tui.core.inspection_model import Inspection, QuestionData, StandardData
from panel_tui.core.tomlfile import load_toml

__all__ = [
    "AWAITING",
    "CONTRADICTION_POINTS",
    "INSPECTION_FILE",
    "LOG_FILE",
    "MAX_COUNT",
    "MAX_SAMPLE",
    "Inspection",
    "QuestionData",
    "StandardData",
    "load_inspection",
    "parse_inspection",
    "resolve_inspection_path",
]

INSPECTION_FILE = "inspection.toml"
LOG_FILE = "decisions.toml"

_INSPECTION_KEYS = {"service", "framework", "fieldwork", "published", "lead_inspector", "source", "sample"}
_STANDARD_KEYS = {"id", "proposed", "not_rated", "question", "rationale", "evidence"}
_CASE_KEYS = ("rationale", "evidence")  # the lead inspector's case for a judgement standard's proposed band


def resolve_inspection_path(path: Path | str) -> Path:
    """Accept a session folder or its inspection.toml."""
    p = Path(path)
    if p.is_dir():
        return p / INSPECTION_FILE
    return p


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
