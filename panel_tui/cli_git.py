"""Command line for sessions shared through git: `sync`, `verify --against`, and the commit after a record.

The rules live in panel_tui.core.gitstore; this module only parses arguments and prints. Progress
goes to stderr so stdout stays for results.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _err(line: str) -> None:
    from panel_tui.core.display import visible

    print(f"panel-tui: {visible(line, keep_newlines=True)}", file=sys.stderr)


def prepare_clone(path: Path) -> None:
    """Before a session is read: in a clone panel-tui has not run in yet, keep git's conversions off
    the record files, and undo any a committed .gitattributes made at checkout (verify notes it)."""
    from panel_tui.core.gitstore import GitFailed, ensure_ignored, work_tree

    try:
        root = work_tree(path if path.is_dir() else path.parent)
        if root is not None:
            ensure_ignored(root)
    except (OSError, GitFailed):
        pass  # a read-only clone: the readers judge what is there


NOT_CHECKED = (
    "the log may verify on its own, but a commit that dropped or changed an entry could not be seen. "
    "Fix: let git read this repository's whole history (`git status` there shows what git objects to), "
    "then verify again"
)


def git_verify(session_dir: Path, against: str | None) -> tuple[list[str], list[str]]:
    """The git checks of `verify`: (failure lines, notes); outside git, nothing to check. A git step
    that fails after the history check (objects missing: a `clone --shared` whose store moved) fails
    verify with git's own words, as the audit and export say it, never a traceback."""
    from panel_tui.core.gitstore import GitFailed

    try:
        return _git_verify(session_dir, against)
    except GitFailed as exc:
        return [
            f"{session_dir}: history unreadable: {exc}. Fix: repair the repository (`git fsck` names what is "
            "missing) or clone it again; the log's committed versions could not be checked"
        ], []


def _git_verify(session_dir: Path, against: str | None) -> tuple[list[str], list[str]]:
    from panel_tui.core.gitstore import GitFailed, check_against, check_history, committed, sign_off_tag_problems
    from panel_tui.core.gitstore.trust import unchecked_reason

    why = unchecked_reason(session_dir)
    rel: str | None = None
    problems: list[Any] = []
    failures: list[str] = []
    if why:  # a check that cannot be made fails verify (exit 1) saying why; it is never called intact
        failures.append(f"{session_dir / 'decisions.toml'}: history not checked ({why}); {NOT_CHECKED}")
    else:
        try:
            rel, problems = check_history(session_dir)
        except GitFailed as exc:
            failures.append(f"{session_dir / 'decisions.toml'}: history unreadable: {exc.detail.splitlines()[0]}")
    failures += [p.line(rel or "decisions.toml") for p in problems if not p.accepted]
    if rel is not None:
        failures += sign_off_tag_problems(session_dir)
    from panel_tui.core.kept_aside import KEPT_ASIDE_FILE, load_kept_aside

    aside, aside_problem = load_kept_aside(session_dir)
    if aside_problem:
        failures.append(aside_problem)
    notes = []
    from panel_tui.core.display import visible
    from panel_tui.core.gitstore.run import RESTORED

    if RESTORED:
        notes.append(
            f"restored the committed bytes of {', '.join(visible(r) for r in RESTORED)}: a committed "
            ".gitattributes had converted them as git checked them out (line endings, ident's $Id$, an "
            "encoding or a filter); this clone now "
            "keeps git's conversions off the record files (.git/info/attributes)"
        )
    unseen = rel is not None and not failures and not committed(session_dir, rel)
    elsewhere = held_elsewhere_of(session_dir, rel) if unseen and rel is not None else None
    if elsewhere:  # HEAD never had this log, another branch does: the working file is judged by nothing
        failures.append(
            f"{rel}: history not checked (HEAD's history has no version of this log, but commit {elsewhere} "
            f"does: check out the branch that holds it); {NOT_CHECKED}"
        )
    elif rel is not None and not failures and not committed(session_dir, rel):
        notes.append(f"history in git: {rel} is not committed yet (`panel-tui sync` commits it)")
    elif rel is not None and not failures:
        notes.append(f"history in git: every committed version of {rel} verifies and extends the one before it")
        notes += accepted_lines(problems)
    elif rel is not None:
        notes += accepted_lines(problems)
    if aside:
        from panel_tui.core.kept_aside import dismissed_on_disk

        dismissed = dismissed_on_disk(session_dir)  # the log was read in full by verify's caller
        pending = [k for k in aside if k.hash not in dismissed]
        notes.append(
            f"{len(aside)} entr{'y' if len(aside) == 1 else 'ies'} kept aside in {KEPT_ASIDE_FILE}, "
            f"{len(aside) - len(pending)} dismissed"
            + (
                f"; {len(pending)} for the panel to settle (`panel-tui log` lists them): "
                + "; ".join(k.line() for k in pending[:3])
                + (" …" if len(pending) > 3 else "")
                if pending
                else ""
            )
        )
    if against and not why:
        problem = check_against(session_dir, against)  # InputError (exit 2) for a bad REF
        if problem:
            failures.append(problem)
        else:
            notes.append(f"extends {against}'s log")
    return failures, notes


