"""Command line for frameworks and the report's words: `framework list|show|check`, `paragraphs`,
and `new` choosing the framework in force on the fieldwork date.

Frameworks are found in a ``frameworks/`` folder in the given folder or any folder above it (the
shared repository), then the bundled ones (panel_tui.core.framework). Every name and text from a
framework file reaches the terminal through the display helper: a framework from a folder is
hostile input like any other. Exit codes: 0 ok, 1 a log that does not verify, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from panel_tui.core.errors import InputError
    from panel_tui.core.framework import Framework, InForce

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2
FRAMEWORK_FORMAT = "panel-tui/framework/1"
PARAGRAPHS_FORMAT = "panel-tui/paragraphs/1"


def _err(line: str) -> None:
    from panel_tui.core.display import visible

    print(f"panel-tui: {visible(line)}", file=sys.stderr)


def _say(line: str) -> None:
    from panel_tui.core.display import visible

    print(visible(line))


def _json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


# --- data for --json ----------------------------------------------------------------------------


def _in_force_json(f: InForce | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {
        "from": f.start.isoformat() if f.start else None,
        "until": f.until.isoformat() if f.until else None,
        "source": f.source,
        "note": f.note,
        "file": str(f.file) if f.file else None,
    }


def _summary_json(fw: Framework) -> dict[str, Any]:
    return {
        "id": fw.id,
        "title": fw.title,
        "file": str(fw.path),
        "origin": fw.origin,
        "sha256": fw.sha256,
        "in_force": _in_force_json(fw.in_force),
    }


def framework_json(fw: Framework) -> dict[str, Any]:
    """Everything a framework says, as data (format panel-tui/framework/1, key ``framework``)."""
    from panel_tui.core.engine import pct_text

    drawn: dict[str, list[str]] = {}
    for s in fw.standards:
        for name in dict.fromkeys(q.sample for q in s.questions if q.sample):
            drawn.setdefault(str(name), []).append(s.id)
    return {
        **_summary_json(fw),
        "bands": [
            {"name": b.name, "min_percent": pct_text(b.min_percent), "score": b.score, "label": b.label}
            for b in fw.bands
        ],
        "overall": [{"name": o.name, "min_score": o.min_score} for o in fw.overall],
        "max_score": fw.max_score,
        "discretion": {
            "near_boundary_points": pct_text(fw.discretion.near_boundary_points),
            "one_case": fw.discretion.one_case,
            "small_sample_cases": fw.discretion.small_sample_cases,
            "steps": fw.discretion.steps,
            "one_case_possible": fw.discretion.one_case_possible,
        },
        "panel": {"quorum_members": fw.panel.quorum_members, "timezone": fw.panel.timezone},
        "samples": [{"id": sid, "name": name, "standards": drawn.get(sid, [])} for sid, name in fw.samples.items()],
        "domains": [
            {"id": did, "name": name, "sample": fw.domain_samples.get(did)} for did, name in fw.domains.items()
        ],
        "standards": [
            {
                "id": s.id,
                "domain": s.domain,
                "name": s.name,
                "kind": s.kind,
                "counted": s.counted,
                "sample": s.sample,
                "questions": [{"id": q.id, "text": q.text, "sample": q.sample} for q in s.questions],
            }
            for s in fw.standards
        ],
        "rules": [
            {"id": r.id, "owner": r.owner, "source": r.source, "in_force": r.in_force, "note": r.note} for r in fw.rules
        ],
    }


# --- framework list / show / check ----------------------------------------------------------------


def _where(fw: Framework) -> str:
    return f"{fw.path} ({'bundled' if fw.origin == 'bundled' else 'frameworks folder'})"


def cmd_framework_list(a: argparse.Namespace) -> int:
    from panel_tui.core.framework import catalogue

    found = catalogue(a.dir)
    if a.json:
        _json(
            {
                "format": FRAMEWORK_FORMAT,
                "frameworks": [_summary_json(fw) for fw in found.frameworks],
                "problems": [str(p) for p in found.problems],
            }
        )
    else:
        for fw in found.frameworks:
            dates = fw.in_force.text if fw.in_force else "dates in force not given"
            _say(f"{fw.id}  {dates}  {fw.title}")
            _say(f"    {_where(fw)}")
        if not found.frameworks:
            _say("no frameworks found")
    for p in found.problems:
        _err(f"error: {p}")
    return EXIT_BAD_INPUT if found.problems else EXIT_OK


def _show_text(fw: Framework) -> None:
    from panel_tui.core.engine import pct_text

    _say(f"{fw.id}: {fw.title}")
    _say(f"file: {_where(fw)}, sha256 {fw.sha256}")
    if fw.in_force is None:
        _say("in force: dates not given")
    else:
        f = fw.in_force
        _say(f"in force: {f.text}" + (f" (dates from {f.file})" if f.file and f.file != fw.path else ""))
        if f.source:
            _say(f"    source: {f.source}")
        if f.note:
            _say(f"    note: {f.note}")
    _say("bands (a key question's % 'Yes'; a case-based standard takes its lowest key question's band):")
    for b in fw.bands:
        _say(f"    {b.name}: from {pct_text(b.min_percent)}%, score {b.score}" + (f" ({b.label})" if b.label else ""))
    _say(
        f"overall (the counted standards' scores summed, 0-{fw.max_score}): "
        + "; ".join(f"{o.name} from {o.min_score}" for o in fw.overall)
    )
    d = fw.discretion
    _say(
        f"discretion triggers: near-boundary within {pct_text(d.near_boundary_points)} points of a band boundary; "
        f"one-case {'on' if d.one_case else 'off'} (where only some bases flip: {d.one_case_possible}); "
        f"small-sample at {d.small_sample_cases} cases or fewer; discretion moves at most {d.steps} band step"
        f"{'s' if d.steps != 1 else ''}"
    )
    _say(f"panel: a chair and at least {fw.panel.quorum_members} members (quorum); meeting clock {fw.panel.timezone}")
    if fw.samples:
        parts = []
        for sid, name in fw.samples.items():
            users = [s.id for s in fw.standards if any(q.sample == sid for q in s.questions)]
            parts.append(f"{sid}" + (f" ({name})" if name != sid else "") + f": {', '.join(users)}")
        _say("samples (what [inspection] sample gives the size of; standards drawing on each): " + "; ".join(parts))
    _say("standards:")
    domain = None
    for s in fw.standards:
        if s.domain != domain:
            domain = s.domain
            _say(f"  {domain} {fw.domains.get(domain, '')}".rstrip())
        facts = [s.kind, "counted" if s.counted else "not counted"]
        if s.sample:
            facts.append(f"sample {s.sample}")
        _say(f"    {s.id} {s.name} ({', '.join(facts)})")
        for q in s.questions:
            other = f" [sample {q.sample}]" if q.sample and q.sample != s.sample else ""
            _say(f"        {q.id} {q.text}{other}")
    if fw.rules:
        _say("provenance (whose each rule is):")
        for r in fw.rules:
            _say(f"    {r.id}: {r.owner}" + (f", in force {r.in_force}" if r.in_force else ""))
            if r.source:
                _say(f"        source: {r.source}")
            if r.note:
                _say(f"        note: {r.note}")


def cmd_framework_show(a: argparse.Namespace) -> int:
    from panel_tui.core.framework import load_framework

    fw = load_framework(a.id, near=a.dir)
    if a.json:
        _json({"format": FRAMEWORK_FORMAT, "framework": framework_json(fw)})
    else:
        _show_text(fw)
    return EXIT_OK


def cmd_framework_check(a: argparse.Namespace) -> int:
    from panel_tui.core.framework import IN_FORCE_FILE, check_file, parse_framework, read_sidecar

    problems: list[InputError] = check_file(a.file)
    if problems:
        for p in problems:
            _err(f"error: {p}")
        _err(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {a.file}")
        return EXIT_BAD_INPUT
    if a.file.name == IN_FORCE_FILE:
        _say(f"{a.file}: valid dates in force")
        return EXIT_OK
    side = read_sidecar(a.file.parent) or {}  # checked as a file, wherever it is: no lookup by id
    entry = (side[a.file.stem], a.file.parent / IN_FORCE_FILE) if a.file.stem in side else None
    fw = parse_framework(a.file.read_bytes(), a.file, entry)
    questions = sum(len(s.questions) for s in fw.standards)
    _say(
        f"{a.file}: a valid framework ({fw.id}: {len(fw.standards)} standards, {questions} key questions, "
        f"overall over {sum(1 for s in fw.standards if s.counted)} counted standards, 0-{fw.max_score}; in force "
        f"{fw.in_force.text if fw.in_force else 'dates not given'})"
    )
    return EXIT_OK


# --- paragraphs ---------------------------------------------------------------------------------


def cmd_paragraphs(a: argparse.Namespace) -> int:
    from panel_tui.core.paragraph import EVERY, MOVED, session_paragraphs
    from panel_tui.core.session import load_session

    session = load_session(a.path)
    if session.log_problem:
        _err(
            f"error: {session.log_path}: the decision log does not verify, so no decision stands to report: "
            f"{session.log_problem}. Fix: run panel-tui verify and resolve it first."
        )
        return EXIT_CHECK_FAILED
    kinds = EVERY if a.all else MOVED
    found = session_paragraphs(session, kinds)
    if a.json:
        st = session.log
        _json(
            {
                "format": PARAGRAPHS_FORMAT,
                "service": session.inspection.service,
                "framework": session.rating.framework.id,
                "all": bool(a.all),
                "head": st.head if st is not None and st.entries else None,
                "signed_off": bool(st and st.signed_off),
                "paragraphs": [
                    {
                        "standard": p.standard,
                        "name": p.name,
                        "kind": p.kind,
                        "seq": p.seq,
                        "from": p.before,
                        "to": p.after,
                        "text": p.text,
                    }
                    for p in found
                ],
            }
        )
        return EXIT_OK
    if session.log is None:
        _say("no decisions recorded: nothing to report")
        return EXIT_OK
    if not found:
        _say("no standing decision moved a band" + ("" if a.all else " (--all adds kept bands and ratifications)"))
        return EXIT_OK
    words = {"discretion": "professional discretion", "declined": "band kept", "ratification": "ratified"}
    for i, p in enumerate(found):
        if i:
            print()
        _say(f"{p.standard} {p.name}: {words[p.kind]}, {p.before} -> {p.after} (entry {p.seq})")
        _say(p.text)
    if not (session.log and session.log.signed_off):
        _err("note: the session is not signed off: these decisions may still change")
    return EXIT_OK


# --- new: the framework in force on the fieldwork date -----------------------------------------


def cmd_new_dated(a: argparse.Namespace) -> int:
    """`new` with --framework optional: without it, the framework in force on the fieldwork date;
    with it, a warning when that framework was not in force then."""
    from panel_tui.cli_data import cmd_new
    from panel_tui.core.new_session import choose_framework

    choice = choose_framework(a.framework, a.fieldwork, a.dir)
    a.framework = choice.framework.id
    code = cmd_new(a)
    if choice.picked:
        _say(choice.line)
    if choice.warning:
        _err(choice.warning)
    return code


def add_framework_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `framework` and `paragraphs`, and let `new` choose its framework by date (called once
    from cli.build_parser, after the data commands)."""
    s = sub.add_parser(
        "framework", help="the frameworks found (frameworks/ folders above, then bundled): list, show, check"
    )
    fsub = s.add_subparsers(dest="framework_command", metavar="ACTION", required=True)
    x = fsub.add_parser("list", help="every framework found: id, dates in force, name, file")
    x.add_argument(
        "dir",
        type=Path,
        nargs="?",
        default=Path("."),
        help="a session or folder: its frameworks/ folder and those above it are searched (default: here)",
    )
    x.add_argument("--json", action="store_true", help=f"machine-readable output (format {FRAMEWORK_FORMAT})")
    x.set_defaults(func=cmd_framework_list)
    x = fsub.add_parser(
        "show",
        help="one framework: standards, key questions, samples, bands, triggers, quorum, provenance, dates in force",
    )
    x.add_argument("id", help="framework id, e.g. hmip-yjs-2021")
    x.add_argument("dir", type=Path, nargs="?", default=Path("."), help="where to look from (default: here)")
    x.add_argument("--json", action="store_true", help=f"machine-readable output (format {FRAMEWORK_FORMAT})")
    x.set_defaults(func=cmd_framework_show)
    x = fsub.add_parser("check", help="check a framework file (or an in_force.toml): exit 0, or 2 naming each problem")
    x.add_argument("file", type=Path)
    x.set_defaults(func=cmd_framework_check)

    s = sub.add_parser("paragraphs", help="the report's paragraph for every decision that stands")
    s.add_argument("path", type=Path, help="a session folder or its inspection.toml")
    s.add_argument("--all", action="store_true", help="also kept bands (declined) and ratifications")
    s.add_argument("--json", action="store_true", help=f"machine-readable output (format {PARAGRAPHS_FORMAT})")
    s.set_defaults(func=cmd_paragraphs)

    new = sub.choices.get("new")
    if new is not None:
        for action in new._actions:
            if action.dest == "framework":
                action.required = False
                action.help = (
                    "framework id; left out: the one in force on the fieldwork date (panel-tui framework list)"
                )
        new.set_defaults(func=cmd_new_dated)
