"""Reading one framework file: every part checked, then built into a ``Framework``.

``framework_problems`` lists every problem (for ``framework check``); ``parse_framework`` refuses
the first with file, place and fix. Nothing in a file can make either fail another way.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from panel_tui.core.display import shown
from panel_tui.core.errors import InputError
from panel_tui.core.framework.checks import _KEYS, _MISSING, _TOP_KEYS, _Absent, _duplicates, _Reader, pct
from panel_tui.core.framework.in_force import _read_in_force
from panel_tui.core.framework.model import (
    ID_RE,
    ITEM_ID_RE,
    MAX_ITEMS,
    OWNERS,
    Band,
    Discretion,
    Framework,
    OverallBand,
    Panel,
    Question,
    RuleNote,
    Standard,
)
from panel_tui.core.tomlfile import decode_text, parse_toml


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
        r.problem(
            "[framework]",
            f"id {shown(fid)} is not a framework id.",
            "use letters, digits, '.', '-' or '_' (e.g. hmip-yjs-2021), the file's name without .toml.",
        )
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
            r.problem(
                "[framework.in_force]",
                f"the dates in force are also given in {side_path}.",
                "give them in one place only.",
            )
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
            r.problem(
                "[[band]] 1",
                f"the lowest band starts at {pct(bands[0].min_percent)}%, not 0.",
                "list the bands lowest first, the first with min_percent = 0.",
            )
        for a, b2 in pairwise(bands):
            if b2.min_percent <= a.min_percent:
                r.problem(
                    r.at("name", b2.name, f"[[band]] {b2.name}"),
                    f"min_percent {pct(b2.min_percent)} does not rise above {a.name}'s {pct(a.min_percent)}.",
                    "list the bands lowest first, each starting higher.",
                )
            if b2.score < a.score:
                r.problem(
                    r.at("name", b2.name, f"[[band]] {b2.name}"),
                    f"score {b2.score} is below {a.name}'s {a.score}.",
                    "a higher band scores at least as much as a lower one.",
                )
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
            r.problem(
                "[[overall]] 1",
                f"the lowest overall rating starts at {overall[0].min_score}, not 0.",
                "list the overall ratings lowest first, the first with min_score = 0.",
            )
        for a2, b3 in pairwise(overall):
            if b3.min_score <= a2.min_score:
                r.problem(
                    r.at("name", b3.name, f"[[overall]] {b3.name}"),
                    f"min_score {b3.min_score} does not rise above {a2.name}'s {a2.min_score}.",
                    "list the overall ratings lowest first, each starting higher.",
                )
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
    out["discretion"] = (
        None
        if near is None or small is None or not disc
        else Discretion(Fraction(str(near)), one_case, small, steps, possible)
    )

    panel_t = r.table(doc, "panel", "[panel]") or _Absent()
    r.keys(panel_t, _KEYS["panel"], "[panel]")
    quorum = r.get(panel_t, "quorum_members", "int", "[panel]", low=0, high=100)
    zone = r.get(panel_t, "timezone", "name", "[panel]")
    if isinstance(zone, str):
        try:
            ZoneInfo(zone)
        except (ValueError, KeyError, OSError):
            r.problem(
                "[panel]",
                f"timezone {shown(zone)} is not a known time zone.",
                "use an IANA name such as Europe/London.",
            )
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
                r.problem(
                    r.at("id", sid, f"[[sample]] {sid}"), f"sample {sid} is declared twice.", "declare each once."
                )
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
        place = (
            r.at("id", sid, f"standard {sid}")
            if isinstance(sid, str) and ITEM_ID_RE.fullmatch(sid)
            else f"[[standard]] {i}"
        )
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
            r.problem(
                place,
                f"domain {shown(domain)} is not a [[domain]] of this framework.",
                f"use one of: {', '.join(domains)} (or add the [[domain]]).",
            )
        own_sample = r.get(s, "sample", "sample", place, required=False)
        if own_sample is not None and kind == "judgement":
            r.problem(
                place, "a judgement standard draws on no sample.", 'remove its sample, or make it kind = "cases".'
            )
        std_sample = own_sample or (domain_samples.get(domain) if domain is not None else None)
        raw_qs = s.get("question", [])
        qs: list[Question] = []
        if not isinstance(raw_qs, list) or not all(isinstance(q, dict) for q in raw_qs):
            r.problem(place, '\'question\' must be an array of tables such as [{ id = "2.1.1", text = "..." }].')
            raw_qs = []
        elif len(raw_qs) > MAX_ITEMS:
            r.problem(place, f"{len(raw_qs)} key questions, over the {MAX_ITEMS} limit.")
            raw_qs = []
        for q in raw_qs:
            qid_raw = q.get("id")
            qplace = (
                f"{place}, question {qid_raw}"
                if isinstance(qid_raw, str) and ITEM_ID_RE.fullmatch(qid_raw)
                else f"{place}, a question"
            )
            r.keys(q, _KEYS["question"], qplace)
            qid = r.get(q, "id", "id", qplace)
            text = r.get(q, "text", "text", qplace, required=False, default="")
            q_sample = r.get(q, "sample", "sample", qplace, required=False)
            if q_sample is not None and kind == "judgement":
                r.problem(qplace, "a judgement standard's key question draws on no sample.", "remove its sample.")
            if qid is None:
                continue
            if qid in qids:
                r.problem(
                    qplace,
                    f"key question {qid} is also in standard {qids[qid]}.",
                    "key question ids are unique across the framework (import-cases names them alone).",
                )
            qids[qid] = sid or "?"
            sample = (q_sample or std_sample) if kind == "cases" else None
            if sample is not None and sid is not None:
                used_samples.setdefault(sample, []).append(sid)
            qs.append(Question(qid, text, sample))
        if kind == "cases" and not raw_qs:
            r.problem(
                place,
                "a case-based standard needs key questions.",
                'add question = [{ id = "...", text = "..." }, ...].',
            )
        if sid is not None:
            if sid in sids:
                r.problem(place, f"standard {sid} is given twice.", "give each standard once.")
            sids.add(sid)
        if sid is not None and name is not None and kind in ("cases", "judgement") and domain is not None:
            standards.append(
                Standard(sid, domain, name, str(kind), counted, tuple(qs), std_sample if kind == "cases" else None)
            )
    if standards and not any(s.counted for s in standards):
        r.problem(
            "[[standard]]",
            "no standard is counted towards the overall rating.",
            "set counted = true on the standards the overall rating is over.",
        )
    clashes = sids & set(qids)
    for x in sorted(clashes):
        r.problem(f"standard {x}", f"{x} is both a standard's and a key question's id.", "give them different ids.")

    # samples: every one named must be declared (when any are), and every one must be drawn on
    for name, whom in sorted(used_samples.items()):
        if declared and name not in declared:
            r.problem(
                f"standard {whom[0]}",
                f"sample {name} is not a declared [[sample]].",
                f"declare it, or use one of: {', '.join(declared)}.",
            )
    for sid_ in sorted(set(declared) | set(domain_samples.values())):
        if sid_ not in used_samples:
            r.problem(
                r.at("id", sid_, f"[[sample]] {sid_}") if sid_ in declared else f"[[domain]] sample {sid_}",
                f"sample {sid_} is drawn on by no case-based standard.",
                "remove it, or name it on the standards (or key questions) whose cases come from it.",
            )
    out["samples"] = {s_: declared.get(s_, s_) for s_ in sorted(set(declared) | set(used_samples))}
    out["domains"], out["domain_samples"], out["standards"] = domains, domain_samples, standards

    max_score = sum(bands[-1].score for s in standards if s.counted) if bands else 0
    if overall and standards and bands and overall[-1].min_score > max_score:
        r.problem(
            r.at("name", overall[-1].name, f"[[overall]] {overall[-1].name}"),
            f"min_score {overall[-1].min_score} can never be reached: the counted standards score at most {max_score}.",
            "lower it, or count more standards.",
        )

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


def framework_problems(
    data: bytes, path: Path, sidecar: tuple[dict[str, Any], Path] | None = None, expect_id: str | None = None
) -> list[InputError]:
    """Every problem of a framework file, each with its place and fix (empty: the file is good)."""
    try:
        text = decode_text(data, path, "framework file")
        doc = parse_toml(text, path, "framework file")
    except InputError as exc:
        return [exc]
    r = _Reader(path, text)
    parts = _read(doc, r, sidecar)
    if expect_id is not None and isinstance(parts.get("id"), str) and parts["id"] != expect_id:
        r.problem(
            "[framework]",
            f"id '{parts['id']}' does not match the file name ({expect_id}.toml).",
            f'name the file {parts["id"]}.toml, or set id = "{expect_id}".',
        )
    return r.problems


def parse_framework(
    data: bytes, path: Path, sidecar: tuple[dict[str, Any], Path] | None = None, origin: str = "bundled"
) -> Framework:
    """Build a Framework from file bytes; the first problem is refused with its place and fix."""
    text = decode_text(data, path, "framework file")
    doc = parse_toml(text, path, "framework file")
    r = _Reader(path, text)
    parts = _read(doc, r, sidecar)
    if r.problems:
        first = r.problems[0]
        more = len(r.problems) - 1
        if more:
            first = InputError(
                first.file,
                first.place,
                f"{first.problem.rstrip('.')} (and {more} more problem"
                f"{'s' if more != 1 else ''}: panel-tui framework check {path} lists them).",
                first.fix,
            )
        raise first
    return Framework(
        id=parts["id"],
        title=parts["title"],
        bands=tuple(parts["bands"]),
        overall=tuple(parts["overall"]),
        discretion=parts["discretion"],
        panel=parts["panel"],
        domains=parts["domains"],
        standards=tuple(parts["standards"]),
        sha256=hashlib.sha256(data).hexdigest(),
        path=path,
        domain_samples=parts["domain_samples"],
        rules=parts["rules"],
        samples=parts["samples"],
        in_force=parts["in_force"],
        origin=origin,
    )