def accepted_lines(problems: list[Any]) -> list[str]:
    """Rewrites accepted on the record, one line per reason, naming every commit and what it did
    (never hidden: an acceptance is a statement an auditor reads)."""
    from panel_tui.core.display import one_line

    by_reason: dict[str, dict[str, str]] = {}
    for p in problems:
        if p.accepted:
            by_reason.setdefault(p.accepted, {}).setdefault(p.commit[:10], one_line(p.problem, 70))
    return [
        f"but {len(shas)} rewrite{'s' if len(shas) != 1 else ''} accepted on the record in "
        f".panel-tui-accepted.toml ({reason}): " + "; ".join(f"{sha} {what}" for sha, what in shas.items())
        for reason, shas in by_reason.items()
    ]


def held_elsewhere_of(session_dir: Path, rel: str) -> str | None:
    """A commit on another branch holding the log HEAD's history lacks (see trust.held_elsewhere)."""
    from panel_tui.core.gitstore import work_tree
    from panel_tui.core.gitstore.trust import held_elsewhere

    root = work_tree(session_dir)
    return held_elsewhere(root, rel) if root is not None else None


def gone(session_dir: Path) -> Any:
    """Where a missing log went, if git history holds one (see gitstore.deleted), else None."""
    from panel_tui.core.gitstore import GitFailed
    from panel_tui.core.gitstore.deleted import deleted_log

    try:
        return deleted_log(session_dir)
    except GitFailed:
        return None  # history unreadable: nothing to name here


def no_log(session_dir: Path, log_path: Path, as_json: bool, json_format: str) -> int:
    """`panel-tui log` on a session with no decisions.toml: "no decisions recorded yet" (exit 0), or,
    when git history holds a log here, the commit that deleted it and how to bring it back (exit 1)."""
    import json

    from panel_tui.core.display import visible

    found = gone(session_dir)
    problem = f"{found.line()}. Fix: {found.fix()}." if found else "no log"
    if as_json:
        doc: dict[str, Any] = {"format": json_format, "log": None, "entries": [], "verified": False, "problem": problem}
        print(json.dumps({**doc, "proposals": [], "kept_aside": []}))
    if found:
        print(f"panel-tui: {visible(str(log_path))}: {visible(problem)}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    if not as_json:
        print(f"{visible(str(log_path))}: no decisions recorded yet.")
    return EXIT_OK


def cmd_sync(a: argparse.Namespace) -> int:
    from panel_tui.core.gitstore import GitFailed, sync

    try:
        sync(a.path, replay=a.replay, progress=lambda line: _err(line), passthrough=True, prompt=True)
    except GitFailed as exc:  # a git step no rule of ours foresaw: its own words, and nothing is lost
        _err(
            f"error: {exc.command} failed: {exc.detail} Recorded entries are on disk and in your commits; "
            "fix what git names, then run `panel-tui sync` again."
        )
        return EXIT_BAD_INPUT
    return EXIT_OK


def add_git_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser("sync", help="pull (fast-forward only) and push the git repository holding PATH")
    s.add_argument("path", type=Path, nargs="?", default=Path("."), help="a session or any folder in the repository")
    s.add_argument(
        "--replay",
        action="store_true",
        help="when logs diverged: re-record this side's entries after the remote's, then push",
    )
    s.set_defaults(func=cmd_sync)
    verify = sub.choices.get("verify")
    if verify is not None:
        verify.add_argument(
            "--against", metavar="REF", help="in git: check the log extends the one at REF (e.g. origin/main)"
        )
