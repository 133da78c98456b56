"""Command-line subcommands that write and read the decision log (one per entry kind)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2
LOG_JSON_FORMAT = "panel-tui/log/3"  # /3 adds kept_aside and kept_aside_problem (docs/formats.md)


def _say(text: str, err: bool = False) -> None:
    """One line to the terminal; a path or a value from a file cannot steer it (control chars shown)."""
    from panel_tui.core.display import visible

    print(visible(text), file=sys.stderr if err else sys.stdout)


def _record(args: argparse.Namespace, kind: str, fields: dict[str, Any]) -> int:
    from panel_tui.core.record import record

    def on_disk(entries: list[dict[str, Any]]) -> None:  # said before the commit: the entry is safe
        e = entries[0]
        print(f"recorded entry {e['seq']} ({kind}) hash {e['hash']}")

    if getattr(args, "entered_by", None):  # who types it in, when not the one who decides (format 3)
        fields = {**fields, "entered_by": args.entered_by}
    done = record(args.path, kind, fields, expect_head=args.expect_head, on_disk=on_disk)
    _report_commit(done.git, done.entry)  # issue 14: committed when the session is in git
    return EXIT_OK


def _report_commit(outcome: Any, entry: dict[str, Any]) -> None:
    """What happened in git once the entries were on disk (outside git: nothing to say)."""
    from panel_tui.core.display import visible

    if outcome.status == "committed":
        print(visible(outcome.message))
    elif outcome.failed:
        line = f"warning: entry {entry.get('seq')} is recorded, but {outcome.message}"
        print(f"panel-tui: {visible(line, keep_newlines=True)}", file=sys.stderr)


def cmd_decide(a: argparse.Namespace) -> int:
    return _record(
        a,
        "discretion",
        {
            "standard": a.standard,
            "to": a.to,
            "rationale": a.rationale,
            "by": a.by,
            "other_evidence": a.other_evidence,
            "outside_reason": a.outside_criteria,
        },
    )


def cmd_decline(a: argparse.Namespace) -> int:
    return _record(a, "declined", {"standard": a.standard, "reason": a.reason, "by": a.by})


def cmd_ratify(a: argparse.Namespace) -> int:
    if a.all_proposed:
        return _ratify_all(a)
    if not a.standard:
        from panel_tui.core.errors import InputError

        raise InputError(
            None,
            "ratify",
            "name a standard (--standard ID) or ratify every remaining one as proposed (--all-proposed).",
            "add --standard or --all-proposed.",
        )
    return _record(a, "ratification", {"standard": a.standard, "to": a.to, "reason": a.reason, "by": a.by})


def _ratify_all(a: argparse.Namespace) -> int:
    """Every judgement standard not yet ratified, as proposed: one entry each, in one write."""
    from panel_tui.core.agenda import to_ratify
    from panel_tui.core.record import record_all
    from panel_tui.core.session import load_session

    session = load_session(a.path)
    state = session.log if not session.log_problem else None
    who = {"entered_by": a.entered_by} if getattr(a, "entered_by", None) else {}
    todo = [("ratification", {"standard": sid, "by": a.by, **who}) for sid in to_ratify(state, session.rating)]
    if not todo:
        print("nothing to ratify: every judgement standard is ratified already")
        return EXIT_OK

    def on_disk(entries: list[dict[str, Any]]) -> None:
        for e in entries:
            print(f"recorded entry {e['seq']} (ratification {e['standard']} {e['to']}) hash {e['hash']}")

    done = record_all(session.dir, todo, expect_head=a.expect_head, on_disk=on_disk)
    _report_commit(done.git, done.entry)  # issue 14: one commit for the one all-or-nothing write
    return EXIT_OK


def cmd_propose(a: argparse.Namespace) -> int:
    """A case-based standard: a proposal entry in the log. A judgement standard: its case (band,
    rationale, evidence) written into inspection.toml, while no decision log freezes it (issue 24)."""
    from panel_tui.core.inspection import load_inspection

    fs = load_inspection(a.path).framework.standard(a.standard)
    if fs is not None and fs.kind == "judgement":
        from panel_tui.core.display import visible
        from panel_tui.core.judgement_case import set_judgement_case

        insp = set_judgement_case(a.path, a.standard, a.to, a.rationale, a.evidence)
        print(
            visible(
                f"wrote the case for {a.standard} (proposed {insp.standards[a.standard].proposed}) into "
                f"{insp.path}: the panel sees it in the evidence pane and the ratify form"
            )
        )
        return EXIT_OK
    if a.evidence:
        from panel_tui.core.errors import InputError

        raise InputError(
            a.path,
            None,
            f"--evidence is for a judgement standard's case; {a.standard} is case-based.",
            "put the evidence in --rationale: the proposal entry holds one text.",
        )
    return _record(a, "proposal", {"standard": a.standard, "to": a.to, "rationale": a.rationale, "by": a.by})


def cmd_attend(a: argparse.Namespace) -> int:
    from panel_tui.core.people import find_register, unknown_warning

    code = _record(a, "attendance", {"chair": a.chair, "members": a.member or [], "by": a.by or a.chair})
    warning = unknown_warning([a.chair, *(a.member or [])], find_register(a.path))  # read (and checked) by the write
    if warning:
        _say(f"panel-tui: {warning}", err=True)
    return code


def cmd_retract(a: argparse.Namespace) -> int:
    return _record(a, "retraction", {"retracts": a.seq, "reason": a.reason, "by": a.by})


def cmd_sign_off(a: argparse.Namespace) -> int:
    return _record(a, "sign-off", {"by": a.by})


def cmd_reopen(a: argparse.Namespace) -> int:
    return _record(a, "reopen", {"reason": a.reason, "by": a.by})


def cmd_dissent(a: argparse.Namespace) -> int:
    return _record(a, "dissent", {"member": a.member, "about": a.about, "reason": a.reason, "by": a.by or a.member})


def cmd_dismiss(a: argparse.Namespace) -> int:
    """Dismiss an entry a replay kept aside (format 3): named by its hash, or a unique prefix of it."""
    from panel_tui.core.errors import InputError
    from panel_tui.core.inspection import resolve_inspection_path
    from panel_tui.core.kept_aside import load_kept_aside, resolve_kept_aside

    items, problem = load_kept_aside(resolve_inspection_path(a.path).parent)  # a changed entry: the rules refuse it
    if problem and not items:  # the file does not read: not "this session has none"
        raise InputError(None, None, problem)
    return _record(
        a, "dismissal", {"kept_aside": resolve_kept_aside(items, a.kept_aside), "reason": a.reason, "by": a.by}
    )


def cmd_verify(a: argparse.Namespace) -> int:
    from panel_tui.cli_git import prepare_clone
    from panel_tui.core.log import check_head
    from panel_tui.core.session import load_session

    prepare_clone(Path(a.path))
    session = load_session(a.path)
    log_path, state = session.log_path, session.log
    if state is None:
        from panel_tui.cli_git import gone

        found = gone(session.dir)
        why = f"{found.line()}. Fix: {found.fix()}." if found else "no decisions.toml in this session."
        _say(f"panel-tui: {log_path}: missing log: {why}", err=True)
        return EXIT_CHECK_FAILED
    from panel_tui.cli_git import git_verify  # issue 14: the log's history in git, and --against REF

    git_failures, git_notes = git_verify(session.dir, getattr(a, "against", None))
    if state.problem:
        _say(f"panel-tui: verify failed: {state.problem}", err=True)
        for line in git_failures:
            _say(f"panel-tui: verify failed: {line}", err=True)
        return EXIT_CHECK_FAILED
    if a.head:
        problem = check_head(state, a.head)
        if problem:
            _say(f"panel-tui: verify failed: {log_path}: {problem}", err=True)
            return EXIT_CHECK_FAILED
    for line in git_failures:
        _say(f"panel-tui: verify failed: {line}", err=True)
    if git_failures:
        return EXIT_CHECK_FAILED
    n = len(state.entries)
    status = f"signed off at entry {state.sign_off_seq}" if state.signed_off else "not signed off"
    _say(f"{log_path}: intact, {n} entr{'y' if n == 1 else 'ies'}, head {state.head}, {status}")
    from panel_tui.core.framework.session_copy import rules_note

    note = rules_note(session.inspection.framework, session.dir)
    if note:
        _say(f"  {note}")
    for line in git_notes:
        _say(f"  {line}")
    return EXIT_OK


def cmd_log(a: argparse.Namespace) -> int:
    from panel_tui.core.session import load_session

    session = load_session(a.path)
    log_path, state = session.log_path, session.log
    if state is None:  # no decisions yet, or a log git history holds was deleted (then exit 1)
        from panel_tui.cli_git import no_log

        return no_log(session.dir, log_path, a.json, LOG_JSON_FORMAT)
    from panel_tui.core.kept_aside import dismissal, dismissed_line, load_kept_aside, pending_count

    aside, aside_problem = load_kept_aside(session.dir)
    if a.json:
        doc = {
            "format": LOG_JSON_FORMAT,
            "log": state.header,
            "entries": state.entries,
            "effective": [e["seq"] for e in state.entries if state.is_effective(e)],
            "verified": state.problem is None,
            "problem": state.problem,
            "head": state.head,
            "signed_off": state.signed_off,
            "proposals": [
                {
                    "seq": e["seq"],
                    "standard": e.get("standard"),
                    "to": e.get("to"),
                    "by": e.get("by"),
                    "outcome": state.outcome_of(e),
                    "answered_by": (state.answer_to(e) or {}).get("seq"),
                }
                for e in state.entries
                if e["kind"] == "proposal"
            ],
            "kept_aside": [
                {
                    "at": k.at,
                    "reason": k.reason,
                    "replayed_onto": k.replayed_onto,
                    "intact": k.intact,
                    "entry": k.entry,
                    "dismissed_by": (dismissal(k, state) or {}).get("seq"),
                }
                for k in aside
            ],
            "kept_aside_problem": aside_problem,
        }
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        from panel_tui.cli_render import make_console, render_log

        render_log(make_console(), state, session.rating.framework.panel.timezone)
        if aside:
            pending, done = pending_count(aside, state)
            _say(
                f"{len(aside)} entr{'y' if len(aside) == 1 else 'ies'} kept aside in decisions.refused.toml, outside "
                f"the chain ({pending} for the panel to settle, {done} dismissed):"
            )
            for k in aside:
                d = dismissal(k, state)
                _say(f"  {'✓' if d else '⚑'} {k.line()}; " + (dismissed_line(d) if d else f"pending ({k.hash[:12]})"))
            if pending:
                _say(
                    "Settle each pending one by recording its decision knowingly, or dismiss it: panel-tui dismiss "
                    "PATH --kept-aside HASH --reason TEXT --by NAME"
                )
    if state.problem or aside_problem:
        _say(f"panel-tui: verify failed: {state.problem or aside_problem}", err=True)
        return EXIT_CHECK_FAILED
    return EXIT_OK


def add_log_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from panel_tui.cli import head_arg

    def p(
        name: str, func: Callable[[argparse.Namespace], int], help: str, by_required: bool = True
    ) -> argparse.ArgumentParser:
        s = sub.add_parser(name, help=help)
        s.add_argument("path", type=Path)
        s.add_argument("--by", required=by_required, help="who makes this entry")
        s.add_argument(
            "--entered-by",
            metavar="NAME",
            dest="entered_by",
            help="who is typing this entry in, when not the one named by --by (default: "
            "PANEL_TUI_ENTERED_BY, else git's user.name in the session's clone, else the login name); "
            "recorded in format-3 logs",
        )
        s.add_argument(
            "--expect-head",
            metavar="HASH",
            type=head_arg,
            help="the head this entry was prepared on (the last entry's hash, the [log] table's hash for "
            "an empty log, or 'none' when there is no log yet); refused if the log has moved on",
        )
        s.set_defaults(func=func)
        return s

    s = p("decide", cmd_decide, "record professional discretion (one band step)")
    s.add_argument("--standard", required=True)
    s.add_argument("--to", required=True, help="the band after discretion")
    s.add_argument("--rationale", required=True)
    s.add_argument("--other-evidence", help="other compelling evidence (required for small-sample standards)")
    s.add_argument("--outside-criteria", metavar="REASON", help="go ahead where no flag supports this direction")

    s = p("decline", cmd_decline, "record that the panel considered a flagged standard and kept its band")
    s.add_argument("--standard", required=True)
    s.add_argument("--reason", required=True)

    s = p("ratify", cmd_ratify, "confirm (or change) a judgement standard's proposed band")
    s.add_argument("--standard")
    s.add_argument(
        "--all-proposed",
        action="store_true",
        help="ratify every judgement standard not yet ratified, as proposed (one entry each, one write)",
    )
    s.add_argument("--to", help="the band, when changing the proposed one")
    s.add_argument("--reason")

    s = p(
        "propose",
        cmd_propose,
        "the lead inspector's case: a discretion proposal in the log (case-based), or a "
        "judgement standard's band, rationale and evidence in inspection.toml (before the log begins)",
    )
    s.add_argument("--standard", required=True)
    s.add_argument("--to", required=True)
    s.add_argument("--rationale", required=True)
    s.add_argument("--evidence", help="judgement standards: what the proposed band rests on")

    s = p("attend", cmd_attend, "record the chair and members present", by_required=False)
    s.add_argument("--chair", required=True)
    s.add_argument("--member", action="append", help="repeat for each member")

    s = p("retract", cmd_retract, "withdraw an earlier entry (nothing is deleted)")
    s.add_argument("--seq", type=int, required=True)
    s.add_argument("--reason", required=True)

    p("sign-off", cmd_sign_off, "seal the session with its final ratings")

    s = p("reopen", cmd_reopen, "reopen a signed-off session")
    s.add_argument("--reason", required=True)

    s = p("dissent", cmd_dissent, "record a member's dissent", by_required=False)
    s.add_argument("--member", required=True)
    s.add_argument("--about", type=int, help="the entry dissented from")
    s.add_argument("--reason", required=True)

    s = p("dismiss", cmd_dismiss, "dismiss an entry a sync kept aside, with a reason (format-3 logs)")
    s.add_argument(
        "--kept-aside",
        metavar="HASH",
        dest="kept_aside",
        required=True,
        help="the kept-aside entry's hash, or at least its first 12 hex digits (`panel-tui log` lists them)",
    )
    s.add_argument("--reason", required=True)

    s = sub.add_parser("verify", help="verify a session's decision log")
    s.add_argument("path", type=Path)
    s.add_argument("--head", type=head_arg, help="a head hash recorded elsewhere (minutes, exported record)")
    s.set_defaults(func=cmd_verify)

    s = sub.add_parser("log", help="show a session's decision log")
    s.add_argument("path", type=Path)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_log)
